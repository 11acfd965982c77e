"""The archive page's forms: asking for an export (a button), and uploading one to import."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ExportForm(FlaskForm):
    pass


class ImportForm(FlaskForm):
    archive = FileField(
        _l("Archive to import (.zip)"),
        description=_l("A project archive made by Samspil (this or another installation). "
                       "It is imported only into an empty project, all of it or nothing."),
        validators=[FileRequired(_l("Choose the .zip file of a project archive."))])
