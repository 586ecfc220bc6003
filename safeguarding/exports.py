"""The child's file on paper: a PDF of the chronology, and the zipped file for a transfer (the
PDF, a manifest, and the files attached to the child's concerns)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from pupils.models import Pupil
from safeguarding import chronology
from safeguarding.models import Attachment, Transfer
from send_hub.lib.uploads import open_stored
from staff.models import User

PRINT_CSS = "css/safeguarding_print.css"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` to PDF with WeasyPrint, loading nothing from outside the page."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    # Only data: URIs may load: a typed-in URL can never make the server fetch anything.
    fetcher = URLFetcher(allowed_protocols=["data"])
    css_path = finders.find(PRINT_CSS)
    stylesheets = [CSS(string=Path(css_path).read_text(encoding="utf-8"))] if css_path else []
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)


def chronology_context(pupil: Pupil, *, by: User, category: str = "") -> dict[str, Any]:
    """Return what the printed chronology shows: every entry and each concern in full."""
    return {
        "pupil": pupil,
        "chronology": chronology.build(pupil, category=category),
        "printed_by": by,
        "printed_at": timezone.now(),
        "category": category,
    }


def chronology_pdf(pupil: Pupil, *, by: User, category: str = "") -> bytes:
    """Return the chronology as a PDF for printing."""
    return render_pdf(
        "safeguarding/chronology_pdf.html", chronology_context(pupil, by=by, category=category)
    )


EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def _attachment_files(chron: chronology.Chronology) -> list[tuple[Attachment, bytes | None]]:
    """Read each file on the child's file and name it in the package by its concern's reference
    (never the original name, which may name another child). A file missing from storage is
    listed as missing rather than stopping the transfer."""
    files: list[tuple[Attachment, bytes | None]] = []
    for n, attachment in enumerate(chron.attachments, start=1):
        extension = EXTENSIONS.get(attachment.content_type, "")
        attachment.package_missing = False
        attachment.package_name = (
            f"attachments/{n:02d}-{attachment.concern.reference}-{attachment.kind.lower()}"
            f"{extension}"
        )
        try:
            with open_stored(attachment.file) as handle:
                content: bytes | None = handle.read()
        except OSError:
            attachment.package_name = ""
            attachment.package_missing = True
            content = None
        files.append((attachment, content))
    return files


def cp_file_zip(*, transfer: Transfer, by: User) -> tuple[str, bytes]:
    """Return a file name (no child's name in it) and the zip: chronology.pdf, manifest.json,
    and every file on the child's file under attachments/ (listed in the PDF and manifest)."""
    pupil = transfer.pupil
    context = chronology_context(pupil, by=by)
    chron = context["chronology"]
    attachments = _attachment_files(chron)
    pdf = render_pdf("safeguarding/chronology_pdf.html", {**context, "transfer": transfer})
    kinds: dict[str, int] = {}
    for entry in chron.entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    manifest = {
        "format": "send-hub/child-protection-file/1",
        "generated_at": timezone.now().isoformat(),
        "generated_by": {"name": by.full_name, "email": by.email},
        "from_school": {"name": transfer.school.name, "urn": transfer.school.urn},
        "to_school": transfer.destination_school,
        "to_dsl": transfer.destination_contact,
        "pupil": {
            "upn": pupil.upn,
            "legal_forename": pupil.legal_forename,
            "legal_surname": pupil.legal_surname,
            "date_of_birth": pupil.date_of_birth.isoformat(),
            "leaving_date": transfer.leaving_date.isoformat(),
        },
        "records": {
            "concerns": [c.reference for c in chron.concerns],
            "entries": kinds,
        },
        "files": [
            {
                "name": "chronology.pdf",
                "bytes": len(pdf),
                "sha256": hashlib.sha256(pdf).hexdigest(),
            },
            *(
                {
                    "name": attachment.package_name,
                    "bytes": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
                for attachment, content in attachments
                if content is not None
            ),
        ],
        "attachments": [
            {
                "file": attachment.package_name or None,
                "missing_from_storage": content is None,
                "kind": attachment.get_kind_display(),
                "description": attachment.description,
                "concern": attachment.concern.reference,
                "with": attachment.addendum.get_kind_display() if attachment.addendum else None,
                "added_by": attachment.uploaded_by.full_name,
                "added_by_job_title": attachment.uploaded_by_job_title,
                "added_at": attachment.uploaded_at.isoformat(),
                "sha256_when_added": attachment.sha256,
            }
            for attachment, content in attachments
        ],
        "note": "Child protection file: send separately from the main pupil file, to the DSL.",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chronology.pdf", pdf)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for attachment, content in attachments:
            if content is not None:
                archive.writestr(attachment.package_name, content)
    return f"cp-file-transfer-{transfer.pk}.zip", buffer.getvalue()
