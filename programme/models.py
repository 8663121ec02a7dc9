"""Programme templates (global, versioned, read-only to tenants) and cohorts.

A programme is a lead provider's design for one audience: the ECT programme (two years
of strands, terms, fortnightly or weekly modules, conferences and clinics) or the
mentor programme that accompanies it (its own row, audience "mentor"). Programme rows
are global: every delivery partner reads them and only platform superusers change
them, in the admin. A delivery partner's cohort follows one programme version.

Weeks are programme (teaching) weeks counted within each year; term numbers run 1-6
across the two years (year 2 holds terms 4-6).
"""

import datetime
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned


class Audience(models.TextChoices):
    ECT = "ect", "Early career teachers"
    MENTOR = "mentor", "Mentors"


class Season(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class HalfTerm(models.TextChoices):
    AUTUMN_1 = "autumn_1", "Autumn 1"
    AUTUMN_2 = "autumn_2", "Autumn 2"
    SPRING_1 = "spring_1", "Spring 1"
    SPRING_2 = "spring_2", "Spring 2"
    SUMMER_1 = "summer_1", "Summer 1"
    SUMMER_2 = "summer_2", "Summer 2"


# --- Rules shared by the models' clean() and the loader's check of the JSON files --------


def term_weeks_problem(*, term_number, start_week, end_week, year_number, year_weeks):
    """Why a term's weeks do not fit its year, or None."""
    if start_week < 1 or end_week < start_week:
        return (
            f"Term {term_number} runs from week {start_week} to week {end_week}: "
            "give a first week of 1 or more and a last week no earlier than the first."
        )
    if end_week > year_weeks:
        return (
            f"Term {term_number} runs to week {end_week} but year {year_number} has {year_weeks} weeks: "
            f"end the term by week {year_weeks} or lengthen the year."
        )
    return None


def module_weeks_problem(*, code, title, start_week, end_week, term, end_term=None):
    """Why a module's weeks do not fit its term (or, for a module open over several terms,
    its first and last terms), or None. ``term`` and ``end_term`` are objects with
    ``number``, ``year``, ``start_week`` and ``end_week`` (model rows or plain records)."""
    name = f"Module {code} ({title})"
    if end_week < start_week:
        return f"{name} ends in week {end_week}, before it starts in week {start_week}: swap or correct its weeks."
    last = end_term or term
    if end_term is not None:
        if end_term.year != term.year or end_term.number < term.number:
            return (
                f"{name} opens in term {term.number} and stays open to term {end_term.number}: "
                "the last term must be the same term or a later term of the same year."
            )
        if not term.start_week <= start_week <= term.end_week:
            return (
                f"{name} opens in week {start_week} but term {term.number} runs from week {term.start_week} "
                f"to week {term.end_week}: change its first week or its term."
            )
        if not last.start_week <= end_week <= last.end_week:
            return (
                f"{name} stays open to week {end_week} but term {last.number} runs from week {last.start_week} "
                f"to week {last.end_week}: change its last week or its last term."
            )
        return None
    if start_week < term.start_week or end_week > term.end_week:
        weeks = f"week {start_week}" if start_week == end_week else f"weeks {start_week}-{end_week}"
        return (
            f"{name} is placed in {weeks} but term {term.number} runs from week {term.start_week} "
            f"to week {term.end_week}: move the module inside the term or choose the term that holds those weeks."
        )
    return None


def term_position(term):
    """A term row's place in the calendar, as ``module_weeks_problem`` reads it."""
    return SimpleNamespace(number=term.number, year=term.year_id, start_week=term.start_week, end_week=term.end_week)


def release_date_problem(*, code, month, day):
    """Why a fixed calendar release (month and day) is not a date, or None."""
    if month is None and day is None:
        return None
    if month is None or day is None:
        return f"Module {code}: give both the month and the day of its fixed release, or neither."
    try:
        datetime.date(2000, month, day)  # a leap year, so 29 February is allowed
    except ValueError:
        return f"Module {code}: {day}/{month} is not a day of the year: correct the month or the day of its release."
    return None


# --- The programme -------------------------------------------------------------------------


class Programme(models.Model):
    """One version of a lead provider's programme for one audience."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ECT)
    lead_provider = models.CharField(max_length=200)
    version = models.CharField(max_length=20, help_text="The cohort years it was written for, for example 2026-28.")
    version_inferred = models.BooleanField(default=False, help_text="The source states no cohort years.")
    ect_programme = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_programmes",
        verbose_name="ECT programme",
        help_text="For a mentor programme: the ECT programme it accompanies.",
    )
    source = models.CharField(max_length=200, blank=True, help_text="The document the programme was taken from.")
    source_checksum = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the programme file last loaded; seeding skips an unchanged file.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def is_mentor_programme(self):
        return self.audience == Audience.MENTOR

    def clean(self):
        super().clean()
        if self.ect_programme_id:
            if self.audience != Audience.MENTOR:
                raise ValidationError(
                    {"ect_programme": "Only a mentor programme accompanies an ECT programme: leave this empty."}
                )
            if self.ect_programme.audience != Audience.ECT:
                raise ValidationError(
                    {"ect_programme": f"{self.ect_programme} is a mentor programme: choose an ECT programme."}
                )


class ProgrammeYear(models.Model):
    """Year 1 or year 2 of a programme, its length in teaching weeks and the self-study
    hours the lead provider states for it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="years")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(52)])
    self_study_hours = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="As stated by the lead provider; empty when the source states none.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_year_unique"),
        ]

    def __str__(self):
        return f"Year {self.number}"


