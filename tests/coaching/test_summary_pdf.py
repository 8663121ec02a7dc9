"""The coaching summary PDF, read back with pdftotext (required, as in the monitoring
privacy test: a missing pdftotext fails the test rather than skipping it)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.services import StepChoice
from schools.models import Role
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _text(pdf_bytes):
    return pdf_text(pdf_bytes)


def _flat(text):
    return re.sub(r"\s+", " ", text)


def _meet(world, day, title=None, **extra):
    step = StepChoice(
        source="own", module=world.module, title=title,
        criteria=f"{title}: the first criterion\n{title}: the second criterion",
    ) if title else StepChoice(source="repeat")
    return services.log_meeting(
        actor=world.people[Role.MENTOR], ect=world.ects["own"], met_on=day, minutes=extra.pop("minutes", 50), step=step,
        today=TODAY, **extra,
    )


@pytest.fixture
def coached(world):
    _meet(world, dt.date(2026, 9, 10), "Narrate the positive", praise="Good start.")
    services.log_observation(
        actor=world.people[Role.MENTOR], ect=world.ects["own"], observed_on=dt.date(2026, 9, 15), minutes=15,
        mode="video", seen="Pupils responded to the narration.", progress="progressing", today=TODAY,
    )
    _meet(world, dt.date(2026, 9, 17), minutes=30)
    _meet(world, dt.date(2026, 10, 1), "Cold call after think time")
    return world.ects["own"]


def _pdf(client, ect, **query):
    return client.get(reverse("coaching:summary_pdf", args=[ect.pk]), query)


def test_the_summary_names_the_ect_their_steps_and_says_it_is_not_an_assessment(world, client_for, coached):
    response = _pdf(client_for(world.user(Role.INDUCTION_TUTOR)), coached)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = world.people[Role.ECT].full_name
    slug = name.lower().replace(" ", "-")
    assert response["Content-Disposition"] == (
        f'attachment; filename="coaching-summary-{slug}-2026-09-02-to-2026-10-20.pdf"'
    )
    text = _text(response.content)
    flat = _flat(text)
    assert name in flat
    assert "Alder Primary" in flat
    assert world.people[Role.MENTOR].full_name in flat
    assert "2 September 2026 to 20 October 2026" in flat
    assert "Narrate the positive" in flat and "Cold call after think time" in flat
    assert "Narrate the positive: the first criterion" in flat
    assert "Pupils responded to the narration." in flat
    # Cycles 1 to 7 are over (the eighth holds today): meetings in cycles 2, 3 and 5.
    assert "3 of 7 expected (4 missed)" in flat
    assert "3, 43 minutes on average; 1 shorter than 45 minutes" in flat
    # The banner on the first page and the footer of every page.
    pages = text.count("\f") or 1
    assert flat.count("Developmental record of instructional coaching.") >= pages + 1
    assert flat.count("Not an assessment: it must not be used for statutory induction assessment.") >= pages + 1
    first_page = _flat(text.split("\f")[0])
    assert first_page.strip().startswith("Developmental record of instructional coaching. Not an assessment")


def test_the_summary_covers_only_the_period_asked_for(world, client_for, coached):
    response = _pdf(client_for(world.user(Role.DP_STAFF)), coached, **{"from": "2026-09-28", "to": "2026-10-11"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2026-09-28-to-2026-10-11.pdf"')
    flat = _flat(_text(response.content))
    assert "28 September 2026 to 11 October 2026" in flat
    assert "Cold call after think time" in flat
    assert "Narrate the positive" not in flat
    assert "Pupils responded to the narration." not in flat
    assert "1 of 2 expected (1 missed)" in flat


def test_a_period_ending_before_it_starts_sends_the_person_back_to_the_record_with_the_reason(
    world, client_for, coached
):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    response = _pdf(client, coached, **{"from": "2026-10-01", "to": "2026-09-01"})

    record = reverse("coaching:ect_record", args=[coached.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{record}?from=2026-10-01&to=2026-09-01"
    page = client.get(response["Location"]).content.decode()
    assert "The end of the period (1 September 2026) is before its start (1 October 2026)" in page
    # A start after today is refused the same way (nothing can be logged after today).
    later = _pdf(client, coached, **{"from": "2026-11-02"})
    assert later.status_code == 302
    assert "The period starts after today (20 October 2026)" in client.get(later["Location"]).content.decode()


def test_the_summary_has_the_records_access(world, client_for, coached):
    for role, answers in {
        Role.MENTOR: (200, 404, 404),
        Role.HEADTEACHER: (200, 404, 404),
        Role.DP_ADMIN: (200, 200, 404),
        Role.ECT: (403, 403, 403),
        Role.COACH: (403, 403, 403),
    }.items():
        client = client_for(world.user(role))
        got = tuple(_pdf(client, world.ects[place]).status_code for place in ("own", "sibling", "other"))
        assert got == answers, role
