"""The evidence pack as an A4 PDF, and a sample of packs as one zip (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.evidence.pack import Pack, evidence_pack
from pupils.models import Pupil


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The PDF needs nothing from outside: typed text must never make the server fetch a URL.
    raise ValueError(f"PDFs do not load {url}")


def site_base(request: HttpRequest) -> str:
    """Return the site's address ("https://send.example.org") for the PDFs' links."""
    return request.build_absolute_uri("/")[:-1]


def pack_pdf(pack: Pack, base: str) -> bytes:
    """Return ``pack`` as PDF bytes; links point back to the records at ``base``."""
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    context = {"pack": pack, "base": base, "now": timezone.now()}
    html = render_to_string("interventions/evidence/pack_pdf.html", context)
    return bytes(HTML(string=html, url_fetcher=_refuse).write_pdf())


def pack_file_name(pupil: Pupil) -> str:
    # No name in the file name: downloads folders are not private.
    return f"evidence-pack-{pupil.pk}.pdf"


def sample_zip(pupils: list[Pupil], today: dt.date, base: str) -> bytes:
    """Return one evidence pack PDF per pupil in a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pupil in pupils:
            archive.writestr(pack_file_name(pupil), pack_pdf(evidence_pack(pupil, today), base))
    return buffer.getvalue()
