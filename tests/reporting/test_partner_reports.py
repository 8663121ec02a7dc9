"""The delivery partner's reports (issue 8 "Must have" 5): schools and cohorts compared
on engagement, coaching regularity, attendance, release-time compliance and
onboarding, from the engagement snapshots of the latest finished run; filters, sort,
drill-down, CSV (formula-escaped), tenant B never seen, queries constant.

The figures (snapshots made by hand, Monday 23 November 2026; tenant A):

    school             person  cohort  state    self-study  cycles  events  catch-up  release    onboarded
    A1 Alder Primary   ECT e1  C26     green    5 of 5      11/11   1/1     0         within     yes
    (primary,          ECT e2  C26     red      2 of 5       8/11   0/1     1         shortfall  no
     maintained)       mentor  C26     amber    -           22/19*  2/2     0         -          yes
    A2 Aspen Academy   ECT e3  C25     paused   0 of 0       0/0    0/0     0         missing    yes
    (secondary,        ECT e4  C25     green    9 of 10     20/20   2/2     0         within     yes
     academy)          mentor  C26     amber    (the same mentor, also at A2: not their main school)

    * a mentor's cycles are their ECTs', counted on the ECTs' rows: never added again.

By hand, A1: 2 ECTs, 1 mentor; on track 1 of 3 (33%); act now 1, check 1; self-study
7 of 10 (70%); cycles 19 of 22 (86%); events 3 of 4 (75%: the mentor's own 2 count);
catch-up 1; release time 1 of 2 within (50%, 1 shortfall); onboarded 2 of 3 (67%).
A2: on track 1 of 2 not paused (50%); self-study 9 of 10 (90%); cycles 20 of 20 (100%);
events 4 of 4 (100%); release 1 of 2 (50%, 1 missing); onboarded 3 of 3 (100%).
Cohort C26: e1, e2 and the mentor once (A1 their main school); C25: e3 and e4.
"""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.factories import MentorAtSchoolFactory
from programme.factories import CohortFactory
from reporting import partner_reports
from reporting.factories import EngagementRefreshFactory, EngagementSnapshotFactory
from reporting.models import EngagementSnapshot
from schools.factories import SchoolFactory
from schools.models import Role, School

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)
URL = reverse("partner_reports:schools")
COHORTS_URL = reverse("partner_reports:cohorts")


def snap(school, cohort, **figures):
    return EngagementSnapshotFactory(school=school, cohort=cohort, on=MONDAY, **figures)


def mentor_snap(school, cohort, mentor, **figures):
    return EngagementSnapshotFactory(
        school=school, cohort=cohort, on=MONDAY, kind="mentor", ect=None, mentor=mentor, user=mentor.user,
        release_time_status="", mentor_time_status="", **figures,
    )


def term(ss, cycles, events, **more):
    """The term's counts (and the same since the start, unless given)."""
    values = {
        "term_self_study_expected": ss[1], "term_self_study_done": ss[0],
        "term_cycles_expected": cycles[1], "term_cycles_logged": cycles[0],
        "term_events_expected": events[1], "term_events_attended": events[0],
        "total_self_study_expected": ss[1], "total_self_study_done": ss[0],
        "total_cycles_expected": cycles[1], "total_cycles_logged": cycles[0],
        "total_events_expected": events[1], "total_events_attended": events[0],
    }
    values.update(more)
    return values


@pytest.fixture
def figures(world):
    a1, a2 = world.school_a1, world.school_a2
    School.objects.filter(pk=a2.pk).update(phase=School.Phase.SECONDARY, type=School.Type.ACADEMY)
    c26 = CohortFactory(tenant=world.tenant_a, name="September 2026 starters", start_year=2026)
    c25 = CohortFactory(tenant=world.tenant_a, name="September 2025 starters", start_year=2025)
    snap(a1, c26, level="green", **term((5, 5), (11, 11), (1, 1)))
    snap(a1, c26, level="red", catch_up_outstanding=1, release_time_status="shortfall", onboarded=False,
         **term((2, 5), (8, 11), (0, 1)))
    mentor = MentorAtSchoolFactory(school=a1, mentor__cohort=c26).mentor
    mentor_snap(a1, c26, mentor, level="amber", **term((0, 0), (19, 22), (2, 2)))
    snap(a2, c25, level="paused", paused="training deferred", release_time_status="missing",
         **term((0, 0), (0, 0), (0, 0)))
    snap(a2, c25, level="green", **term((9, 10), (20, 20), (2, 2), total_self_study_expected=20,
                                         total_self_study_done=18))
    mentor_snap(a2, c26, mentor, level="amber", is_main_school=False, **term((0, 0), (19, 22), (2, 2)))
    EngagementRefreshFactory(tenant=world.tenant_a, on=MONDAY)
    # Tenant B: its own school and figures, on the same day.
    snap(world.school_b1, None, level="red", **term((0, 3), (0, 3), (0, 1)))
    EngagementRefreshFactory(tenant=world.tenant_b, on=MONDAY)
    return {"c26": c26, "c25": c25}


