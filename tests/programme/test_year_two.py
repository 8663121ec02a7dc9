"""Year 2: the diagnostic suggests modules to revisit, the ECT proposes an action plan,
their current mentor agrees it, and stretch modules become choices from 1 November.

The ECT of school A1 (induction from 2 September 2026, standard calendar) follows a
small two-year programme: six year-1 self-study modules in two strands, then the year-2
diagnostic, action plan and a stretch module. Under the standard calendar their year 1
has 40 teaching weeks: the last one (19 July 2027) is left free, so year 2 (and the
diagnostic) starts with the autumn term on Wednesday 1 September 2027, and the stretch
module opens on 1 November 2027.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Mentor, MentorAtSchool, Mentorship
from programme import progress, year_two
from programme.factories import (
    ActionPlanFactory,
    ActionPlanItemFactory,
    DiagnosticQuestionFactory,
    ModuleFactory,
    ProgrammeFactory,
    ProgrammeYearFactory,
    StrandFactory,
    TermFactory,
)
from programme.models import ActionPlan, ActionPlanItem, DiagnosticResponse, Module, Season
from programme.services import ProgrammeError
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

YEAR_ONE_DAY = dt.date(2027, 3, 1)
YEAR_TWO_DAY = dt.date(2027, 9, 20)
BEFORE_STRETCH = dt.date(2027, 10, 31)
STRETCH_OPENS = dt.date(2027, 11, 1)

SECURE, DEVELOPING, NOT_YET = (
    DiagnosticResponse.Answer.SECURE,
    DiagnosticResponse.Answer.DEVELOPING,
    DiagnosticResponse.Answer.NOT_YET,
)


@pytest.fixture
def on_day(monkeypatch):
    """Pin "today" (Europe/London) for the pages."""

    def pin(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return pin


@dataclass
class YearTwo:
    ect: object
    modules: dict
    questions: list
    stretch: object


@pytest.fixture
def year2(world):
    """The own ECT's cohort switched to a small two-year programme with a diagnostic."""
    programme = ProgrammeFactory(title="Two-year programme")
    year1 = ProgrammeYearFactory(programme=programme, number=1, weeks=39)
    year2_ = ProgrammeYearFactory(programme=programme, number=2, weeks=38)
    term1 = TermFactory(year=year1, number=1, start_week=1, end_week=13)
    term4 = TermFactory(year=year2_, number=4, start_week=1, end_week=13)
    term6 = TermFactory(year=year2_, number=6, season=Season.SUMMER, start_week=27, end_week=38)
    behaviour = StrandFactory(programme=programme, code="B", name="Behaviour", order=1)
    instruction = StrandFactory(programme=programme, code="I", name="Instruction", order=2)
    modules = {}
    for order, (code, strand, title) in enumerate([
        ("B1", behaviour, "Routines and expectations"),
        ("B2", behaviour, "Responding to disruption"),
        ("B3", behaviour, "Group work that runs smoothly"),
        ("I1", instruction, "Prior knowledge"),
        ("I2", instruction, "Explanations and models"),
        ("I3", instruction, "Questioning"),
    ], start=1):
        week = 2 * order - 1
        modules[code] = ModuleFactory(
            term=term1, code=code, title=title, strand=strand, order=order, start_week=week, end_week=week + 1,
        )
    ModuleFactory(term=term4, code="Y2-DIAG", title="Year 2 diagnostic", strand=None, kind=Module.Kind.DIAGNOSTIC,
                  order=7, start_week=1, end_week=4)
    ModuleFactory(term=term4, code="Y2-PLAN", title="Self-study action plan", strand=None,
                  kind=Module.Kind.ACTION_PLAN, order=8, start_week=5, end_week=7)
    stretch = ModuleFactory(term=term4, end_term=term6, code="Y2-STRETCH-B", title="Behaviour stretch content",
                            strand=behaviour, kind=Module.Kind.STRETCH, order=9, start_week=8, end_week=38,
                            release_month=11, release_day=1, concurrent=True)
    questions = [
        DiagnosticQuestionFactory(programme=programme, strand=behaviour, order=1,
                                  text="How securely are your routines established?"),
        DiagnosticQuestionFactory(programme=programme, strand=instruction, order=2,
                                  text="How clear are your explanations and models?"),
        DiagnosticQuestionFactory(programme=programme, strand=behaviour, order=3,
                                  text="Do group tasks run smoothly?"),
    ]
    questions[0].suggested_modules.set([modules["B2"], modules["B1"]])
    questions[1].suggested_modules.set([modules["I2"]])
    questions[2].suggested_modules.set([modules["B3"], modules["B1"]])
    ect = world.ects["own"]
    cohort = ect.cohort
    cohort.programme = programme
    cohort.save()
    ect.refresh_from_db()
    return YearTwo(ect=ect, modules=modules, questions=questions, stretch=stretch)


