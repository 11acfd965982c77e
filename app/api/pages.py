"""The pages of the API: personal access tokens under Settings, and the API's description
for people (/api), which renders /api/v1/openapi.json."""
import json

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api import tokens
from app.api.forms import TokenForm
from app.api.spec import build_spec
from app.web import attempt, external_url, redirect_with, submit

bp = Blueprint("api_pages", __name__)


def _tokens_page(form: TokenForm, shown: str | None = None, status: int = 200):
    form.projects.choices = [(p.id, f"{p.key} – {p.name}")
                             for p in tokens.projects_for_tokens(current_user)]
    return render_template("api/tokens.html", form=form, tokens=tokens.tokens_of(current_user),
                           shown=shown), status


@bp.get("/settings/tokens")
@login_required
def tokens_index():
    """My personal access tokens, and the form to make one."""
    return _tokens_page(TokenForm())


@bp.post("/settings/tokens")
@login_required
def create_token():
    """Make a token and show it, this once."""
    form = TokenForm()
    _tokens_page(form)  # the choices, before validation
    outcome = submit(form, lambda: tokens.create_token(
        current_user, form.name.data, form.projects.data, form.can_write.data,
        form.expires_on.data)[1])
    if not outcome.ok:
        return _tokens_page(form, status=outcome.status)
    return _tokens_page(TokenForm(formdata=None), shown=outcome.value)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    """Revoke one of my tokens."""
    token = tokens.token_of(current_user, token_id)
    if token is None:
        abort(404)
    attempt(lambda: tokens.revoke_token(token, current_user))
    return redirect_with(_("The token %(name)s is revoked.", name=token.name),
                         url_for("api_pages.tokens_index"))


@bp.get("/api")
def docs():
    """The API's description for people, rendered from the OpenAPI document."""
    spec = build_spec(external_url("api.projects").rsplit("/", 1)[0])
    return render_template("api/docs.html", spec=spec, schemas=json_schemas(spec))


def json_schemas(spec: dict) -> dict[str, str]:
    return {name: json.dumps(schema, indent=2, ensure_ascii=False)
            for name, schema in spec["components"]["schemas"].items()}
