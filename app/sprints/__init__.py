"""Sprints: planning, the active sprint, burndown and velocity, the review and retrospective."""


def init_app(app) -> None:
    """Register the sprint pages and digest sections, and name sprints in item histories."""
    from app.backlog import providers
    from app.sprints import digest  # noqa: F401 - its decorators register the sections
    from app.sprints import queries
    from app.sprints.routes import bp

    providers.sprints.names = queries.sprint_names
    providers.sprints.open_sprint_name = queries.open_sprint_name
    app.register_blueprint(bp)
