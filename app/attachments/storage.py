"""Where the bytes of attachments live, behind a small interface (`put_file`, `put_bytes`,
`delete`, and `path`: a local file to serve, with ranges, by `send_file`).

Every object is named by its SHA-256 (a thumbnail adds ".thumb"), so a file attached twice is
stored once and a name typed by a user never reaches a filesystem or a bucket.

- `LocalStorage` (ATTACHMENTS_STORAGE=local, the default) keeps them under ATTACHMENTS_DIR
  (instance/attachments) in two levels of folders. It suits an installation with one
  application server.
- `S3Storage` (ATTACHMENTS_STORAGE=s3, configured by ATTACHMENTS_S3_*) keeps them in an
  S3-compatible bucket that every application server shares: what a multi-server installation
  needs. Each server copies an object it serves into ATTACHMENTS_DIR/cache once; objects never
  change (their name is their content), so the copy never goes stale.
"""
import os
import re
import shutil
from pathlib import Path

from flask import current_app
import contextlib

_KEY = re.compile(r"[0-9a-f]{64}(\.[a-z]+)?")


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key or ""):
        raise ValueError("not a storage key")
    return key


def _spread(root: Path, key: str) -> Path:
    return root / key[:2] / key[2:4] / check_key(key)


def _move_into_place(target: Path, write) -> None:
    """Write through `write(draft_path)` and rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = target.with_name(f".{target.name}.{os.getpid()}.part")
    write(draft)
    os.replace(draft, target)


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of `key` (it may not exist)."""
        return _spread(self.root, key)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put_file(self, key: str, source: str | os.PathLike) -> None:
        """Store the file at `source` under `key`; an existing copy is kept."""
        target = self.path(key)
        if not target.is_file():
            _move_into_place(target, lambda draft: shutil.copyfile(source, draft))

    def put_bytes(self, key: str, data: bytes) -> None:
        _move_into_place(self.path(key), lambda draft: draft.write_bytes(data))

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    def __init__(self, client, bucket: str, prefix: str, cache_dir: str | os.PathLike):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.cache = Path(cache_dir)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError:
            return False
        return True

    def put_file(self, key: str, source: str | os.PathLike) -> None:
        if not self.exists(key):
            self.client.upload_file(str(source), self.bucket, self._name(key))

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        _spread(self.cache, key).unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        """This server's copy of the object (fetched once); a missing object gives a path
        that does not exist."""
        from botocore.exceptions import ClientError

        local = _spread(self.cache, key)
        if not local.is_file():
            with contextlib.suppress(ClientError):
                _move_into_place(local, lambda draft: self.client.download_file(
                    self.bucket, self._name(key), str(draft)))
        return local


def storage() -> LocalStorage | S3Storage:
    """The configured storage of this application (one client per configuration)."""
    config = current_app.config
    if config.get("ATTACHMENTS_STORAGE", "local") != "s3":
        return LocalStorage(config["ATTACHMENTS_DIR"])
    settings = tuple(config.get(f"ATTACHMENTS_S3_{name}") for name in (
        "BUCKET", "PREFIX", "ENDPOINT_URL", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"))
    made = current_app.extensions.setdefault("attachments_s3", {})
    key = (*settings, config["ATTACHMENTS_DIR"])
    if key not in made:
        import boto3

        bucket, prefix, endpoint, region, access_key, secret = settings
        client = boto3.client("s3", endpoint_url=endpoint or None, region_name=region or None,
                              aws_access_key_id=access_key or None,
                              aws_secret_access_key=secret or None)
        made[key] = S3Storage(client, bucket, prefix or "",
                              Path(config["ATTACHMENTS_DIR"]) / "cache")
    return made[key]
