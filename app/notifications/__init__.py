"""Notifications: who watches what, the events the areas report, the bell, the list and the
e-mails (urgent ones at once, the rest batched), plus mentions and references in texts."""


def init_app(app) -> None:
    """Register the notification pages and the Markdown hook for mentions and references."""
    from app.notifications import references
    from app.notifications.routes import bp

    app.register_blueprint(bp)
    references.init_app(app)


def notification_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger) for the scheduler: send what is due every minute."""
    from apscheduler.triggers.interval import IntervalTrigger

    from app.digests.schedule import TZ
    from app.notifications.email import send_due

    return [("notifications.send", send_due, IntervalTrigger(minutes=1, timezone=TZ))]