class Strand(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="strands")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="strand_code_unique"),
        ]

    def __str__(self):
        return self.name


class Term(models.Model):
    """A term of the programme with its theme and the programme weeks it spans."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="terms")
    year = models.ForeignKey(ProgrammeYear, on_delete=models.RESTRICT, related_name="terms")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)], help_text="1-6 across the two years.")
    season = models.CharField(max_length=10, choices=Season.choices)
    theme = models.CharField(max_length=200, blank=True)
    theme_inferred = models.BooleanField(default=False, help_text="The source gives the term no theme; this one is ours.")
    table_heading = models.CharField(max_length=200, blank=True, help_text="A shorter heading the source uses in its week table.")
    start_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    end_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="term_number_unique"),
            models.CheckConstraint(condition=Q(end_week__gte=F("start_week")), name="term_weeks_in_order"),
        ]

    def __str__(self):
        return f"Term {self.number}"

    def clean(self):
        super().clean()
        if self.year_id and self.programme_id and self.year.programme_id != self.programme_id:
            raise ValidationError({"year": "Choose a year of this term's own programme."})
        if self.year_id and self.start_week and self.end_week:
            problem = term_weeks_problem(
                term_number=self.number, start_week=self.start_week, end_week=self.end_week,
                year_number=self.year.number, year_weeks=self.year.weeks,
            )
            if problem:
                raise ValidationError(problem)


class Module(models.Model):
    """A unit of self-study (or a retrieval week, the year-2 diagnostic, the action plan,
    stretch content) placed in programme weeks of a term. A mentor programme's modules
    may have no place in the calendar (no term, no weeks)."""

    class Kind(models.TextChoices):
        SELF_STUDY = "self_study", "Self-study"
        RETRIEVAL = "retrieval", "Retrieval"
        DIAGNOSTIC = "diagnostic", "Diagnostic"
        ACTION_PLAN = "action_plan", "Action plan"
        STRETCH = "stretch", "Stretch"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    title_inferred = models.BooleanField(default=False, help_text="The source gives no title; this one is a placeholder.")
    summary = models.CharField(max_length=300, blank=True)
    strand = models.ForeignKey(
        Strand, on_delete=models.RESTRICT, null=True, blank=True, related_name="modules",
        help_text="Empty for a module that covers several strands (retrieval, diagnostic, action plan).",
    )
    strand_inferred = models.BooleanField(default=False, help_text="The source does not say the strand; this is the evident one.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SELF_STUDY)
    order = models.PositiveSmallIntegerField(default=0, help_text="Running order within the programme.")
    term = models.ForeignKey(Term, on_delete=models.RESTRICT, null=True, blank=True, related_name="modules")
    end_term = models.ForeignKey(
        Term, on_delete=models.RESTRICT, null=True, blank=True, related_name="+",
        help_text="For a module open over several terms: the term it stays open to.",
    )
    start_week = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    end_week = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    weeks_inferred = models.BooleanField(default=False, help_text="The source gives no weeks; these were placed by us.")
    release_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="A fixed calendar release (for example 1 November) that overrides the week-based release.",
    )
    release_day = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)])
    concurrent = models.BooleanField(default=False, help_text="Offered side by side with other modules, so weeks may overlap.")
    includes_diagnostic = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="module_code_unique"),
            models.CheckConstraint(
                condition=(Q(term__isnull=True) & Q(start_week__isnull=True) & Q(end_week__isnull=True))
                | (Q(term__isnull=False) & Q(start_week__isnull=False) & Q(end_week__isnull=False)),
                name="module_term_and_weeks_together",
            ),
            models.CheckConstraint(
                condition=Q(start_week__isnull=True) | Q(end_week__gte=F("start_week")),
                name="module_weeks_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    @property
    def year_number(self):
        return self.term.year.number if self.term_id else None

    def clean(self):
        super().clean()
        errors = {}
        if self.strand_id and self.programme_id and self.strand.programme_id != self.programme_id:
            errors["strand"] = "Choose a strand of this module's own programme."
        for field in ("term", "end_term"):
            term = getattr(self, field) if getattr(self, f"{field}_id") else None
            if term is not None and self.programme_id and term.programme_id != self.programme_id:
                errors[field] = "Choose a term of this module's own programme."
        if errors:
            raise ValidationError(errors)
        placed = [self.term_id, self.start_week, self.end_week]
        if any(v is not None for v in placed) and not all(v is not None for v in placed):
            raise ValidationError(
                f"Module {self.code} ({self.title}): give its term, first week and last week together, "
                "or leave all three empty for a module with no place in the calendar."
            )
        if self.end_term_id and not self.term_id:
            raise ValidationError({"end_term": "Choose the term the module opens in first."})
        if self.term_id:
            problem = module_weeks_problem(
                code=self.code, title=self.title, start_week=self.start_week, end_week=self.end_week,
                term=term_position(self.term), end_term=term_position(self.end_term) if self.end_term_id else None,
            )
            if problem:
                raise ValidationError(problem)
        problem = release_date_problem(code=self.code, month=self.release_month, day=self.release_day)
        if problem:
            raise ValidationError(problem)


class ModuleActivity(models.Model):
    """One step of a module's self-study checklist (reflect, watch, read, quiz and reflect)."""

    class Kind(models.TextChoices):
        INITIAL_REFLECTION = "initial_reflection", "Initial reflection"
        WATCH = "watch", "Content to watch"
        READ = "read", "Content to read"
        QUIZ_REFLECTION = "quiz_reflection", "Quiz and reflection"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["module", "order"]
        verbose_name_plural = "module activities"
        constraints = [
            models.UniqueConstraint(fields=["module", "order"], name="module_activity_order_unique"),
        ]

    def __str__(self):
        return self.title


