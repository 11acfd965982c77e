"""`flask backup [--to FOLDER]` and `flask restore FILE --yes`."""
import click
from flask.cli import with_appcontext

from app.backup.services import BackupError, create_backup, restore_backup


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False),
              help="The folder to write into (default: BACKUP_DIR).")
@with_appcontext
def backup_command(folder):
    """Write the database and the attachments into one timestamped file."""
    try:
        path = create_backup(folder)
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(path))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace this installation's data without asking.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database and the attachments with a backup's, and check them."""
    if not yes:
        click.confirm("This replaces every row and attached file of this installation. "
                      "Go on?", abort=True)
    try:
        report = restore_backup(path)
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if report.mismatched:
        raise click.ClickException("Restored, but these tables differ from the backup's "
                                   f"manifest: {', '.join(report.mismatched)}")
    click.echo(f"Restored {report.tables} tables"
               f"{' and the attachments' if report.attachments else ''}; row counts and "
               "checksums match the backup.")
