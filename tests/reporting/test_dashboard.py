"""The induction tutor's dashboard as the tutor and the headteacher meet it: the state
of each ECT and mentor with the reasons, what needs action linked to its cause, the
filters, the term's trend as an SVG, one person's detail; constant queries."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import ECT, ECTAtSchool
from schools.models import Role
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MONDAY)


def test_tutor_sees_the_ect_behind_with_reasons_linked_to_their_cause(world, client_for):
    ect = world.ects["own"]
    page = client_for(world.people[Role.INDUCTION_TUTOR]).get(reverse("dashboard:school", args=[world.school_a1.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    # The world ECT has ticked nothing and no coaching was logged since September.
    assert re.search(r"self-study: 1 module overdue by \d+ days", text)
    assert "coaching: no meeting logged for" in text
    assert f'href="{reverse("self_study:ect", args=[ect.pk])}"' in text
    assert f'href="{reverse("coaching:ect_record", args=[ect.pk])}"' in text
    assert "Act now" in text
    assert "<svg" in text and "week ending" in text


def test_filters_narrow_the_grid(world, client_for):
    client = client_for(world.people[Role.INDUCTION_TUTOR])
    url = reverse("dashboard:school", args=[world.school_a1.pk])
    name = world.ects["own"].user.full_name
    assert name in client.get(url + "?state=red").content.decode().split("Everyone</h2>")[1]
    green = client.get(url + "?state=green").content.decode().split("Everyone</h2>")[1]
    assert "Nobody matches these filters." in green
    mentors = client.get(url + "?group=mentors").content.decode().split("Everyone</h2>")[1].split("This term")[0]
    ect_link = reverse("dashboard:ect", args=[world.school_a1.pk, world.ects["own"].pk])
    assert world.people[Role.MENTOR].full_name in mentors and ect_link not in mentors
    assert "Showing 1 of 2." in mentors


def test_drill_down_shows_expected_and_done(world, client_for):
    ect = world.ects["own"]
    page = client_for(world.people[Role.HEADTEACHER]).get(reverse("dashboard:ect", args=[world.school_a1.pk, ect.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Self-study modules done of those due" in text and "0 of 1" in text
    assert "Week ending" in text


def test_another_schools_ect_is_not_found_under_this_school(world, client_for):
    client = client_for(world.people[Role.INDUCTION_TUTOR])
    other = world.ects["sibling"]
    assert client.get(reverse("dashboard:ect", args=[world.school_a1.pk, other.pk])).status_code == 404


def test_queries_do_not_grow_with_the_school(world, client_for):
    client = client_for(world.people[Role.INDUCTION_TUTOR])
    url = reverse("dashboard:school", args=[world.school_a1.pk])
    client.get(url)
    cache.clear()  # measure the computation, not the cached body
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    own = world.ects["own"]
    from ectalign.factories import UserFactory

    for _ in range(5):
        ect = ECT.objects.create(tenant=world.tenant_a, user=UserFactory(), induction_start=own.induction_start,
                                 cohort=own.cohort)
        ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=world.school_a1, started_on=own.induction_start)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        text = client.get(url).content.decode()
    assert text.count("self-study: 1 module overdue") >= 6
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_change_shows_at_once(world, client_for):
    """The body is cached; a coaching meeting logged since replaces it."""
    from coaching.factories import MeetingFactory

    client = client_for(world.people[Role.INDUCTION_TUTOR])
    url = reverse("dashboard:school", args=[world.school_a1.pk])
    before = client.get(url).content.decode()
    assert "coaching: no meeting logged for 11 cycles in a row" in before
    ect = world.ects["own"]
    from participants.models import Mentor

    mentor = Mentor.objects.get(user=world.people[Role.MENTOR])
    MeetingFactory(tenant=world.tenant_a, ect=ect, mentor=mentor, met_on=dt.date(2026, 11, 13))
    after = client.get(url).content.decode()
    assert "coaching: no meeting logged for 11 cycles in a row" not in after


def test_this_week_as_a_pdf_with_the_trend_chart(world, client_for):
    response = client_for(world.people[Role.HEADTEACHER]).get(reverse("dashboard:school_pdf", args=[world.school_a1.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, flat=True)
    assert "This week at Alder Primary" in text
    assert re.search(r"self-study: 1 module overdue by \d+ days", text)
    assert "week by week" in text and "Act now" in text  # the chart's key is drawn in the PDF too
