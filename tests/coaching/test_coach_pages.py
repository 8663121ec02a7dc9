"""Coaching for mentors: the coach's home, logging a session, and the mentor's own
record of the coaching they receive."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.factories import CoachAssignmentFactory, MentorCoachingSessionFactory
from coaching.models import MentorCoachingSession
from ectalign.factories import UserFactory
from participants.models import Mentor, MentorAtSchool
from programme.factories import CoachingFocusAreaFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def mentor(world):
    """The world's mentor (Alder Primary), as a Mentor record."""
    return Mentor.objects.get(user=world.people[Role.MENTOR], tenant=world.tenant_a)


@pytest.fixture
def focus(world):
    programme = world.ects["own"].cohort.mentor_programme
    return {
        code: CoachingFocusAreaFactory(programme=programme, code=code, title=title, order=order)
        for order, (code, title) in enumerate(
            [("selecting-steps", "Selecting steps"), ("deliberate-practice", "Deliberate practice")], start=1
        )
    }


def _other_mentor(world, name, school):
    user = UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org")
    mentor = Mentor.objects.create(tenant=world.tenant_a, user=user, cohort=world.ects["own"].cohort)
    MentorAtSchool.objects.create(tenant=world.tenant_a, mentor=mentor, school=school, started_on=dt.date(2026, 9, 1))
    return mentor


def _assign(world, mentor, coach=None, **extra):
    coach = coach or world.people[Role.COACH]
    return CoachAssignmentFactory(tenant=world.tenant_a, coach=coach, mentor=mentor, **extra)


# --- The coach's home -----------------------------------------------------------------------


def test_the_coach_sees_only_the_mentors_they_coach_now(world, client_for, mentor, focus):
    coach = world.people[Role.COACH]
    _assign(world, mentor)
    sibling = _other_mentor(world, "Sam Sibling", world.school_a2)
    _assign(world, sibling)
    ended = _other_mentor(world, "Ed Ended", world.school_a1)
    _assign(world, ended, started_on=dt.date(2026, 9, 1), ended_on=dt.date(2026, 10, 1))
    someone_elses = _other_mentor(world, "Olive Othercoach", world.school_a1)
    _assign(world, someone_elses, coach=UserFactory(full_name="Another Coach"))
    MentorCoachingSessionFactory(
        tenant=world.tenant_a, coach=coach, mentor=mentor, held_on=dt.date(2026, 10, 6),
        focus_area=focus["selecting-steps"], next_step="Choose the step from the last module read.",
    )
    MentorCoachingSessionFactory(
        tenant=world.tenant_a, coach=coach, mentor=ended, held_on=dt.date(2026, 9, 22),
        focus_area=focus["deliberate-practice"], next_step="Three rounds of practice, not one.",
    )

    response = client_for(coach).get(reverse("coaching:coach_home"))

    assert response.status_code == 200
    assert [row["mentor"].user.full_name for row in response.context["rows"]] == [
        world.people[Role.MENTOR].full_name, "Sam Sibling",
    ]
    page = response.content.decode()
    assert "Alder Primary" in page and "Aspen Academy" in page
    assert "Last session 6 October 2026 (selecting steps)." in page
    assert "No sessions logged yet." in page  # Sam Sibling
    assert page.count("Log a session<span") == 2
    assert reverse("coaching:log_session", args=[mentor.pk]) in page
    assert "Olive Othercoach" not in page
    # Their sessions, latest first, including those with a mentor they no longer coach.
    assert [s.next_step for s in response.context["sessions"]] == [
        "Choose the step from the last module read.", "Three rounds of practice, not one.",
    ]
    assert "Ed Ended" in page


def test_a_coach_with_no_mentors_is_told_whom_to_ask(world, client_for):
    page = client_for(world.people[Role.COACH]).get(reverse("coaching:coach_home")).content.decode()
    assert "Ask your delivery partner to assign you mentors" in page


def test_coach_pages_are_for_coaches(world, client_for, mentor):
    _assign(world, mentor)
    for role in (Role.MENTOR, Role.INDUCTION_TUTOR, Role.DP_ADMIN, Role.ECT, Role.FACILITATOR):
        client = client_for(world.user(role))
        assert client.get(reverse("coaching:coach_home")).status_code == 403, role
        assert client.get(reverse("coaching:log_session", args=[mentor.pk])).status_code == 403, role


# --- Logging a session ------------------------------------------------------------------------


def _log(client, mentor, **data):
    return client.post(reverse("coaching:log_session", args=[mentor.pk]), data)


def _valid(focus, **changes):
    return {
        "held_on": "2026-10-19", "minutes": "60", "focus_area": focus["deliberate-practice"].pk,
        "notes": "Rehearsed giving feedback after each round.", "next_step": "Plan three practice rounds.",
        **changes,
    }