class EventTemplate(models.Model):
    """A conference or clinic the lead provider schedules in a term; the delivery
    partner later chooses its session dates inside the delivery window."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        CLINIC = "clinic", "Clinic"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=30)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    number = models.PositiveSmallIntegerField(help_text='Its number in the programme, as in "Conference 2".')
    title = models.CharField(max_length=200)
    term = models.ForeignKey(Term, on_delete=models.RESTRICT, related_name="events")
    half_term = models.CharField(max_length=10, choices=HalfTerm.choices, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2, validators=[MinValueValidator(0)])
    hours_inferred = models.BooleanField(default=False, help_text="The source says only 'full day'; the hours are assumed.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "term__number", "half_term", "kind", "number"]
        verbose_name = "event template"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="event_template_code_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}: {self.title}"

    def clean(self):
        super().clean()
        if self.term_id and self.programme_id and self.term.programme_id != self.programme_id:
            raise ValidationError({"term": "Choose a term of this event's own programme."})
        if self.programme_id and self.audience and self.audience != self.programme.audience:
            raise ValidationError({
                "audience": f"{self.programme} is a programme for {self.programme.get_audience_display().lower()}: "
                "its events have the same audience."
            })
        if self.term_id and self.half_term and not self.half_term.startswith(self.term.season):
            raise ValidationError({
                "half_term": f"Term {self.term.number} is the {self.term.season} term: choose one of its half-terms."
            })


class CoachingFocusArea(models.Model):
    """A focus of the (optional, one-to-one) coaching for mentors."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="coaching_focus_areas")
    code = models.SlugField(max_length=50)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="coaching_focus_area_code_unique"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.programme_id and self.programme.audience != Audience.MENTOR:
            raise ValidationError({"programme": "Coaching for mentors belongs to a mentor programme: choose one."})


