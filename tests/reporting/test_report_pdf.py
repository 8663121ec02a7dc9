"""The release-time compliance report as a PDF, read back with pdftotext (required: a
missing pdftotext fails the test rather than skipping it), from the page and from
``manage.py release_time_report``."""

import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from reporting.factories import ECTTermTimetableFactory, StandardTimetableFactory
from schools.factories import SchoolFactory
from schools.models import Role
from tests.pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("release_today")]

D = Decimal


def _text(pdf_bytes, *, layout=True):
    """The PDF's text: laid out as on the page (a table row on one line), or in reading
    order (a cell's wrapped lines together)."""
    return re.sub(r"[ \t]+", " ", pdf_text(pdf_bytes, layout=layout))


@pytest.fixture
def recorded(world, add_ect):
    school = world.school_a1
    priya = add_ect("Priya Patel", fte="0.60")
    add_ect("Nadia Novak")
    StandardTimetableFactory(school=school, hours=D("22.5"))
    ECTTermTimetableFactory(school=school, ect=world.ects["own"], teaching_hours=D("21"), mentor_hours=D("1"))
    ECTTermTimetableFactory(school=school, ect=priya, fte=D("0.6"), teaching_hours=D("12.15"), mentor_hours=D("0.75"))
    return world


def _line_of(text, name):
    return next(line for line in text.splitlines() if name in line)


def _assert_report(pdf_bytes, world):
    text = _text(pdf_bytes)
    assert "Release-time compliance report" in text
    assert "Alder Primary (URN 111111)" in text
    assert "Autumn term 2026 to 2027" in text
    assert "1 September 2026 to 18 December 2026" in text
    assert "22.50 hours a week" in text
    now = timezone.localtime()
    assert f"generated {now.day} {now:%B %Y}" in text
    # Each ECT's row: year, FTE, full timetable, maximum teaching, reduction due, teaching,
    # reduction given, shortfall, mentor time (recommended).
    own = " ".join(_line_of(text, world.people[Role.ECT].full_name).split())
    assert "1 (90%) 1.00 22.50 20.25 2.25 21.00 1.50 0.75 1.00 (1.00)" in own
    priya = " ".join(_line_of(text, "Priya Patel").split())
    assert "1 (90%) 0.60 13.50 12.15 1.35 12.15 1.35 0.00 0.75 (1.00)" in priya
    nadia = " ".join(_line_of(text, "Nadia Novak").split())
    assert "1 (90%) 1.00* 22.50 20.25 2.25 missing missing missing not recorded (1.00)" in nadia
    flat = " ".join(_text(pdf_bytes, layout=False).split())
    assert ("3 ECTs: 1 within the ceiling, 1 with a shortfall, 1 with figures missing. Mentor time: 1 meeting the "
            "recommendation, 1 below it, 1 not recorded.") in flat
    assert "Missing: teaching hours" in flat and "Within the ceiling" in flat and "Shortfall" in flat


def test_the_pdf_names_the_school_the_term_and_each_ects_figures(client_for, recorded):
    world = recorded
    response = client_for(world.user(Role.HEADTEACHER)).get(
        reverse("reporting:release_time_pdf", args=[world.school_a1.pk]), {"term": "2026-autumn"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="release-time-111111-alder-primary-2026-autumn.pdf"'
    )
    _assert_report(response.content, world)


def test_a_pdf_for_a_term_not_in_the_calendar_goes_back_to_the_page(world, client_for):
    url = reverse("reporting:release_time_pdf", args=[world.school_a1.pk])
    response = client_for(world.user(Role.INDUCTION_TUTOR)).get(url, {"term": "2015-autumn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:release_time", args=[world.school_a1.pk]) + "?term=2015-autumn"


def test_the_command_writes_the_pdf(recorded, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    call_command("release_time_report", "--school", "111111", "--term", "2026-autumn", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    _assert_report(out.read_bytes(), recorded)
    printed = capsys.readouterr().out
    assert "Alder Primary (URN 111111), Autumn term 2026 to 2027: 3 ECTs: 1 within the ceiling" in printed
    assert f"Wrote {out}" in printed


@pytest.mark.parametrize(
    "args,message",
    [
        (["--school", "999999", "--term", "2026-autumn"], "No school has the URN 999999: check the number"),
        (["--school", "111111", "--term", "2026-winter"],
         "'2026-winter' is not a term: give it as 2026-autumn, 2026-spring or 2026-summer"),
        (["--school", "111111", "--term", "autumn"], "'autumn' is not a term"),
        (["--school", "111111", "--term", "2015-autumn"],
         "The autumn term 2015 to 2016 is not in Alder Primary's calendar here: choose one of its terms from "
         "2023-autumn to 2027-summer."),
        (["--school", "111111", "--term", "2026-autumn", "--tenant", "beta"],
         "No school has the URN 111111 at the delivery partner beta"),
    ],
)
def test_the_command_refuses_bad_input_clearly(world, tmp_path, args, message):
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError) as refused:
        call_command("release_time_report", *args, "--out", str(out))
    assert str(refused.value).startswith(message)
    assert not out.exists()


def test_a_urn_at_several_delivery_partners_needs_the_tenant(world, tmp_path):
    SchoolFactory(tenant=world.tenant_b, urn="111111", name="Alder Primary (Beta's)")
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match=r"several delivery partners \(alpha, beta\): say which with --tenant SLUG"):
        call_command("release_time_report", "--school", "111111", "--term", "2026-autumn", "--out", str(out))
    call_command(
        "release_time_report", "--school", "111111", "--term", "2026-autumn", "--tenant", "beta", "--out", str(out)
    )
    assert "Alder Primary (Beta's)" in _text(out.read_bytes())