def answers_form(questions, answers):
    return {f"question-{q.pk}": a for q, a in zip(questions, answers) if a}


def plan_form(*rows, notes=""):
    """rows: (module, planned_by text, reason)."""
    data = {"module": [str(m.pk) for m, _, _ in rows], "notes": notes}
    for module, planned_by, reason in rows:
        data[f"planned_by-{module.pk}"] = planned_by
        data[f"reason-{module.pk}"] = reason
    return data


def propose(client, *rows, notes=""):
    return client.post(reverse("self_study:action_plan"), plan_form(*rows, notes=notes), follow=True)


# --- The diagnostic ------------------------------------------------------------------------


def test_the_standard_calendar_dates_the_tests_rely_on(year2, on_day):
    path = progress.ect_path(year2.ect, today=YEAR_TWO_DAY)
    assert year_two.diagnostic_opens_on(path) == dt.date(2027, 9, 1)
    assert path.find(year2.stretch.pk).release_date == STRETCH_OPENS
    # Year 2 week 38 is the 38th teaching week of the standard 2027-28 year: Mon 3 to Fri 7 Jul.
    assert year_two.induction_ends_on(path) == dt.date(2028, 7, 7)


def test_answers_suggest_the_modules_to_revisit_in_programme_order_once(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    client = client_for(year2.ect.user)
    response = client.post(
        reverse("self_study:diagnostic"), answers_form(year2.questions, [NOT_YET, SECURE, DEVELOPING]), follow=True
    )
    html = response.content.decode()
    assert "Your diagnostic answers are saved" in html
    # B1 is suggested by two questions, I2 only by a question answered "I do this confidently".
    assert [m.code for m in year_two.suggested_modules(year2.ect)] == ["B1", "B2", "B3"]
    suggested = html.split('id="suggested"')[1].split("</ul>")[0]
    assert suggested.index("Routines and expectations") < suggested.index("Responding to disruption") < suggested.index(
        "Group work that runs smoothly"
    )
    assert "Explanations and models" not in suggested
    rows = DiagnosticResponse.objects.filter(ect=year2.ect)
    assert {(r.question_id, r.answer) for r in rows} == {
        (year2.questions[0].pk, NOT_YET), (year2.questions[1].pk, SECURE), (year2.questions[2].pk, DEVELOPING),
    }
    assert {r.tenant for r in rows} == {year2.ect.tenant}


def test_answering_again_replaces_the_answers(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    client = client_for(year2.ect.user)
    url = reverse("self_study:diagnostic")
    client.post(url, answers_form(year2.questions, [NOT_YET, SECURE, DEVELOPING]))
    client.post(url, answers_form(year2.questions, [SECURE, NOT_YET, SECURE]))
    assert DiagnosticResponse.objects.filter(ect=year2.ect).count() == 3
    assert [m.code for m in year_two.suggested_modules(year2.ect)] == ["I2"]
    html = client.get(url).content.decode()
    second = year2.questions[1].pk
    assert f'id="question-{second}-3" name="question-{second}" type="radio" value="not_yet" checked' in html


def test_unanswered_questions_are_named_beside_them_and_nothing_is_saved(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    client = client_for(year2.ect.user)
    response = client.post(reverse("self_study:diagnostic"), answers_form(year2.questions, [NOT_YET, None, None]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem with your answers: nothing was saved" in html
    # Grouped by strand, the questions are numbered 1 (B), 2 (B), 3 (I).
    second, third = year2.questions[2], year2.questions[1]
    assert f'<a href="#question-{second.pk}">Choose an answer to question 2, “Do group tasks run smoothly?”</a>' in html
    assert (
        f'<a href="#question-{third.pk}">Choose an answer to question 3, “How clear are your explanations and models?”</a>'
    ) in html
    assert f'<p class="govuk-error-message" id="question-{third.pk}-error">' in html
    assert 'value="not_yet" checked' in html  # the answer given is kept
    assert not DiagnosticResponse.objects.exists()


def test_an_answer_that_is_not_one_of_the_three_is_refused(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    response = client_for(year2.ect.user).post(
        reverse("self_study:diagnostic"), answers_form(year2.questions, [NOT_YET, SECURE, "maybe"])
    )
    assert "Choose one of the three answers to question 2" in response.content.decode()
    assert not DiagnosticResponse.objects.exists()


def test_a_year_one_ect_cannot_take_the_diagnostic(year2, client_for, on_day):
    on_day(YEAR_ONE_DAY)
    client = client_for(year2.ect.user)
    html = client.get(reverse("self_study:diagnostic")).content.decode()
    assert "The diagnostic opens in year 2, on 1 September 2027." in html
    assert 'type="radio"' not in html
    response = client.post(reverse("self_study:diagnostic"), answers_form(year2.questions, [NOT_YET, SECURE, SECURE]))
    assert response.status_code == 200
    assert not DiagnosticResponse.objects.exists()
    with pytest.raises(ProgrammeError, match="The diagnostic opens in year 2, on 1 September 2027: come back then."):
        year_two.record_diagnostic(
            actor=year2.ect.user, ect=year2.ect, today=YEAR_ONE_DAY,
            answers={q.pk: SECURE for q in year2.questions},
        )


def test_the_diagnostic_opens_on_the_day_year_two_starts(year2, on_day):
    year_two.record_diagnostic(
        actor=year2.ect.user, ect=year2.ect, today=dt.date(2027, 9, 1),
        answers={q.pk: SECURE for q in year2.questions},
    )
    assert DiagnosticResponse.objects.filter(ect=year2.ect).count() == 3


def test_the_world_ect_in_year_one_sees_when_the_pages_open(world, client_for):
    client = client_for(world.user(Role.ECT))
    html = client.get(reverse("self_study:diagnostic")).content.decode()
    assert "The diagnostic opens in year 2 of the programme." in html
    assert "The diagnostic opens in year 2" in client.get(reverse("self_study:action_plan")).content.decode()


# --- Proposing the action plan -------------------------------------------------------------


def test_the_ect_proposes_a_plan_with_suggested_modules_pre_ticked(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    client = client_for(year2.ect.user)
    client.post(reverse("self_study:diagnostic"), answers_form(year2.questions, [NOT_YET, SECURE, SECURE]))
    html = client.get(reverse("self_study:action_plan")).content.decode()
    b1, b2, i2 = year2.modules["B1"], year2.modules["B2"], year2.modules["I2"]
    assert f'id="module-{b1.pk}" name="module" type="checkbox" value="{b1.pk}" checked' in html
    assert f'id="module-{i2.pk}" name="module" type="checkbox" value="{i2.pk}" data-aria' in html  # not ticked
    assert "Not proposed yet" in html

    response = propose(
        client, (b1, "2027-12-10", "Routines slipped after half-term"), (i2, "3/2/2028", ""),
        notes="Can we talk on Monday?",
    )
    html = response.content.decode()
    assert "Your action plan is proposed" in html
    assert "Proposed</strong> Waiting for the mentor to agree it." in html
    plan = ActionPlan.objects.get(ect=year2.ect)
    assert plan.status == ActionPlan.Status.PROPOSED and plan.proposed_at is not None and plan.agreed_by is None
    assert plan.notes == "Can we talk on Monday?"
    assert [(i.module, i.planned_by, i.reason) for i in plan.items.all()] == [
        (b1, dt.date(2027, 12, 10), "Routines slipped after half-term"), (i2, dt.date(2028, 2, 3), ""),
    ]
    assert {i.tenant for i in plan.items.all()} == {year2.ect.tenant}
    # Now the form shows the plan, not the suggestions.
    assert f'id="module-{b2.pk}" name="module" type="checkbox" value="{b2.pk}" data-aria' in html


@pytest.mark.parametrize(
    "rows,field,message",
    [
        ([], "modules",
         "Choose at least one module to revisit or stretch into, and the date you plan to finish it by."),
        ([("B1", "2027-09-19", "")], "planned_by-B1",
         "The date for Routines and expectations is in the past: choose today (20 September 2027) or a later date."),
        ([("B1", "2028-07-08", "")], "planned_by-B1",
         "The date for Routines and expectations is after your induction is expected to end on 7 July 2028: "
         "choose a date on or before then."),
        ([("B1", "", "")], "planned_by-B1", "Enter the date you plan to finish Routines and expectations by."),
        ([("B1", "31/2/2028", "")], "planned_by-B1",
         "Enter the date you plan to finish this module by as a real date, for example 27/3/2028."),
        ([("B1", "2027-12-01", "x" * 201)], "reason-B1",
         "Keep the reason for Routines and expectations to 200 characters or fewer (it has 201)."),
        ([("B1", "2027-12-01", ""), ("world", "2027-12-01", "")], "modules",
         "One of the modules chosen is not part of your programme: choose from the modules listed on this page."),
    ],
    ids=["no modules", "past date", "after induction", "no date", "not a date", "long reason", "other programme"],
)
def test_a_plan_with_a_problem_is_refused_beside_the_field_and_nothing_is_saved(
    year2, world, client_for, on_day, rows, field, message
):
    on_day(YEAR_TWO_DAY)
    modules = {**year2.modules, "world": world.module}
    response = propose(client_for(year2.ect.user), *[(modules[code], d, r) for code, d, r in rows])
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem with your action plan: nothing was saved" in html
    anchor = field.replace("B1", str(year2.modules["B1"].pk))
    if field == "modules":
        anchor = f"module-{year2.modules['B1'].pk}"  # the first choice
    else:
        assert f'id="{anchor}-error"' in html  # beside the field
    assert f'<a href="#{anchor}">{message}</a>' in html
    assert not ActionPlan.objects.exists() and not ActionPlanItem.objects.exists()


def test_a_changed_plan_is_kept_as_it_was_when_refused(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    client = client_for(year2.ect.user)
    b1, b2 = year2.modules["B1"], year2.modules["B2"]
    propose(client, (b1, "2027-12-10", "First go"))
    propose(client, (b1, "2027-12-11", "Changed"), (b2, "2020-01-01", ""))
    plan = ActionPlan.objects.get()
    assert [(i.module, i.planned_by, i.reason) for i in plan.items.all()] == [(b1, dt.date(2027, 12, 10), "First go")]


def test_a_year_one_ect_cannot_propose_a_plan(year2, client_for, on_day):
    on_day(YEAR_ONE_DAY)
    client = client_for(year2.ect.user)
    html = client.get(reverse("self_study:action_plan")).content.decode()
    assert "The diagnostic opens in year 2, on 1 September 2027." in html and 'name="module"' not in html
    propose(client, (year2.modules["B1"], "2027-12-10", ""))
    assert not ActionPlan.objects.exists()


def test_only_the_ect_proposes_their_own_plan(year2, world):
    with pytest.raises(ProgrammeError, match="propose their action plan"):
        year_two.propose_action_plan(
            actor=world.user(Role.MENTOR), ect=year2.ect, today=YEAR_TWO_DAY,
            items=[(year2.modules["B1"].pk, dt.date(2027, 12, 10), "")],
        )
    assert not ActionPlan.objects.exists()


# --- Stretch modules -----------------------------------------------------------------------


def test_stretch_modules_are_choices_only_from_1_november_of_year_two(year2, client_for, on_day):
    client = client_for(year2.ect.user)
    stretch = year2.stretch
    on_day(BEFORE_STRETCH)
    html = client.get(reverse("self_study:action_plan")).content.decode()
    assert "Behaviour stretch content" not in html and "Stretch modules" not in html
    html = propose(client, (stretch, "2028-03-01", "")).content.decode()
    assert (
        f'<a href="#module-{stretch.pk}">Behaviour stretch content opens on 1 November 2027: '
        "you can add it to your plan from then.</a>"
    ) in html
    assert not ActionPlan.objects.exists()

    on_day(STRETCH_OPENS)
    html = client.get(reverse("self_study:action_plan")).content.decode()
    assert "Stretch modules" in html and "Stretch module, open from 1 November 2027" in html
    propose(client, (stretch, "2028-03-01", "To stretch my behaviour practice"))
    assert ActionPlanItem.objects.get().module == stretch


def test_a_diagnostic_or_action_plan_module_cannot_be_planned(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    diagnostic = Module.objects.get(code="Y2-DIAG", programme=year2.ect.cohort.programme)
    html = propose(client_for(year2.ect.user), (diagnostic, "2027-12-10", "")).content.decode()
    assert "Year 2 diagnostic is not a self-study or stretch module: choose one of the modules listed." in html
    assert not ActionPlan.objects.exists()


# --- The mentor agrees ---------------------------------------------------------------------


def test_the_current_mentor_agrees_the_plan_and_the_page_says_who_and_when(year2, world, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    propose(client_for(year2.ect.user), (year2.modules["B1"], "2027-12-10", "Routines"))
    mentor = world.user(Role.MENTOR)
    client = client_for(mentor)
    page = reverse("self_study:ect_action_plan", args=[year2.ect.pk])
    assert "Agree this plan" in client.get(page).content.decode()
    before = timezone.now()
    html = client.post(reverse("self_study:agree_action_plan", args=[year2.ect.pk]), follow=True).content.decode()
    plan = ActionPlan.objects.get()
    assert plan.status == ActionPlan.Status.AGREED
    assert plan.agreed_by == mentor and plan.agreed_at >= before
    assert plan.history.latest().history_user == mentor
    assert f"You agreed {year2.ect.user.full_name}’s action plan." in html
    assert f"By {mentor.full_name} on" in html and "Agree this plan" not in html


def test_agreeing_twice_or_before_a_proposal_says_why_not(year2, world, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    client = client_for(world.user(Role.MENTOR))
    url = reverse("self_study:agree_action_plan", args=[year2.ect.pk])
    html = client.post(url, follow=True).content.decode()
    assert f"{year2.ect.user.full_name} has not proposed an action plan yet" in html
    assert not ActionPlan.objects.exists()
    propose(client_for(year2.ect.user), (year2.modules["B1"], "2027-12-10", ""))
    client = client_for(world.user(Role.MENTOR))
    client.post(url)
    html = client.post(url, follow=True).content.decode()
    assert "This plan was already agreed on" in html


def test_an_agreed_plan_proposed_again_returns_to_proposed(year2, world, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    b1, b2 = year2.modules["B1"], year2.modules["B2"]
    plan = ActionPlanFactory(
        ect=year2.ect, tenant=year2.ect.tenant, status=ActionPlan.Status.AGREED,
        agreed_at=timezone.now(), agreed_by=world.user(Role.MENTOR),
    )
    ActionPlanItemFactory(plan=plan, tenant=plan.tenant, module=b1)
    client = client_for(year2.ect.user)
    assert "Changing an agreed plan proposes it again" in client.get(reverse("self_study:action_plan")).content.decode()
    propose(client, (b2, "2027-12-10", "Instead"))
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.PROPOSED and plan.agreed_by is None and plan.agreed_at is None
    assert [i.module for i in plan.items.all()] == [b2]


@pytest.fixture
def former_mentor(world, year2):
    """A mentor at the ECT's school who mentored them until the end of year 1."""
    membership = MembershipFactory(
        tenant=world.tenant_a, school=world.school_a1, role=Role.MENTOR,
        user__email="former-mentor@example.org", user__full_name="Former Mentor",
    )
    mentor = Mentor.objects.create(tenant=world.tenant_a, user=membership.user)
    MentorAtSchool.objects.create(
        tenant=world.tenant_a, mentor=mentor, school=world.school_a1, started_on=dt.date(2026, 9, 1)
    )
    Mentorship.objects.create(
        tenant=world.tenant_a, ect=year2.ect, mentor=mentor,
        started_on=dt.date(2026, 9, 2), ended_on=dt.date(2027, 7, 16),
    )
    return membership.user


def test_a_mentor_who_no_longer_mentors_the_ect_cannot_see_or_agree_the_plan(year2, former_mentor, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    propose(client_for(year2.ect.user), (year2.modules["B1"], "2027-12-10", ""))
    client = client_for(former_mentor)
    assert client.get(reverse("self_study:ect_action_plan", args=[year2.ect.pk])).status_code == 404
    assert client.post(reverse("self_study:agree_action_plan", args=[year2.ect.pk])).status_code == 404
    plan = ActionPlan.objects.get()
    assert plan.status == ActionPlan.Status.PROPOSED and plan.agreed_by is None
    with pytest.raises(ProgrammeError, match="current mentor can agree"):
        year_two.agree_action_plan(actor=former_mentor, ect=year2.ect)


@pytest.mark.parametrize("role", [Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.DP_STAFF, Role.DP_ADMIN, Role.ECT])
def test_people_who_read_the_plan_cannot_agree_it(year2, world, client_for, on_day, role):
    on_day(YEAR_TWO_DAY)
    propose(client_for(year2.ect.user), (year2.modules["B1"], "2027-12-10", ""))
    client = client_for(world.user(role))
    assert client.post(reverse("self_study:agree_action_plan", args=[year2.ect.pk])).status_code == 403
    assert ActionPlan.objects.get().status == ActionPlan.Status.PROPOSED
    if role != Role.ECT:
        html = client.get(reverse("self_study:ect_action_plan", args=[year2.ect.pk])).content.decode()
        assert "Routines and expectations" in html and "Agree this plan" not in html


# --- Pages ---------------------------------------------------------------------------------


def test_the_diagnostic_page_groups_the_questions_by_strand_with_the_three_answers(year2, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    response = client_for(year2.ect.user).get(reverse("self_study:diagnostic"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Behaviour</h2>") < html.index("Do group tasks run smoothly?") < html.index("Instruction</h2>")
    assert "Question 3 of 3" in html and html.count('<fieldset class="govuk-fieldset"') == 3
    assert html.count("I do this confidently") == 3 and html.count("Not yet: I want to revisit this") == 3
    assert "this is not an assessment" in html


def test_the_supporters_page_shows_the_answers_and_the_plan(year2, world, client_for, on_day):
    on_day(YEAR_TWO_DAY)
    ect_client = client_for(year2.ect.user)
    ect_client.post(reverse("self_study:diagnostic"), answers_form(year2.questions, [NOT_YET, SECURE, DEVELOPING]))
    propose(ect_client, (year2.modules["B2"], "2027-12-10", "Disruption after lunch"), notes="Mondays are best")
    html = client_for(world.user(Role.INDUCTION_TUTOR)).get(
        reverse("self_study:ect_action_plan", args=[year2.ect.pk])
    ).content.decode()
    assert f"{year2.ect.user.full_name}’s year 2 action plan" in html
    assert "Modules in the plan (1)" in html and "10 December 2027" in html and "Disruption after lunch" in html
    assert "Mondays are best" in html
    assert "How securely are your routines established?</dt>" in html
    assert "Not yet: I want to revisit this" in html and "Sometimes" in html
    assert "Group work that runs smoothly" in html  # suggested


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return queries


@pytest.mark.parametrize("role", [Role.ECT, Role.MENTOR])
def test_action_plan_page_queries_do_not_grow_with_the_plan(year2, world, client_for, on_day, role):
    on_day(YEAR_TWO_DAY)
    plan = ActionPlanFactory(ect=year2.ect, tenant=year2.ect.tenant)
    modules = list(year2.modules.values())
    ActionPlanItemFactory(plan=plan, tenant=plan.tenant, module=modules[0])
    client = client_for(year2.ect.user if role == Role.ECT else world.user(role))
    if role == Role.ECT:
        url = reverse("self_study:action_plan")
    else:
        url = reverse("self_study:ect_action_plan", args=[year2.ect.pk])
    client.get(url)
    one = _count_queries(client, url)
    for module in modules[1:]:
        ActionPlanItemFactory(plan=plan, tenant=plan.tenant, module=module)
    six = _count_queries(client, url)
    assert "Questioning" in client.get(url).content.decode()
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
