"""The onboarding form: its deadline on the school's calendar, what it saves, what it
refuses (beside the field, nothing half-written), and the home page's reminder."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from participants import onboarding
from participants.factories import ECTFactory, MentorAtSchoolFactory, MentorFactory
from participants.models import ECT, Mentor, MonitoringAnswers, Onboarding
from participants.onboarding import OnboardingError
from programme.schedule import standard_calendar
from schools.factories import MembershipFactory
from schools.models import Role
from schools.services import set_term_dates

pytestmark = pytest.mark.django_db

ANSWERS = {
    "gender_identity": "woman",
    "transgender": "yes",
    "sexual_orientation": MonitoringAnswers.PREFER_NOT_TO_SAY,
    "ethnicity": "asian",
}


def terms_starting(academic_year, autumn_starts_on):
    """The standard pattern's terms, with the autumn term starting on another day."""
    terms = list(standard_calendar(academic_year).terms)
    terms[0] = dataclasses.replace(terms[0], starts_on=autumn_starts_on)
    return terms


@pytest.fixture
def dp_dates(world):
    """Tenant A's default dates for 2026 to 2027: the autumn term starts on Wednesday 2 September."""
    set_term_dates(actor=world.user(Role.DP_ADMIN), tenant=world.tenant_a, academic_year=2026,
                   terms=terms_starting(2026, dt.date(2026, 9, 2)))


def form_data(**changes):
    data = {"phase": "secondary", "subject": "Mathematics", "working_pattern": "full_time", "fte": "",
            "terms_accepted": "on", "confidence": "some", "hopes": "Behaviour routines", **ANSWERS}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def service_kwargs(**changes):
    kwargs = {"phase": "secondary", "subject": "Mathematics", "working_pattern": "full_time", "fte": None,
              "terms_accepted": True, "confidence": "", "hopes": "", "monitoring": dict(ANSWERS)}
    kwargs.update(changes)
    return kwargs


def field_group(html, field):
    """The HTML of the form group holding a field (its error sits inside it)."""
    anchor = html.index(f'name="{field}"')
    start = html.rindex('<div class="govuk-form-group', 0, anchor)
    ends = [html.find(mark, anchor) for mark in ('<div class="govuk-form-group', "</form>")]
    return html[start:min(end for end in ends if end != -1)]


# --- The deadline ---------------------------------------------------------------------


def test_deadline_is_the_friday_of_the_second_teaching_week(world, dp_dates):
    # Week 1: Wednesday 2 to Friday 4 September; week 2 ends on Friday 11 September.
    assert onboarding.onboarding_deadline(school=world.school_a1, academic_year=2026) == dt.date(2026, 9, 11)
    assert onboarding.deadline_for(user=world.user(Role.ECT), membership=world.memberships[Role.ECT]) == dt.date(
        2026, 9, 11
    )


def test_a_school_with_its_own_later_term_dates_moves_the_deadline(world, dp_dates):
    set_term_dates(actor=world.user(Role.INDUCTION_TUTOR), tenant=world.tenant_a, school=world.school_a1,
                   academic_year=2026, terms=terms_starting(2026, dt.date(2026, 9, 8)))
    assert onboarding.onboarding_deadline(school=world.school_a1, academic_year=2026) == dt.date(2026, 9, 18)
    # The sibling school keeps the delivery partner's dates.
    assert onboarding.onboarding_deadline(school=world.school_a2, academic_year=2026) == dt.date(2026, 9, 11)


def test_an_inset_day_on_the_friday_brings_the_deadline_forward(world):
    set_term_dates(actor=world.user(Role.INDUCTION_TUTOR), tenant=world.tenant_a, school=world.school_a1,
                   academic_year=2026, terms=terms_starting(2026, dt.date(2026, 9, 2)),
                   inset_days=[dt.date(2026, 9, 11)])
    assert onboarding.onboarding_deadline(school=world.school_a1, academic_year=2026) == dt.date(2026, 9, 10)


