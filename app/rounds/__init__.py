"""The coordination group's round: the evaluation matrix (criteria and the municipalities'
score sheets), prioritisation rounds with one ballot per municipality, their results, and
ordering the chosen needs within the budget."""


def init_app(app) -> None:
    """Register the rounds' pages, digest section, notification target and the needs list's
    evaluation column."""
    from app.rounds import digest  # noqa: F401 - its decorators register the section
    from app.rounds import evaluation
    from app.rounds.routes import bp
    from app.discovery import providers
    from app.notifications.kinds import register_target

    register_target("round", "rounds.show")
    providers.evaluation.plug(evaluation.totals_subquery)
    app.register_blueprint(bp)


def round_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger) for the scheduler: remind voters each morning."""
    from apscheduler.triggers.cron import CronTrigger

    from app.digests.schedule import TZ
    from app.rounds.reminders import remind_voters

    return [("rounds.remind", remind_voters, CronTrigger(hour=7, minute=40, timezone=TZ))]
