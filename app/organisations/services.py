"""Rules for creating and changing organisations."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.audit.labels import register_actions
from app.audit.services import record
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.municipalities import MUNICIPALITY_CODES, is_valid_cvr
from app.services import RuleViolation

register_actions({"organisation.changed": _l("Organisation changed")})


def _checked(name: str, kind: str, municipality_code, cvr, org: Organisation | None = None):
    """The cleaned (name, municipality code, CVR) after checking kind, code, CVR and that no
    other organisation has the same name, code or CVR; `org` is the one being changed."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_("Fill in this field."), "name")
    if kind not in set(OrganisationKind):
        raise RuleViolation(_("Unknown kind of organisation."), "kind")
    others = select(Organisation.id)
    if org is not None:
        others = others.where(Organisation.id != org.id)
    # SQLite's lower() folds only ASCII: compare exactly too, so "Ærø" is found as "Ærø".
    if db.session.scalar(others.where(or_(
            Organisation.name == name, func.lower(Organisation.name) == name.lower()))):
        raise RuleViolation(_("An organisation with this name already exists."), "name")
    if kind == OrganisationKind.MUNICIPALITY:
        if municipality_code not in MUNICIPALITY_CODES:
            raise RuleViolation(_("Not an official Danish municipality code."), "municipality_code")
        if db.session.scalar(others.where(Organisation.municipality_code == municipality_code)):
            raise RuleViolation(
                _("Municipality code %(code)s is already registered.", code=municipality_code),
                "municipality_code",
            )
    else:
        municipality_code = None
    cvr = (cvr or "").strip() or None
    if cvr is not None:
        if not is_valid_cvr(cvr):
            raise RuleViolation(_("Not a valid CVR number (eight digits)."), "cvr")
        if db.session.scalar(others.where(Organisation.cvr == cvr)):
            raise RuleViolation(_("This CVR number is already registered."), "cvr")
    elif kind == OrganisationKind.VENDOR:
        raise RuleViolation(_("A vendor needs its CVR number."), "cvr")
    return name, municipality_code, cvr


def create_organisation(
    name: str, kind: str, municipality_code: int | None = None, cvr: str | None = None
) -> Organisation:
    """Create an organisation after checking its kind, code/CVR and uniqueness."""
    name, municipality_code, cvr = _checked(name, kind, municipality_code, cvr)
    org = Organisation(name=name, kind=kind, municipality_code=municipality_code, cvr=cvr)
    db.session.add(org)
    db.session.flush()
    record("organisation.created", target=org, kind=kind)
    return org


def update_organisation(org: Organisation, name: str, kind: str, municipality_code=None,
                        cvr: str | None = None, requires_two_factor: bool | None = None,
                        requires_sso: bool | None = None) -> dict:
    """Change an organisation with the same checks as registering one; returns what changed
    (also recorded in the audit log)."""
    name, municipality_code, cvr = _checked(name, kind, municipality_code, cvr, org)
    new = {"name": name, "kind": kind, "municipality_code": municipality_code, "cvr": cvr}
    if requires_two_factor is not None:
        new["requires_two_factor"] = bool(requires_two_factor)
    if requires_sso is not None:
        new["requires_sso"] = bool(requires_sso)
    changed = {k: v for k, v in new.items() if getattr(org, k) != v}
    for key, value in changed.items():
        setattr(org, key, value)
    if changed:
        db.session.flush()
        record("organisation.changed", target=org, **changed)
    return changed
