"""Digest rules: who subscribes to what, unsubscribe tokens, and rendering a digest."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import load_only

from app.database import utcnow
from app.digests.models import (DeliveryState, DigestDelivery, DigestSubscription, Frequency,
                                new_nonce)
from app.digests.registry import DigestContext, Section, SectionCache, build_sections
from app.digests.schedule import SendSettings, default_period_length, next_send_at
from app.extensions import db
from app.i18n import format_day
from app.projects.models import Membership, Project, Role
from app.services import RuleViolation

UNSUBSCRIBE_SALT = "digest-unsubscribe"
WEEKLY_BY_DEFAULT = frozenset({Role.STEERING, Role.PRODUCT_OWNER})


def default_frequency(roles) -> Frequency:
    """Steering members and product owners get the weekly digest unless they choose otherwise."""
    return Frequency.WEEKLY if WEEKLY_BY_DEFAULT & set(roles) else Frequency.OFF


def subscription_of(user_id: int, project_id: int) -> DigestSubscription | None:
    return db.session.scalar(select(DigestSubscription).where(
        DigestSubscription.user_id == user_id, DigestSubscription.project_id == project_id))


def effective_frequency(user, project, roles) -> tuple[Frequency, bool]:
    """The user's frequency for the project and whether it is the role's default."""
    row = subscription_of(user.id, project.id)
    if row is None:
        return default_frequency(roles), True
    return Frequency(row.frequency), False


@dataclass
class SubscriptionRow:
    project: Project
    roles: frozenset[str]
    frequency: Frequency
    is_default: bool


def subscriptions_for(user) -> list[SubscriptionRow]:
    """One row per project the user is a member of, with the frequency in force."""
    memberships = db.session.scalars(
        select(Membership).join(Membership.project).where(Membership.user_id == user.id)
        .order_by(Project.name)).all()
    explicit = {s.project_id: s for s in db.session.scalars(
        select(DigestSubscription).where(DigestSubscription.user_id == user.id))}
    rows = []
    for m in memberships:
        row = explicit.get(m.project_id)
        frequency = Frequency(row.frequency) if row else default_frequency(m.role_names)
        rows.append(SubscriptionRow(m.project, m.role_names, frequency, row is None))
    return rows


def set_subscription(user, project, frequency: str) -> DigestSubscription:
    """Record the user's choice for a project (an explicit row, even when it equals the default);
    a changed choice makes the unsubscribe links of earlier digests stale."""
    if frequency not in set(Frequency):
        raise RuleViolation(_("Choose off, daily or weekly."), "frequency")
    row = subscription_of(user.id, project.id)
    if row is None:
        row = DigestSubscription(user_id=user.id, project_id=project.id, frequency=frequency,
                                 nonce=new_nonce())
        db.session.add(row)
    elif row.frequency != frequency:
        row.frequency = frequency
        row.nonce = new_nonce()
    db.session.flush()
    return row


def set_subscriptions(user, choices: dict, rows) -> None:
    """Record the user's choices (frequency by project) where they differ from what `rows`
    (from `subscriptions_for`) say, or where only the default applied."""
    for row in rows:
        chosen = choices[row.project]
        if chosen != row.frequency or not row.is_default:
            set_subscription(user, row.project, chosen)


def _serializer(salt: str = UNSUBSCRIBE_SALT) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def signed_serializer(salt: str) -> URLSafeSerializer:
    """A serializer for unsubscribe links of another kind of e-mail (notifications): signed
    with the installation's key, kept apart from the digests' links by `salt`."""
    return _serializer(salt)


class UnsubscribeToken(NamedTuple):
    user_id: int
    project_id: int
    nonce: str  # the subscription's when the link was made; "" while the role's default applied


def current_nonce(user_id: int, project_id: int) -> str:
    """The nonce unsubscribe links carry now: the explicit subscription's, or "" without one."""
    row = subscription_of(user_id, project_id)
    return row.nonce if row is not None else ""


def make_unsubscribe_token(user_id: int, project_id: int, nonce: str | None = None) -> str:
    """A signed token naming the user, the project and the subscription's state (`nonce`, read
    from the database when not given): valid until the person changes their choice."""
    if nonce is None:
        nonce = current_nonce(user_id, project_id)
    return _serializer().dumps([user_id, project_id, nonce])


