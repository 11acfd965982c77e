"""The board: a column per workflow status, card moves, WIP limits and live updates."""


def init_app(app) -> None:
    """Register the board, and give the item page its "Move to…" menu."""
    from app.backlog import providers
    from app.board import services
    from app.board.routes import bp

    providers.moves.targets = services.move_targets
    app.register_blueprint(bp)
