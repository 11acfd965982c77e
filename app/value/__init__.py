"""Benefit realisation (gevinstrealisering) and needs coverage (behovsdækning): what the
delivered needs achieved for each municipality, and how many of its needs were delivered."""


def init_app(app) -> None:
    """Register the value pages and digest sections; follow-ups hear of delivered needs through
    the domain events, and reminders are notifications of their own kind."""
    from app.events import subscribe
    from app.notifications.kinds import register_target
    from app.value import digest  # noqa: F401 - its decorators register the sections
    from app.value.routes import bp
    from app.value.services import on_event

    subscribe(on_event)
    register_target("follow_up", "value.follow_up")
    app.register_blueprint(bp)
