"""Samspil: joint agile development of the products municipalities and vendors own together."""
import logging

from flask import Flask

from config import Config, ProductionConfig, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and error pages."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.validate()
    from app.web import SamspilFlask

    app = SamspilFlask(__name__, static_folder="../static", template_folder="../templates",
                       instance_path=str(_instance_dir()))
    app.config.from_object(config_class)
    _instance_dir().mkdir(exist_ok=True)

    from app import (database, database_events, form_messages, i18n, markdown, models,  # noqa: F401
                     security, web)
    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_root() / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=database.render_migration_item)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    database_events.init_app(app)
    web.init_app(app)
    markdown.init_app(app)
    form_messages.init_app(app)
    _register_blueprints(app)
    _register_cli(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _instance_dir():
    return _root() / "instance"


def _register_blueprints(app: Flask) -> None:
    from app.accounts import bp as accounts_bp
    from app.decisions import bp as decisions_bp
    from app.audit.routes import bp as audit_bp
    from app.digests import bp as digests_bp
    from app.discovery import bp as discovery_bp
    from app.discovery import roadmap_bp
    from app.mail import bp as mail_bp
    from app.backlog import bp as backlog_bp
    from app.board import bp as board_bp
    from app.main import bp as main_bp
    from app.organisations import bp as organisations_bp
    from app.projects import bp as projects_bp
    from app.sprints import bp as sprints_bp

    for bp in (main_bp, accounts_bp, organisations_bp, projects_bp, audit_bp, backlog_bp,
               board_bp, sprints_bp, digests_bp, mail_bp, discovery_bp, roadmap_bp, decisions_bp):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import users_cli
    from app.demo.cli import demo_cli
    from app.digests.cli import digests_cli
    from app.scheduler import scheduler_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(digests_cli)
    app.cli.add_command(scheduler_cli)