def rows_of(response):
    return [(f.name, f) for f in response.context["rows"]]


def staff(world, client_for, role=Role.DP_STAFF):
    return client_for(world.user(role))


def test_each_schools_figures_worked_by_hand(world, figures, client_for):
    response = staff(world, client_for).get(URL)
    assert response.status_code == 200
    rows = dict(rows_of(response))
    assert list(rows) == ["Alder Primary", "Aspen Academy"]  # tenant B's Birch School never
    a1, a2 = rows["Alder Primary"], rows["Aspen Academy"]
    assert (a1.ects, a1.mentors, a1.red, a1.amber, a1.green, a1.paused) == (2, 1, 1, 1, 1, 0)
    assert (a1.on_track_percent, a1.self_study_done, a1.self_study_expected, a1.self_study_percent) == (33, 7, 10, 70)
    assert (a1.cycles_logged, a1.cycles_expected, a1.coaching_percent) == (19, 22, 86)
    assert (a1.events_attended, a1.events_expected, a1.attendance_percent, a1.catch_up) == (3, 4, 75, 1)
    assert (a1.release_within, a1.release_shortfall, a1.release_missing, a1.release_percent) == (1, 1, 0, 50)
    assert (a1.onboarded, a1.people, a1.onboarding_percent) == (2, 3, 67)
    assert (a2.ects, a2.mentors, a2.judged, a2.on_track_percent) == (2, 1, 2, 50)
    assert (a2.self_study_percent, a2.coaching_percent, a2.attendance_percent) == (90, 100, 100)
    assert (a2.release_within, a2.release_missing, a2.release_percent, a2.onboarding_percent) == (1, 1, 50, 100)

    page = response.content.decode()
    # Drill-down: each school to its dashboard.
    assert f'href="{reverse("dashboard:school", args=[world.school_a1.pk])}"' in page
    assert "Birch School" not in page
    assert "86%" in page and "19 of 22 cycles" in page and "1 shortfall" in page and "1 missing" in page
    assert f'href="{reverse("participants:monitoring_summary")}"' in page


def test_each_cohorts_figures_count_everyone_once(world, figures, client_for):
    response = staff(world, client_for).get(COHORTS_URL)
    rows = dict(rows_of(response))
    assert list(rows) == ["September 2026 starters", "September 2025 starters"]  # the newest first
    c26, c25 = rows["September 2026 starters"], rows["September 2025 starters"]
    assert (c26.schools, c26.ects, c26.mentors, c26.coaching_percent, c26.events_attended) == (1, 2, 1, 86, 3)
    assert (c25.schools, c25.ects, c25.mentors, c25.on_track_percent, c25.self_study_percent) == (1, 2, 0, 100, 90)
    totals = response.context["totals"]
    assert (totals.ects, totals.mentors, totals.red, totals.amber, totals.green, totals.paused) == (4, 1, 1, 1, 2, 1)
    page = response.content.decode()
    assert f'href="{URL}?cohort={figures["c26"].pk}"' in page  # drill-down to the cohort's schools


@pytest.mark.parametrize("query,expected", [
    ({"phase": "secondary"}, ["Aspen Academy"]),
    ({"type": "maintained"}, ["Alder Primary"]),
    ({"state": "red"}, ["Alder Primary"]),
    ({"state": "amber"}, ["Alder Primary", "Aspen Academy"]),
    ({"state": "clear"}, []),
    ({"q": "asp"}, ["Aspen Academy"]),
    ({"q": "birch"}, []),
])
def test_filters(world, figures, client_for, query, expected):
    response = staff(world, client_for).get(URL, query)
    assert [name for name, _ in rows_of(response)] == expected