class StepKind(models.TextChoices):
    """How an action step is practised (the three-strand handbook: a step is
    performance-based, task-based, or both)."""

    PERFORMANCE = "performance", "Performance-based"
    TASK = "task", "Task-based"
    BOTH = "both", "Performance- and task-based"


# Modules of these kinds carry action steps; retrieval weeks, the diagnostic and the
# action plan have no content of their own to coach from.
STEP_MODULE_KINDS = ("self_study", "stretch")


def criteria_lines(text):
    """Success criteria stored one per line, as a list without blanks."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LibraryStep(models.Model):
    """An action step of the lead provider's step library for one module: global and
    read-only to tenants (a delivery partner edits its own copy, ``coaching.LocalStep``)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="library_steps")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=160)
    success_criteria = models.TextField(help_text="One success criterion per line.")
    kind = models.CharField(max_length=20, choices=StepKind.choices, default=StepKind.PERFORMANCE)
    strand = models.ForeignKey(Strand, on_delete=models.RESTRICT, null=True, blank=True, related_name="library_steps")

    history = HistoricalRecords()

    class Meta:
        ordering = ["module__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "order"], name="library_step_order_unique"),
        ]

    def __str__(self):
        return self.title

    @property
    def criteria(self):
        return criteria_lines(self.success_criteria)

    def clean(self):
        super().clean()
        if not self.criteria:
            raise ValidationError({"success_criteria": "Give at least one success criterion, one per line."})
        if self.strand_id and self.module_id and self.strand.programme_id != self.module.programme_id:
            raise ValidationError({"strand": "Choose a strand of the module's own programme."})


