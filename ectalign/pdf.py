"""PDFs from templates (WeasyPrint), for every app's downloads."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template, context) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def pdf_response(body, filename):
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