def read_unsubscribe_token(token: str) -> UnsubscribeToken:
    """What a token names; RuleViolation (400) when it was tampered with. Tokens of digests
    sent before links carried a nonce name none: they hold while the role's default applies."""
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise RuleViolation(_("This unsubscribe link is not valid. Copy the whole link from the "
                              "e-mail, or change your digests under Settings."),
                            status=400) from exc
    if isinstance(data, list) and len(data) == 2:
        data = [*data, ""]
    if (not isinstance(data, list) or len(data) != 3
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in data[:2])
            or not isinstance(data[2], str)):
        raise RuleViolation(_("This unsubscribe link is not valid."), status=400)
    return UnsubscribeToken(*data)


class StaleUnsubscribeLink(RuleViolation):
    """The person changed their digest choice after the e-mail with this link was sent."""

    def __init__(self):
        super().__init__(_("Your digest settings have changed since the e-mail with this link "
                           "was sent."), status=400)


def check_token_current(token: UnsubscribeToken) -> None:
    """Refuse a link made before the person's latest choice (StaleUnsubscribeLink, 400)."""
    if current_nonce(token.user_id, token.project_id) != token.nonce:
        raise StaleUnsubscribeLink()


def unsubscribe(token: UnsubscribeToken) -> bool:
    """Turn the digest off for the token's user and project; idempotent (the same link works
    again: unsubscribing keeps the nonce). False when they no longer exist."""
    from app.accounts.models import User

    user_id, project_id, nonce = token
    if db.session.get(User, user_id) is None or db.session.get(Project, project_id) is None:
        return False
    check_token_current(token)
    row = subscription_of(user_id, project_id)
    if row is None:
        db.session.add(DigestSubscription(user_id=user_id, project_id=project_id,
                                          frequency=Frequency.OFF, nonce=nonce))
    elif row.frequency != Frequency.OFF:
        row.frequency = Frequency.OFF
    db.session.flush()
    return True


def previous_sent_end(user_id: int, project_id: int) -> datetime | None:
    """Where the previous digest sent to the user for the project ended (only that column:
    a delivery row carries the whole e-mail)."""
    return db.session.scalar(
        select(DigestDelivery.period_end).where(DigestDelivery.user_id == user_id,
                                                DigestDelivery.project_id == project_id,
                                                DigestDelivery.state == DeliveryState.SENT)
        .order_by(DigestDelivery.period_end.desc()).limit(1))


def period_start_for(user_id: int, project_id: int, frequency: str, end: datetime) -> datetime:
    """Since the previous digest sent, or one period back for the first one."""
    previous_end = previous_sent_end(user_id, project_id)
    if previous_end is not None and previous_end < end:
        return previous_end
    return end - default_period_length(frequency)


