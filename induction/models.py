"""Statutory induction records, kept apart from training (DESIGN.md sections 3 and 8).

Training and assessment are separate by law: ECF-based training must not be used to
assess the ECT. These rows are read only through ``induction.selectors`` (the ECT, the
induction tutor and the headteacher of the ECT's school); no mentor, coach or delivery
partner page reads them, and the admin does not list them.

Statutory absences are kept here rather than reusing ``participants.Pause``: a pause
stops training expectations (and covers deferrals and other parental leave, which are
not statutory absences), is seen by mentors and delivery partner staff, and knows
nothing of the ECT's request that maternity leave extend the induction. The two can
differ (an ECT may keep training through a short sickness that still counts for the
statutory aggregate), so each is recorded where its rule lives.
"""



from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned


class WorkingPattern(TenantOwned):
    """The ECT's FTE from a date. Before the first change, the FTE registered on the ECT
    record applies."""

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="working_patterns")
    starts_on = models.DateField("from")
    fte = models.DecimalField("working pattern (FTE)", max_digits=3, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["ect", "starts_on"], name="one_working_pattern_change_a_day"),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="working_pattern_fte_in_range"),
        ]

    def __str__(self):
        return f"{self.fte} FTE from {self.starts_on}"


class StatutoryAbsence(TenantOwned):
    class Kind(models.TextChoices):
        SICKNESS = "sickness", "Sickness absence"
        MATERNITY = "maternity", "Statutory maternity leave"
        OTHER = "other", "Other absence"

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="statutory_absences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField("first day absent")
    ends_on = models.DateField(
        "last day absent", help_text="The expected last day while it lasts; change it if it changes.",
    )
    extends_induction = models.BooleanField(
        "the ECT asked for this maternity leave to extend their induction", default=False,
    )
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="statutory_absence_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on} to {self.ends_on}"

    @property
    def days(self):
        return (self.ends_on - self.starts_on).days + 1


class Judgement(models.TextChoices):
    WORKING_TOWARDS = "working_towards", "Working towards"
    MEETING = "meeting", "Meeting"
    EXCEEDING = "exceeding", "Exceeding"


# The Teachers' Standards (Department for Education, 2011): Part One's eight standards
# and Part Two (personal and professional conduct).
TEACHERS_STANDARDS = [
    ("ts1", "1. Set high expectations which inspire, motivate and challenge pupils"),
    ("ts2", "2. Promote good progress and outcomes by pupils"),
    ("ts3", "3. Demonstrate good subject and curriculum knowledge"),
    ("ts4", "4. Plan and teach well structured lessons"),
    ("ts5", "5. Adapt teaching to respond to the strengths and needs of all pupils"),
    ("ts6", "6. Make accurate and productive use of assessment"),
    ("ts7", "7. Manage behaviour effectively to ensure a good and safe learning environment"),
    ("ts8", "8. Fulfil wider professional responsibilities"),
    ("part_two", "Part Two: personal and professional conduct"),
]


class StatutoryRecord(TenantOwned):
    """What progress reviews and formal assessments share: the author, sharing with the
    ECT and the ECT's acknowledgement."""

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField("date held")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ect_comment = models.TextField("comment", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ProgressReview(StatutoryRecord):
    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="progress_reviews")
    term = models.PositiveSmallIntegerField("induction term", help_text="The term of induction the review is for.")
    on_track = models.BooleanField("on track")
    evidence_summary = models.TextField()
    agreed_targets = models.TextField()
    support_plan = models.TextField(blank=True, help_text="Required when the ECT is not on track.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["ect", "term"], name="one_progress_review_a_term")]

    def __str__(self):
        return f"Progress review, term {self.term}"

    @property
    def judgement(self):
        return "On track" if self.on_track else "Not on track"

    kind = "review"


class FormalAssessment(StatutoryRecord):
    class Which(models.IntegerChoices):
        FIRST = 1, "First formal assessment (end of year 1)"
        SECOND = 2, "Second formal assessment (end of induction)"

    ect = models.ForeignKey("participants.ECT", on_delete=models.CASCADE, related_name="formal_assessments")
    which = models.PositiveSmallIntegerField(choices=Which.choices)
    ts1 = models.CharField(TEACHERS_STANDARDS[0][1], max_length=20, choices=Judgement.choices)
    ts2 = models.CharField(TEACHERS_STANDARDS[1][1], max_length=20, choices=Judgement.choices)
    ts3 = models.CharField(TEACHERS_STANDARDS[2][1], max_length=20, choices=Judgement.choices)
    ts4 = models.CharField(TEACHERS_STANDARDS[3][1], max_length=20, choices=Judgement.choices)
    ts5 = models.CharField(TEACHERS_STANDARDS[4][1], max_length=20, choices=Judgement.choices)
    ts6 = models.CharField(TEACHERS_STANDARDS[5][1], max_length=20, choices=Judgement.choices)
    ts7 = models.CharField(TEACHERS_STANDARDS[6][1], max_length=20, choices=Judgement.choices)
    ts8 = models.CharField(TEACHERS_STANDARDS[7][1], max_length=20, choices=Judgement.choices)
    part_two = models.CharField(TEACHERS_STANDARDS[8][1], max_length=20, choices=Judgement.choices)
    overall = models.CharField("overall judgement", max_length=20, choices=Judgement.choices)
    summary = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["which"]
        constraints = [models.UniqueConstraint(fields=["ect", "which"], name="one_formal_assessment_each")]

    def __str__(self):
        return f"Formal assessment {self.which}"

    @property
    def judgement(self):
        return self.get_overall_display()

    @property
    def standards(self):
        return [(label, getattr(self, f"get_{name}_display")()) for name, label in TEACHERS_STANDARDS]

    kind = "assessment"



