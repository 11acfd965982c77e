"""Samspil: joint agile development of the products municipalities and vendors own together."""
import logging

from flask import Flask

from config import (Config, ProductionConfig, config_from_env, engine_options,
                    installation_secret_key)


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
    if not app.config.get("SECRET_KEY"):  # development (production refuses to start without)
        app.config["SECRET_KEY"] = installation_secret_key(_instance_dir())

    from app import (database, database_events, form_messages, i18n, markdown, observability,
                     security, web)
    from app import models  # noqa: F401 - every table in the metadata before the first query
    from app.extensions import csrf, db, limiter, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_root() / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=database.render_migration_item,
                     include_object=database.include_in_migrations)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    database_events.init_app(app)
    observability.init_app(app)
    web.init_app(app)
    markdown.init_app(app)
    form_messages.init_app(app)
    _register_areas(app)
    _register_cli(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _instance_dir():
    return _root() / "instance"


def _register_areas(app: Flask) -> None:
    """Each area registers its pages and plugs into the shared parts (providers, signals,
    digest sections); the order is the order of their URLs' precedence."""
    from app import (accounts, admin, api, archive, attachments, backlog, board, decisions,
                     digests, discovery, forges, funding, imports, invitations, mail, main, my,
                     notifications, privacy, projects, releases, rounds, search, sprints, sso,
                     value, webhooks)

    for area in (main, accounts, sso, projects, invitations, admin, notifications, attachments,
                 backlog, board, sprints, digests, mail, discovery, funding, decisions, releases,
                 rounds, value, imports, search, my, privacy, archive, api, forges, webhooks):
        area.init_app(app)


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import users_cli
    from app.archive.cli import archive_cli
    from app.backup.cli import backup_command, restore_command
    from app.demo.cli import demo_cli
    from app.digests.cli import digests_cli
    from app.scheduler import scheduler_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(archive_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_cli)
    app.cli.add_command(digests_cli)
    app.cli.add_command(scheduler_cli)
