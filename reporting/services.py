"""Writes for release time: the school's standard timetable and each ECT's figures for a
term. Everything is checked before anything is written, in one transaction, so a
refusal leaves nothing behind; each refusal names the field to change and says how."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from participants.models import ECTAtSchool
from programme.schedule import academic_year_label
from reporting import pdf
from reporting.models import ECTTermTimetable, ReleaseTimeBatch, StandardTimetable
from reporting.release_time import (
    HOURS,
    MAX_MENTOR_HOURS,
    MAX_TIMETABLE_HOURS,
    TermError,
    TermRef,
    find_term,
    school_terms,
)
from schools.models import School

logger = logging.getLogger(__name__)

STANDARD_FIELD = "standard_hours"
TERM_FIELD = "term"
ECT_FIELD = "ect"


class ReleaseTimeError(Exception):
    """Figures that cannot be saved. ``errors`` maps each field to its messages: the
    standard timetable is ``standard_hours``, the term ``term``, and an ECT's figures
    ``ect-<ect id>-fte``, ``ect-<ect id>-teaching_hours`` and ``ect-<ect id>-mentor_hours``
    (the names of their inputs on the form), so a page shows each message beside its field."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


def ect_field(ect, name):
    return f"ect-{ect.pk}-{name}"


@dataclass(frozen=True)
class TermFigures:
    """What the school records for one ECT in one term. With neither teaching hours nor
    mentor time, nothing is recorded (figures recorded before are removed)."""

    ect: object
    fte: Decimal | None = None
    teaching_hours: Decimal | None = None
    mentor_hours: Decimal | None = None

    @property
    def empty(self):
        return self.teaching_hours is None and self.mentor_hours is None


def _hours_problem(value, *, what, example, maximum, too_many):
    """Why ``value`` (hours a week) cannot be saved, or None."""
    if value.is_nan() or value.is_infinite():
        return f"Enter {what} as a number of hours a week, for example {example}."
    if value < 0:
        return f"{what[0].upper()}{what[1:]} cannot be less than 0: enter hours a week, for example {example}."
    if value > maximum:
        return f"{value.normalize():f} hours is more than {maximum} hours a week: {too_many}"
    if value != value.quantize(HOURS):
        return f"Enter {what} to at most 2 decimal places, for example {example}."
    return None


def _standard_problems(hours):
    what = "the standard timetable"
    if hours is None:
        return [f"Enter {what}: the teaching hours a week of a full-time main-pay-range teacher, for example 22.5."]
    if not (hours.is_nan() or hours.is_infinite()) and hours == 0:
        return [
            "The standard timetable cannot be 0 hours: enter the teaching hours a week of a full-time "
            "main-pay-range teacher at the school, for example 22.5."
        ]
    problem = _hours_problem(
        hours, what=what, example="22.5", maximum=MAX_TIMETABLE_HOURS,
        too_many="enter a week's timetabled teaching, not a fortnight's or a term's.",
    )
    return [problem] if problem else []


def _figures_problems(figures, *, term):
    """{field: [message]} for one ECT's figures."""
    name = figures.ect.user.get_full_name() or "this ECT"
    problems = {}
    if figures.fte is None:
        problems["fte"] = f"Enter {name}'s FTE this term, for example 1 for full time or 0.6 for three days a week."
    elif figures.fte.is_nan() or figures.fte.is_infinite() or not 0 < figures.fte <= 1:
        problems["fte"] = (
            f"An FTE is more than 0 and at most 1: enter {name}'s share of a full-time timetable this term, "
            "for example 1 for full time or 0.6 for three days a week."
        )
    elif figures.fte != figures.fte.quantize(HOURS):
        problems["fte"] = f"Enter {name}'s FTE to at most 2 decimal places, for example 0.6."
    if figures.teaching_hours is not None:
        problem = _hours_problem(
            figures.teaching_hours, what=f"{name}'s teaching hours", example="20", maximum=MAX_TIMETABLE_HOURS,
            too_many="enter the hours a week they are timetabled to teach, not a fortnight's or a term's.",
        )
        if problem:
            problems["teaching_hours"] = problem
    if figures.mentor_hours is not None:
        hint = f" (the {term.ref.season} term has {term.teaching_weeks} teaching weeks)" if term.teaching_weeks else ""
        problem = _hours_problem(
            figures.mentor_hours, what=f"{name}'s mentor time", example="1", maximum=MAX_MENTOR_HOURS,
            too_many=f"enter the mentor time as hours a week on average; if that is the term's total, "
            f"divide it by the number of teaching weeks{hint}.",
        )
        if problem:
            problems["mentor_hours"] = problem
    return problems


