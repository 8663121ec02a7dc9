"""The ECT's coaching pages (My steps, reflections, proposing a step in year 2), and the
year-2 proposal reaching the mentor's My week and meeting form.

Today is Monday 23 November 2026. The world's own ECT (induction 2 September 2026) is in
year 1. The year-2 ECT built here began on Monday 1 September 2025 on a two-year programme
(39 + 38 weeks): year 1 filled 2025-26, so on 23 November 2026 they are in year 2
(fortnightly cycles), with the year-2 modules of weeks 1-2 and 9-10 reached and the one
of weeks 13-14 not yet.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.factories import ActionStepFactory, MeetingFactory, ObservationFactory
from coaching.models import ActionStep, Meeting, StepProposal
from participants.models import ECT, ECTAtSchool, Mentor, Mentorship
from programme.factories import (
    CohortFactory,
    LibraryStepFactory,
    ModuleFactory,
    ProgrammeFactory,
    ProgrammeYearFactory,
    StrandFactory,
    TermFactory,
)
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def own(world):
    return world.ects["own"]


@pytest.fixture
def mentor_record(world):
    return Mentor.objects.get(tenant=world.tenant_a, user=world.people[Role.MENTOR])


@pytest.fixture
def ect_client(world, client_for):
    return client_for(world.people[Role.ECT])


def page(response):
    return response.content.decode()


def step_for(world, ect, mentor_record, *, set_on, title, module=None, **extra):
    return ActionStepFactory(
        tenant=world.tenant_a, ect=ect, module=module or world.module, set_on=set_on, set_by=mentor_record.user,
        title=title, **extra,
    )


# --- My steps -----------------------------------------------------------------------------------


def test_my_steps_shows_the_step_its_criteria_the_feedback_and_the_history(world, own, ect_client, mentor_record):
    first = step_for(world, own, mentor_record, set_on=dt.date(2026, 11, 2), title="Give instructions in stages")
    other_strand = StrandFactory(programme=world.programme, name="Adaptive teaching", order=9)
    step_for(world, own, mentor_record, set_on=dt.date(2026, 11, 9), title="Check for understanding",
             strand=other_strand)
    current = step_for(
        world, own, mentor_record, set_on=dt.date(2026, 11, 16), title="Give instructions in stages",
        success_criteria="No more than three stages at once\nChecks understanding before starting",
        repeats=first, run=2, source=ActionStep.Source.REPEAT,
    )
    meeting = MeetingFactory(
        tenant=world.tenant_a, ect=own, mentor=mentor_record, cycle_starts_on=dt.date(2026, 11, 16),
        met_on=dt.date(2026, 11, 16), previous_step=first, step=current, practice_rounds=4, modelled=True,
        praise="Pupils started straight away after your second stage.",
    )
    ObservationFactory(
        tenant=world.tenant_a, ect=own, mentor=mentor_record, cycle_starts_on=dt.date(2026, 11, 23),
        observed_on=TODAY, step=current, progress="progressing", seen="Three stages, each checked.",
        notes="zz mentor's own reminder",
    )

    response = ect_client.get(reverse("coaching:my_steps"))

    assert response.status_code == 200
    html = page(response)
    assert "Give instructions in stages" in html
    assert "No more than three stages at once" in html and "Checks understanding before starting" in html
    assert "Set on 16 November 2026 by A Mentor" in html
    assert "Pupils started straight away after your second stage." in html
    assert "Practice rounds" in html and ">4<" in html
    assert reverse("coaching:add_reflection", args=[meeting.pk]) in html and "Add your reflections" in html
    assert "Progressing" in html and "Three stages, each checked." in html
    assert "zz mentor" not in html
    # The history, by strand: the module's strand, then the other one.
    assert html.index(world.module.strand.name) < html.index("Adaptive teaching")
    assert "Check for understanding" in html and "Repeated" in html
    assert "never used to assess your induction" in html
    assert "Propose your next step" not in html  # year 1


def test_an_ect_without_a_record_sees_a_kind_empty_state(world, client_for):
    user = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT).user

    response = client_for(user).get(reverse("coaching:my_steps"))

    assert response.status_code == 200
    assert "You have no coaching record here yet" in page(response)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ECT])
def test_other_roles_get_403_on_the_ect_pages(world, own, client_for, mentor_record, role):
    meeting = MeetingFactory(tenant=world.tenant_a, ect=own, mentor=mentor_record)
    client = client_for(world.people[role])
    for url in (reverse("coaching:my_steps"), reverse("coaching:propose_step"),
                reverse("coaching:add_reflection", args=[meeting.pk])):
        assert client.get(url).status_code == 403, url


# --- Reflections -----------------------------------------------------------------------------------


def test_the_ect_adds_their_reflections_to_a_meeting(world, own, ect_client, mentor_record):
    meeting = MeetingFactory(tenant=world.tenant_a, ect=own, mentor=mentor_record, praise="Calm and clear.")
    url = reverse("coaching:add_reflection", args=[meeting.pk])

    form = ect_client.get(url)
    assert form.status_code == 200 and "Your reflections on the meeting" in page(form)
    response = ect_client.post(url, {"text": "I will pause longer before 'go'."}, follow=True)

    meeting.refresh_from_db()
    assert meeting.ect_reflections == "I will pause longer before 'go'."
    assert response.redirect_chain[-1][0] == reverse("coaching:my_steps")
    assert "Your reflections are saved." in page(response)


def test_reflections_that_are_too_long_are_refused(world, own, ect_client, mentor_record):
    meeting = MeetingFactory(tenant=world.tenant_a, ect=own, mentor=mentor_record)

    response = ect_client.post(reverse("coaching:add_reflection", args=[meeting.pk]), {"text": "x" * 2001})

    assert "Keep your reflections to 2,000 characters" in " ".join(response.context["form"].errors["text"])
    meeting.refresh_from_db()
    assert meeting.ect_reflections == ""


def test_another_ect_gets_404_for_someone_elses_meeting(world, own, client_for, mentor_record):
    meeting = MeetingFactory(tenant=world.tenant_a, ect=own, mentor=mentor_record)
    url = reverse("coaching:add_reflection", args=[meeting.pk])

    for user in (world.ects["sibling"].user, world.outsiders[Role.ECT]):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Not mine"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.ect_reflections == ""


# --- Proposing a step ------------------------------------------------------------------------------


def test_in_year_1_proposing_is_explained_and_nothing_is_saved(world, ect_client):
    response = ect_client.get(reverse("coaching:propose_step"))

    assert response.status_code == 200
    assert "Proposing your own step opens in year 2" in page(response)
    assert 'name="step_source"' not in page(response)
    response = ect_client.post(reverse("coaching:propose_step"), {"step_source": "own", "title": "Mine"})
    assert response.status_code == 200
    assert StepProposal.objects.count() == 0


@dataclass
class YearTwo:
    ect: ECT
    user: object
    modules: dict
    steps: dict


@pytest.fixture
def year_two(world, mentor_record):
    """Yasmin Two, an ECT of school A1 in year 2, mentored by A1's mentor."""
    programme = ProgrammeFactory(slug="page-two-year", title="Two-year programme")
    year1 = ProgrammeYearFactory(programme=programme, number=1, weeks=39)
    year2 = ProgrammeYearFactory(programme=programme, number=2, weeks=38)
    term1 = TermFactory(year=year1, number=1, start_week=1, end_week=13)
    term4 = TermFactory(year=year2, number=4, start_week=1, end_week=13)
    strand = StrandFactory(programme=programme, code="H", name="High expectations")
    modules, steps = {}, {}
    for order, (key, term, start, end) in enumerate(
        (("Y1", term1, 1, 2), ("Y2A", term4, 1, 2), ("Y2B", term4, 9, 10), ("Y2C", term4, 13, 14)), start=1
    ):
        modules[key] = ModuleFactory(term=term, programme=programme, strand=strand, code=f"P-{key}",
                                     title=f"Module {key}", order=order, start_week=start, end_week=end)
        steps[key] = LibraryStepFactory(module=modules[key], order=1, title=f"{key}: set a high bar",
                                        success_criteria="Names the standard\nSends back work below it")
    cohort = CohortFactory(tenant=world.tenant_a, name="September 2025 starters", start_year=2025,
                           programme=programme, mentor_programme=world.ects["own"].cohort.mentor_programme)
    user = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT,
                             user__email="yasmin@example.org", user__full_name="Yasmin Two").user
    start = dt.date(2025, 9, 1)
    ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=start, cohort=cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=world.school_a1, started_on=start)
    Mentorship.objects.create(tenant=world.tenant_a, ect=ect, mentor=mentor_record, started_on=start)
    return YearTwo(ect=ect, user=user, modules=modules, steps=steps)


