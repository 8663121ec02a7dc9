"""PDFs of events (WeasyPrint): a participant's year, a school's year, a session's register."""

from django.utils.text import slugify

from ectalign.pdf import pdf_response, render_pdf  # noqa: F401  (the events views' names)


def slug(text):
    return slugify(text) or "schedule"
