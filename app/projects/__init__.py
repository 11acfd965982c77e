"""Projects: overview, participating organisations and members."""


def init_app(app) -> None:
    from app.projects.navigation import project_nav
    from app.projects.routes import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["project_nav"] = project_nav
