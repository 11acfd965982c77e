"""The sections the digest can build from the foundation's data: who joined, which
organisations joined, and changes to people and roles (from the audit log). People and
organisations are summarised with the newest few named: the lists are pages in the browser.

They come last (order 900+); the areas' own sections (sprints, backlog, needs, decisions)
come first. See app/digests/registry.py for how to add one.
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.digests.registry import (DigestContext, Figure, Item, Section, digest_section,
                                  first_rows)
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.forms import PARTICIPATION_LABELS, ROLE_LABELS
from app.projects.models import Membership, MembershipRole, ProjectOrganisation, Role

GOVERNANCE_ROLES = {Role.STEERING, Role.SECRETARIAT, Role.PRODUCT_OWNER, Role.DELIVERY_LEAD}
PEOPLE_ACTIONS = ("project.roles_changed", "project.member_removed")


def role_list(roles) -> str:
    return ", ".join(str(ROLE_LABELS.get(r, r)) for r in sorted(roles))


def _in_period(column, ctx: DigestContext):
    return (column >= ctx.period_start) & (column < ctx.period_end)


def _joined_summary(members: int, organisations: int) -> str:
    return _("%(members)s from %(organisations)s",
             members=ngettext("%(num)d new member", "%(num)d new members", members),
             organisations=ngettext("%(num)d organisation", "%(num)d organisations",
                                    organisations))


@digest_section("members_joined", order=900, shared=True)
def members_joined(ctx: DigestContext) -> Section | None:
    """People who became members of the project in the period: how many, from how many
    organisations, and the newest few (the whole list is the members page)."""
    in_period = (Membership.project_id == ctx.project.id, _in_period(Membership.created_at, ctx))
    organisations = (select(func.count(distinct(User.organisation_id)))
                     .join(Membership, Membership.user_id == User.id).where(*in_period)
                     .scalar_subquery())
    # Plain columns and only the newest rows, counted in the same statement: a project's
    # start can bring hundreds of members in a week.
    rows = db.session.execute(
        select(Membership.id, User.name, Organisation.name, func.count().over(), organisations)
        .join(User, User.id == Membership.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(*in_period)
        .order_by(Membership.created_at.desc(), Membership.id.desc()).limit(ctx.limit)).all()
    if not rows:
        return None
    roles: dict[int, set[str]] = {}
    for membership_id, role in db.session.execute(
            select(MembershipRole.membership_id, MembershipRole.role)
            .where(MembershipRole.membership_id.in_([r[0] for r in rows]))):
        roles.setdefault(membership_id, set()).add(role)
    total, n_organisations = rows[0][3], rows[0][4]
    return Section(
        title=_("New members"),
        summary=_joined_summary(total, n_organisations),
        items=[Item(text=f"{name} ({organisation})", meta=role_list(roles.get(mid, ())))
               for mid, name, organisation, _total, _orgs in rows],
        figures=[Figure(_("Joined"), total)], total=total,
        more_link=url_for("projects.members", key=ctx.project.key),
    )


@digest_section("organisations_joined", order=910, shared=True)
def organisations_joined(ctx: DigestContext) -> Section | None:
    """Organisations that started taking part in the project in the period: how many, and
    the newest few (the whole list is the project's organisations page)."""
    parts = db.session.execute(
        select(Organisation.name, ProjectOrganisation.kind, func.count().over())
        .join(Organisation, Organisation.id == ProjectOrganisation.organisation_id)
        .where(ProjectOrganisation.project_id == ctx.project.id,
               _in_period(ProjectOrganisation.created_at, ctx))
        .order_by(ProjectOrganisation.created_at.desc(), ProjectOrganisation.id.desc())
        .limit(ctx.limit)).all()
    if not parts:
        return None
    total = parts[0][2]
    labels = {kind: str(PARTICIPATION_LABELS.get(kind, kind)) for _name, kind, _n in parts}
    return Section(
        title=_("New organisations taking part"),
        summary=ngettext("%(num)d organisation started taking part.",
                         "%(num)d organisations started taking part.", total),
        items=[Item(text=name, status=labels[kind]) for name, kind, _n in parts], total=total,
        more_link=url_for("projects.organisations", key=ctx.project.key),
    )


def _describe(event: AuditEvent) -> Item:
    name = event.target_label or _("A former user")
    by = event.actor.name if event.actor else event.actor_label
    if event.action == "project.member_removed":
        text = _("%(name)s is no longer a member", name=name)
        detail = role_list(event.details.get("roles", []))
    else:
        text = _("%(name)s has new roles", name=name)
        changes = []
        if event.details.get("added"):
            changes.append(_("added: %(roles)s", roles=role_list(event.details["added"])))
        if event.details.get("removed"):
            changes.append(_("removed: %(roles)s", roles=role_list(event.details["removed"])))
        detail = "; ".join(changes)
    meta = _("%(detail)s (by %(actor)s)", detail=detail, actor=by) if by else detail
    return Item(text=text, meta=meta)


@digest_section("people_changes", roles=GOVERNANCE_ROLES, order=920, shared=True)
def people_changes(ctx: DigestContext) -> Section | None:
    """Roles changed and members removed in the period, from the audit log."""
    events, total = first_rows(
        select(AuditEvent).where(AuditEvent.project_id == ctx.project.id,
                                 AuditEvent.action.in_(PEOPLE_ACTIONS),
                                 _in_period(AuditEvent.created_at, ctx))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()), ctx.limit)
    if not events:
        return None
    return Section(title=_("Changes to people and roles"), items=[_describe(e) for e in events],
                   total=total, more_link=url_for("projects.members", key=ctx.project.key))
