"""Where the bytes of attachments live, behind a small interface.

`LocalStorage` keeps them under ATTACHMENTS_DIR (instance/attachments by default), each file
named by its SHA-256 in two levels of folders, so a file attached twice is stored once and a
name typed by a user never reaches the filesystem. It suits an installation with one
application server (or several sharing that folder over a network filesystem); see the README.
"""
import os
import re
import shutil
from pathlib import Path

from flask import current_app

_KEY = re.compile(r"[0-9a-f]{64}(\.[a-z]+)?")


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of `key` (a hex digest, optionally with a suffix such as ".thumb")."""
        if not _KEY.fullmatch(key or ""):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put_file(self, key: str, source: str | os.PathLike) -> None:
        """Store the file at `source` under `key` (moved into place whole: a reader never
        sees half a file); an existing copy is kept."""
        target = self.path(key)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        draft = target.with_name(f".{key}.{os.getpid()}.part")
        shutil.copyfile(source, draft)
        os.replace(draft, target)

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        draft = target.with_name(f".{key}.{os.getpid()}.part")
        draft.write_bytes(data)
        os.replace(draft, target)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    """The configured storage of this application."""
    return LocalStorage(current_app.config["ATTACHMENTS_DIR"])
