"""Engagement snapshots: the figures behind the delivery partner's reports.

Judging 3,000 ECTs and their mentors on every request is far too slow (reading their
facts alone takes tens of seconds), so a job judges everyone once, with the one
engagement selector (``reporting.engagement``, as the induction tutor's dashboard
does), and records each person's numbers, state and reasons as an
``EngagementSnapshot``, one row per person, school and day. The reports then aggregate
those rows in SQL, in a fixed number of queries whatever the number of schools.

The job also records what would otherwise cost a few queries per school on every
report: each ECT's release time for the school's current term (``reporting.release_time``)
and whether each person has onboarded (``participants.onboarding``).

It runs every night for every active delivery partner (Celery beat:
``reporting.snapshot_tasks``) and when the delivery partner's staff press "Refresh now"
(``start_refresh``), each run recorded as an ``EngagementRefresh`` with its progress.
The reports read the day of the latest finished run, so a run in progress or one that
failed half way never shows a partial picture.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool
from participants.onboarding import onboarded_user_ids
from reporting import dashboard, engagement
from reporting.models import EngagementRefresh, EngagementSnapshot
from reporting.release_time import current_term, school_release_time, school_terms
from schools.models import School, Tenant

logger = logging.getLogger(__name__)

# Schools whose people are read together (one ``read_facts`` for the lot: about half the
# time of reading school by school), small enough to keep the job's memory bounded.
SCHOOLS_PER_READ = 25
# Snapshots older than this are removed after each run: a school year and a little more
# is kept, so this year's figures can be compared with the same day last year.
KEEP_DAYS = 400
# A run still queued or running after this long is taken as lost (its worker stopped):
# "Refresh now" starts another instead of waiting for it.
REFRESH_STALE_AFTER = dt.timedelta(hours=2)


def since_start(record, term_starts_on):
    """Where "since the start" begins: an ECT's induction start; a mentor's cohort's
    first September (the start of their mentor programme), else the term's start."""
    if isinstance(record, ECT):
        return record.induction_start
    cohort = getattr(record, "cohort", None)
    return dt.date(cohort.start_year, 9, 1) if cohort is not None else term_starts_on


def _people_at(school, on):
    """(ECT ids, mentor ids) at the school on ``on``: the dashboard's rule
    (``engagement.school_people``)."""
    ects, mentors = engagement.school_people(school, on)
    return list(ects.values_list("pk", flat=True)), list(mentors.values_list("pk", flat=True))


def _main_schools(tenant_id, on, ect_ids, mentor_ids):
    """{(kind, record pk): school id}: for each person the first of their schools on
    ``on`` (the period started first), so totals across schools count them once."""
    found = {}
    for kind, model, field, ids in (
        ("ect", ECTAtSchool, "ect_id", ect_ids), ("mentor", MentorAtSchool, "mentor_id", mentor_ids),
    ):
        periods = (
            model.objects.filter(tenant_id=tenant_id, **{f"{field}__in": ids}, started_on__lte=on)
            .exclude(ended_on__lt=on)
            .order_by(field, "started_on", "pk")
            .values_list(field, "school_id")
        )
        for pk, school_id in periods:
            found.setdefault((kind, pk), school_id)
    return found


def _release_statuses(school, on):
    """{ECT pk: (release-time status, mentor-time status)} for the school's current term."""
    terms = school_terms(school=school, today=on)
    if not terms:
        return {}
    report = school_release_time(school=school, term=current_term(terms, on), on=on)
    return {row.ect.pk: (row.figures.status, row.figures.mentor_status) for row in report.rows}


_COUNTS = (
    "self_study_expected", "self_study_done", "cycles_expected", "cycles_logged", "observations",
    "steps_recorded", "events_expected", "events_attended",
)


