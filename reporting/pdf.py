"""The release-time compliance report of a school and term as a PDF (WeasyPrint): the
page's figures, from the same ``reporting.release_time`` read, so the two never disagree."""

from __future__ import annotations

from ectalign.pdf import render_pdf
from django.utils import timezone
from django.utils.text import slugify

from reporting.release_time import (
    MENTOR_HOURS_PER_CYCLE,
    TIMETABLE_CEILING,
    find_term,
    school_release_time,
    school_terms,
)


def report_context(report) -> dict:
    return {
        "report": report,
        "school": report.school,
        "term": report.term,
        "summary": report.summary,
        "generated": timezone.localtime(report.generated_at or timezone.now()),
        "year_one_percent": int(TIMETABLE_CEILING[1] * 100),
        "year_two_percent": int(TIMETABLE_CEILING[2] * 100),
        "mentor_hours_per_cycle": MENTOR_HOURS_PER_CYCLE,
    }


def release_time_pdf(report) -> bytes:
    return render_pdf("reporting/pdf/release_time.html", report_context(report))


def report_filename(report) -> str:
    name = slugify(report.school.name) or "school"
    return f"release-time-{report.school.urn}-{name}-{report.term.ref.slug}.pdf"


def school_report(*, school, term, today=None):
    """The report of the school for ``term`` (a TermRef or "2026-autumn"); a TermError
    when the term is not one of the school's."""
    school_term = find_term(school_terms(school=school, today=today), term, school=school)
    return school_release_time(school=school, term=school_term, on=today)
