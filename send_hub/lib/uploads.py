"""Uploaded files: what SEND Hub accepts (judged by content, not by name) and how it sends a
stored file back (always as a download, never shown in the browser).

Shared by pupils' documents and safeguarding attachments, so both refuse the same things with
the same words.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

# Extension -> (content type we store and serve, the bytes every such file starts with).
UPLOAD_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
# For <input type="file" accept=...>: phones offer the camera and photos, and convert their
# own photo formats (HEIC) to JPEG for a page that asks for JPEG.
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


def max_upload_bytes() -> int:
    """Return the largest upload accepted, from ``SEND_HUB_MAX_UPLOAD_MB`` (default 10 MB)."""
    return int(getattr(settings, "SEND_HUB_MAX_UPLOAD_MB", 10) * 1024 * 1024)


def max_upload_mb() -> int:
    """Return the upload limit in whole megabytes, as forms tell people."""
    return max_upload_bytes() // (1024 * 1024) or 1


def upload_content_type(upload: UploadedFile) -> str:
    """Return the content type of an acceptable upload; raise ValidationError for anything else.

    The name's extension and the file's first bytes must agree: a renamed web page or program is
    refused however it is labelled. The browser's declared type is ignored.
    """
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in UPLOAD_TYPES:
        raise ValidationError(
            f"“{name}” is not a PDF, PNG or JPEG file. Save or scan it as one of those "
            "and upload it again.",
            code="file_type",
        )
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            f"“{name}” is larger than the {max_upload_mb()} MB limit. Reduce its size "
            "(for example, scan at a lower resolution) and try again.",
            code="file_size",
        )
    content_type, magic = UPLOAD_TYPES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise ValidationError(
            f"“{name}” is named like a {extension[1:].upper()} file but its contents are not. "
            "Open it on your computer, save it again as PDF, PNG or JPEG, and upload that copy.",
            code="file_content",
        )
    return content_type


def original_name(upload: UploadedFile) -> str:
    """Return the name the file had on the person's computer (kept in the row, never on disk)."""
    return os.path.basename(upload.name or "")[-255:]


def sha256_of(stream: IO[bytes]) -> str:
    """Return the SHA-256 of a file, leaving it at its start."""
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def random_path(folder: str) -> str:
    """Return a storage name nobody can guess and that says nothing about the file: the
    original name (which may hold a child's name) stays in the database row."""
    return f"{folder}/{uuid.uuid4().hex}"


def open_stored(file: FieldFile) -> File:
    """Open a stored upload for reading; OSError when storage does not have it."""
    if not file.name:
        raise FileNotFoundError("No file is stored for this record.")
    return file.storage.open(file.name, "rb")


def download_response(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """Send a stored file as a download: never shown inline, never sniffed, never cached."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
