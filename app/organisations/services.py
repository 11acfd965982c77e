"""Rules for creating and changing organisations."""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.audit.services import record
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.municipalities import MUNICIPALITY_CODES, is_valid_cvr
from app.services import RuleViolation


def create_organisation(
    name: str, kind: str, municipality_code: int | None = None, cvr: str | None = None
) -> Organisation:
    """Create an organisation after checking its kind, code/CVR and uniqueness."""
    name = name.strip()
    if kind not in set(OrganisationKind):
        raise RuleViolation(_("Unknown kind of organisation."), "kind")
    # SQLite's lower() folds only ASCII: compare exactly too, so "Ærø" is found as "Ærø".
    if db.session.scalar(select(Organisation.id).where(or_(
            Organisation.name == name, func.lower(Organisation.name) == name.lower()))):
        raise RuleViolation(_("An organisation with this name already exists."), "name")
    if kind == OrganisationKind.MUNICIPALITY:
        if municipality_code not in MUNICIPALITY_CODES:
            raise RuleViolation(_("Not an official Danish municipality code."), "municipality_code")
        if db.session.scalar(
            select(Organisation.id).where(Organisation.municipality_code == municipality_code)
        ):
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
        if db.session.scalar(select(Organisation.id).where(Organisation.cvr == cvr)):
            raise RuleViolation(_("This CVR number is already registered."), "cvr")
    elif kind == OrganisationKind.VENDOR:
        raise RuleViolation(_("A vendor needs its CVR number."), "cvr")
    org = Organisation(name=name, kind=kind, municipality_code=municipality_code, cvr=cvr)
    db.session.add(org)
    db.session.flush()
    record("organisation.created", target=org, kind=kind)
    return org