def test_the_cohort_filter_counts_that_cohorts_people_alone(world, figures, client_for):
    response = staff(world, client_for).get(URL, {"cohort": figures["c25"].pk})
    rows = rows_of(response)
    assert [(name, f.ects, f.mentors) for name, f in rows] == [("Aspen Academy", 2, 0)]  # the mentor is in C26
    assert "Showing 1 school." in response.content.decode()
    # Another delivery partner's cohort is not a choice.
    from programme.factories import CohortFactory as Cohorts

    foreign = Cohorts(tenant=world.tenant_b)
    refused = staff(world, client_for).get(URL, {"cohort": foreign.pk})
    assert "Select a valid choice" in refused.content.decode()


def test_the_period_since_the_start(world, figures, client_for):
    rows = dict(rows_of(staff(world, client_for).get(URL)))
    assert (rows["Aspen Academy"].self_study_done, rows["Aspen Academy"].self_study_expected) == (9, 10)
    rows = dict(rows_of(staff(world, client_for).get(URL, {"period": "total"})))
    assert (rows["Aspen Academy"].self_study_done, rows["Aspen Academy"].self_study_expected) == (18, 20)


@pytest.mark.parametrize("sort,expected", [
    ("", ["Alder Primary", "Aspen Academy"]),
    ("-school", ["Aspen Academy", "Alder Primary"]),
    ("on_track", ["Alder Primary", "Aspen Academy"]),  # 33% then 50%
    ("-on_track", ["Aspen Academy", "Alder Primary"]),
    ("-coaching", ["Aspen Academy", "Alder Primary"]),  # 100% then 86%
    ("-red", ["Alder Primary", "Aspen Academy"]),
    ("onboarding", ["Alder Primary", "Aspen Academy"]),
    ("release", ["Alder Primary", "Aspen Academy"]),  # 50% both: by name
    ("nonsense", ["Alder Primary", "Aspen Academy"]),  # not a column: the default order, no error
])
def test_sort_by_any_column(world, figures, client_for, sort, expected):
    response = staff(world, client_for).get(URL, {"sort": sort} if sort else {})
    assert [name for name, _ in rows_of(response)] == expected
    assert not response.context["filter"].errors


def test_a_school_with_nothing_expected_sorts_last_either_way(world, figures, client_for):
    empty = SchoolFactory(tenant=world.tenant_a, name="Acorn Infants")
    snap(empty, None, level="green", **term((0, 0), (0, 0), (0, 0)))
    client = staff(world, client_for)
    for sort in ("coaching", "-coaching"):
        names = [name for name, _ in rows_of(client.get(URL, {"sort": sort}))]
        assert names[-1] == "Acorn Infants", sort


