"""The mentor's coaching pages: My week, logging and changing observations and coaching
meetings, and the step library, through the pages.

Today is Monday 23 November 2026. The own ECT of school A1 (induction from Wednesday 2
September 2026, standard calendar, mentored by A1's mentor) is in year 1, so their
coaching cycle is weekly: this one runs from 23 to 29 November 2026. The world module
(weeks 1-2 of term 1) is reached from the start; a module of term 3 (from week 27) is not.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.factories import (
    ActionStepFactory,
    MeetingFactory,
    MentorCoachingSessionFactory,
    ObservationFactory,
)
from coaching.models import ActionStep, LocalStep, Meeting, Observation
from coaching.selectors import EDIT_WINDOW
from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship
from programme.factories import LibraryStepFactory, ModuleFactory, TermFactory
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
THIS_CYCLE = dt.date(2026, 11, 23)
ECT_NAME = "A Early career teacher"


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
def mentor(world, client_for):
    return client_for(world.people[Role.MENTOR])


@pytest.fixture
def library_step(world):
    return LibraryStepFactory(
        module=world.module, order=1, title="Narrate the positive",
        success_criteria="Names two pupils doing the right thing within a minute\nUses a calm, warm tone",
    )


@pytest.fixture
def later_module(world):
    """A self-study module of term 3 (weeks 27-39): not reached on 23 November."""
    term = TermFactory(year=world.module.term.year, programme=world.programme, number=3, start_week=27,
                       end_week=39)
    module = ModuleFactory(term=term, programme=world.programme, code="LATER", title="Adaptive teaching later",
                           start_week=27, end_week=28)
    LibraryStepFactory(module=module, order=1, title="Plan for a pupil with SEND")
    return module


def current_step(world, own, mentor_record, *, set_on=dt.date(2026, 11, 14), **extra):
    return ActionStepFactory(
        tenant=world.tenant_a, ect=own, module=world.module, set_on=set_on, set_by=mentor_record.user,
        title=extra.pop("title", "Give instructions in short numbered stages"),
        success_criteria="No more than three stages at once\nChecks understanding before 'go'", **extra,
    )


def observation_in_cycle(world, own, mentor_record, **extra):
    return ObservationFactory(
        tenant=world.tenant_a, ect=own, mentor=mentor_record, cycle_starts_on=THIS_CYCLE, observed_on=TODAY,
        **extra,
    )


def meeting_in_cycle(world, own, mentor_record, **extra):
    return MeetingFactory(
        tenant=world.tenant_a, ect=own, mentor=mentor_record, cycle_starts_on=THIS_CYCLE, met_on=TODAY, **extra
    )


def other_school_mentor(world):
    """A mentor of the sibling school A2 (mentoring the ECT there)."""
    membership = MembershipFactory(tenant=world.tenant_a, school=world.school_a2, role=Role.MENTOR,
                                   user__email="a2-mentor@example.org", user__full_name="Sibling Mentor")
    mentor = Mentor.objects.create(tenant=world.tenant_a, user=membership.user, cohort=world.ects["sibling"].cohort)
    MentorAtSchool.objects.create(tenant=world.tenant_a, mentor=mentor, school=world.school_a2,
                                  started_on=dt.date(2026, 9, 2))
    Mentorship.objects.create(tenant=world.tenant_a, ect=world.ects["sibling"], mentor=mentor,
                              started_on=dt.date(2026, 9, 2))
    return membership.user


def past_the_window():
    return timezone.now() - EDIT_WINDOW - dt.timedelta(hours=1)


def observation_data(**extra):
    return {"observed_on": "2026-11-23", "minutes": "15", "mode": "in_person", "progress": "progressing",
            "seen": "Instructions came in two stages; most pupils started straight away.", "notes": "", **extra}


def meeting_data(**extra):
    return {
        "met_on": "2026-11-23", "minutes": "45", "kind": "instructional", "instructional_minutes": "30",
        "praise": "Your stages were short and clear.", "step_source": "library", "library_step": "",
        "module": "", "title": "", "criteria": "", "step_kind": "performance", "modelled": "yes",
        "practice_rounds": "3", "pastoral_notes": "", "ect_reflections": "", **extra,
    }


def page(response):
    return response.content.decode()


# --- My week ---------------------------------------------------------------------------


def test_my_week_shows_the_mentee_with_this_cycle_and_the_current_step(world, own, mentor, mentor_record):
    current_step(world, own, mentor_record)
    observation = observation_in_cycle(world, own, mentor_record)

    response = mentor.get(reverse("coaching:my_week"))

    assert response.status_code == 200
    html = page(response)
    assert ECT_NAME in html
    assert "Year 1 · weekly cycle" in html
    assert "This cycle: 23 November to 29 November 2026" in html
    assert "✓ Done</span> on 23 November" in html  # the observation
    assert "Not yet" in html  # the meeting
    assert "Give instructions in short numbered stages" in html
    assert "set 9 days ago" in html
    assert reverse("coaching:edit_observation", args=[observation.pk]) in html
    assert "Change observation" in html
    assert reverse("coaching:log_meeting", args=[own.pk]) in html
    assert reverse("coaching:log_observation", args=[own.pk]) not in html
    assert "never used to assess" in html
    # Only the mentor's own mentees.
    assert world.ects["sibling"].user.get_full_name() not in html


def test_my_week_offers_no_change_once_the_edit_window_has_passed(world, own, mentor, mentor_record):
    observation = observation_in_cycle(world, own, mentor_record)
    Observation.objects.filter(pk=observation.pk).update(created_at=past_the_window())

    html = page(mentor.get(reverse("coaching:my_week")))

    assert "✓ Done</span> on 23 November" in html
    assert reverse("coaching:edit_observation", args=[observation.pk]) not in html
    assert reverse("coaching:log_observation", args=[own.pk]) not in html


def test_my_week_shows_flags_and_the_mentors_own_coaching(world, own, mentor, mentor_record):
    first = current_step(world, own, mentor_record, set_on=dt.date(2026, 11, 2))
    second = current_step(world, own, mentor_record, set_on=dt.date(2026, 11, 9), repeats=first, run=2,
                          source=ActionStep.Source.REPEAT)
    current_step(world, own, mentor_record, set_on=dt.date(2026, 11, 16), repeats=second, run=3,
                 source=ActionStep.Source.REPEAT)
    MentorCoachingSessionFactory(tenant=world.tenant_a, mentor=mentor_record, held_on=dt.date(2026, 11, 10),
                                 focus_area__title="Selecting steps", next_step="Choose steps from the last module.")

    html = page(mentor.get(reverse("coaching:my_week")))

    assert "Step set 3 times in a row" in html
    assert "Coaching for mentors" in html
    assert "Selecting steps" in html and "Choose steps from the last module." in html
    assert reverse("coaching:my_coaching") in html


def test_a_mentor_with_no_ects_sees_a_kind_empty_state(world, client_for):
    user = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.MENTOR).user

    response = client_for(user).get(reverse("coaching:my_week"))

    assert response.status_code == 200
    assert "You are not mentoring an ECT at the moment" in page(response)


def _add_mentee(world, mentor_record, number):
    user = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT,
                             user__email=f"mentee-{number}@example.org").user
    start = dt.date(2026, 9, 2)
    ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=start,
                             cohort=world.ects["own"].cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=world.school_a1, started_on=start)
    Mentorship.objects.create(tenant=world.tenant_a, ect=ect, mentor=mentor_record, started_on=start)
    return ect


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_my_week_uses_the_same_number_of_queries_for_one_ect_or_four(world, own, mentor, mentor_record):
    url = reverse("coaching:my_week")
    current_step(world, own, mentor_record)
    observation_in_cycle(world, own, mentor_record)
    mentor.get(url)  # warm the shared caches (programme, calendars, schedules)
    one, _ = _queries(mentor, url)

    for number in range(3):
        ect = _add_mentee(world, mentor_record, number)
        current_step(world, ect, mentor_record)
        observation_in_cycle(world, ect, mentor_record)
    four, response = _queries(mentor, url)

    assert len(response.context["cards"]) == 4
    assert four == one


# --- Logging an observation -----------------------------------------------------------------


def test_the_observation_form_has_defaults_and_shows_the_step(world, own, mentor, mentor_record):
    current_step(world, own, mentor_record)

    response = mentor.get(reverse("coaching:log_observation", args=[own.pk]))

    html = page(response)
    assert response.status_code == 200
    assert 'value="2026-11-23"' in html
    assert 'name="minutes" value="15"' in html
    assert "Give instructions in short numbered stages" in html
    assert "No more than three stages at once" in html and "Checks understanding before &#x27;go&#x27;" in html
    assert "Progress toward the step" in html
    assert '<label class="govuk-label" for="id_seen">What did you see?</label>' in html


def test_logging_an_observation_saves_one_and_returns_to_my_week(
    world, own, mentor, mentor_record, mailoutbox, django_capture_on_commit_callbacks
):
    step = current_step(world, own, mentor_record)

    with django_capture_on_commit_callbacks(execute=True):
        response = mentor.post(reverse("coaching:log_observation", args=[own.pk]), observation_data(), follow=True)

    observation = Observation.objects.get()
    assert (observation.ect, observation.observed_on, observation.minutes) == (own, TODAY, 15)
    assert observation.step == step and observation.progress == "progressing"
    assert observation.cycle_starts_on == THIS_CYCLE
    assert response.redirect_chain[-1][0] == reverse("coaching:my_week")
    assert f"Observation of {ECT_NAME} logged." in page(response)
    assert mailoutbox == []  # only a new step is e-mailed


def test_a_second_observation_in_the_cycle_offers_to_change_the_first(world, own, mentor, mentor_record):
    first = observation_in_cycle(world, own, mentor_record)

    response = mentor.post(reverse("coaching:log_observation", args=[own.pk]), observation_data())

    assert response.status_code == 200
    assert "An observation is already logged for this cycle" in response.context["form"].errors["observed_on"][0]
    html = page(response)
    assert "Change the observation already logged" in html
    assert reverse("coaching:edit_observation", args=[first.pk]) in html
    assert Observation.objects.count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("observed_on", "2026-11-24", "is in the future"),
    ("observed_on", "2026-08-03", "before that"),
    ("minutes", "500", "longer than a observation can be"),
    ("minutes", "-5", "at least 1 minute"),
    ("seen", "", "Say briefly what you saw"),
])
def test_bad_observations_are_refused_beside_the_field(world, own, mentor, field, value, message):
    response = mentor.post(reverse("coaching:log_observation", args=[own.pk]), observation_data(**{field: value}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in page(response)
    assert Observation.objects.count() == 0


# --- Logging a coaching meeting -------------------------------------------------------------


def test_the_meeting_form_offers_the_reached_library_by_module(world, own, mentor, mentor_record, library_step,
                                                                later_module):
    current_step(world, own, mentor_record)

    html = page(mentor.get(reverse("coaching:log_meeting", args=[own.pk])))

    assert f'<optgroup label="{world.module.code} {world.module.title}">' in html
    assert f'<option value="L{library_step.pk}">Narrate the positive</option>' in html
    assert "Plan for a pupil with SEND" not in html  # an unreached module's step
    assert f'<option value="{later_module.pk}">' not in html
    assert "Step for the next cycle</legend>" in html
    assert "Repeat the current step: “Give instructions in short numbered stages”" in html
    assert "Choose from the step library" in html and "Write a step" in html
    assert 'name="minutes" value="45"' in html
    assert "At least 45 minutes is expected" in html
    assert 'name="practice_rounds" value="3"' in html
    assert "Did you model the step?" in html


def test_logging_a_meeting_with_a_library_step_sets_it_and_emails_the_ect_once(
    world, own, mentor, mentor_record, library_step, mailoutbox, django_capture_on_commit_callbacks
):
    previous = current_step(world, own, mentor_record)

    with django_capture_on_commit_callbacks(execute=True):
        response = mentor.post(reverse("coaching:log_meeting", args=[own.pk]),
                               meeting_data(library_step=f"L{library_step.pk}"), follow=True)

    meeting = Meeting.objects.get()
    assert (meeting.met_on, meeting.minutes, meeting.practice_rounds, meeting.modelled) == (TODAY, 45, 3, True)
    assert meeting.previous_step == previous and meeting.praise == "Your stages were short and clear."
    assert meeting.step.title == "Narrate the positive" and meeting.step.source == ActionStep.Source.LIBRARY
    assert meeting.step.library_step == library_step
    assert ActionStep.objects.filter(ect=own).count() == 2
    assert f"Coaching meeting logged. {ECT_NAME} has been e-mailed their step." in page(response)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [own.user.email] and "Narrate the positive" in mailoutbox[0].subject


def test_repeating_the_step_and_writing_one(world, own, mentor, mentor_record, django_capture_on_commit_callbacks):
    previous = current_step(world, own, mentor_record)

    mentor.post(reverse("coaching:log_meeting", args=[own.pk]), meeting_data(step_source="repeat"))
    repeated = Meeting.objects.get().step
    assert repeated.is_repeat and repeated.repeats == previous and repeated.title == previous.title

    Meeting.objects.all().delete()
    repeated.delete()
    mentor.post(reverse("coaching:log_meeting", args=[own.pk]), meeting_data(
        step_source="own", module=str(world.module.pk), title="Scan the room after each instruction",
        criteria="Pauses after the instruction\nLooks at every table", step_kind="performance",
    ))
    written = Meeting.objects.get().step
    assert written.source == ActionStep.Source.OWN and written.criteria == [
        "Pauses after the instruction", "Looks at every table"]


def test_a_pastoral_meeting_keeps_the_current_step_without_an_email(
    world, own, mentor, mentor_record, mailoutbox, django_capture_on_commit_callbacks
):
    current_step(world, own, mentor_record)

    with django_capture_on_commit_callbacks(execute=True):
        response = mentor.post(reverse("coaching:log_meeting", args=[own.pk]), meeting_data(
            kind="pastoral", step_source="keep", pastoral_notes="Talked through workload."), follow=True)

    meeting = Meeting.objects.get()
    assert meeting.kind == Meeting.Kind.PASTORAL and meeting.step is None
    assert "Coaching meeting logged." in page(response)
    assert mailoutbox == []


def test_a_second_meeting_in_the_cycle_offers_to_change_the_first(world, own, mentor, mentor_record, library_step):
    first = meeting_in_cycle(world, own, mentor_record)

    response = mentor.post(reverse("coaching:log_meeting", args=[own.pk]),
                           meeting_data(library_step=f"L{library_step.pk}"))

    assert "A coaching meeting is already logged for this cycle" in response.context["form"].errors["met_on"][0]
    assert "Change the coaching meeting already logged" in page(response)
    assert reverse("coaching:edit_meeting", args=[first.pk]) in page(response)
    assert Meeting.objects.count() == 1 and ActionStep.objects.count() == 0


@pytest.mark.parametrize("field, value, message", [
    ("met_on", "2026-11-30", "is in the future"),
    ("minutes", "999", "at most 240"),
    ("minutes", "0", "at least 1 minute"),
])
def test_bad_meetings_are_refused_beside_the_field(world, own, mentor, library_step, mailoutbox,
                                                   django_capture_on_commit_callbacks, field, value, message):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor.post(reverse("coaching:log_meeting", args=[own.pk]),
                               meeting_data(library_step=f"L{library_step.pk}", **{field: value}))

    assert message in " ".join(response.context["form"].errors[field])
    assert Meeting.objects.count() == 0 and ActionStep.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("how", ["library", "own"])
def test_a_step_from_an_unreached_module_is_refused_with_the_reached_modules(
    world, own, mentor, later_module, mailoutbox, django_capture_on_commit_callbacks, how
):
    data = {"library": {"step_source": "library", "library_step": f"L{later_module.library_steps.get().pk}"},
            "own": {"step_source": "own", "module": str(later_module.pk), "title": "Plan for a pupil with SEND",
                    "criteria": "Names the adaptation"}}[how]

    with django_capture_on_commit_callbacks(execute=True):
        response = mentor.post(reverse("coaching:log_meeting", args=[own.pk]), meeting_data(**data))

    error = " ".join(response.context["form"].errors["step_source"])
    assert "LATER Adaptive teaching later has not been reached" in error
    assert f"{world.module.code} {world.module.title}" in error  # the modules allowed
    assert Meeting.objects.count() == 0 and ActionStep.objects.count() == 0
    assert mailoutbox == []


def test_a_library_step_chosen_without_ticking_its_radio_is_still_set(world, own, mentor, library_step):
    # Every section is on the page without JavaScript: the chosen step says what was meant.
    mentor.post(reverse("coaching:log_meeting", args=[own.pk]),
                meeting_data(step_source="", library_step=f"L{library_step.pk}"))

    assert Meeting.objects.get().step.title == "Narrate the positive"


def test_an_instructional_meeting_needs_a_step(world, own, mentor):
    response = mentor.post(reverse("coaching:log_meeting", args=[own.pk]), meeting_data(step_source=""))

    assert "Set the step for the next cycle" in " ".join(response.context["form"].errors["step_source"])
    assert Meeting.objects.count() == 0


# --- Who may log -------------------------------------------------------------------------------


def test_mentors_of_other_schools_and_tenants_get_404(world, own, client_for, library_step):
    urls = [reverse("coaching:log_observation", args=[own.pk]), reverse("coaching:log_meeting", args=[own.pk])]
    for user in (other_school_mentor(world), world.outsiders[Role.MENTOR]):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[0], observation_data()).status_code == 404
        assert client.post(urls[1], meeting_data(library_step=f"L{library_step.pk}")).status_code == 404
    assert Observation.objects.count() == 0 and Meeting.objects.count() == 0


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.MENTOR])
def test_other_roles_get_403_on_the_mentor_pages(world, own, client_for, mentor_record, role):
    observation = observation_in_cycle(world, own, mentor_record)
    meeting = meeting_in_cycle(world, own, mentor_record)
    client = client_for(world.people[role])
    for url in (
        reverse("coaching:my_week"), reverse("coaching:log_observation", args=[own.pk]),
        reverse("coaching:log_meeting", args=[own.pk]), reverse("coaching:edit_observation", args=[observation.pk]),
        reverse("coaching:edit_meeting", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 403, url


# --- Changing an observation or a meeting --------------------------------------------------


def test_the_author_changes_an_observation_within_the_window(world, own, mentor, mentor_record):
    observation = observation_in_cycle(world, own, mentor_record, seen="First version")
    url = reverse("coaching:edit_observation", args=[observation.pk])

    assert "First version" in page(mentor.get(url))
    response = mentor.post(url, observation_data(seen="Second version", minutes="20", progress=""))

    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.seen, observation.minutes) == ("Second version", 20)


def test_an_observation_is_kept_as_it_is_after_the_edit_window(world, own, mentor, mentor_record):
    observation = observation_in_cycle(world, own, mentor_record, seen="As logged")
    Observation.objects.filter(pk=observation.pk).update(created_at=past_the_window())
    url = reverse("coaching:edit_observation", args=[observation.pk])

    html = page(mentor.get(url))
    assert f"can be changed for {EDIT_WINDOW.days} days and is now kept as it is" in html
    assert 'name="seen"' not in html  # read-only
    response = mentor.post(url, observation_data(seen="Rewritten"))

    assert response.status_code == 200
    observation.refresh_from_db()
    assert observation.seen == "As logged"


def test_only_the_author_may_change_a_log(world, own, client_for, mentor_record):
    observation = observation_in_cycle(world, own, mentor_record)
    meeting = meeting_in_cycle(world, own, mentor_record)
    client = client_for(other_school_mentor(world))

    assert client.get(reverse("coaching:edit_observation", args=[observation.pk])).status_code == 404
    assert client.get(reverse("coaching:edit_meeting", args=[meeting.pk])).status_code == 404
    assert client_for(world.outsiders[Role.MENTOR]).get(
        reverse("coaching:edit_meeting", args=[meeting.pk])).status_code == 404


def test_the_author_changes_a_meeting_and_its_step_while_it_is_the_latest(
    world, own, mentor, mentor_record, library_step
):
    previous = current_step(world, own, mentor_record)
    step = current_step(world, own, mentor_record, set_on=TODAY, title="Set in this meeting")
    meeting = meeting_in_cycle(world, own, mentor_record, previous_step=previous, step=step, praise="Old praise")
    url = reverse("coaching:edit_meeting", args=[meeting.pk])

    html = page(mentor.get(url))
    assert "Old praise" in html and "Keep the step set in this meeting: “Set in this meeting”" in html

    response = mentor.post(url, meeting_data(praise="New praise", step_source="keep"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.praise == "New praise" and meeting.step.title == "Set in this meeting"

    mentor.post(url, meeting_data(praise="New praise", library_step=f"L{library_step.pk}"))
    meeting.refresh_from_db()
    assert meeting.step_id == step.pk and meeting.step.title == "Narrate the positive"


def test_a_meeting_is_kept_as_it_is_after_the_edit_window(world, own, mentor, mentor_record):
    meeting = meeting_in_cycle(world, own, mentor_record, praise="As logged")
    Meeting.objects.filter(pk=meeting.pk).update(created_at=past_the_window())
    url = reverse("coaching:edit_meeting", args=[meeting.pk])

    assert "is now kept as it is" in page(mentor.get(url))
    mentor.post(url, meeting_data(praise="Rewritten", step_source="keep"))

    meeting.refresh_from_db()
    assert meeting.praise == "As logged"


# --- The step library ------------------------------------------------------------------------


def test_the_library_lists_steps_by_strand_and_module_with_filters(world, client_for, library_step, later_module):
    client = client_for(world.people[Role.MENTOR])
    url = reverse("coaching:library")

    html = page(client.get(url))
    assert world.module.strand.name in html
    assert f"{world.module.code} {world.module.title}" in html
    assert "Narrate the positive" in html and "Uses a calm, warm tone" in html
    assert "Plan for a pupil with SEND" in html  # the library is not limited to reached modules
    assert "Performance-based" in html
    assert "Edit for your schools" not in html

    filtered = page(client.get(url, {"module": later_module.pk}))
    assert "Plan for a pupil with SEND" in filtered and "Narrate the positive" not in filtered


def test_the_library_shows_the_delivery_partners_own_steps_in_place_of_the_originals(world, client_for,
                                                                                     library_step):
    LocalStep.objects.create(tenant=world.tenant_a, module=world.module, replaces=library_step,
                             title="Narrate the positive, our way", success_criteria="Names three pupils")

    html = page(client_for(world.people[Role.INDUCTION_TUTOR]).get(reverse("coaching:library")))
    assert "Narrate the positive, our way" in html and "Names three pupils" in html
    assert "Uses a calm, warm tone" not in html
    # The other delivery partner sees the original.
    other = page(client_for(world.outsiders[Role.DP_STAFF]).get(reverse("coaching:library")))
    assert "Uses a calm, warm tone" in other and "our way" not in other


def test_delivery_partner_staff_get_links_to_edit_steps_for_their_schools(world, client_for, library_step):
    html = page(client_for(world.people[Role.DP_STAFF]).get(reverse("coaching:library")))

    add = reverse("admin:coaching_localstep_add")
    assert f'href="{add}"' in html and "Add a step" in html
    assert f"{add}?replaces={library_step.pk}&amp;module={world.module.pk}&amp;title=Narrate+the+positive" in html
    assert "Edit for your schools" in html


@pytest.mark.parametrize("role, status", [
    (Role.MENTOR, 200), (Role.INDUCTION_TUTOR, 200), (Role.HEADTEACHER, 200), (Role.DP_ADMIN, 200),
    (Role.DP_STAFF, 200), (Role.ECT, 403), (Role.COACH, 403), (Role.FACILITATOR, 403),
])
def test_who_may_read_the_library(world, client_for, role, status):
    assert client_for(world.people[role]).get(reverse("coaching:library")).status_code == status
