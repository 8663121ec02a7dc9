"""Release time (DESIGN.md section 7): what the school records, and the batches of
compliance reports the delivery partner's staff run across their schools.

The school records, per academic year, the standard full-time teaching timetable of its
main-pay-range teachers (hours a week), and per ECT and term the ECT's FTE, their actual
timetabled teaching hours a week and the mentor time they were given (hours a week, on
average over the term). Everything computed from these (the ceiling, the provision, the
shortfall, mentor time against the recommendation) lives in ``reporting.release_time``.

Bounds are checked, with messages a teacher can act on, by ``reporting.services``; the
check constraints here only keep impossible rows out of the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned
from programme.schedule import TERM_SEASONS, academic_year_label

TERM_CHOICES = [(number, f"{season.capitalize()} term") for number, season in TERM_SEASONS.items()]


def _hours_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=4, decimal_places=2, **kwargs)


class StandardTimetable(TenantOwned):
    """The school's standard full-time teaching timetable of its main-pay-range
    teachers, in hours a week, for one academic year: the figure the statutory 90% and
    95% are taken of."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="standard_timetables")
    academic_year = models.PositiveSmallIntegerField(help_text="By its first calendar year: 2026 for 2026 to 2027.")
    hours = _hours_field("hours a week", help_text="Timetabled teaching of a full-time main-pay-range teacher.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name", "-academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year"], name="one_standard_timetable_per_school_year"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="standard_timetable_hours_positive"),
        ]

    def __str__(self):
        return f"{self.school.name}, {academic_year_label(self.academic_year)}: {self.hours} hours a week"


class ECTTermTimetable(TenantOwned):
    """One ECT's figures for one term of a school's calendar: their FTE that term, their
    actual timetabled teaching hours a week, and the mentor time given (hours a week on
    average over the term's teaching weeks). Teaching hours or mentor time may be left
    unrecorded (null): the report then shows that figure as missing, never compliant."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="ect_term_timetables")
    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="term_timetables")
    academic_year = models.PositiveSmallIntegerField(help_text="By its first calendar year: 2026 for 2026 to 2027.")
    term = models.PositiveSmallIntegerField(choices=TERM_CHOICES)
    fte = models.DecimalField("FTE this term", max_digits=3, decimal_places=2)
    teaching_hours = _hours_field("teaching hours a week", null=True, blank=True)
    mentor_hours = _hours_field("mentor time, hours a week on average", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ECT's term timetable"
        ordering = ["-academic_year", "-term"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "ect", "academic_year", "term"], name="one_term_timetable_per_ect_school_term"
            ),
            models.CheckConstraint(condition=Q(term__gte=1) & Q(term__lte=3), name="ect_term_timetable_term_1_to_3"),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="ect_term_timetable_fte_in_range"),
            models.CheckConstraint(
                condition=Q(teaching_hours__isnull=True) | Q(teaching_hours__gte=0),
                name="ect_term_timetable_teaching_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(mentor_hours__isnull=True) | Q(mentor_hours__gte=0),
                name="ect_term_timetable_mentor_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(teaching_hours__isnull=False) | Q(mentor_hours__isnull=False),
                name="ect_term_timetable_records_something",
            ),
        ]

    def __str__(self):
        return f"{self.ect}, {TERM_SEASONS[self.term]} term {academic_year_label(self.academic_year)}"


class SchoolsProgress:
    """Progress of a job that works through a delivery partner's schools one by one
    (a model with ``status`` (its Status has DONE and FAILED), ``schools_done`` and
    ``schools_total``): what its progress bar shows."""

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return round(100 * self.schools_done / self.schools_total) if self.schools_total else 0

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReleaseTimeBatch(SchoolsProgress, TenantOwned):
    """A run of the release-time compliance report for every school of the delivery
    partner, for one term, as one ZIP of PDFs (a Celery job: ``reporting.tasks``).

    The ZIP is kept in the database rather than under MEDIA_ROOT: the web app and the
    worker run in separate containers that share the database but no volume
    (docker-compose.yml), and one PDF per school is small (tens of kilobytes)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Making the reports"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    academic_year = models.PositiveSmallIntegerField()
    term = models.PositiveSmallIntegerField(choices=TERM_CHOICES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    schools_total = models.PositiveIntegerField(default=0)
    schools_done = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)

    # Progress is written with queryset.update() (no history row per school); the
    # history keeps who asked and the outcome, never the file itself.
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = "release-time report batch"
        verbose_name_plural = "release-time report batches"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(term__gte=1) & Q(term__lte=3), name="release_time_batch_term_1_to_3"),
            models.CheckConstraint(
                condition=Q(schools_done__lte=models.F("schools_total")), name="release_time_batch_progress_in_range"
            ),
        ]

    def __str__(self):
        return f"Release-time reports, {TERM_SEASONS[self.term]} term {academic_year_label(self.academic_year)}"



# --- Engagement snapshots (the delivery partner's reports) --------------------------------

