import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from programme.models import (
    ActivityCompletion,
    Audience,
    CoachingFocusArea,
    Cohort,
    DiagnosticQuestion,
    EventTemplate,
    LibraryStep,
    Module,
    ModuleActivity,
    Programme,
    ProgrammeYear,
    Season,
    StepKind,
    Strand,
    Term,
)
from schools.factories import TenantFactory


class ProgrammeFactory(DjangoModelFactory):
    """An ECT programme; ``ProgrammeFactory(mentor=True)`` a mentor programme that
    accompanies a new ECT programme."""

    class Meta:
        model = Programme

    class Params:
        mentor = factory.Trait(
            audience=Audience.MENTOR,
            ect_programme=factory.SubFactory("programme.factories.ProgrammeFactory"),
        )

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title = factory.Sequence(lambda n: f"Early career programme {n}")
    audience = Audience.ECT
    lead_provider = "Example Lead Provider"
    version = "2026-28"


class ProgrammeYearFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeYear

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    weeks = 39


class StrandFactory(DjangoModelFactory):
    class Meta:
        model = Strand

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Strand {n}")


class TermFactory(DjangoModelFactory):
    """A 13-week autumn term of year 1 (weeks 1-13)."""

    class Meta:
        model = Term

    year = factory.SubFactory(ProgrammeYearFactory)
    programme = factory.LazyAttribute(lambda t: t.year.programme)
    number = factory.Sequence(lambda n: n + 1)
    season = Season.AUTUMN
    theme = "Creating the conditions for learning"
    start_week = 1
    end_week = 13


class ModuleFactory(DjangoModelFactory):
    """A fortnightly self-study module in the first two weeks of its term."""

    class Meta:
        model = Module

    term = factory.SubFactory(TermFactory)
    programme = factory.LazyAttribute(lambda m: m.term.programme)
    strand = factory.SubFactory(StrandFactory, programme=factory.SelfAttribute("..programme"))
    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    kind = Module.Kind.SELF_STUDY
    order = factory.Sequence(lambda n: n)
    start_week = factory.LazyAttribute(lambda m: m.term.start_week)
    end_week = factory.LazyAttribute(lambda m: min(m.term.start_week + 1, m.term.end_week))


class ModuleActivityFactory(DjangoModelFactory):
    class Meta:
        model = ModuleActivity

    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = ModuleActivity.Kind.READ
    title = "Content to read"


class EventTemplateFactory(DjangoModelFactory):
    class Meta:
        model = EventTemplate

    term = factory.SubFactory(TermFactory)
    programme = factory.LazyAttribute(lambda e: e.term.programme)
    code = factory.Sequence(lambda n: f"CONF-{n}")
    kind = EventTemplate.Kind.CONFERENCE
    audience = factory.LazyAttribute(lambda e: e.programme.audience)
    number = 1
    title = "Enabling conditions for learning"
    half_term = ""
    hours = 6


class LibraryStepFactory(DjangoModelFactory):
    class Meta:
        model = LibraryStep

    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Narrate the positive behaviour you see ({n})")
    success_criteria = "Names two pupils doing the right thing within a minute\nUses a calm, warm tone"
    kind = StepKind.PERFORMANCE
    strand = factory.SelfAttribute("module.strand")


class CoachingFocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = CoachingFocusArea

    programme = factory.SubFactory(ProgrammeFactory, mentor=True)
    code = factory.Sequence(lambda n: f"focus-{n}")
    title = "Deliberate practice"
    description = "The ECT rehearses the step several times, with feedback after each attempt."


class DiagnosticQuestionFactory(DjangoModelFactory):
    class Meta:
        model = DiagnosticQuestion

    programme = factory.SubFactory(ProgrammeFactory)
    strand = factory.SubFactory(StrandFactory, programme=factory.SelfAttribute("..programme"))
    order = factory.Sequence(lambda n: n + 1)
    text = "How securely are your classroom routines established?"


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"September 2026 starters {n}")
    start_year = 2026
    programme = factory.SubFactory(ProgrammeFactory)


# --- Year 2 ------------------------------------------------------------------------------
# ECTs come from participants.factories, which imports this module: named by path.

import datetime  # noqa: E402

from programme.models import ActionPlan, ActionPlanItem, DiagnosticResponse  # noqa: E402


class DiagnosticResponseFactory(DjangoModelFactory):
    class Meta:
        model = DiagnosticResponse

    ect = factory.SubFactory("participants.factories.ECTFactory")
    tenant = factory.SelfAttribute("ect.tenant")
    question = factory.SubFactory(DiagnosticQuestionFactory, programme=factory.SelfAttribute("..ect.cohort.programme"))
    answer = DiagnosticResponse.Answer.DEVELOPING
    answered_at = factory.LazyFunction(timezone.now)


class ActionPlanFactory(DjangoModelFactory):
    """A plan the ECT has proposed."""

    class Meta:
        model = ActionPlan

    ect = factory.SubFactory("participants.factories.ECTFactory")
    tenant = factory.SelfAttribute("ect.tenant")
    status = ActionPlan.Status.PROPOSED
    proposed_at = factory.LazyFunction(timezone.now)


class ActionPlanItemFactory(DjangoModelFactory):
    """A self-study module of the ECT's own programme, planned for 1 March 2028."""

    class Meta:
        model = ActionPlanItem

    plan = factory.SubFactory(ActionPlanFactory)
    tenant = factory.SelfAttribute("plan.tenant")
    module = factory.LazyAttribute(lambda item: ModuleFactory(term__year__programme=item.plan.ect.cohort.programme))
    planned_by = datetime.date(2028, 3, 1)
    reason = "Suggested by my diagnostic"


class ActivityCompletionFactory(DjangoModelFactory):
    class Meta:
        model = ActivityCompletion

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory("ectalign.factories.UserFactory")
    activity = factory.SubFactory(ModuleActivityFactory)
    completed_at = factory.LazyFunction(timezone.now)
    completed_by = factory.SelfAttribute("user")
