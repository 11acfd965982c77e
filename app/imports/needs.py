"""Needs from a spreadsheet (CSV or XLSX): which column holds what (guessed from the header,
changed by a person), how each row becomes a need, and the import through the discovery
services in one transaction.

The submitting municipality must take part in the project; the submitter's e-mail names a
person only if they have an account in that municipality. A row with the same municipality
and title as a need already in the project (an earlier import) is skipped.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.discovery import services as discovery
from app.discovery.models import Need
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.models import Project, ProjectOrganisation
from app.services import RuleViolation, clean_text

PREVIEW_ROWS = 10

# The need's fields a column can fill, in the order the mapping step shows them.
FIELDS = {
    "title": _l("Title"),
    "background": _l("Background"),
    "desired_outcome": _l("Desired outcome"),
    "expected_value": _l("Expected value"),
    "assumptions": _l("Assumptions"),
    "risks": _l("Risks"),
    "out_of_scope": _l("Out of scope"),
    "organisation": _l("Submitting municipality"),
    "submitter": _l("Submitter's e-mail"),
}
REQUIRED = (*discovery.REQUIRED_FIELDS, "organisation")

# Header words that suggest a field (case-folded, Danish and English); exact names win over
# names that merely contain one of these.
GUESSES = {
    "title": ("titel", "title", "overskrift", "behov", "navn", "name", "summary", "emne"),
    "background": ("baggrund", "background", "beskrivelse", "description", "problem"),
    "desired_outcome": ("ønsket resultat", "ønsket effekt", "desired outcome", "outcome",
                        "resultat", "mål"),
    "expected_value": ("forventet værdi", "expected value", "gevinst", "værdi", "value",
                       "benefit"),
    "assumptions": ("antagelser", "assumptions", "forudsætninger"),
    "risks": ("risici", "risiko", "risks", "risk"),
    "out_of_scope": ("uden for scope", "out of scope", "afgrænsning", "ikke omfattet"),
    "organisation": ("kommune", "indsendt af", "municipality", "organisation", "organization"),
    "submitter": ("e-mail", "email", "mail", "kontakt", "contact", "submitter", "indsender"),
}


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.casefold()).split())


def guess_columns(header: list[str]) -> dict[str, int | None]:
    """field → column position, guessed from the header; each column is used once."""
    names = [_words(h) for h in header]
    taken: set[int] = set()
    guesses: dict[str, int | None] = {}
    for exact in (True, False):
        for name, words in GUESSES.items():
            if guesses.get(name) is not None:
                continue
            found = next((i for word in words for i, column in enumerate(names)
                          if i not in taken and (column == word if exact else word in column)),
                         None)
            if found is not None:
                taken.add(found)
            guesses[name] = found
    return guesses


def columns_from(header: list[str], form) -> dict[str, int | None]:
    """The mapping the form chose (`column-<field>` = a position or ""), else the guesses."""
    guesses = guess_columns(header)
    if not form or not any(f"column-{name}" in form for name in FIELDS):
        return guesses
    chosen = {}
    for name in FIELDS:
        value = str(form.get(f"column-{name}", ""))
        chosen[name] = int(value) if value.isdigit() and int(value) < len(header) else None
    return chosen


@dataclass
class PlannedNeed:
    line: int
    fields: dict[str, str]
    organisation: Organisation | None = None
    submitter: User | None = None
    submitter_email: str = ""
    problems: list[str] = field(default_factory=list)
    skipped: bool = False


@dataclass
class NeedPlan:
    header: list[str]
    columns: dict[str, int | None]
    rows: list[PlannedNeed]

    @property
    def missing_fields(self) -> list[str]:
        return [name for name in REQUIRED if self.columns.get(name) is None]

    @property
    def importable(self) -> list[PlannedNeed]:
        return [p for p in self.rows if not p.skipped and not p.problems]

    @property
    def refused(self) -> list[PlannedNeed]:
        return [p for p in self.rows if not p.skipped and p.problems]

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.rows if p.skipped)

    @property
    def unknown_submitters(self) -> int:
        return sum(1 for p in self.importable if p.submitter_email and p.submitter is None)

    @property
    def preview(self) -> list[PlannedNeed]:
        return [p for p in self.rows if not p.skipped][:PREVIEW_ROWS]


def _municipality_key(name: str) -> str:
    words = _words(name).removesuffix(" kommune").removesuffix(" municipality")
    return words.strip()


def _municipalities(project: Project) -> dict[str, Organisation]:
    """The project's participating municipalities by name (with or without "Kommune") and
    municipality code."""
    orgs = db.session.scalars(select(Organisation).join(
        ProjectOrganisation, ProjectOrganisation.organisation_id == Organisation.id)
        .where(ProjectOrganisation.project_id == project.id).order_by(Organisation.id))
    index: dict[str, Organisation] = {}
    for org in orgs:
        if not org.is_municipality:
            continue
        index.setdefault(_municipality_key(org.name), org)
        if org.municipality_code:
            index.setdefault(str(org.municipality_code), org)
    return index


def _plan_row(line: int, row: list[str], columns: dict, municipalities: dict) -> PlannedNeed:
    values = {name: clean_text(row[i]) if i is not None else "" for name, i in columns.items()}
    planned = PlannedNeed(line=line, fields={name: values.get(name, "")
                                             for name in discovery.MAX_LENGTH})
    planned.fields["title"] = " ".join(planned.fields["title"].split())
    for name in discovery.REQUIRED_FIELDS:
        if columns.get(name) is not None and not planned.fields[name]:
            planned.problems.append(_("%(field)s is empty.", field=FIELDS[name]))
    for name, limit in discovery.MAX_LENGTH.items():
        if len(planned.fields[name]) > limit:
            planned.problems.append(_("%(field)s is longer than %(n)d characters.",
                                      field=FIELDS[name], n=limit))
    org_name = values.get("organisation", "")
    if columns.get("organisation") is not None:
        planned.organisation = municipalities.get(_municipality_key(org_name))
        if not org_name:
            planned.problems.append(_("The submitting municipality is empty."))
        elif planned.organisation is None:
            planned.problems.append(_("%(name)s is not a municipality taking part in the "
                                      "project.", name=org_name))
    planned.submitter_email = values.get("submitter", "").strip()
    return planned


def _submitters(plan_rows: list[PlannedNeed]) -> None:
    emails = {p.submitter_email.casefold() for p in plan_rows if p.submitter_email}
    if not emails:
        return
    users = {u.email.casefold(): u for u in db.session.scalars(
        select(User).where(User.email.in_(sorted(emails)), User.is_active.is_(True)))}
    for planned in plan_rows:
        user = users.get(planned.submitter_email.casefold())
        if user is not None and planned.organisation is not None \
                and user.organisation_id == planned.organisation.id:
            planned.submitter = user


def plan_needs(project: Project, header: list[str], rows: list[list[str]],
               form=None) -> NeedPlan:
    """How every row becomes a need under the column mapping chosen in `form`, or guessed."""
    columns = columns_from(header, form)
    plan = NeedPlan(header=header, columns=columns, rows=[])
    municipalities = _municipalities(project)
    existing = {(org_id, title.casefold()) for org_id, title in db.session.execute(
        select(Need.organisation_id, Need.title).where(Need.project_id == project.id))}
    for line, row in enumerate(rows, start=2):
        planned = _plan_row(line, row, columns, municipalities)
        if planned.organisation is not None and planned.fields["title"]:
            seen = (planned.organisation.id, planned.fields["title"].casefold())
            planned.skipped = seen in existing
            existing.add(seen)
        plan.rows.append(planned)
    _submitters(plan.rows)
    return plan


def import_needs(project: Project, actor, plan: NeedPlan, skip_refused: bool = False,
                 filename: str = "") -> list[Need]:
    """Submit the plan's needs through the discovery services; refused (nothing written)
    while a required field has no column, or rows cannot be imported and are not skipped."""
    if plan.missing_fields:
        raise RuleViolation(_("Choose the columns for %(fields)s before importing.",
                              fields=", ".join(str(FIELDS[n]) for n in plan.missing_fields)),
                            "columns")
    if plan.refused and not skip_refused:
        raise RuleViolation(_("%(n)d rows cannot be imported. Correct the file, or choose to "
                              "skip them.", n=len(plan.refused)), "skip_refused")
    if not plan.importable:
        raise RuleViolation(_("There is nothing new to import: every row is already in the "
                              "project."), "file", status=409)
    needs = [discovery.import_need(project, actor, planned.organisation, planned.submitter,
                                   **planned.fields) for planned in plan.importable]
    record("needs.imported", project=project, actor=actor, target_label=filename,
           count=len(needs), skipped=plan.skipped or None, left_out=len(plan.refused) or None)
    return needs
