"""`flask users create` makes the first administrator, by options or interactively."""
from sqlalchemy import select

from app.accounts.models import User
from app.organisations.models import Organisation


def test_create_admin_by_options(app, db):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "Admin@Example.dk", "--name", "Ada Admin",
        "--organisation", "OS2", "--password", "en-lang-god-adgangskode", "--admin"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "admin@example.dk"))
    assert user.is_site_admin and user.organisation.name == "OS2"
    assert user.organisation.kind == "community"


def test_create_interactively(app, db):
    answers = ("bo@example.dk\nBo Berg\nAarhus Kommune\n"
               "en-lang-god-adgangskode\nen-lang-god-adgangskode\n")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--org-kind", "municipality", "--municipality-code", "751"],
        input=answers)
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Aarhus Kommune"))
    assert org.municipality_code == 751


def test_short_password_and_duplicate_email_are_refused(app, db):
    runner = app.test_cli_runner()
    base = ["users", "create", "--email", "x@example.dk", "--name", "X", "--organisation", "OS2"]
    short = runner.invoke(args=[*base, "--password", "kort"])
    assert short.exit_code != 0 and "12" in short.output
    assert runner.invoke(args=[*base, "--password", "en-lang-god-adgangskode"]).exit_code == 0
    again = runner.invoke(args=[*base, "--password", "en-lang-god-adgangskode"])
    assert again.exit_code != 0 and "findes allerede" in again.output