def _snapshot(term, total, *, tenant_id, school, on, term_starts_on, main_school_id, release, onboarded, now):
    record = term.record
    is_ect = term.kind == "ect"
    release_status, mentor_status = release.get(record.pk, ("", "")) if is_ect else ("", "")
    return EngagementSnapshot(
        tenant_id=tenant_id, on=on, user_id=record.user_id, kind=term.kind,
        ect=record if is_ect else None, mentor=None if is_ect else record,
        school_id=school.pk, cohort_id=record.cohort_id,
        is_main_school=main_school_id in (None, school.pk),
        level=term.level,
        reasons=[{"level": r.level, "area": r.area, "text": r.text} for r in term.sorted_reasons],
        paused=term.paused[:200], term_starts_on=term_starts_on,
        catch_up_outstanding=len(term.catch_up_outstanding),
        release_time_status=release_status, mentor_time_status=mentor_status,
        onboarded=record.user_id in onboarded, recorded_at=now,
        **{f"term_{name}": getattr(term, name) for name in _COUNTS},
        **{f"total_{name}": getattr(total, name) for name in _COUNTS},
    )


def record_snapshots(*, tenant_id, on=None, school_ids=None, progress=None) -> int:
    """Judge every ECT and mentor of the delivery partner's schools (or of ``school_ids``)
    on ``on`` and record their snapshots, replacing any recorded for the same school and
    day. ``progress(done, total)`` is called after each school. Returns the rows written.

    Each school is written in its own transaction (its row locked, so two runs at once
    take turns instead of colliding), so a failure leaves every school either as it was
    or wholly replaced."""
    on = on or timezone.localdate()
    schools = School.objects.filter(tenant_id=tenant_id)
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    schools = list(schools.order_by("name", "pk"))
    written, done = 0, 0
    for first in range(0, len(schools), SCHOOLS_PER_READ):
        chunk = schools[first:first + SCHOOLS_PER_READ]
        people = {school.pk: _people_at(school, on) for school in chunk}
        ect_ids = sorted({pk for ects, _ in people.values() for pk in ects})
        mentor_ids = sorted({pk for _, mentors in people.values() for pk in mentors})
        facts = engagement.read_facts(
            tenant_id=tenant_id, ects=ECT.objects.filter(pk__in=ect_ids),
            mentors=Mentor.objects.filter(pk__in=mentor_ids), today=on,
        )
        ects = {e.pk: e for e in facts.ects}
        mentors = {m.pk: m for m in facts.mentors}
        main = _main_schools(tenant_id, on, ect_ids, mentor_ids)
        onboarded = onboarded_user_ids(
            tenant=tenant_id, user_ids=[e.user_id for e in ects.values()] + [m.user_id for m in mentors.values()]
        )
        for school in chunk:
            term_starts_on = dashboard.term_start(school, on)
            release = _release_statuses(school, on)
            now = timezone.now()
            rows = []
            school_ects, school_mentors = people[school.pk]
            for kind, assess, records, ids in (
                ("ect", engagement.assess_ect, ects, school_ects),
                ("mentor", engagement.assess_mentor, mentors, school_mentors),
            ):
                for pk in ids:
                    record = records.get(pk)
                    if record is None:  # not read by the selector (another tenant's, say): never guessed
                        logger.warning("Engagement snapshot: %s %s at school %s not read", kind, pk, school.pk)
                        continue
                    term = assess(facts, record, start=term_starts_on, on=on)
                    total = assess(facts, record, start=since_start(record, term_starts_on), on=on)
                    rows.append(_snapshot(
                        term, total, tenant_id=tenant_id, school=school, on=on, term_starts_on=term_starts_on,
                        main_school_id=main.get((kind, pk)), release=release, onboarded=onboarded, now=now,
                    ))
            with transaction.atomic():
                list(School.objects.select_for_update().filter(tenant_id=tenant_id, pk=school.pk).values_list("pk"))
                EngagementSnapshot.objects.filter(tenant_id=tenant_id, school=school, on=on).delete()
                EngagementSnapshot.objects.bulk_create(rows, batch_size=500)
            written += len(rows)
            done += 1
            if progress is not None:
                progress(done, len(schools))
    return written


# --- Runs of the job ------------------------------------------------------------------------