class DiagnosticQuestion(models.Model):
    """A question of the year-2 diagnostic, and the year-1 modules it suggests revisiting."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="diagnostic_questions")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    strand = models.ForeignKey(Strand, on_delete=models.RESTRICT, null=True, blank=True, related_name="diagnostic_questions")
    text = models.TextField()
    inferred = models.BooleanField(default=False, help_text="Written by us: the source gives no questions.")
    suggested_modules = models.ManyToManyField(Module, blank=True, related_name="diagnostic_questions")

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="diagnostic_question_order_unique"),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        super().clean()
        if self.strand_id and self.programme_id and self.strand.programme_id != self.programme_id:
            raise ValidationError({"strand": "Choose a strand of this question's own programme."})


# --- Tenant-owned ------------------------------------------------------------------------


class Cohort(TenantOwned):
    """A delivery partner's intake (for example the ECTs starting in September 2026),
    following one version of an ECT programme and, optionally, its mentor programme."""

    name = models.CharField(max_length=120)
    start_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2020), MaxValueValidator(2100)],
        help_text="The academic year the cohort starts, for example 2026 for 2026-27.",
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name="ECT programme",
    )
    mentor_programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="mentor_cohorts",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="cohort_name_unique_per_tenant"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.programme_id and self.programme.audience != Audience.ECT:
            errors["programme"] = f"Choose an ECT programme for {self.name}; {self.programme.title} is a mentor programme."
        if self.mentor_programme_id:
            mentor = self.mentor_programme
            if mentor.audience != Audience.MENTOR:
                errors["mentor_programme"] = f"Choose a mentor programme for {self.name}; {mentor.title} is an ECT programme."
            elif self.programme_id and mentor.ect_programme_id and mentor.ect_programme_id != self.programme_id:
                errors["mentor_programme"] = (
                    f"{mentor.title} accompanies {mentor.ect_programme.title}: choose the mentor programme of "
                    f"{self.programme.title} for {self.name}, or leave it empty."
                )
        if errors:
            raise ValidationError(errors)


class ActivityCompletion(TenantOwned):
    """A participant (ECT or mentor) has done one activity of a module: who ticked it
    and when. A module is complete when all its activities are."""

    user = models.ForeignKey("ectalign.User", on_delete=models.CASCADE, related_name="activity_completions")
    activity = models.ForeignKey(ModuleActivity, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey("ectalign.User", on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "activity"], name="activity_done_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.activity}"


# --- Year 2: the diagnostic and the action plan ------------------------------------------


class DiagnosticResponse(TenantOwned):
    """An ECT's answer to one question of the year-2 diagnostic. Answering again
    replaces the answer (its history keeps the earlier ones)."""

    class Answer(models.TextChoices):
        SECURE = "secure", "I do this confidently"
        DEVELOPING = "developing", "Sometimes"
        NOT_YET = "not_yet", "Not yet: I want to revisit this"

    # Answers that suggest revisiting the question's modules.
    REVISIT = frozenset({Answer.DEVELOPING, Answer.NOT_YET})

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="diagnostic_responses")
    question = models.ForeignKey(DiagnosticQuestion, on_delete=models.CASCADE, related_name="responses")
    answer = models.CharField(max_length=20, choices=Answer.choices)
    answered_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["question__order"]
        constraints = [
            models.UniqueConstraint(fields=["ect", "question"], name="diagnostic_response_once"),
        ]

    def __str__(self):
        return f"{self.ect}: {self.get_answer_display()}"

    def clean(self):
        super().clean()
        if self.ect_id and self.question_id and self.question.programme_id != self.ect.cohort.programme_id:
            raise ValidationError({"question": "Choose a question of the ECT's own programme."})


class ActionPlan(TenantOwned):
    """The year-2 self-study action plan an ECT proposes and their mentor agrees: which
    modules to revisit or stretch into, and by when. One per ECT; changing an agreed
    plan proposes it again."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed by the ECT"
        AGREED = "agreed", "Agreed with the mentor"

    ect = models.OneToOneField("participants.ECT", on_delete=models.CASCADE, related_name="action_plan")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    proposed_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        "ectalign.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The mentor who agreed the plan.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="agreed") | (Q(agreed_at__isnull=False) & Q(agreed_by__isnull=False)),
                name="action_plan_agreed_says_who_and_when",
            ),
        ]

    def __str__(self):
        return f"Action plan of {self.ect}"


class ActionPlanItem(TenantOwned):
    """One module of an action plan (a self-study module to revisit or a stretch
    module), the date the ECT plans to finish it by and why."""

    PLANNABLE_KINDS = (Module.Kind.SELF_STUDY, Module.Kind.STRETCH)
    REASON_MAX_LENGTH = 200

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="action_plan_items")
    planned_by = models.DateField()
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["module__order", "module__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "module"], name="action_plan_module_once"),
        ]

    def __str__(self):
        return f"{self.module.title} by {self.planned_by}"

    def clean(self):
        super().clean()
        if self.plan_id and self.module_id:
            if self.module.programme_id != self.plan.ect.cohort.programme_id:
                raise ValidationError({"module": "Choose a module of the ECT's own programme."})
            if self.module.kind not in self.PLANNABLE_KINDS:
                raise ValidationError({"module": "Choose a self-study or stretch module."})
