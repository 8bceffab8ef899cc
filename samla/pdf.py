"""Render a template to PDF with WeasyPrint: every printed document goes through here.

Every PDF is PDF/UA-1: tagged (headings, paragraphs, tables with their header cells), in the
language of the template's ``<html lang>`` and titled by its ``<title>``, as the accessibility law
for the public sector (lagen om tillgänglighet till digital offentlig service) asks of documents
as of pages. ``static/css/print.css`` makes every table fit its page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which only PDF requests need.
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context, request=request)
    stylesheet = finders.find("css/print.css")
    stylesheets = [CSS(filename=stylesheet)] if isinstance(stylesheet, str) else []
    pdf: bytes | None = HTML(string=html).write_pdf(
        stylesheets=stylesheets, pdf_variant=PDF_VARIANT
    )
    assert pdf is not None
    return pdf


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
