"""The induction tutor's coaching overview and one ECT's coaching record, through the pages."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.services import StepChoice
from ectalign.caching import forget_everything
from ectalign.factories import UserFactory
from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship
from programme.factories import ModuleFactory, StrandFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 20)  # a Tuesday in the eighth weekly cycle of the world's ECTs
START = dt.date(2026, 9, 2)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _mentor(world, name, school=None):
    user = UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org")
    mentor = Mentor.objects.create(tenant=world.tenant_a, user=user, cohort=world.ects["own"].cohort)
    MentorAtSchool.objects.create(
        tenant=world.tenant_a, mentor=mentor, school=school or world.school_a1, started_on=START
    )
    return mentor


def _ect(world, name, *, mentor=None, start=START, school=None):
    user = UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org")
    ect = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=start, cohort=world.ects["own"].cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=school or world.school_a1, started_on=start)
    if mentor:
        Mentorship.objects.create(tenant=world.tenant_a, ect=ect, mentor=mentor, started_on=start)
    return ect


def _meet(world, ect, day, *, actor=None, minutes=50, step=None, title="Narrate the positive", module=None, **extra):
    choice = step or StepChoice(
        source="own", module=module or world.module, title=title,
        criteria="Names what pupils are doing right\nDoes so within ten seconds of the instruction",
    )
    return services.log_meeting(
        actor=actor or world.people[Role.MENTOR], ect=ect, met_on=day, minutes=minutes, step=choice, today=TODAY,
        **extra,
    )


def _observe(world, ect, day, *, actor=None, seen="Pupils settled within a minute.", progress="progressing", **extra):
    return services.log_observation(
        actor=actor or world.people[Role.MENTOR], ect=ect, observed_on=day, minutes=15, mode="in_person", seen=seen,
        progress=progress, today=TODAY, **extra,
    )


def _weekly_meetings(world, ect, days, actor=None):
    for number, day in enumerate(days, start=1):
        _meet(world, ect, day, actor=actor, title=f"Step number {number}")


def _overview(client, world, **query):
    return client.get(reverse("coaching:school_overview", args=[world.school_a1.pk]), query)


def _rows(response):
    return {state.ect.user.full_name: state for state in response.context["rows"]}


# --- The overview ---------------------------------------------------------------------------


def test_overview_shows_each_ect_their_cycle_and_the_flags_in_words(world, client_for):
    ect = world.ects["own"]
    _meet(world, ect, dt.date(2026, 9, 10))
    _meet(world, ect, dt.date(2026, 9, 17), step=StepChoice(source="repeat"))
    _meet(world, ect, dt.date(2026, 9, 24), step=StepChoice(source="repeat"), minutes=30)
    _observe(world, ect, dt.date(2026, 10, 19))

    response = _overview(client_for(world.user(Role.INDUCTION_TUTOR)), world)

    assert response.status_code == 200
    page = response.content.decode()
    name = world.people[Role.ECT].full_name
    assert f'href="{reverse("coaching:ect_record", args=[ect.pk])}">{name}</a>' in page
    assert world.people[Role.MENTOR].full_name in page
    assert "Year 1, weekly" in page
    # This cycle (from 19 October): observed, no meeting yet.
    assert '<strong class="app-done"><span aria-hidden="true">✓ </span>Observation done</strong>' in page
    assert '<span class="app-todo"><span aria-hidden="true">– </span>Meeting not yet</span>' in page
    # Cycles 1 to 7 are over: meetings in 2, 3 and 4.
    assert "3 of 7" in page
    assert "24 Sep 2026" in page
    assert "Narrate the positive" in page and "set 26 days ago" in page
    # Each flag's words are on the page, in a coloured tag.
    tag = 'class="govuk-tag govuk-tag--{} govuk-!-margin-bottom-1">{}</strong>'
    assert tag.format("orange", "Step set 3 times in a row: “Narrate the positive”") in page
    assert tag.format("red", "No coaching meeting logged for 3 cycles in a row") in page
    assert "Last coaching meeting lasted 30 minutes (45 expected)" in page
    # The summary above the table.
    assert '<dd class="govuk-summary-list__value" id="on-track">0 of 1 (no flags)</dd>' in page
    assert 'id="flag-count-repeat">1 ECT</dd>' in page
    assert 'id="flag-count-unreached">0 ECTs</dd>' in page
    # Nothing of the sibling school.
    assert world.ects["sibling"].user.full_name not in page


def test_a_single_missed_cycle_is_amber_and_says_which_cycle(world, client_for):
    ect = world.ects["own"]
    # Meetings in cycles 1 to 6 (weeks from 31 August); none in the week of 12 October.
    _weekly_meetings(world, ect, [dt.date(2026, 9, 3) + dt.timedelta(weeks=n) for n in range(6)])

    response = _overview(client_for(world.user(Role.INDUCTION_TUTOR)), world)

    state = _rows(response)[world.people[Role.ECT].full_name]
    assert (state.logged, state.expected, state.missed) == (6, 7, 1)
    page = response.content.decode()
    assert "6 of 7" in page
    assert (
        'govuk-tag--orange govuk-!-margin-bottom-1">No coaching meeting logged for the cycle starting 12 October 2026'
        in page
    )
    # The per-mentor summary counts the missed cycle.
    mentors = {s.mentor.user.full_name if s.mentor else None: s for s in response.context["mentors"]}
    assert mentors[world.people[Role.MENTOR].full_name].missed == 1


def test_an_ect_with_every_cycle_logged_is_on_track(world, client_for):
    ect = world.ects["own"]
    _weekly_meetings(world, ect, [dt.date(2026, 9, 3) + dt.timedelta(weeks=n) for n in range(7)])

    page = _overview(client_for(world.user(Role.HEADTEACHER)), world).content.decode()

    assert "7 of 7" in page
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in page
    assert 'id="on-track">1 of 1 (no flags)' in page


def test_the_per_mentor_summary_lists_each_mentors_ects(world, client_for):
    other = _mentor(world, "Mo Second")
    _ect(world, "Bea Second", mentor=other)
    _ect(world, "Cal Nobody")

    response = _overview(client_for(world.user(Role.INDUCTION_TUTOR)), world)

    summaries = [
        (s.mentor.user.full_name if s.mentor else None, [st.ect.user.full_name for st in s.states])
        for s in response.context["mentors"]
    ]
    assert summaries == [
        (world.people[Role.MENTOR].full_name, [world.people[Role.ECT].full_name]),
        ("Mo Second", ["Bea Second"]),
        (None, ["Cal Nobody"]),
    ]
    page = response.content.decode()
    assert "No mentor now" in page


def test_filters_narrow_the_table_by_mentor_flag_and_year(world, client_for):
    ModuleFactory(term__year__programme=world.programme, term__year__number=2, term__number=4, title="Year two")
    other = _mentor(world, "Mo Second")
    bea = _ect(world, "Bea Second", mentor=other)
    _ect(world, "Yara Second-Year", mentor=other, start=dt.date(2025, 9, 3))
    own = world.ects["own"]
    _weekly_meetings(world, own, [dt.date(2026, 9, 3) + dt.timedelta(weeks=n) for n in range(4)])
    _meet(world, own, dt.date(2026, 10, 1), step=StepChoice(source="repeat"))
    _meet(world, own, dt.date(2026, 10, 8), step=StepChoice(source="repeat"))
    _weekly_meetings(world, bea, [dt.date(2026, 9, 3) + dt.timedelta(weeks=n) for n in range(7)], actor=other.user)
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    ect_name = world.people[Role.ECT].full_name

    assert set(_rows(_overview(client, world))) == {ect_name, "Bea Second", "Yara Second-Year"}
    assert set(_rows(_overview(client, world, mentor=other.pk))) == {"Bea Second", "Yara Second-Year"}
    assert set(_rows(_overview(client, world, flag="repeat"))) == {ect_name}
    # Yara's mentor has logged nothing since September 2025.
    assert set(_rows(_overview(client, world, flag="missed"))) == {ect_name, "Yara Second-Year"}
    assert set(_rows(_overview(client, world, flag="missed", year=1))) == {ect_name}
    assert set(_rows(_overview(client, world, year=2))) == {"Yara Second-Year"}
    assert set(_rows(_overview(client, world, year=1, mentor=other.pk))) == {"Bea Second"}
    yara = _rows(_overview(client, world, year=2))["Yara Second-Year"]
    assert yara.cadence == "fortnightly"
    page = _overview(client, world, year=2).content.decode()
    assert "Year 2, fortnightly" in page
    assert "1 ECT matching the filters" in page
    empty = _overview(client, world, flag="unreached").content.decode()
    assert "No ECTs match these filters." in empty


def test_the_overview_is_for_school_leaders_and_delivery_partner_staff(world, client_for):
    url = reverse("coaching:school_overview", args=[world.school_a1.pk])
    for role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.DP_STAFF, Role.DP_ADMIN):
        assert client_for(world.user(role)).get(url).status_code == 200, role
    for role in (Role.MENTOR, Role.ECT, Role.COACH, Role.FACILITATOR):
        assert client_for(world.user(role)).get(url).status_code == 403, role
    # A leader of A1 cannot open A2; delivery partner staff can; nobody reaches tenant B's school.
    sibling = reverse("coaching:school_overview", args=[world.school_a2.pk])
    other = reverse("coaching:school_overview", args=[world.school_b1.pk])
    assert client_for(world.user(Role.INDUCTION_TUTOR)).get(sibling).status_code == 404
    dp = client_for(world.user(Role.DP_STAFF))
    sibling_page = dp.get(sibling)
    assert sibling_page.status_code == 200
    assert world.ects["sibling"].user.full_name in sibling_page.content.decode()
    assert dp.get(other).status_code == 404
    assert client_for(world.user(Role.INDUCTION_TUTOR)).get(other).status_code == 404


def _add_busy_ects(world, count, start_index):
    """ECTs each with their own mentor, a step, an observation and a meeting."""
    for n in range(start_index, start_index + count):
        mentor = _mentor(world, f"Mentor{n} Busy")
        ect = _ect(world, f"Ect{n} Busy", mentor=mentor)
        _meet(world, ect, dt.date(2026, 9, 10), actor=mentor.user, title=f"Step for {n}")
        _meet(world, ect, dt.date(2026, 9, 17), actor=mentor.user, step=StepChoice(source="repeat"), minutes=30)
        _observe(world, ect, dt.date(2026, 9, 23), actor=mentor.user)


def _count_queries(client, world):
    cache.clear()
    forget_everything()
    with CaptureQueriesContext(connection) as queries:
        response = _overview(client, world, mentor="", flag="short_meeting")
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_the_overview_reads_a_constant_number_of_queries_as_the_school_grows(world, client_for):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    _add_busy_ects(world, 1, 0)
    _overview(client, world)  # sessions and the like, once
    small, small_rows = _count_queries(client, world)
    _add_busy_ects(world, 4, 1)
    large, large_rows = _count_queries(client, world)
    assert (small_rows, large_rows) == (1, 5)  # the world's own ECT has no short meeting
    assert ECT.objects.filter(school_periods__school=world.school_a1).count() == 6
    assert large == small


# --- The coaching record ------------------------------------------------------------------------


def _record(client, ect, **query):
    return client.get(reverse("coaching:ect_record", args=[ect.pk]), query)


@pytest.fixture
def two_strands(world):
    """A second module in the world programme's first term, in another strand."""
    strand = StrandFactory(programme=world.programme, code="AS", name="Adaptive teaching")
    module = ModuleFactory(term=world.module.term, programme=world.programme, strand=strand, title="Adapting")
    return world.module.strand, strand, module


