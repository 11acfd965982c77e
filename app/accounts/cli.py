"""`flask users create`: the first administrator, or any account, from the command line."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.services import create_user
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.services import create_organisation
from app.services import RuleViolation

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", prompt=True, help="The user's e-mail address (the login).")
@click.option("--name", prompt=True, help="The user's full name.")
@click.option("--organisation", prompt=True, help="Name of the user's organisation.")
@click.option("--org-kind", type=click.Choice([k.value for k in OrganisationKind]),
              default=OrganisationKind.COMMUNITY.value, show_default=True,
              help="Kind of organisation, if it has to be created.")
@click.option("--municipality-code", type=int, help="Municipality code, for a new municipality.")
@click.option("--cvr", help="CVR number, for a new vendor.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 12 characters, not a common password.")
@click.option("--admin/--no-admin", default=False, help="Make the user a site administrator.")
def create_user_command(email, name, organisation, org_kind, municipality_code, cvr, password,
                        admin):
    """Create a user (and their organisation if it does not exist yet)."""
    try:
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        created_org = org is None
        if created_org:
            org = create_organisation(organisation, org_kind, municipality_code, cvr)
        user = create_user(email, name, password, org, is_site_admin=admin)
    except RuleViolation as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    if created_org:
        click.echo(f"Created organisation {org.name} ({org.kind}).")
    click.echo(f"Created user {user.email}{' (site administrator)' if admin else ''}.")
