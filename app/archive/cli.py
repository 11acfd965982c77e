"""`flask archive export KEY FILE` and `flask archive import KEY FILE --by EMAIL`: the same
archive as the page's, for operators moving a project too big to upload through a browser."""
import click
from flask.cli import AppGroup

archive_cli = AppGroup("archive", help="Project archives (docs/export-format.md).")


@archive_cli.command("export")
@click.argument("key")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(key, path):
    """Write project KEY's archive to PATH."""
    from sqlalchemy import select

    from app.archive.export import ProjectArchive
    from app.archive.services import counted
    from app.audit.services import record
    from app.extensions import db
    from app.projects.models import Project

    project = db.session.scalar(select(Project).where(Project.key == key))
    if project is None:
        raise click.ClickException(f"No project has the key {key}.")
    with open(path, "wb") as out:
        counts = ProjectArchive(project).write(out)
    record("archive.exported", project=project, target=project, actor_label="flask archive",
           **counted(counts))
    db.session.commit()
    click.echo(f"{path}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@archive_cli.command("import")
@click.argument("key")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "email", required=True, help="the site administrator doing the import")
def import_command(key, path, email):
    """Import the archive at PATH into the empty project KEY."""
    from sqlalchemy import select

    from app.accounts.services import get_user_by_email
    from app.archive.emails import send_invitations
    from app.archive.importing import import_archive
    from app.archive.reading import open_archive
    from app.extensions import db
    from app.projects.models import Project
    from app.services import RuleViolation

    project = db.session.scalar(select(Project).where(Project.key == key))
    actor = get_user_by_email(email)
    if project is None or actor is None or not actor.is_site_admin:
        raise click.ClickException("Give the key of an existing project and the e-mail "
                                   "address of a site administrator.")
    try:
        archive = open_archive(path)
        try:
            imported = import_archive(project, actor, archive)
        finally:
            archive.close()
        db.session.commit()
    except RuleViolation as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    sent = send_invitations(imported)
    click.echo(", ".join(f"{n} {name}" for name, n in imported.counts.items())
               + f"; {sent} invitations sent.")