def test_the_record_shows_observations_meetings_and_steps_newest_first(world, client_for):
    ect = world.ects["own"]
    _meet(world, ect, dt.date(2026, 9, 10), praise="Clear routine for the start of the lesson.", modelled=True,
          practice_rounds=3, ect_reflections="Practising it aloud helped.")
    _observe(world, ect, dt.date(2026, 9, 15), seen="Narrated the positive twice; the back row settled.",
             notes="Try it in period 5 too.", progress="secure")
    _meet(world, ect, dt.date(2026, 9, 17), minutes=35, step=StepChoice(source="repeat"), praise="Calmer room.")

    response = _record(client_for(world.user(Role.INDUCTION_TUTOR)), ect)

    assert response.status_code == 200
    page = response.content.decode()
    kinds = [(e.kind, e.on) for e in response.context["timeline"]]
    assert kinds == [
        ("meeting", dt.date(2026, 9, 17)), ("observation", dt.date(2026, 9, 15)), ("meeting", dt.date(2026, 9, 10)),
    ]
    assert "Clear routine for the start of the lesson." in page
    assert "Practising it aloud helped." in page
    assert "Narrated the positive twice; the back row settled." in page
    assert "Try it in period 5 too." in page
    assert "Secure" in page
    assert "35 minutes <strong class=\"govuk-tag govuk-tag--orange\">Shorter than 45 minutes</strong>" in page
    assert "50 minutes <strong" not in page
    assert "Repeated, set 2 times in a row" in page
    assert "Written by the mentor" in page
    assert "Names what pupils are doing right" in page
    assert "not an assessment" in page
    # The cycle overview: cycle 3 (14 September) done, cycle 1 missed, the current cycle.
    labels = {c.cycle.starts_on: c.label for c in response.context["cycles"]}
    assert labels[dt.date(2026, 9, 14)] == "Done"
    assert labels[dt.date(2026, 8, 31)] == "Missed"
    assert labels[dt.date(2026, 10, 19)] == "This cycle"
    assert "A coaching meeting was logged in 2 of the 7 cycles over in this period (5 missed)." in page
    assert f'href="{reverse("coaching:summary_pdf", args=[ect.pk])}" download>Download coaching summary (PDF)' in page


