"""Helpers of the import tests: the fixture files, and uploading them through the pages."""
import io
import re
from pathlib import Path

import pytest

FILES = Path(__file__).parent / "files"


def fixture_bytes(name: str) -> bytes:
    return (FILES / name).read_bytes()


def upload(client, key: str, kind: str, data: bytes, filename: str, **form):
    """POST the file to the upload page of `kind` ("items" or "needs")."""
    return client.post(f"/p/{key}/import/{kind}",
                       data={**form, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def preview_url(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert re.search(r"/import/(items|needs)/[A-Za-z0-9_-]{20,}$", location)
    return location


@pytest.fixture
def imports_dir(app, tmp_path, monkeypatch):
    """Uploads of this test alone, in a folder of its own."""
    monkeypatch.setitem(app.config, "IMPORTS_DIR", str(tmp_path / "imports"))
    return tmp_path / "imports"


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read English messages (the Danish ones are checked by the catalogue test)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