def test_without_set_dates_the_standard_pattern_gives_the_deadline(world):
    # The standard autumn term of 2027 starts on Wednesday 1 September 2027.
    assert onboarding.onboarding_deadline(school=world.school_a1, academic_year=2027) == dt.date(2027, 9, 10)


def test_a_mentor_without_a_cohort_follows_the_start_of_their_period(world, dp_dates):
    mentor = MentorFactory(tenant=world.tenant_a, cohort=None)
    MentorAtSchoolFactory(tenant=world.tenant_a, mentor=mentor, school=world.school_a1, started_on=dt.date(2027, 9, 6))
    membership = MembershipFactory(user=mentor.user, tenant=world.tenant_a, school=world.school_a1, role=Role.MENTOR)
    assert onboarding.deadline_for(user=mentor.user, membership=membership) == dt.date(2027, 9, 10)
    # With a cohort, the cohort's year decides.
    mentor.cohort = world.ects["own"].cohort
    mentor.save()
    assert onboarding.deadline_for(user=mentor.user, membership=membership) == dt.date(2026, 9, 11)


def test_no_deadline_without_a_training_record_or_for_other_roles(world):
    stranger = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT)
    assert onboarding.deadline_for(user=stranger.user, membership=stranger) is None
    tutor = world.memberships[Role.INDUCTION_TUTOR]
    assert onboarding.deadline_for(user=tutor.user, membership=tutor) is None


def test_deadlines_for_a_school_in_a_few_queries(world, dp_dates, django_assert_max_num_queries):
    from programme.factories import CohortFactory

    later = CohortFactory(tenant=world.tenant_a, start_year=2027, programme=world.programme)
    people = [world.user(Role.ECT), world.user(Role.MENTOR)]
    for _ in range(5):
        people.append(ECTFactory(tenant=world.tenant_a, cohort=later).user)
    lone = MentorFactory(tenant=world.tenant_a, cohort=None)
    MentorAtSchoolFactory(tenant=world.tenant_a, mentor=lone, school=world.school_a1, started_on=dt.date(2026, 9, 1))
    people.append(lone.user)
    with django_assert_max_num_queries(5):
        deadlines = onboarding.deadlines_for_school(school=world.school_a1, people=people)
    assert deadlines[world.user(Role.ECT).pk] == dt.date(2026, 9, 11)
    assert deadlines[world.user(Role.MENTOR).pk] == dt.date(2026, 9, 11)
    assert deadlines[lone.user.pk] == dt.date(2026, 9, 11)
    assert {deadlines[p.pk] for p in people[2:7]} == {dt.date(2027, 9, 10)}


# --- The page and the service ---------------------------------------------------------


def test_the_form_shows_the_deadline(world, client_for, dp_dates):
    html = client_for(world.user(Role.ECT)).get(reverse("participants:onboarding")).content.decode()
    assert "Complete this by Friday 11 September 2026" in html
    assert "Nobody but you can see your answers" in html
    assert 'name="fte"' in html


