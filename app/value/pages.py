"""What the value pages show, gathered for their templates."""
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from app.clock import local_today
from app.discovery.queries import participating_municipalities
from app.extensions import db
from app.projects.models import Membership, Project
from app.value import coverage, queries
from app.value.forms import RATING_LABELS


def report_context(project) -> dict:
    """The steering group's report: realised against expected value, and needs coverage."""
    today = local_today()
    org_id = current_user.organisation_id
    total, rows = coverage.coverage_report(project, participating_municipalities(project), today)
    return {
        "project": project, "today": today, "report": queries.report(project),
        "coverage_rows": rows, "project_coverage": total,
        "waiting": queries.waiting_follow_ups(org_id, today, [project.id]),
        **labels(),
    }


def figure_text(value) -> str:
    """A measured figure as the reader writes numbers: "2,5" in Danish."""
    if value is None:
        return ""
    return format_decimal(value, format="0.##", locale=str(get_locale() or "da"))


def labels() -> dict:
    return {"rating_labels": RATING_LABELS, "figure_text": figure_text,
            "outcome_labels": coverage.OUTCOME_LABELS, "outcomes": list(coverage.OUTCOMES)}


def my_coverage_context(user) -> dict:
    """The user's municipality's coverage in each of the user's projects, and its follow-ups."""
    today = local_today()
    projects = list(db.session.scalars(
        select(Project).join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id).order_by(Project.name)))
    org = user.organisation
    is_municipality = bool(org and org.is_municipality)
    ids = [p.id for p in projects]
    rows = ([(p, coverage.municipality_coverage(p, org.id, today)) for p in projects]
            if is_municipality else [])
    return {
        "organisation": org, "is_municipality": is_municipality, "today": today,
        "rows": rows, "table_rows": [(f"{p.name} ({p.key})", cov) for p, cov in rows],
        "waiting": queries.waiting_follow_ups(org.id, today, ids) if is_municipality else [],
        "upcoming": queries.upcoming_follow_ups(org.id, today, ids) if is_municipality else [],
        **labels(),
    }