def test_a_year_2_proposal_reaches_the_mentor_who_accepts_it(
    world, year_two, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    ect_client = client_for(year_two.user)
    assert "Propose your next step" in page(ect_client.get(reverse("coaching:my_steps")))
    form = page(ect_client.get(reverse("coaching:propose_step")))
    assert f'<option value="L{year_two.steps["Y2A"].pk}">' in form
    assert "Y2C: set a high bar" not in form  # not reached yet

    response = ect_client.post(reverse("coaching:propose_step"), {
        "step_source": "library", "library_step": f"L{year_two.steps['Y2A'].pk}", "step_kind": "performance",
        "why": "My marking is kind but not demanding.",
    }, follow=True)

    proposal = StepProposal.objects.get()
    assert (proposal.ect, proposal.title, proposal.state) == (year_two.ect, "Y2A: set a high bar", "open")
    assert proposal.why == "My marking is kind but not demanding."
    assert "Your step is proposed." in page(response)
    assert "You proposed a step for your next cycle: “Y2A: set a high bar”" in page(response)

    mentor = client_for(world.people[Role.MENTOR])
    week = page(mentor.get(reverse("coaching:my_week")))
    assert "Yasmin proposed a step: “Y2A: set a high bar”" in week
    assert "Year 2 · fortnightly cycle" in week
    meeting_url = reverse("coaching:log_meeting", args=[year_two.ect.pk])
    assert "Accept Yasmin Two’s proposal: “Y2A: set a high bar”" in page(mentor.get(meeting_url))

    with django_capture_on_commit_callbacks(execute=True):
        mentor.post(meeting_url, {
            "met_on": "2026-11-23", "minutes": "45", "kind": "instructional", "step_source": "proposal",
            "step_kind": "performance", "modelled": "yes", "practice_rounds": "3",
        })

    step = Meeting.objects.get(ect=year_two.ect).step
    assert step.title == "Y2A: set a high bar" and step.source == ActionStep.Source.PROPOSAL
    proposal.refresh_from_db()
    assert proposal.state == StepProposal.State.ACCEPTED and proposal.step == step
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["yasmin@example.org"]


def test_the_mentor_edits_a_proposal_before_setting_it(world, year_two, client_for):
    StepProposal.objects.create(
        tenant=world.tenant_a, ect=year_two.ect, module=year_two.modules["Y2B"], title="Ask more hinge questions",
        success_criteria="One hinge question per lesson", kind="task", proposed_at=timezone.now(),
    )
    mentor = client_for(world.people[Role.MENTOR])
    url = reverse("coaching:log_meeting", args=[year_two.ect.pk])

    html = page(mentor.get(url, {"edit": "proposal"}))
    assert "You are editing Yasmin’s proposal" in html
    assert 'value="Ask more hinge questions"' in html

    mentor.post(url, {
        "met_on": "2026-11-23", "minutes": "50", "kind": "instructional", "step_source": "own",
        "from_proposal": "True", "module": str(year_two.modules["Y2B"].pk), "title": "Plan one hinge question",
        "criteria": "Four options\nEach wrong option shows a misconception", "step_kind": "task",
        "modelled": "no", "practice_rounds": "2",
    })

    step = Meeting.objects.get(ect=year_two.ect).step
    assert step.title == "Plan one hinge question" and step.source == ActionStep.Source.PROPOSAL_EDITED
    assert StepProposal.objects.get().state == StepProposal.State.EDITED


def test_a_written_proposal_from_an_unreached_module_is_refused(world, year_two, client_for):
    response = client_for(year_two.user).post(reverse("coaching:propose_step"), {
        "step_source": "own", "module": str(year_two.modules["Y2C"].pk), "title": "Adapt for every pupil",
        "criteria": "Plans one adaptation", "step_kind": "performance",
    })

    error = " ".join(response.context["form"].errors["step_source"])
    assert "P-Y2C Module Y2C has not been reached" in error and "P-Y2B Module Y2B" in error
    assert StepProposal.objects.count() == 0
