"""A4 PDFs with WeasyPrint, from the same templates the browser shows.

WeasyPrint never fetches anything: the stylesheet is read from our static files and every other
URL in the document is refused, so text someone typed into a profile cannot make the server
reach out to the network.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

PROFILE_CSS = "css/role-profile.css"


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDFs do not load {url}")


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None) -> bytes:
    """Return ``template`` rendered to an A4 PDF with the role-profile stylesheet."""
    from weasyprint import CSS, HTML  # slow to import: only when a PDF is asked for

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    css_path = finders.find(PROFILE_CSS)
    stylesheets = [CSS(filename=css_path, url_fetcher=_refuse)] if css_path else []
    return HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=stylesheets)


def pdf_response(pdf: bytes, title: str, version: int) -> HttpResponse:
    """Return ``pdf`` as a download named after the profile."""
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{slugify(title) or 'role-profile'}-v{version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
