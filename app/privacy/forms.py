"""The erasure form: an explicit confirmation, and whether the person's texts go too."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired


class EraseForm(FlaskForm):
    erase_texts = BooleanField(
        _l("Also erase their texts"),
        description=_l("Their comments, notes, the texts of the needs they submitted and their "
                       "co-sponsorship notes are replaced by “[erased]”. Without this, the texts "
                       "stay under the anonymised name."))
    confirm = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[InputRequired(_l("Tick the box to confirm the erasure."))])
