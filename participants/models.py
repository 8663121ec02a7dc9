"""ECTs and mentors, and their time at schools and with each other, as dated periods.

A period has a start and an optional end; an open period (no end) is the present. A
change closes the old period and opens a new one; history is never overwritten
(DESIGN.md section 10). Access comes from ``schools.Membership``; these records carry
the training facts.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned

TRN_MESSAGE = (
    "A teacher reference number (TRN) has 5 to 7 digits, for example 1234567. "
    "Check it on the teacher's DfE Identity account or QTS certificate."
)


def normalise_trn(value):
    """Strip spaces and other non-digits; 5 to 7 digits, left-padded with zeros to 7."""
    digits = re.sub(r"\D", "", str(value or ""))
    if not 5 <= len(digits) <= 7:
        raise ValidationError(TRN_MESSAGE, code="invalid_trn")
    return digits.zfill(7)


class Phase(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    POST_16 = "post_16", "16 plus"


class ECT(TenantOwned):
    """An early career teacher's training record in one delivery partner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ect_records")
    trn = models.CharField("TRN", max_length=7, blank=True, help_text="5 to 7 digits.")
    induction_start = models.DateField("induction start date")
    fte = models.DecimalField(
        "working pattern (FTE)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text="1.0 for full time; 0.5 for half time.",
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    subject = models.CharField(max_length=100, blank=True)
    cohort = models.ForeignKey("programme.Cohort", on_delete=models.PROTECT, related_name="ects")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ECT"
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_ect_record_per_person_per_tenant"),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="ect_fte_in_range"),
        ]

    def __str__(self):
        return str(self.user)

    def clean(self):
        super().clean()
        if self.trn:
            try:
                self.trn = normalise_trn(self.trn)
            except ValidationError as exc:
                raise ValidationError({"trn": exc.messages}) from None
        if self.cohort_id and self.tenant_id and self.cohort.tenant_id != self.tenant_id:
            raise ValidationError({"cohort": "This cohort belongs to another delivery partner."})


class Mentor(TenantOwned):
    class Kind(models.TextChoices):
        NEW = "new", "New mentor"
        TRANSFERRING = "transferring", "Transferring mentor"
        RETURNING = "returning", "Returning mentor"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_records")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEW)
    cohort = models.ForeignKey(
        "programme.Cohort", on_delete=models.PROTECT, related_name="mentors", null=True, blank=True,
        help_text="The cohort whose mentor programme this mentor follows.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_mentor_record_per_person_per_tenant"),
        ]

    def __str__(self):
        return str(self.user)


def check_ends_after_start(starts_on, ends_on, *, field):
    """An open end is fine; a closed one must not come before the start."""
    if ends_on and starts_on and ends_on < starts_on:
        raise ValidationError({field: "The end date must be on or after the start date."})


class Period(TenantOwned):
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while it lasts.")

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        check_ends_after_start(self.started_on, self.ended_on, field="ended_on")

    def covers(self, day):
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


def _period_constraints(prefix, open_unique_fields):
    return [
        models.CheckConstraint(
            condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name=f"{prefix}_ends_after_start"
        ),
        models.UniqueConstraint(
            fields=open_unique_fields, condition=Q(ended_on__isnull=True), name=f"{prefix}_one_open"
        ),
    ]


class ECTAtSchool(Period):
    """An ECT's time at one school. One open period per ECT."""

    ect = models.ForeignKey(ECT, on_delete=models.CASCADE, related_name="school_periods")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="ect_periods")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ECT at school"
        ordering = ["-started_on"]
        constraints = _period_constraints("ect_at_school", ["ect"])


class MentorAtSchool(Period):
    """A mentor's time at one school; a mentor may serve several schools at once."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="school_periods")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="mentor_periods")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "mentor at school"
        ordering = ["-started_on"]
        constraints = _period_constraints("mentor_at_school", ["mentor", "school"])


class Mentorship(Period):
    """A mentor's time mentoring one ECT. One open mentorship per ECT."""

    ect = models.ForeignKey(ECT, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="mentorships")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = _period_constraints("mentorship", ["ect"])


class Pause(TenantOwned):
    """A stretch of time when training expectations pause: a deferral of training or a
    recorded absence. The schedule skips teaching weeks paused on every teaching day."""

    class Kind(models.TextChoices):
        SICKNESS = "sickness", "Sickness absence"
        MATERNITY = "maternity", "Statutory maternity leave"
        PARENTAL = "parental", "Other parental leave"
        DEFERRAL = "deferral", "Training deferred"
        OTHER = "other", "Other absence"

    ect = models.ForeignKey(ECT, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while it lasts.")
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="pause_ends_after_start"
            ),
        ]

    def clean(self):
        super().clean()
        check_ends_after_start(self.starts_on, self.ends_on, field="ends_on")
