"""`flask demo seed [--reset]`."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.demo.seed import reset_database, seed_all
from app.demo.two_factor import DEMO_TWO_FACTOR_EMAIL, DEMO_TWO_FACTOR_SECRET
from app.extensions import db
from app.organisations.models import Organisation

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--reset", is_flag=True, help="Delete all data first and start over.")
def seed_command(reset: bool):
    """Create the demo organisations, projects, accounts and their work (skipped if data exists)."""
    if reset:
        reset_database()
        click.echo("All data deleted.")
    elif db.session.scalar(select(func.count(Organisation.id))):
        click.echo("The database already has data; nothing seeded (use --reset to start over).")
        return
    summary = seed_all()
    db.session.commit()
    click.echo("Demo data created: " + ", ".join(f"{k} {v}" for k, v in summary.items()) + ".")
    click.echo("Every demo account has the password 'samspil-demo'.")
    if current_app.config["SHOW_DEMO_ACCOUNTS"]:  # development only
        click.echo(f"{DEMO_TWO_FACTOR_EMAIL} signs in with two-factor sign-in; its TOTP secret "
                   f"is {DEMO_TWO_FACTOR_SECRET} (add it to an authenticator app, or run "
                   f"python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TWO_FACTOR_SECRET}')"
                   f".now())\").")
