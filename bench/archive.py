"""The project archive's part of the benchmark (issue 22): the export of the largest project
(BIG, 3,000 items with their history and comments) within 20 s and 300 MB of peak memory, and
its import into an empty project within 60 s.

The export is run twice: once timed, once under `tracemalloc` for the peak of memory Python
allocated while writing (tracemalloc slows the code it watches, so the two are apart). The
import goes into a fresh empty project and is rolled back after the measurement, so the data
set is unchanged for the next run (the attached files it stored are kept by content hash, so
they are harmless). It reports the rows written per second and the archive's size.
"""
import tempfile
import time
import tracemalloc

from sqlalchemy import select

from app.archive.export import ProjectArchive
from app.archive.importing import import_archive
from app.archive.reading import open_archive
from app.database import StatementCounter
from app.extensions import db
from app.projects.models import Project
from app.projects.services import create_project

EXPORT_SECONDS, EXPORT_PEAK_MB, IMPORT_SECONDS = 20.0, 300.0, 60.0


def _largest_project(key: str = "BIG") -> Project:
    project = db.session.scalar(select(Project).where(Project.key == key))
    if project is None:
        raise RuntimeError(f"the bench data set has no project {key}")
    return project


def export_and_import(app, key: str = "BIG") -> dict:
    """Export the project (timed, then measured for memory), import the archive into an empty
    project (timed, then rolled back)."""
    with tempfile.NamedTemporaryFile(suffix=".zip") as out:
        project = _largest_project(key)
        with StatementCounter(db.engine) as counter:
            started = time.perf_counter()
            counts = ProjectArchive(project).write(out)
            export_s = time.perf_counter() - started
        out.flush()
        size_mb = out.tell() / 1024**2
        out.seek(0)
        out.truncate()
        db.session.expire_all()
        tracemalloc.start()
        ProjectArchive(_largest_project(key)).write(out)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out.flush()
        peak_mb = peak / 1024**2
        import_s = _timed_import(out.name)
    met = export_s <= EXPORT_SECONDS and peak_mb <= EXPORT_PEAK_MB and import_s <= IMPORT_SECONDS
    return {"ms": round(export_s * 1000), "statements": counter.count,
            "target": f"export ≤ {EXPORT_SECONDS:g} s and ≤ {EXPORT_PEAK_MB:g} MB, "
                      f"import ≤ {IMPORT_SECONDS:g} s",
            "met": "yes" if met else "**no**", "export_s": round(export_s, 2),
            "export_peak_mb": round(peak_mb, 1), "import_s": round(import_s, 2),
            "archive_mb": round(size_mb, 1), "items": counts.get("items"),
            "needs": counts.get("needs")}


def _timed_import(path: str) -> float:
    target = create_project("BENCHCOPY", "Bench: imported archive")
    db.session.flush()
    archive = open_archive(path)
    try:
        started = time.perf_counter()
        import_archive(target, None, archive)
        db.session.flush()
        elapsed = time.perf_counter() - started
    finally:
        archive.close()
        db.session.rollback()
    return elapsed


BATCH = {"Archive: export BIG (3,000 items), import it into an empty project": export_and_import}