def test_submitting_completes_onboarding_and_updates_the_ect_record(world, client_for):
    client = client_for(world.user(Role.ECT))
    response = client.post(
        reverse("participants:onboarding"), form_data(working_pattern="part_time", fte="0.6"), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your onboarding is complete" in response.content.decode()
    ect = ECT.objects.get(pk=world.ects["own"].pk)
    assert (ect.phase, ect.subject, ect.fte) == ("secondary", "Mathematics", Decimal("0.60"))
    saved = Onboarding.objects.get(user=world.user(Role.ECT))
    assert saved.tenant == world.tenant_a
    assert (saved.working_pattern, saved.confidence, saved.hopes) == ("part_time", "some", "Behaviour routines")
    assert MonitoringAnswers.objects.get(user=world.user(Role.ECT)).ethnicity == "asian"


def test_full_time_sets_the_fte_to_one(world):
    ect = world.ects["own"]
    ect.fte = Decimal("0.5")
    ect.save()
    onboarding.submit_onboarding(user=ect.user, membership=world.memberships[Role.ECT], **service_kwargs(fte="0.4"))
    ect.refresh_from_db()
    assert ect.fte == Decimal("1.00")


def test_part_time_without_an_fte_is_refused_beside_the_field(world, client_for):
    response = client_for(world.user(Role.ECT)).post(
        reverse("participants:onboarding"), form_data(working_pattern="part_time", fte="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter your FTE (full-time equivalent)" in field_group(html, "fte")
    assert 'href="#id_fte"' in html  # the error summary links to the field
    assert not Onboarding.objects.filter(user=world.user(Role.ECT)).exists()
    assert not MonitoringAnswers.objects.filter(user=world.user(Role.ECT)).exists()
    assert ECT.objects.get(pk=world.ects["own"].pk).subject == ""


@pytest.mark.parametrize("fte,message", [
    ("1.0", "Part time means an FTE below 1.0"),
    ("0.05", "at least 0.1"),
    ("three days", "is not a number"),
    ("0.625", "up to 2 decimal places"),
])
def test_a_part_time_fte_must_be_below_one(world, fte, message):
    with pytest.raises(OnboardingError) as refused:
        onboarding.submit_onboarding(
            user=world.user(Role.ECT), membership=world.memberships[Role.ECT],
            **service_kwargs(working_pattern="part_time", fte=fte),
        )
    assert message in " ".join(refused.value.errors["fte"])


def test_a_missing_monitoring_answer_is_refused_beside_its_question(world, client_for):
    response = client_for(world.user(Role.ECT)).post(
        reverse("participants:onboarding"), form_data(sexual_orientation=None)
    )
    html = response.content.decode()
    assert "Choose an answer about your sexual orientation, or “Prefer not to say”." in field_group(
        html, "sexual_orientation"
    )
    assert 'href="#id_sexual_orientation_0"' in html
    assert not Onboarding.objects.filter(user=world.user(Role.ECT)).exists()


def test_prefer_not_to_say_answers_every_question(world, client_for):
    pnts = MonitoringAnswers.PREFER_NOT_TO_SAY
    response = client_for(world.user(Role.ECT)).post(reverse("participants:onboarding"), form_data(
        gender_identity=pnts, transgender=pnts, sexual_orientation=pnts, ethnicity=pnts,
    ))
    assert response.status_code == 302
    answers = MonitoringAnswers.objects.get(user=world.user(Role.ECT))
    assert {answers.gender_identity, answers.transgender, answers.sexual_orientation, answers.ethnicity} == {pnts}


def test_terms_not_accepted_are_refused(world, client_for):
    response = client_for(world.user(Role.ECT)).post(reverse("participants:onboarding"), form_data(terms_accepted=None))
    assert "Tick the box to accept the terms" in field_group(response.content.decode(), "terms_accepted")
    assert not Onboarding.objects.filter(user=world.user(Role.ECT)).exists()
    with pytest.raises(OnboardingError) as refused:
        onboarding.submit_onboarding(user=world.user(Role.ECT), membership=world.memberships[Role.ECT],
                                     **service_kwargs(terms_accepted=False))
    assert list(refused.value.errors) == ["terms_accepted"]


def test_every_problem_shows_at_once(world, client_for):
    client = client_for(world.user(Role.ECT))
    response = client.post(reverse("participants:onboarding"), {"working_pattern": "part_time"})
    html = response.content.decode()
    for message in ("Choose the phase you teach.", "Enter the subject you teach", "Enter your FTE",
                    "Choose an answer about your gender, or", "Choose an answer about your ethnic group",
                    "Tick the box to accept the terms"):
        assert message in html


def test_an_ect_without_a_training_record_is_told_what_to_do_and_nothing_is_saved(world):
    stray = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT)
    with pytest.raises(OnboardingError, match="ask your induction tutor"):
        onboarding.submit_onboarding(user=stray.user, membership=stray, **service_kwargs())
    assert not Onboarding.objects.filter(user=stray.user).exists()
    assert not MonitoringAnswers.objects.filter(user=stray.user).exists()


def test_another_persons_membership_is_refused(world):
    with pytest.raises(OnboardingError):
        onboarding.submit_onboarding(user=world.user(Role.MENTOR), membership=world.memberships[Role.ECT],
                                     **service_kwargs())
    assert not Onboarding.objects.exists()


def test_a_mentor_completes_the_form_without_an_fte(world, client_for):
    client = client_for(world.user(Role.MENTOR))
    assert 'name="fte"' not in client.get(reverse("participants:onboarding")).content.decode()
    response = client.post(reverse("participants:onboarding"), form_data(working_pattern="part_time", phase="primary"))
    assert response.status_code == 302
    saved = Onboarding.objects.get(user=world.user(Role.MENTOR))
    assert (saved.phase, saved.working_pattern) == ("primary", "part_time")
    assert Mentor.objects.get(user=world.user(Role.MENTOR)).tenant == world.tenant_a


def test_a_completed_form_is_prefilled_and_can_be_changed(world, client_for):
    client = client_for(world.user(Role.ECT))
    client.post(reverse("participants:onboarding"), form_data(working_pattern="part_time", fte="0.8"))
    first = Onboarding.objects.get(user=world.user(Role.ECT))
    html = client.get(reverse("participants:onboarding")).content.decode()
    assert "You completed your onboarding on" in html
    assert 'value="Mathematics"' in html and 'value="0.8"' in html
    assert 'id="id_ethnicity_0" value="asian" checked' in html
    assert 'id="id_terms_accepted" checked' in html
    client.post(reverse("participants:onboarding"), form_data(subject="Physics", ethnicity="white"))
    changed = Onboarding.objects.get(pk=first.pk)
    assert changed.subject == "Physics" and changed.completed_at == first.completed_at
    assert ECT.objects.get(pk=world.ects["own"].pk).fte == Decimal("1.00")
    assert MonitoringAnswers.objects.get(user=world.user(Role.ECT)).ethnicity == "white"
    assert Onboarding.objects.filter(user=world.user(Role.ECT)).count() == 1


def test_an_ect_onboarding_first_sees_what_their_tutor_registered(world, client_for):
    ect = world.ects["own"]
    ect.phase, ect.subject, ect.fte = "primary", "General primary", Decimal("0.5")
    ect.save()
    html = client_for(ect.user).get(reverse("participants:onboarding")).content.decode()
    assert 'value="General primary"' in html and 'value="0.5"' in html
    assert 'value="part_time" checked' in html


# --- The home page's reminder --------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ECT, Role.MENTOR])
def test_the_home_banner_shows_until_onboarding_is_done(world, client_for, dp_dates, role):
    client = client_for(world.user(role))
    html = client.get(reverse("home")).content.decode()
    assert "Complete your onboarding by Friday 11 September 2026" in html
    assert f'href="{reverse("participants:onboarding")}"' in html
    # The body is cached; viewing again keeps the banner.
    assert "Complete your onboarding by" in client.get(reverse("home")).content.decode()
    client.post(reverse("participants:onboarding"), form_data())
    html = client.get(reverse("home")).content.decode()
    assert "Complete your onboarding" not in html
    assert "Your onboarding is complete" in html  # the message after the form


def test_other_roles_see_no_onboarding_banner(world, client_for):
    html = client_for(world.user(Role.INDUCTION_TUTOR)).get(reverse("home")).content.decode()
    assert "Complete your onboarding" not in html


def test_overlong_answers_are_refused_beside_their_fields(world, client_for):
    response = client_for(world.user(Role.ECT)).post(
        reverse("participants:onboarding"), form_data(subject="M" * 101, hopes="h" * 1001)
    )
    html = response.content.decode()
    assert "Enter the subject in 100 characters or fewer." in field_group(html, "subject")
    assert "in 1000 characters or fewer" in html
    assert not Onboarding.objects.exists()
