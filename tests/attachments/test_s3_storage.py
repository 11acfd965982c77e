"""The S3 storage against a real S3 API server (moto's, started on 127.0.0.1): upload through
the page, serve with ranges from the server's copy, delete and purge the object."""
import io
import socket
from datetime import timedelta

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import select

from app.attachments.models import Attachment
from app.attachments.services import purge_deleted
from app.backlog.services import create_item
from app.database import utcnow
from app.extensions import db
from tests.attachments.files import pdf, png

BUCKET = "samspil-bilag"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(app, s3_endpoint, tmp_path):
    settings = {"ATTACHMENTS_STORAGE": "s3", "ATTACHMENTS_S3_BUCKET": BUCKET,
                "ATTACHMENTS_S3_PREFIX": "test/", "ATTACHMENTS_S3_ENDPOINT_URL": s3_endpoint,
                "ATTACHMENTS_S3_REGION": "eu-north-1", "ATTACHMENTS_S3_ACCESS_KEY_ID": "test",
                "ATTACHMENTS_S3_SECRET_ACCESS_KEY": "test",
                "ATTACHMENTS_DIR": str(tmp_path / "server")}
    saved = {k: app.config.get(k) for k in settings}
    app.config.update(settings)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-north-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)
    app.config.update(saved)


def _objects(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_upload_serve_delete_and_purge_through_s3(world, client, login, s3, tmp_path):
    item = create_item(world.project_a, world.users["product_owner"], "Bilag i skyen")
    db.session.commit()
    login(world.users["product_owner"])
    response = client.post(f"/p/ALPHA/attachments/item/{item.id}", data={"files": [
        (io.BytesIO(pdf()), "referat.pdf"), (io.BytesIO(png()), "skitse.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    files = {f.name: f for f in db.session.scalars(select(Attachment))}
    assert _objects(s3) == sorted([f"test/{files['referat.pdf'].sha256}",
                                   f"test/{files['skitse.png'].sha256}",
                                   f"test/{files['skitse.png'].sha256}.thumb"])
    # Another server (an empty cache) serves it too, with ranges.
    served = client.get(f"/p/ALPHA/files/{files['referat.pdf'].id}",
                        headers={"Range": "bytes=0-7"})
    assert served.status_code == 206 and served.data == pdf()[:8]
    assert client.get(f"/p/ALPHA/files/{files['skitse.png'].id}/thumbnail").status_code == 200

    assert client.post(f"/p/ALPHA/files/{files['referat.pdf'].id}/delete").status_code == 303
    assert len(_objects(s3)) == 3  # kept through the retention period
    gone = db.session.get(Attachment, files["referat.pdf"].id)
    gone.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert purge_deleted() == 1
    assert _objects(s3) == sorted([f"test/{files['skitse.png'].sha256}",
                                   f"test/{files['skitse.png'].sha256}.thumb"])
