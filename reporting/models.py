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


class ReleaseTimeBatch(TenantOwned):
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

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return round(100 * self.schools_done / self.schools_total) if self.schools_total else 0

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
