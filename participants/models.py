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


class TrainingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AppropriateBody(TenantOwned):
    """A body that quality-assures statutory induction (a teaching school hub, a local
    authority, the national body). The delivery partner's staff keep the list."""

    name = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "appropriate bodies"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="appropriate_body_unique_per_tenant"),
        ]

    def __str__(self):
        return self.name


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
    appropriate_body = models.ForeignKey(
        "participants.AppropriateBody", on_delete=models.PROTECT, null=True, blank=True, related_name="ects",
        help_text="The body that quality-assures this ECT's statutory induction.",
    )
    cohort = models.ForeignKey("programme.Cohort", on_delete=models.PROTECT, related_name="ects")
    training_status = models.CharField(
        max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.ACTIVE,
        help_text="Changed through a dated status change, which keeps the history.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ECT"
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_ect_record_per_person_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "trn"], condition=~Q(trn=""), name="trn_unique_per_tenant"),
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

    class ProgrammeStatus(models.TextChoices):
        IN_TRAINING = "in_training", "Following the mentor programme"
        COMPLETED = "completed", "Completed the mentor programme"
        NOT_REQUIRED = "not_required", "Not required (trained before)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_records")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEW)
    cohort = models.ForeignKey(
        "programme.Cohort", on_delete=models.PROTECT, related_name="mentors", null=True, blank=True,
        help_text="The cohort whose mentor programme this mentor follows.",
    )
    programme_status = models.CharField(
        "mentor programme", max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.IN_TRAINING,
    )
    training_status = models.CharField(
        max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.ACTIVE,
        help_text="Changed through a dated status change, which keeps the history.",
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


class StatusChange(TenantOwned):
    """A dated change of an ECT's or a mentor's training status: deferral, resumption
    or withdrawal, with its reason. The record's ``training_status`` follows the latest
    change; these rows are its history."""

    class Reason(models.TextChoices):
        BEREAVEMENT = "bereavement", "Bereavement"
        LONG_TERM_SICKNESS = "long_term_sickness", "Long-term sickness"
        PARENTAL_LEAVE = "parental_leave", "Parental leave"
        CAREER_BREAK = "career_break", "Career break"
        LEFT_PROFESSION = "left_profession", "Left the profession"
        MOVED_SCHOOL = "moved_school", "Moved school"
        NO_LONGER_MENTOR = "no_longer_mentor", "No longer a mentor"
        RESUMED = "resumed", "Training resumed"
        OTHER = "other", "Other"

    DEFERRAL_REASONS = (
        Reason.BEREAVEMENT, Reason.LONG_TERM_SICKNESS, Reason.PARENTAL_LEAVE, Reason.CAREER_BREAK, Reason.OTHER,
    )
    WITHDRAWAL_REASONS = (Reason.LEFT_PROFESSION, Reason.MOVED_SCHOOL, Reason.NO_LONGER_MENTOR, Reason.OTHER)

    ect = models.ForeignKey(ECT, on_delete=models.CASCADE, null=True, blank=True, related_name="status_changes")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, null=True, blank=True, related_name="status_changes")
    status = models.CharField(max_length=20, choices=TrainingStatus.choices)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    on = models.DateField("with effect from")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ect__isnull=False, mentor__isnull=True) | Q(ect__isnull=True, mentor__isnull=False),
                name="status_change_for_one_participant",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} from {self.on:%-d %B %Y} ({self.get_reason_display().lower()})"


class MentorAbsence(Period):
    """A stretch when a mentor is away (sickness, leave, secondment). Away longer than
    ``participants.selectors.MENTOR_AWAY_PROMPT_DAYS`` prompts the induction tutor to
    pair the mentor's ECTs with someone else."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="absences")
    reason = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="mentor_absence_ends_after_start",
            ),
        ]


class Invitation(TenantOwned):
    """An e-mailed link that lets a registered person set up their account and take up
    their membership. The link carries a secret token; only its hash is stored. The
    membership (and so the tenant and school) is fixed when the invitation is made."""

    membership = models.ForeignKey("schools.Membership", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_live_invitation_per_membership",
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.email}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None


class Onboarding(TenantOwned):
    """A participant's answers to the onboarding form in one delivery partner (not the
    monitoring questions: those live in ``MonitoringAnswers``, apart)."""

    class WorkingPattern(models.TextChoices):
        FULL_TIME = "full_time", "Full time"
        PART_TIME = "part_time", "Part time"

    class Confidence(models.TextChoices):
        LOW = "low", "Not yet confident"
        SOME = "some", "Fairly confident"
        HIGH = "high", "Confident"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboardings")
    phase = models.CharField(max_length=20, choices=Phase.choices)
    subject = models.CharField(max_length=100)
    working_pattern = models.CharField(max_length=20, choices=WorkingPattern.choices)
    terms_accepted_at = models.DateTimeField()
    confidence = models.CharField(
        "how confident they feel about the programme", max_length=10, choices=Confidence.choices, blank=True
    )
    hopes = models.TextField("what they hope to get from the programme", max_length=1000, blank=True)
    completed_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_onboarding_per_person_per_tenant"),
        ]

    def __str__(self):
        return f"Onboarding of {self.user}"


class MonitoringAnswers(models.Model):
    """A person's optional answers to the equality monitoring questions: special-category
    data, kept apart from every training record and visible to nobody but the person.
    Not tenant-owned and not registered in the admin; read and written only through
    ``participants.onboarding`` for ``request.user`` itself, and counted only in
    aggregates with small numbers suppressed. No history is kept: withdrawing the
    answers deletes them."""

    PREFER_NOT_TO_SAY = "prefer_not_to_say"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gender_identity = models.CharField(max_length=30)
    sexual_orientation = models.CharField(max_length=30)
    ethnicity = models.CharField(max_length=40)
    transgender = models.CharField(max_length=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "monitoring answers"
        default_permissions = ()

    def __str__(self):
        return "Monitoring answers"


class ChangeRequest(TenantOwned):
    """A change the delivery partner reserves for its own decision, asked for by an
    induction tutor and approved or rejected by the delivery partner's staff in the
    admin. Approval applies the change through the same service as a direct change."""

    class Kind(models.TextChoices):
        CHANGE_MENTOR = "change_mentor", "Change of mentor"
        CHANGE_PROGRAMME = "change_programme", "Change of cohort or programme"
        DEFER = "defer", "Deferral"
        RESUME = "resume", "Resumption of training"
        WITHDRAW = "withdraw", "Withdrawal"
        TRANSFER = "transfer", "Transfer to another school"

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting a decision"
        APPROVED = "approved", "Approved and applied"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    ect = models.ForeignKey(ECT, on_delete=models.CASCADE, null=True, blank=True, related_name="change_requests")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, null=True, blank=True, related_name="change_requests")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="change_requests")
    details = models.JSONField(default=dict, blank=True, help_text="What to change, as the service expects it.")
    reason = models.TextField(max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ect__isnull=False) | Q(mentor__isnull=False), name="change_request_names_a_participant"
            ),
        ]

    def __str__(self):
        who = self.ect or self.mentor
        return f"{self.get_kind_display()} for {who}"
