"""Attachments' part of the benchmark (issue 19): one 10 MB upload to a gunicorn worker, whose
peak memory must grow by less than 5 MB (the body is streamed to disk, never held whole), and
its download, at ≥ 100 MB/s on localhost.

The worker's growth is its peak resident size after the upload (VmHWM, reset just before it
through /proc/<pid>/clear_refs) less its resident size just before (VmRSS), after a small
upload has warmed the worker up. The body is sent from a file in 8 KB blocks with a
Content-Length, as a browser sends it.
"""
import http.client
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app.backlog.models import Item
from app.extensions import db
from app.projects.models import Project
from bench import load
from bench.dataset import PASSWORD

SIZE = 10 * 1024 * 1024
BOUNDARY = "samspil-bench-boundary"
HERE = Path(__file__).resolve().parent


def _proc_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def _multipart_file(directory: Path, csrf: str, size: int = SIZE) -> Path:
    path = directory / f"upload-{size}.body"
    with path.open("wb") as body:
        body.write(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                   f"{csrf}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
                   f"filename=\"bench.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".encode())
        body.write(b"%PDF-1.4\n")
        remaining = size - 9
        while remaining > 0:
            block = os.urandom(min(remaining, 1024 * 1024))
            body.write(block)
            remaining -= len(block)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path


def upload_and_download(app) -> dict:
    """A 10 MB upload: the worker's memory growth; then the download's throughput."""
    project = db.session.scalar(select(Project).where(Project.key == "BIG"))
    item_id = db.session.scalar(select(Item.id).where(Item.project_id == project.id).limit(1))
    email = load_person()
    db.session.remove()  # no transaction of ours may hold SQLite's lock while the server writes
    work = HERE / "work"
    os.environ["ATTACHMENTS_DIR"] = str(work / "attachments")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    log = work / "gunicorn-attachments.log"
    with tempfile.TemporaryDirectory(dir=work) as scratch, load.Gunicorn(url, 1, 1, log) as server:
        session = load.Session(server.port)
        session.sign_in(email, PASSWORD)
        worker = _worker_pid(server.proc.pid)
        # A small upload first loads what the first one loads (modules, the session's rows);
        # signing in ran scrypt (32 MB by design): the peak is reset, so only the upload counts.
        _upload(server.port, session, item_id, _multipart_file(Path(scratch), session.csrf, 4096))
        body = _multipart_file(Path(scratch), session.csrf)
        Path(f"/proc/{worker}/clear_refs").write_text("5")
        before = _proc_kb(worker, "VmRSS")
        _upload(server.port, session, item_id, body)
        growth_mb = max(0, _proc_kb(worker, "VmHWM") - before) / 1024
        file_path = _latest_file_path(session)
        started = time.perf_counter()
        status, data = session.request("GET", file_path)
        seconds = time.perf_counter() - started
    if status != 200 or len(data) != SIZE:
        raise RuntimeError(f"the download answered {status} with {len(data)} bytes")
    rate = SIZE / (1024 * 1024) / seconds
    return {"ms": round(seconds * 1000, 1), "target": "growth < 5 MB, ≥ 100 MB/s",
            "met": "yes" if growth_mb < 5 and rate >= 100 else "**no**",
            "worker_memory_growth_mb": round(growth_mb, 2), "download_mb_per_s": round(rate)}


def _upload(port: int, session, item_id: int, body: Path) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    with body.open("rb") as stream:
        conn.request("POST", f"/p/BIG/attachments/item/{item_id}", body=stream, headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(body.stat().st_size), "Cookie": session.cookie,
            "X-CSRFToken": session.csrf})
        response = conn.getresponse()
        response.read()
    conn.close()
    if response.status != 303:
        raise RuntimeError(f"the upload answered {response.status}")


def load_person() -> str:
    from bench.scenarios import _any_member

    return _any_member("product_owner")


def _latest_file_path(session) -> str:
    from app.attachments.models import Attachment

    db.session.expire_all()
    newest = db.session.scalar(select(Attachment.id).order_by(Attachment.id.desc()).limit(1))
    db.session.remove()
    return f"/p/BIG/files/{newest}"


BATCH = {"Attachment: 10 MB upload (worker memory) and download": upload_and_download}