def test_logging_a_session_saves_one_row_and_says_so(world, client_for, mentor, focus):
    _assign(world, mentor)
    client = client_for(world.people[Role.COACH])

    form = client.get(reverse("coaching:log_session", args=[mentor.pk]))
    assert form.status_code == 200
    page = form.content.decode()
    assert 'value="60"' in page and 'value="2026-10-20"' in page
    assert "Selecting steps" in page and "Deliberate practice" in page
    response = _log(client, mentor, **_valid(focus))

    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:coach_home")
    session = MentorCoachingSession.objects.get()
    assert (session.mentor, session.coach, session.held_on, session.minutes) == (
        mentor, world.people[Role.COACH], dt.date(2026, 10, 19), 60
    )
    assert session.focus_area == focus["deliberate-practice"]
    assert session.next_step == "Plan three practice rounds."
    home = client.get(response["Location"]).content.decode()
    assert f"Your session with {world.people[Role.MENTOR].full_name} on 19 October 2026 is logged." in home
    assert "Plan three practice rounds." in home


def test_a_coach_cannot_log_for_a_mentor_they_do_not_coach(world, client_for, mentor, focus):
    client = client_for(world.people[Role.COACH])
    assert client.get(reverse("coaching:log_session", args=[mentor.pk])).status_code == 404
    assert _log(client, mentor, **_valid(focus)).status_code == 404
    # Nor once the assignment has ended, nor for another tenant's mentor.
    _assign(world, mentor, started_on=dt.date(2026, 9, 1), ended_on=dt.date(2026, 10, 1))
    assert _log(client, mentor, **_valid(focus)).status_code == 404
    outsider = Mentor.objects.get(user=world.outsiders[Role.MENTOR])
    assert client.get(reverse("coaching:log_session", args=[outsider.pk])).status_code == 404
    assert not MentorCoachingSession.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": "2026-10-21"}, "The session date 21 October 2026 is in the future: log it on the day or after"),
        ({"next_step": "  "}, "Write the mentor&#x27;s next step, in a sentence."),
        ({"next_step": ""}, "Write the mentor&#x27;s next step, in a sentence."),
        ({"held_on": ""}, "Enter the date of the session."),
        ({"focus_area": ""}, "Choose the focus of the session."),
        ({"minutes": "0"}, "The length of the session must be at least 1 minute."),
        ({"minutes": "600"}, "600 minutes is longer than a session can be here (at most 240)"),
        ({"held_on": "2026-08-20"}, "You began coaching this mentor on 1 September 2026: check the session date."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(world, client_for, mentor, focus, changes, message):
    _assign(world, mentor)
    response = _log(client_for(world.people[Role.COACH]), mentor, **_valid(focus, **changes))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count(message) == 2  # in the error summary and beside the field
    assert not MentorCoachingSession.objects.exists()


# --- The mentor's own coaching ------------------------------------------------------------------


def test_the_mentor_sees_their_own_sessions_newest_first(world, client_for, mentor, focus):
    coach = world.people[Role.COACH]
    _assign(world, mentor)
    MentorCoachingSessionFactory(
        tenant=world.tenant_a, coach=coach, mentor=mentor, held_on=dt.date(2026, 9, 22),
        focus_area=focus["selecting-steps"], notes="Looked at the step library together.",
        next_step="Pick steps from modules already read.",
    )
    MentorCoachingSessionFactory(
        tenant=world.tenant_a, coach=coach, mentor=mentor, held_on=dt.date(2026, 10, 13),
        focus_area=focus["deliberate-practice"], notes="Practised the feedback loop.",
        next_step="Give feedback after every round.",
    )
    stranger = _other_mentor(world, "Sam Sibling", world.school_a2)
    MentorCoachingSessionFactory(
        tenant=world.tenant_a, coach=coach, mentor=stranger, held_on=dt.date(2026, 10, 14),
        focus_area=focus["selecting-steps"], next_step="Not for the world's mentor.",
    )

    response = client_for(world.people[Role.MENTOR]).get(reverse("coaching:my_coaching"))

    assert response.status_code == 200
    assert [s.held_on for s in response.context["sessions"]] == [dt.date(2026, 10, 13), dt.date(2026, 9, 22)]
    page = response.content.decode()
    assert page.index("13 October 2026: Deliberate practice") < page.index("22 September 2026: Selecting steps")
    assert f"Your coach: {coach.full_name}." in page
    assert "Practised the feedback loop." in page and "Give feedback after every round." in page
    assert "Not for the world&#x27;s mentor." not in page


def test_my_coaching_is_for_mentors(world, client_for):
    for role in (Role.COACH, Role.ECT, Role.INDUCTION_TUTOR, Role.DP_STAFF):
        assert client_for(world.user(role)).get(reverse("coaching:my_coaching")).status_code == 403, role
    page = client_for(world.people[Role.MENTOR]).get(reverse("coaching:my_coaching")).content.decode()
    assert "No coaching-for-mentors sessions logged yet." in page