def user_locale(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def absolute_url(path: str | None) -> str | None:
    """A path made absolute from BASE_URL (links in e-mails must work outside the app)."""
    if not path:
        return None
    if urlsplit(path).scheme:
        return path
    base = urlsplit(current_app.config["BASE_URL"])
    return f"{base.scheme}://{base.netloc}{path}"


@dataclass
class RenderedDigest:
    subject: str
    text: str
    html: str
    sections: list[Section]
    locale: str


def rendering_context():
    """A request context on BASE_URL, so url_for works when the scheduler renders."""
    if has_request_context():
        from contextlib import nullcontext

        return nullcontext()
    return current_app.test_request_context("/", base_url=current_app.config["BASE_URL"])


def collect_sections(user, project, roles, frequency, start, end,
                     cache: SectionCache | None = None) -> list[Section]:
    """The sections this user would get for the period, built under their locale (shared
    sections from `cache` when a run already built them for the project)."""
    locale = user_locale(user)
    ctx = DigestContext(user=user, project=project, roles=frozenset(roles), period_start=start,
                        period_end=end, locale=locale, frequency=str(frequency))
    with rendering_context(), force_locale(locale):
        return build_sections(ctx, cache)


def render_digest(user, project, roles, frequency, start, end,
                  cache: SectionCache | None = None, nonce: str | None = None) -> RenderedDigest:
    """The digest e-mail (subject, text and HTML) in the recipient's language (`nonce`: of
    their subscription, for the unsubscribe link; read from the database when not given)."""
    locale = user_locale(user)
    sections = collect_sections(user, project, roles, frequency, start, end, cache)
    with rendering_context(), force_locale(locale):
        subject = digest_subject(project, frequency, end)
        context = dict(user=user, project=project, sections=sections, subject=subject,
                       frequency=str(frequency), period_start=start, period_end=end,
                       absolute_url=absolute_url, locale=locale,
                       project_url=absolute_url(f"/p/{project.key}/digest"),
                       settings_url=absolute_url("/settings"),
                       unsubscribe_url=unsubscribe_url(user.id, project.id, nonce))
        sections, html = _within_budget(sections, context)
        text = render_template("email/digest.txt", **context)
    return RenderedDigest(subject, text, html, sections, locale)


def _within_budget(sections: list[Section], context: dict) -> tuple[list[Section], str]:
    """The sections and the HTML part, with fewer entries per section (10, 5, 2, 1…) until
    the HTML fits DIGEST_MAX_HTML_BYTES; `context["sections"]` is set to what is shown, so
    the text part follows the same rules. Each section is capped already (registry.capped):
    this is the last guard, for a digest of very many sections."""
    budget = current_app.config["DIGEST_MAX_HTML_BYTES"]
    limit = max((len(s.items) for s in sections), default=0)
    while True:
        context["sections"] = sections
        html = render_template("email/digest.html", **context)
        if len(html.encode()) <= budget or limit <= 1:
            return sections, html
        limit = limit // 2
        sections = [s.shortened(limit) for s in sections]


def digest_subject(project, frequency, end: datetime) -> str:
    day = format_day(end)
    if frequency == Frequency.DAILY:
        return _("%(project)s: daily digest, %(date)s", project=project.name, date=day)
    return _("%(project)s: weekly digest, %(date)s", project=project.name, date=day)


def unsubscribe_url(user_id: int, project_id: int, nonce: str | None = None) -> str:
    return absolute_url(f"/unsubscribe/{make_unsubscribe_token(user_id, project_id, nonce)}")


def new_message_id(idstring: str = "digest") -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "samspil.localhost"
    return make_msgid(idstring, domain=domain)


@dataclass
class Preview:
    frequency: Frequency
    is_default: bool
    period_start: datetime
    period_end: datetime
    sections: list[Section]
    next_send_at: datetime | None


def preview(user, project, roles, now: datetime | None = None) -> Preview:
    """My next digest as it would be sent now (for the browser)."""
    now = now or utcnow()
    frequency, is_default = effective_frequency(user, project, roles)
    shown = frequency if frequency != Frequency.OFF else Frequency.WEEKLY
    start = period_start_for(user.id, project.id, shown, now)
    sections = collect_sections(user, project, roles, shown, start, now)
    settings = SendSettings.from_config(current_app.config)
    return Preview(frequency, is_default, start, now, sections,
                   next_send_at(frequency, now, settings))


def deliveries_of(user, project, limit: int = 50) -> list[DigestDelivery]:
    """My past digests for the project (those with something in them), newest first; only
    the columns the archive lists, not the stored e-mails."""
    return list(db.session.scalars(
        select(DigestDelivery).where(DigestDelivery.user_id == user.id,
                                     DigestDelivery.project_id == project.id,
                                     DigestDelivery.state != DeliveryState.SKIPPED)
        .options(load_only(DigestDelivery.subject, DigestDelivery.period_start,
                           DigestDelivery.period_end, DigestDelivery.state))
        .order_by(DigestDelivery.period_end.desc()).limit(limit)))


RESENDABLE = (DeliveryState.FAILED, DeliveryState.UNCERTAIN)


def retry_failed(delivery: DigestDelivery, now: datetime | None = None) -> None:
    """An administrator sends a failed digest again (e.g. after fixing the mail settings), or
    one that may not have arrived (after checking with the recipient): the same message, with
    the same Message-ID, at the next retry run."""
    from app.audit.services import record

    if delivery.state not in RESENDABLE:
        raise RuleViolation(_("Only failed or uncertain digests can be sent again."), status=409)
    previous = delivery.state
    delivery.state = DeliveryState.RETRYING
    delivery.next_attempt_at = now or utcnow()
    delivery.claimed_by = delivery.claimed_until = None
    record("digest.retry", project=delivery.project, target=delivery,
           target_label=f"{delivery.recipient} {delivery.period_key}", old=previous)
    db.session.flush()


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt, capped at six hours."""
    base = current_app.config["DIGEST_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))
