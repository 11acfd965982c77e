"""A person's data for themself (/settings) and for site administrators (/admin/users/<id>)."""
import json

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.database import utcnow
from app.extensions import db
from app.privacy import erasure, personal_data
from app.privacy.forms import EraseForm
from app.projects.loaders import administered_user_or_404
from app.web import redirect_with, submit

bp = Blueprint("privacy", __name__)


def _download(user: User) -> Response:
    """The person's data as a JSON attachment; the audit record is committed first."""
    data = personal_data.export_for(user, current_user._get_current_object())
    db.session.commit()
    name = f"samspil-personal-data-{user.id}-{utcnow().date().isoformat()}.json"
    response = Response(json.dumps(data, ensure_ascii=False, indent=2),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/settings/personal-data")
@login_required
def my_data():
    """Download everything Samspil holds about me (GDPR Art. 15)."""
    return _download(current_user._get_current_object())


@bp.get("/admin/users/<int:user_id>/personal-data")
@login_required
def user_data(user_id):
    """A site administrator downloads a person's data (recorded: who looked at whom)."""
    return _download(administered_user_or_404(user_id))


def _erase_page(user: User, form: EraseForm, status: int = 200):
    problem = erasure.erasure_problem(user, current_user)
    return render_template("privacy/erase.html", user=user, form=form, problem=problem,
                           former_name=erasure.former_name(user.id)), status


@bp.get("/admin/users/<int:user_id>/erase")
@login_required
def erase_form(user_id):
    """What erasing the person does, and the confirmation."""
    return _erase_page(administered_user_or_404(user_id), EraseForm())


@bp.post("/admin/users/<int:user_id>/erase")
@login_required
def erase(user_id):
    """Erase the person (GDPR Art. 17): the account is anonymised, never deleted."""
    user = administered_user_or_404(user_id)
    form = EraseForm()
    outcome = submit(form, lambda: erasure.erase(user, current_user._get_current_object(),
                                                 erase_texts=form.erase_texts.data),
                     field="confirm")
    if not outcome.ok:
        return _erase_page(user, form, outcome.status)
    return redirect_with(_("The person is erased; the account is now %(name)s.",
                           name=erasure.former_name(user_id)),
                         url_for("users.show", user_id=user_id))
