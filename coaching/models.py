"""Instructional coaching: observations, coaching meetings, the action steps they set,
the delivery partner's own steps, ECTs' step proposals, and coaching for mentors.

Coaching is developmental training (DESIGN.md section 3): nothing here is read by the
statutory induction records, and those records never appear in coaching pages.

Each observation and meeting belongs to one coaching cycle of the ECT (weekly in year
1, fortnightly in year 2: ``coaching.cycles``); ``cycle_starts_on`` names the cycle and
one of each is logged per cycle. An action step is a copy of what was set (title,
success criteria, module, strand, kind), so later edits to the library never rewrite
what an ECT was asked to practise.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned
from programme.models import StepKind, criteria_lines


class LocalStep(TenantOwned):
    """A delivery partner's own step for a module: a new step, or its edited copy of a
    library step (``replaces``), or a library step it has retired (``retired``)."""

    module = models.ForeignKey("programme.Module", on_delete=models.CASCADE, related_name="local_steps")
    replaces = models.ForeignKey(
        "programme.LibraryStep", on_delete=models.PROTECT, null=True, blank=True, related_name="local_versions",
        help_text="The library step this one stands in for (the library's own is then hidden).",
    )
    title = models.CharField(max_length=160)
    success_criteria = models.TextField(help_text="One success criterion per line.")
    kind = models.CharField(max_length=20, choices=StepKind.choices, default=StepKind.PERFORMANCE)
    strand = models.ForeignKey("programme.Strand", on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    retired = models.BooleanField(default=False, help_text="Hidden from mentors choosing a step.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["module__order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "replaces"], condition=Q(replaces__isnull=False), name="local_step_replaces_once"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def criteria(self):
        return criteria_lines(self.success_criteria)


class ActionStep(TenantOwned):
    """The step an ECT works on from one coaching meeting to the next."""

    class Source(models.TextChoices):
        LIBRARY = "library", "From the step library"
        OWN = "own", "Written by the mentor"
        REPEAT = "repeat", "Repeated"
        PROPOSAL = "proposal", "Proposed by the ECT"
        PROPOSAL_EDITED = "proposal_edited", "Proposed by the ECT, edited by the mentor"

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="action_steps")
    module = models.ForeignKey("programme.Module", on_delete=models.PROTECT, related_name="+")
    strand = models.ForeignKey("programme.Strand", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=160)
    success_criteria = models.TextField()
    kind = models.CharField(max_length=20, choices=StepKind.choices, default=StepKind.PERFORMANCE)
    source = models.CharField(max_length=20, choices=Source.choices)
    library_step = models.ForeignKey(
        "programme.LibraryStep", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_step = models.ForeignKey(LocalStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    repeats = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeated_by")
    run = models.PositiveSmallIntegerField(
        default=1, help_text="How many meetings in a row have set this step (1 when new)."
    )
    set_on = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-set_on", "-pk"]

    def __str__(self):
        return self.title

    @property
    def criteria(self):
        return criteria_lines(self.success_criteria)

    @property
    def is_repeat(self):
        return self.repeats_id is not None


class Progress(models.TextChoices):
    SECURE = "secure", "Secure"
    PROGRESSING = "progressing", "Progressing"
    NOT_YET = "not_yet", "Not yet"


class Observation(TenantOwned):
    """A short, low-stakes drop-in to see the ECT teach (about 15 minutes)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "By video"

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="observations")
    mentor = models.ForeignKey("participants.Mentor", on_delete=models.PROTECT, related_name="observations")
    cycle_starts_on = models.DateField()
    observed_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(180)])
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    step = models.ForeignKey(
        ActionStep, on_delete=models.PROTECT, null=True, blank=True, related_name="observations",
        help_text="The step the ECT was working on.",
    )
    progress = models.CharField(
        "progress toward the step", max_length=20, choices=Progress.choices, blank=True
    )
    seen = models.TextField("what was seen", max_length=2000)
    notes = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-observed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ect", "cycle_starts_on"], name="observation_once_per_cycle"),
        ]

    def __str__(self):
        return f"Observation on {self.observed_on:%-d %B %Y}"


class Meeting(TenantOwned):
    """A coaching meeting: praise on the previous step, the step for the next cycle,
    modelled and practised; or, when the school chooses, a pastoral meeting."""

    class Kind(models.TextChoices):
        INSTRUCTIONAL = "instructional", "Instructional coaching"
        PASTORAL = "pastoral", "Pastoral coaching this cycle"

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="coaching_meetings")
    mentor = models.ForeignKey("participants.Mentor", on_delete=models.PROTECT, related_name="coaching_meetings")
    cycle_starts_on = models.DateField()
    met_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(240)])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INSTRUCTIONAL)
    instructional_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_step = models.ForeignKey(
        ActionStep, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_in",
        help_text="The step the praise and feedback were about.",
    )
    praise = models.TextField("praise and feedback on the previous step", max_length=2000, blank=True)
    step = models.OneToOneField(
        ActionStep, on_delete=models.PROTECT, null=True, blank=True, related_name="set_in",
        help_text="The step set for the next cycle (none in a pastoral meeting).",
    )
    modelled = models.BooleanField("the mentor modelled the step", default=False)
    practice_rounds = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(20)])
    pastoral_notes = models.TextField(max_length=2000, blank=True)
    ect_reflections = models.TextField("the ECT's reflections", max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-met_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ect", "cycle_starts_on"], name="meeting_once_per_cycle"),
        ]

    def __str__(self):
        return f"Coaching meeting on {self.met_on:%-d %B %Y}"


class StepProposal(TenantOwned):
    """A step a year-2 ECT proposes for their next cycle; their mentor accepts or edits
    it when logging the meeting."""

    class State(models.TextChoices):
        OPEN = "open", "Waiting for the mentor"
        ACCEPTED = "accepted", "Accepted"
        EDITED = "edited", "Accepted with edits"

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="step_proposals")
    module = models.ForeignKey("programme.Module", on_delete=models.PROTECT, related_name="+")
    library_step = models.ForeignKey(
        "programme.LibraryStep", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_step = models.ForeignKey(LocalStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=160)
    success_criteria = models.TextField()
    kind = models.CharField(max_length=20, choices=StepKind.choices, default=StepKind.PERFORMANCE)
    why = models.TextField("why this step", max_length=1000, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    proposed_at = models.DateTimeField()
    step = models.OneToOneField(ActionStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(fields=["ect"], condition=Q(state="open"), name="step_proposal_one_open"),
        ]

    def __str__(self):
        return self.title

    @property
    def criteria(self):
        return criteria_lines(self.success_criteria)


class CoachAssignment(TenantOwned):
    """A coach's time coaching one mentor (coaching for mentors), set by the delivery
    partner's staff."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coach_assignments")
    mentor = models.ForeignKey("participants.Mentor", on_delete=models.CASCADE, related_name="coach_assignments")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while it lasts.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="coach_assignment_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["coach", "mentor"], condition=Q(ended_on__isnull=True), name="coach_assignment_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.coach} coaches {self.mentor}"

    def covers(self, day):
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    def clean(self):
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date must be on or after the start date."})


class MentorCoachingSession(TenantOwned):
    """A one-to-one coaching-for-mentors session between a coach and a mentor."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey("participants.Mentor", on_delete=models.CASCADE, related_name="coaching_sessions")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(240)])
    focus_area = models.ForeignKey("programme.CoachingFocusArea", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(max_length=4000, blank=True)
    next_step = models.TextField("the mentor's next step", max_length=1000)
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"Coaching for mentors on {self.held_on:%-d %B %Y}"