from django.utils import timezone  # noqa: E402 (this section is appended to the release-time models)


class EngagementSnapshot(TenantOwned):
    """One ECT's or mentor's engagement at one school as judged on one day, by
    ``reporting.engagement`` (the one selector): the counts for the school's current term
    and since the start, the state and its reasons, their release time this term and
    whether they have onboarded. Recorded by a nightly job (``reporting.snapshots``) so
    the delivery partner's reports aggregate 3,000 ECTs in SQL instead of judging them
    on every request.

    No HistoricalRecords: nobody edits a snapshot. It is a figure the job derives and
    replaces wholesale (delete, then bulk_create) from records that keep their own
    history; a history table would only copy every row every night.

    A mentor serving several schools has a row at each (each school's report counts
    them); ``is_main_school`` marks one of them, so totals across schools (the cohorts
    table) count each person once."""

    class Kind(models.TextChoices):
        ECT = "ect", "ECT"
        MENTOR = "mentor", "Mentor"

    class Level(models.TextChoices):
        # The values of reporting.engagement's RED, AMBER, GREEN, PAUSED.
        RED = "red", "Act now"
        AMBER = "amber", "Check"
        GREEN = "green", "On track"
        PAUSED = "paused", "Paused"

    on = models.DateField("day judged")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    ect = models.ForeignKey(
        "participants.ECT", on_delete=models.CASCADE, null=True, blank=True, related_name="engagement_snapshots"
    )
    mentor = models.ForeignKey(
        "participants.Mentor", on_delete=models.CASCADE, null=True, blank=True, related_name="engagement_snapshots"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="engagement_snapshots")
    cohort = models.ForeignKey(
        "programme.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="engagement_snapshots"
    )
    is_main_school = models.BooleanField(
        default=True, help_text="The first of the person's schools that day: totals across schools count it alone."
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    reasons = models.JSONField(
        default=list, blank=True, help_text='[{"level", "area", "text"}], as the dashboard says them.'
    )
    paused = models.CharField(max_length=200, blank=True, help_text="Why expectations are paused, when they are.")
    term_starts_on = models.DateField(help_text="The first day of the school's current term: the term figures' period.")
    # The current term (from term_starts_on to the day judged).
    term_self_study_expected = models.PositiveIntegerField(default=0)
    term_self_study_done = models.PositiveIntegerField(default=0)
    term_cycles_expected = models.PositiveIntegerField(default=0)
    term_cycles_logged = models.PositiveIntegerField(default=0)
    term_observations = models.PositiveIntegerField(default=0)
    term_steps_recorded = models.PositiveIntegerField(default=0)
    term_events_expected = models.PositiveIntegerField(default=0)
    term_events_attended = models.PositiveIntegerField(default=0)
    # Since the start: an ECT's induction start; a mentor's cohort's first September.
    total_self_study_expected = models.PositiveIntegerField(default=0)
    total_self_study_done = models.PositiveIntegerField(default=0)
    total_cycles_expected = models.PositiveIntegerField(default=0)
    total_cycles_logged = models.PositiveIntegerField(default=0)
    total_observations = models.PositiveIntegerField(default=0)
    total_steps_recorded = models.PositiveIntegerField(default=0)
    total_events_expected = models.PositiveIntegerField(default=0)
    total_events_attended = models.PositiveIntegerField(default=0)
    catch_up_outstanding = models.PositiveIntegerField(default=0)
    # Release time for the school's current term (reporting.release_time's Status and
    # MentorStatus values); blank for a mentor.
    release_time_status = models.CharField(max_length=20, blank=True)
    mentor_time_status = models.CharField(max_length=20, blank=True)
    onboarded = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "school_id", "kind", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "kind", "school", "on"], name="one_engagement_snapshot_per_person_school_day"
            ),
            models.CheckConstraint(
                condition=(Q(kind="ect") & Q(ect__isnull=False) & Q(mentor__isnull=True))
                | (Q(kind="mentor") & Q(mentor__isnull=False) & Q(ect__isnull=True)),
                name="engagement_snapshot_record_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "on", "school"], name="engagement_snapshot_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user_id} at school {self.school_id} on {self.on}"


class EngagementRefresh(SchoolsProgress, TenantOwned):
    """One run of the job that records a delivery partner's engagement snapshots (every
    night, or when its staff press "Refresh now"), with its progress. The reports read
    the snapshots of the latest finished run, so a run in progress (or one that failed
    half way) never shows a partial picture.

    No HistoricalRecords: the job writes its progress after every school; who asked and
    how it ended are on the row itself."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Working out the figures"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    on = models.DateField("day judged")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    schools_total = models.PositiveIntegerField(default=0)
    schools_done = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Empty for the nightly run.",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "engagement figures refresh"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schools_done__lte=models.F("schools_total")), name="engagement_refresh_progress_in_range"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status", "-finished_at"], name="engagement_refresh_latest")]

    def __str__(self):
        return f"Engagement figures for {self.on}: {self.get_status_display()}"

