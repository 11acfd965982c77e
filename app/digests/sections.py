"""The sections the digest can build from the foundation's data: who joined, which
organisations joined, and changes to people and roles (from the audit log).

They come last (order 900+); the areas' own sections (sprints, backlog, needs, decisions)
come first. See app/digests/registry.py for how to add one.
"""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.digests.registry import DigestContext, Figure, Item, Section, digest_section
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


@digest_section("members_joined", order=900, shared=True)
def members_joined(ctx: DigestContext) -> Section | None:
    """People who became members of the project in the period."""
    # Plain columns, one row per role: a project's start can bring hundreds of members in a
    # week, and mapped Membership, User and Organisation objects cost ten times as much.
    rows = db.session.execute(
        select(Membership.id, User.name, Organisation.name, MembershipRole.role)
        .join(User, User.id == Membership.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.project_id == ctx.project.id, _in_period(Membership.created_at, ctx))
        .order_by(Membership.created_at, Membership.id)).all()
    if not rows:
        return None
    joined: dict[int, tuple[str, set[str]]] = {}
    for membership_id, name, organisation, role in rows:
        text, roles = joined.setdefault(membership_id, (f"{name} ({organisation})", set()))
        if role is not None:
            roles.add(role)
    metas: dict[frozenset[str], str] = {}  # a few role combinations: translate each once
    items = []
    for text, roles in joined.values():
        key = frozenset(roles)
        if key not in metas:
            metas[key] = role_list(key)
        items.append(Item(text=text, meta=metas[key]))
    return Section(
        title=_("New members"), items=items,
        figures=[Figure(_("Joined"), len(joined))],
        more_link=url_for("projects.members", key=ctx.project.key),
    )


@digest_section("organisations_joined", order=910, shared=True)
def organisations_joined(ctx: DigestContext) -> Section | None:
    """Organisations that started taking part in the project in the period."""
    parts = db.session.execute(
        select(Organisation.name, ProjectOrganisation.kind)
        .join(Organisation, Organisation.id == ProjectOrganisation.organisation_id)
        .where(ProjectOrganisation.project_id == ctx.project.id,
               _in_period(ProjectOrganisation.created_at, ctx))
        .order_by(ProjectOrganisation.created_at, ProjectOrganisation.id)).all()
    if not parts:
        return None
    labels = {kind: str(PARTICIPATION_LABELS.get(kind, kind)) for _name, kind in parts}
    return Section(
        title=_("New organisations taking part"),
        items=[Item(text=name, status=labels[kind]) for name, kind in parts],
        more_link=url_for("my.overview", key=ctx.project.key),
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
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.project_id == ctx.project.id,
                                 AuditEvent.action.in_(PEOPLE_ACTIONS),
                                 _in_period(AuditEvent.created_at, ctx))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at)).all()
    if not events:
        return None
    return Section(title=_("Changes to people and roles"), items=[_describe(e) for e in events],
                   more_link=url_for("projects.members", key=ctx.project.key))
