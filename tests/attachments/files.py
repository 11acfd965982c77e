"""Real files of the allowed types, made in memory, and a helper to attach one through the
service (for tests that need an attachment to exist)."""
import io
import zipfile

from PIL import Image
from werkzeug.datastructures import FileStorage


def png(size=(40, 30), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "Spionkamera A/S"  # Make
        data[0x0131] = "Hemmelig software"  # Software
        image.save(out, format="PNG", exif=data)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    data = Image.Exif()
    data[0x010F] = "Spionkamera A/S"
    data[0x0112] = 6  # orientation: rotated, so the thumbnail must be turned upright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=data)
    return out.getvalue()


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def attach(project, kind, container, actor, data: bytes, name: str):
    from app.attachments.registry import container_kind
    from app.attachments.services import attach_files

    return attach_files(project, container_kind(kind), container, actor,
                        [upload(data, name)])[0]