def test_the_strand_filter_keeps_the_logs_about_that_strand(world, client_for, two_strands):
    first, second, adapting = two_strands
    ect = world.ects["own"]
    _meet(world, ect, dt.date(2026, 9, 10), title="Narrate the positive")
    _meet(world, ect, dt.date(2026, 9, 17), title="Chunk the task", module=adapting)
    _observe(world, ect, dt.date(2026, 9, 22), seen="Chunked the task into three parts.")
    _meet(world, ect, dt.date(2026, 9, 24), title="Cold call after think time")
    client = client_for(world.user(Role.INDUCTION_TUTOR))

    by_second = [(e.kind, e.on) for e in _record(client, ect, strand=second.pk).context["timeline"]]
    # The meeting of 24 September reviewed the adaptive step, so it belongs to both strands.
    assert by_second == [
        ("meeting", dt.date(2026, 9, 24)), ("observation", dt.date(2026, 9, 22)), ("meeting", dt.date(2026, 9, 17)),
    ]
    by_first = [(e.kind, e.on) for e in _record(client, ect, strand=first.pk).context["timeline"]]
    assert by_first == [
        ("meeting", dt.date(2026, 9, 24)), ("meeting", dt.date(2026, 9, 17)), ("meeting", dt.date(2026, 9, 10)),
    ]
    page = _record(client, ect, strand=second.pk).content.decode()
    assert "Chunked the task into three parts." in page
    assert "Show the whole record" in page