def _ect_ids_at_school(ects, *, school, term):
    """Of these ECTs, the ids of those at the school on some day of the term (one query)."""
    calendar_term = term.calendar_term
    ids = [e.pk for e in ects if e.tenant_id == school.tenant_id]
    return set(
        ECTAtSchool.objects.filter(
            tenant_id=school.tenant_id, ect_id__in=ids, school=school, started_on__lte=calendar_term.ends_on,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=calendar_term.starts_on))
        .values_list("ect_id", flat=True)
    )


def _check_term(school, term, today):
    try:
        return find_term(school_terms(school=school, today=today), term, school=school)
    except TermError as exc:
        raise ReleaseTimeError({TERM_FIELD: [str(exc)]}) from None


def _save(row, values, actor):
    """Write the row when new or changed (so its history shows real changes only)."""
    if row.pk is not None and all(getattr(row, k) == v for k, v in values.items()):
        return row
    for key, value in values.items():
        setattr(row, key, value)
    row.recorded_by = actor
    row._history_user = actor
    row.save()
    return row


def _write_standard(*, actor, school, academic_year, hours):
    row = (
        StandardTimetable.objects.select_for_update()
        .filter(tenant_id=school.tenant_id, school=school, academic_year=academic_year)
        .first()
    ) or StandardTimetable(tenant_id=school.tenant_id, school=school, academic_year=academic_year)
    return _save(row, {"hours": hours}, actor)


def _write_figures(*, actor, school, term, figures):
    where = {
        "tenant_id": school.tenant_id, "school": school, "ect": figures.ect,
        "academic_year": term.ref.academic_year, "term": term.ref.number,
    }
    row = ECTTermTimetable.objects.select_for_update().filter(**where).first()
    if figures.empty:
        if row is not None:
            row._history_user = actor
            row.delete()
        return None
    values = {"fte": figures.fte, "teaching_hours": figures.teaching_hours, "mentor_hours": figures.mentor_hours}
    return _save(row or ECTTermTimetable(**where), values, actor)


@transaction.atomic
def set_standard_timetable(*, actor, school, academic_year, hours, today=None):
    """Save the school's standard timetable (hours a week) for an academic year of its
    calendar."""
    terms = school_terms(school=school, today=today)
    if academic_year not in {t.ref.academic_year for t in terms}:
        raise ReleaseTimeError({TERM_FIELD: [
            f"{academic_year_label(academic_year)} is not in {school.name}'s calendar here: choose an academic year "
            f"from {academic_year_label(terms[0].ref.academic_year)} up to "
            f"{academic_year_label(terms[-1].ref.academic_year)}."
        ]})
    problems = _standard_problems(hours)
    if problems:
        raise ReleaseTimeError({STANDARD_FIELD: problems})
    return _write_standard(actor=actor, school=school, academic_year=academic_year, hours=hours)


@transaction.atomic
def record_ect_term(*, actor, school, term, figures: TermFigures, today=None):
    """Save one ECT's figures for a term of the school's calendar (``term`` a TermRef or
    "2026-autumn"). Returns the row, or None when the figures were emptied."""
    term = _check_term(school, term, today)
    if figures.ect.pk not in _ect_ids_at_school([figures.ect], school=school, term=term):
        raise ReleaseTimeError({ECT_FIELD: [
            f"{figures.ect.user.get_full_name() or 'This ECT'} is not at {school.name} in the "
            f"{term.label.lower()}: record their figures at the school where they taught that term."
        ]})
    problems = {} if figures.empty else _figures_problems(figures, term=term)
    if problems:
        raise ReleaseTimeError({ect_field(figures.ect, k): [v] for k, v in problems.items()})
    return _write_figures(actor=actor, school=school, term=term, figures=figures)