def _unfinished(tenant_id):
    return EngagementRefresh.objects.filter(
        tenant_id=tenant_id,
        status__in=[EngagementRefresh.Status.QUEUED, EngagementRefresh.Status.RUNNING],
        requested_at__gte=timezone.now() - REFRESH_STALE_AFTER,
    )


def current_refresh(*, tenant_id):
    """The run queued or in progress, if any (a lost one does not count)."""
    return _unfinished(tenant_id).order_by("-requested_at", "-pk").first()


def is_running(refresh):
    """Whether a run is queued or going now (not finished, not lost)."""
    return (
        refresh is not None and not refresh.is_finished
        and refresh.requested_at >= timezone.now() - REFRESH_STALE_AFTER
    )


def latest_refresh(*, tenant_id):
    """The most recent run, whatever its state (for the status line)."""
    return EngagementRefresh.objects.filter(tenant_id=tenant_id).order_by("-requested_at", "-pk").first()


def latest_finished(*, tenant_id):
    """The latest run that finished: its day is the one the reports show."""
    return (
        EngagementRefresh.objects.filter(tenant_id=tenant_id, status=EngagementRefresh.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def create_refresh(*, tenant_id, actor=None):
    return EngagementRefresh.objects.create(
        tenant_id=tenant_id, on=timezone.localdate(), requested_by=actor,
        schools_total=School.objects.filter(tenant_id=tenant_id).count(),
    )


@transaction.atomic
def start_refresh(*, actor, tenant_id):
    """Queue a run of the delivery partner's figures ("Refresh now"), unless one is
    already queued or running: returns (the run, whether it is a new one). The job
    starts once this transaction commits (inline in eager mode)."""
    from reporting.snapshot_tasks import refresh_engagement  # the task module imports this one

    # One at a time per delivery partner: a second press while the first is being
    # queued waits here, then finds it.
    list(Tenant.objects.select_for_update().filter(pk=tenant_id).values_list("pk"))
    running = current_refresh(tenant_id=tenant_id)
    if running is not None:
        return running, False
    refresh = create_refresh(tenant_id=tenant_id, actor=actor)
    transaction.on_commit(lambda: refresh_engagement.delay(refresh.pk, tenant_id=tenant_id))
    return refresh, True


def run_refresh(*, refresh_id, tenant_id):
    """The job: record every school's snapshots for today, progress written after each
    school; then remove snapshots older than KEEP_DAYS. A failure is recorded on the
    run (the reports keep showing the last finished one), not lost."""
    refreshes = EngagementRefresh.objects.filter(tenant_id=tenant_id, pk=refresh_id)
    refresh = refreshes.first()
    if refresh is None or refresh.is_finished:
        return refresh  # removed, or delivered twice (acks late) after it finished
    on = timezone.localdate()
    refreshes.update(
        status=EngagementRefresh.Status.RUNNING, on=on, schools_done=0,
        schools_total=School.objects.filter(tenant_id=tenant_id).count(), error="",
    )

    def progress(done, total):
        refreshes.update(schools_done=done, schools_total=total)

    try:
        record_snapshots(tenant_id=tenant_id, on=on, progress=progress)
    except Exception:  # recorded for the person who asked (without internals), logged with its trace
        logger.exception("Engagement refresh %s of tenant %s failed", refresh_id, tenant_id)
        refreshes.update(
            status=EngagementRefresh.Status.FAILED, finished_at=timezone.now(),
            error="The figures could not be worked out. The report shows the last figures that were; "
            "press \u201cRefresh now\u201d to try again, and if it fails again tell the ectalign support team.",
        )
        return refreshes.first()
    refreshes.update(status=EngagementRefresh.Status.DONE, finished_at=timezone.now())
    cutoff = on - dt.timedelta(days=KEEP_DAYS)
    EngagementSnapshot.objects.filter(tenant_id=tenant_id, on__lt=cutoff).delete()
    EngagementRefresh.objects.filter(tenant_id=tenant_id, on__lt=cutoff).delete()
    return refreshes.first()
