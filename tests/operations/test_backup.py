"""The restore drill: back up (`flask backup`), destroy the rows and the attached files,
restore (`flask restore`), and find every table's row count and checksum as before."""
from pathlib import Path

from sqlalchemy import text

from app.backlog.services import create_item
from app.backup.services import fingerprint
from app.extensions import db


def _destroy(app):
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_backup_destroy_restore_gives_back_every_row_and_file(app, world, tmp_path,
                                                               monkeypatch):
    attachments = tmp_path / "attachments"
    (attachments / "ab").mkdir(parents=True)
    (attachments / "ab" / "abcdef").write_bytes(b"%PDF-1.4 en vedhaeftet fil")
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(attachments))
    for n in range(3):
        create_item(world.project_a, world.users["developer"], f"Punkt {n} æøå")
    db.session.commit()
    before = fingerprint()
    assert before["backlog_item"]["rows"] == 3 and before["user_account"]["rows"] > 5

    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    backup = Path(made.output.strip().splitlines()[-1])
    assert backup.is_file() and backup.name.startswith("samspil-backup-")
    assert backup.name.endswith(".tar.gz")

    _destroy(app)
    (attachments / "ab" / "abcdef").unlink()
    assert fingerprint()["backlog_item"]["rows"] == 0

    refused = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0 and fingerprint()["backlog_item"]["rows"] == 0
    restored = runner.invoke(args=["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "checksums match" in restored.output

    assert fingerprint() == before
    assert (attachments / "ab" / "abcdef").read_bytes() == b"%PDF-1.4 en vedhaeftet fil"
    assert db.session.execute(text("SELECT count(*) FROM backlog_item")).scalar() == 3


def test_restore_of_a_missing_file_says_so(app):
    answer = app.test_cli_runner().invoke(args=["restore", "/nonexistent/backup.tar.gz",
                                                "--yes"])
    assert answer.exit_code != 0 and "does not exist" in answer.output