@transaction.atomic
def record_term(*, actor, school, term, standard_hours, figures=(), today=None):
    """Save the standard timetable of the term's academic year and every ECT's figures
    for the term, all or nothing: ``ReleaseTimeError`` lists every problem at once."""
    term = _check_term(school, term, today)
    errors = {}
    problems = _standard_problems(standard_hours)
    if problems:
        errors[STANDARD_FIELD] = problems
    figures = list(figures)
    here = _ect_ids_at_school([item.ect for item in figures], school=school, term=term)
    for item in figures:
        if item.ect.pk not in here:
            errors.setdefault(ECT_FIELD, []).append(
                f"{item.ect.user.get_full_name() or 'An ECT'} is not at {school.name} in the {term.label.lower()}."
            )
            continue
        if not item.empty:
            for key, message in _figures_problems(item, term=term).items():
                errors[ect_field(item.ect, key)] = [message]
    if errors:
        raise ReleaseTimeError(errors)
    standard = _write_standard(actor=actor, school=school, academic_year=term.ref.academic_year, hours=standard_hours)
    rows = [_write_figures(actor=actor, school=school, term=term, figures=item) for item in figures]
    return standard, rows


# --- Batches of reports (a Celery job) -----------------------------------------------------


@transaction.atomic
def start_release_time_batch(*, actor, tenant, term):
    """Queue the release-time report of every school of the delivery partner for
    ``term`` (a TermRef), as one ZIP. The job starts once this transaction commits."""
    from reporting.tasks import render_release_time_batch  # the task module imports this one

    batch = ReleaseTimeBatch(
        tenant=tenant, academic_year=term.academic_year, term=term.number, requested_by=actor,
        schools_total=School.objects.filter(tenant=tenant).count(),
    )
    batch._history_user = actor
    batch.save()
    transaction.on_commit(lambda: render_release_time_batch.delay(batch.pk, tenant_id=tenant.pk))
    return batch


def run_release_time_batch(*, batch_id, tenant_id, today=None):
    """The job: each school's PDF for the batch's term into one ZIP, progress written
    after each school. A failure is recorded on the batch (with what to do), not lost."""
    batches = ReleaseTimeBatch.objects.filter(tenant_id=tenant_id, pk=batch_id)
    batch = batches.defer("content").first()
    if batch is None:
        return None  # removed before the job ran
    term = TermRef(batch.academic_year, batch.term)
    schools = list(School.objects.filter(tenant_id=tenant_id).order_by("name", "urn"))
    batches.update(status=ReleaseTimeBatch.Status.RUNNING, schools_total=len(schools), schools_done=0, error="")
    buffer = BytesIO()
    school = None
    try:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, school in enumerate(schools, start=1):
                report = pdf.school_report(school=school, term=term, today=today)
                archive.writestr(pdf.report_filename(report), pdf.release_time_pdf(report))
                batches.update(schools_done=done)
    except Exception:  # recorded for the person who asked (without internals), logged with its trace
        logger.exception("Release-time batch %s failed at school %s", batch_id, school.pk if school else None)
        batch.refresh_from_db(fields=["schools_done", "schools_total"])
        batch.status = ReleaseTimeBatch.Status.FAILED
        batch.error = (
            f"The report of {school.name if school else 'a school'} (school {batch.schools_done + 1} of "
            f"{batch.schools_total}) could not be made. Start the batch again; if it fails again, tell the "
            "ectalign support team."
        )
        batch.finished_at = timezone.now()
        batch._history_user = batch.requested_by
        batch.save(update_fields=["status", "error", "finished_at"])
        return batch
    batch.refresh_from_db(fields=["schools_done", "schools_total"])
    batch.status = ReleaseTimeBatch.Status.DONE
    batch.content = buffer.getvalue()
    batch.filename = f"release-time-reports-{slugify(batch.tenant.slug) or 'delivery-partner'}-{term.slug}.zip"
    batch.finished_at = timezone.now()
    batch._history_user = batch.requested_by
    batch.save(update_fields=["status", "content", "filename", "finished_at"])
    return batch