def test_sort_links_keep_the_filters_and_say_the_order(world, figures, client_for):
    page = staff(world, client_for).get(URL, {"phase": "primary", "sort": "-coaching"}).content.decode()
    assert 'aria-sort="descending"><a class="govuk-link" href="?phase=primary&amp;sort=coaching">' in page
    assert 'aria-sort="none"><a class="govuk-link" href="?phase=primary&amp;sort=red">' in page


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_of_each_table_as_filtered(world, figures, client_for):
    client = staff(world, client_for)
    response = client.get(URL, {"state": "red", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="engagement-by-school-alpha-2026-11-23.csv"'
    header, *rows = _csv(response)
    assert header[:8] == ["school", "urn", "phase", "type", "ects", "mentors", "on_track_percent", "act_now"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert (row["school"], row["urn"], row["phase"]) == ("Alder Primary", "111111", "Primary")
    assert (row["coaching_cycles_logged"], row["coaching_cycles_expected"], row["coaching_regularity_percent"]) == (
        "19", "22", "86")
    assert (row["release_time_shortfall"], row["onboarding_percent"], row["day_judged"]) == ("1", "67", "2026-11-23")

    header, *rows = _csv(client.get(COHORTS_URL, {"format": "csv"}))
    assert header[:3] == ["cohort", "schools", "ects"]
    assert [r[0] for r in rows] == ["September 2026 starters", "September 2025 starters"]


def test_csv_cells_a_spreadsheet_would_run_are_escaped(world, figures, client_for):
    School.objects.filter(pk=world.school_a1.pk).update(name='=HYPERLINK("http://evil.example","Click")')
    header, *rows = _csv(staff(world, client_for).get(URL, {"format": "csv"}))
    names = [r[0] for r in rows]
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in names
    assert not any(name.startswith("=") for name in names)


def test_the_monitoring_counts_as_csv_keep_small_numbers_suppressed(world, client_for):
    from participants.factories import MonitoringAnswersFactory

    from schools.factories import MembershipFactory

    for _ in range(3):  # three ECTs answered
        MembershipFactory(user=MonitoringAnswersFactory().user, tenant=world.tenant_a, school=world.school_a1,
                          role=Role.ECT)
    response = staff(world, client_for).get(reverse("partner_reports:monitoring_csv"))
    header, *rows = _csv(response)
    assert header == ["question", "answer", "people"]
    assert rows[0] == ["People who answered", "", "<5"]
    assert {r[2] for r in rows[1:]} == {"<5"}  # fewer than 5 answered: every count "<5"


def test_another_delivery_partner_sees_only_its_own(world, figures, client_for):
    response = client_for(world.outsiders[Role.DP_ADMIN]).get(URL)
    assert [name for name, _ in rows_of(response)] == ["Birch School"]
    page = response.content.decode()
    assert "Alder Primary" not in page and "Aspen Academy" not in page
    cohorts = client_for(world.outsiders[Role.DP_ADMIN]).get(COHORTS_URL)
    assert [name for name, _ in rows_of(cohorts)] == ["No cohort"]


def test_school_leaders_and_others_are_refused(world, client_for):
    for role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.FACILITATOR, Role.ECT):
        assert client_for(world.user(role)).get(URL).status_code == 403


def test_figures_of_a_run_in_progress_or_failed_are_not_shown(world, figures, client_for):
    """Snapshots of a later day whose run has not finished stay out of the report."""
    later = MONDAY + dt.timedelta(days=1)
    EngagementSnapshotFactory(school=world.school_a1, on=later, level="red")
    EngagementRefreshFactory(tenant=world.tenant_a, on=later, status="running", finished_at=None, schools_done=1)
    rows = dict(rows_of(staff(world, client_for).get(URL)))
    assert rows["Alder Primary"].people == 3  # Monday's, not the half-done Tuesday's


def test_queries_do_not_grow_with_the_schools(world, figures, client_for):
    client = staff(world, client_for)

    def count(url, params=None):
        client.get(url, params or {})
        cache.clear()  # measure the computation, not the table kept for the run
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params or {})
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.context["rows"])

    before = {(url, key): count(url, params) for url in (URL, COHORTS_URL)
              for key, params in (("all", None), ("filtered", {"state": "amber", "sort": "-coaching"}))}
    for n in range(4):
        school = SchoolFactory(tenant=world.tenant_a, name=f"Extra School {n}")
        cohort = CohortFactory(tenant=world.tenant_a, name=f"Extra cohort {n}")
        for level in ("red", "amber", "green"):
            snap(school, cohort, level=level)
    after = {(url, key): count(url, params) for url in (URL, COHORTS_URL)
             for key, params in (("all", None), ("filtered", {"state": "amber", "sort": "-coaching"}))}
    assert after[(URL, "all")][1] == 6 and before[(URL, "all")][1] == 2
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}


def test_the_aggregates_are_one_query_each(world, figures):
    rows = partner_reports.snapshots(tenant_id=world.tenant_a.pk, on=MONDAY)
    with CaptureQueriesContext(connection) as captured:
        schools = list(partner_reports.by_school(rows))
        cohorts = list(partner_reports.by_cohort(rows))
    assert len(captured.captured_queries) == 2
    assert len(schools) == 2 and len(cohorts) == 2
    assert EngagementSnapshot.objects.filter(tenant=world.tenant_a, on=MONDAY).count() == 6


def test_the_table_is_kept_until_the_next_run(world, figures, client_for):
    """The figures change only when a run finishes: the table is computed once per run
    (and per filters and sort), and a new run shows at once."""
    client = staff(world, client_for)
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        again = client.get(URL)
    assert not any("reporting_engagementsnapshot" in q["sql"] for q in captured.captured_queries)
    assert dict(rows_of(again))["Alder Primary"].people == 3

    later = MONDAY + dt.timedelta(days=1)
    EngagementSnapshotFactory(school=world.school_a1, on=later, level="red")
    EngagementRefreshFactory(tenant=world.tenant_a, on=later)
    rows = dict(rows_of(client.get(URL)))
    assert list(rows) == ["Alder Primary"] and rows["Alder Primary"].people == 1