def test_the_period_filter_narrows_the_timeline_the_cycles_and_the_pdf_link(world, client_for):
    ect = world.ects["own"]
    _meet(world, ect, dt.date(2026, 9, 10), title="First step")
    _meet(world, ect, dt.date(2026, 9, 17), title="Second step")
    _observe(world, ect, dt.date(2026, 9, 22))
    _meet(world, ect, dt.date(2026, 10, 1), title="Third step")

    response = _record(client_for(world.user(Role.INDUCTION_TUTOR)), ect, **{"from": "2026-09-14", "to": "2026-09-27"})

    assert [(e.kind, e.on) for e in response.context["timeline"]] == [
        ("observation", dt.date(2026, 9, 22)), ("meeting", dt.date(2026, 9, 17)),
    ]
    assert [c.cycle.starts_on for c in response.context["cycles"]] == [dt.date(2026, 9, 21), dt.date(2026, 9, 14)]
    page = response.content.decode()
    assert "Cycles from 14 September 2026 to 27 September 2026" in page
    assert "A coaching meeting was logged in 1 of the 2 cycles over in this period (1 missed)." in page
    assert f'{reverse("coaching:summary_pdf", args=[ect.pk])}?from=2026-09-14&amp;to=2026-09-27" download' in page


def test_a_period_ending_before_it_starts_is_explained_and_offers_no_pdf(world, client_for):
    ect = world.ects["own"]
    page = _record(
        client_for(world.user(Role.INDUCTION_TUTOR)), ect, **{"from": "2026-10-01", "to": "2026-09-01"}
    ).content.decode()
    assert "There is a problem" in page
    assert "The end of the period (1 September 2026) is before its start (1 October 2026)" in page
    assert "Download coaching summary (PDF)" not in page


def test_the_record_is_for_the_mentor_leaders_and_delivery_partner_staff(world, client_for):
    own, sibling, other = (world.ects[k] for k in ("own", "sibling", "other"))
    expected = {
        Role.INDUCTION_TUTOR: (200, 404, 404),
        Role.HEADTEACHER: (200, 404, 404),
        Role.MENTOR: (200, 404, 404),
        Role.DP_STAFF: (200, 200, 404),
        Role.DP_ADMIN: (200, 200, 404),
        Role.ECT: (403, 403, 403),  # the ECT reads their coaching in "My steps"
        Role.COACH: (403, 403, 403),
        Role.FACILITATOR: (403, 403, 403),
    }
    for role, answers in expected.items():
        client = client_for(world.user(role))
        got = tuple(_record(client, ect).status_code for ect in (own, sibling, other))
        assert got == answers, role


def test_a_mentor_sees_the_record_only_while_they_mentor_the_ect(world, client_for):
    ect = world.ects["own"]
    Mentorship.objects.filter(ect=ect).update(ended_on=TODAY - dt.timedelta(days=1))
    assert _record(client_for(world.user(Role.MENTOR)), ect).status_code == 404
