"""Outgoing webhooks: a project's endpoints (/p/<key>/webhooks), the outbox that the areas'
domain events (app.events) fill in the change's own transaction, and the scheduler's sending
with signatures, retries and SSRF checks (app.webhooks.sending). docs/webhooks.md tells
receivers what they get and how to verify it."""
from flask import Blueprint

bp = Blueprint("webhooks", __name__)


def init_app(app) -> None:
    """Register the pages, the events listener, the notification target and audit words."""
    from flask_babel import lazy_gettext as _l

    from app import events
    from app.audit.labels import register_actions, register_details
    from app.notifications.kinds import register_target
    from app.webhooks import outbox, routes  # noqa: F401  (the routes register on bp)
    from app.webhooks.permissions import can_manage_webhooks

    app.register_blueprint(bp)
    events.subscribe(outbox.on_event)
    register_target("webhook", "webhooks.show")
    register_actions({
        "webhook.created": _l("Webhook registered"),
        "webhook.updated": _l("Webhook changed"),
        "webhook.deleted": _l("Webhook deleted"),
        "webhook.secret_replaced": _l("Webhook secret replaced"),
        "webhook.redelivered": _l("Webhook delivery sent again"),
        "webhook.pinged": _l("Webhook pinged"),
        "webhook.disabled": _l("Webhook switched off after failing"),
    })
    register_details({"delivery": _l("Delivery")})
    app.jinja_env.globals["can_manage_webhooks"] = can_manage_webhooks


def webhook_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger): send due deliveries every WEBHOOK_POLL_SECONDS; purge the log
    nightly at 04:30 (Copenhagen; clear of the 02:00–03:00 clock change)."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from app.digests.schedule import TZ
    from app.webhooks.sending import purge, send_due

    return [("webhooks.send", send_due,
             IntervalTrigger(seconds=int(config["WEBHOOK_POLL_SECONDS"]), timezone=TZ)),
            ("webhooks.purge", purge, CronTrigger(hour=4, minute=30, timezone=TZ))]
