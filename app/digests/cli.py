"""`flask digests send [--project KEY] [--dry-run]`."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.database import utcnow
from app.digests.delivery import send_due
from app.digests.status import describe, project_statuses
from app.extensions import db
from app.projects.models import Project

digests_cli = AppGroup("digests", help="Digest e-mails.")


@digests_cli.command("send")
@click.option("--project", "project_key", help="Only this project (its key, e.g. OVB).")
@click.option("--dry-run", is_flag=True,
              help="List recipients and subjects; write and send nothing.")
def send_command(project_key, dry_run):
    """Send the digests that are due now (the scheduler does this by itself), and say per
    project why each went or did not."""
    if (project_key
            and db.session.scalar(select(Project.id).where(Project.key == project_key)) is None):
        raise click.ClickException(f"No project has the key {project_key}.")
    now = utcnow()
    report = send_due(now=now, project_key=project_key, dry_run=dry_run)
    if report.locked_out:
        raise click.ClickException("Another process is sending digests right now; "
                                   "try again shortly.")
    for email, key, subject in report.planned:
        click.echo(f"{email}\t{key}\t{subject}")
    send_empty = current_app.config["DIGEST_SEND_EMPTY"]
    for status in project_statuses(now, project_key, report.created_ids):
        for line in describe(status, send_empty):
            click.echo(line)
    if dry_run:
        click.echo(f"{len(report.planned)} digest(s) would be sent, {report.skipped} have nothing "
                   "to say. Nothing was written or sent.")
        return
    click.echo(f"{report.created} new digest(s) ({report.skipped} with nothing to say); "
               f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}, "
               f"uncertain {report.uncertain}.")
