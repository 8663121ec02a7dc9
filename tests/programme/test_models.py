"""The programme's rules on the models: modules inside their term's weeks, events and
strands of their own programme, and the cohort's audience rule."""

import pytest
from django.core.exceptions import ValidationError

from programme.factories import (
    CoachingFocusAreaFactory,
    CohortFactory,
    EventTemplateFactory,
    ModuleFactory,
    ProgrammeFactory,
    ProgrammeYearFactory,
    StrandFactory,
    TermFactory,
)
from programme.models import Cohort, Module
from programme.services import ProgrammeError, create_cohort
from schools.models import Role

pytestmark = pytest.mark.django_db


def test_a_module_outside_its_terms_weeks_is_refused_with_what_to_change():
    term = TermFactory(number=2, start_week=14, end_week=26)
    module = ModuleFactory.build(term=term, programme=term.programme, strand=None, code="Y1-W24", title="Understanding pupil need and inclusion", start_week=24, end_week=27)
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert error.value.messages == [(
        "Module Y1-W24 (Understanding pupil need and inclusion) is placed in weeks 24-27 but term 2 runs from week 14 "
        "to week 26: move the module inside the term or choose the term that holds those weeks."
    )]


def test_a_module_inside_its_term_is_valid_and_a_module_without_weeks_too():
    term = TermFactory(start_week=1, end_week=13)
    ModuleFactory.build(term=term, programme=term.programme, strand=None, start_week=12, end_week=13).full_clean()
    mentor = ProgrammeFactory(mentor=True)
    Module(programme=mentor, code="M1", title="Introduction").full_clean()


def test_a_module_needs_its_term_and_weeks_together():
    term = TermFactory()
    module = Module(programme=term.programme, code="X", title="Half placed", term=term, start_week=3)
    with pytest.raises(ValidationError, match="give its term, first week and last week together"):
        module.full_clean()


def test_a_module_open_over_several_terms_must_end_inside_its_last_term():
    year = ProgrammeYearFactory(number=2, weeks=38)
    autumn = TermFactory(year=year, number=4, start_week=1, end_week=13)
    summer = TermFactory(year=year, number=6, season="summer", start_week=27, end_week=38)
    ok = Module(programme=year.programme, code="Y2-STRETCH-B", title="Behaviour stretch content", kind=Module.Kind.STRETCH,
                term=autumn, end_term=summer, start_week=8, end_week=38, concurrent=True, release_month=11, release_day=1)
    ok.full_clean()
    ok.end_week = 39
    with pytest.raises(ValidationError, match="stays open to week 39 but term 6 runs from week 27 to week 38"):
        ok.full_clean()


def test_a_module_release_date_must_be_a_real_day():
    module = ModuleFactory()
    module.release_month, module.release_day = 2, 30
    with pytest.raises(ValidationError, match="30/2 is not a day of the year"):
        module.full_clean()


def test_a_term_must_fit_in_its_year():
    year = ProgrammeYearFactory(number=2, weeks=38)
    term = TermFactory.build(year=year, programme=year.programme, number=6, start_week=27, end_week=39)
    with pytest.raises(ValidationError, match="Term 6 runs to week 39 but year 2 has 38 weeks"):
        term.full_clean()


def test_parts_of_another_programme_are_refused():
    module = ModuleFactory()
    module.strand = StrandFactory()  # another programme's strand
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert error.value.message_dict["strand"] == ["Choose a strand of this module's own programme."]


def test_an_event_has_its_programmes_audience():
    event = EventTemplateFactory.build(term=TermFactory(), audience="mentor")
    event.programme = event.term.programme
    with pytest.raises(ValidationError, match="its events have the same audience"):
        event.full_clean()


def test_coaching_focus_areas_belong_to_a_mentor_programme():
    area = CoachingFocusAreaFactory.build(programme=ProgrammeFactory())
    with pytest.raises(ValidationError, match="Coaching for mentors belongs to a mentor programme"):
        area.full_clean()


def test_a_cohort_pointed_at_a_mentor_programme_is_refused(world):
    mentor = ProgrammeFactory(mentor=True, title="Mentor programme 2026-28")
    cohort = Cohort(tenant=world.tenant_a, name="September 2026", start_year=2026, programme=mentor)
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert error.value.message_dict["programme"] == [
        "Choose an ECT programme for September 2026; Mentor programme 2026-28 is a mentor programme."
    ]


def test_create_cohort_applies_the_audience_rule_and_saves_nothing(world):
    ect = ProgrammeFactory(title="ECT programme 2026-28")
    mentor = ProgrammeFactory(mentor=True, ect_programme=ect, title="Mentor programme 2026-28")
    actor = world.user(Role.DP_STAFF)
    before = Cohort.objects.count()
    with pytest.raises(ProgrammeError) as error:
        create_cohort(actor=actor, tenant=world.tenant_a, name="September 2026", start_year=2026, programme=mentor)
    assert str(error.value) == "Choose an ECT programme for September 2026; Mentor programme 2026-28 is a mentor programme."
    with pytest.raises(ProgrammeError, match="Choose a mentor programme for September 2026; ECT programme 2026-28 is an ECT programme."):
        create_cohort(actor=actor, tenant=world.tenant_a, name="September 2026", start_year=2026, programme=ect, mentor_programme=ect)
    assert Cohort.objects.count() == before

    cohort = create_cohort(actor=actor, tenant=world.tenant_a, name=" September 2026 ", start_year=2026, programme=ect, mentor_programme=mentor)
    assert (cohort.name, cohort.tenant, cohort.programme, cohort.mentor_programme) == ("September 2026", world.tenant_a, ect, mentor)
    assert cohort.history.get().history_user == actor


def test_a_cohorts_mentor_programme_accompanies_its_ect_programme(world):
    ect = ProgrammeFactory(title="ECT programme 2026-28")
    other_mentor = ProgrammeFactory(mentor=True, title="Mentor programme 2023-25")
    with pytest.raises(ProgrammeError, match="Mentor programme 2023-25 accompanies .*: choose the mentor programme of ECT programme 2026-28"):
        create_cohort(actor=None, tenant=world.tenant_a, name="September 2026", start_year=2026, programme=ect, mentor_programme=other_mentor)


def test_cohort_names_are_unique_per_delivery_partner(world):
    existing = CohortFactory(tenant=world.tenant_a, name="September 2026")
    with pytest.raises(ProgrammeError, match="already exists"):
        create_cohort(actor=None, tenant=world.tenant_a, name="September 2026", start_year=2026, programme=existing.programme)
    create_cohort(actor=None, tenant=world.tenant_b, name="September 2026", start_year=2026, programme=existing.programme)
