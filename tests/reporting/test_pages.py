"""The release-time pages: the induction tutor records and reads, the headteacher reads
only, the delivery partner's staff open any school of theirs; bad input gets its message
beside the field and writes nothing; another school's report answers 404."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reporting.factories import ECTTermTimetableFactory, StandardTimetableFactory
from reporting.models import ECTTermTimetable, StandardTimetable
from schools.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("release_today")]

D = Decimal


def _page(school, name="reporting:release_time", *args, term="2026-autumn"):
    url = reverse(name, args=[school.pk, *args])
    return f"{url}?term={term}" if term else url


def _plain(html):
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _text(response):
    return _plain(response.content.decode())


@pytest.fixture
def recorded(world, add_ect):
    """A1 in the autumn term 2026: a standard timetable of 22.5 hours; the world's ECT
    full time teaching 21 hours (a shortfall); Priya at 0.6 FTE within her ceiling with
    too little mentor time; Nadia with nothing recorded."""
    school = world.school_a1
    priya = add_ect("Priya Patel", fte="0.60")
    nadia = add_ect("Nadia Novak")
    StandardTimetableFactory(school=school, hours=D("22.5"))
    ECTTermTimetableFactory(school=school, ect=world.ects["own"], teaching_hours=D("21"), mentor_hours=D("1"))
    ECTTermTimetableFactory(
        school=school, ect=priya, fte=D("0.6"), teaching_hours=D("12.15"), mentor_hours=D("0.75"),
    )
    return {"priya": priya, "nadia": nadia}


def test_the_tutor_sees_each_ects_entitlement_provision_shortfall_and_mentor_time(world, client_for, recorded):
    response = client_for(world.user(Role.INDUCTION_TUTOR)).get(_page(world.school_a1))

    assert response.status_code == 200
    text = _text(response)
    assert "Autumn term 2026 to 2027" in text
    assert "22.50 hours a week" in text
    own = world.ects["own"]
    card = _text_of_card(response, own)
    assert "20.25 hours a week: a reduction of 2.25 from 22.50" in card
    assert "21.00 hours a week" in card and "1.50 hours a week" in card  # teaching, reduction given
    assert "0.75 hours a week" in card and "Shortfall" in card
    priya = _text_of_card(response, recorded["priya"])
    assert "12.15 hours a week: a reduction of 1.35 from 13.50" in priya
    assert "Within the ceiling" in priya
    assert "0.75 hours a week; recommended 1.00 (weekly coaching)" in priya
    assert "Below the recommendation: 0.25 short" in priya
    nadia = _text_of_card(response, recorded["nadia"])
    assert "Missing: teaching hours" in nadia
    assert "(from their working pattern: not recorded for this term)" in nadia
    assert "Not recorded" in nadia
    assert ("3 ECTs: 1 within the ceiling, 1 with a shortfall, 1 with figures missing. Mentor time: 1 meeting the "
            "recommendation, 1 below it, 1 not recorded.") in text
    assert "Record figures for this term" in text and "Change" in text


def _text_of_card(response, ect):
    html = response.content.decode()
    start = html.index(f'id="ect-{ect.pk}"')
    end = html.find('class="govuk-summary-card"', start + 1)
    return _plain(html[start:end if end > 0 else None])


def test_without_a_standard_timetable_nothing_shows_as_compliant(world, client_for):
    ECTTermTimetableFactory(school=world.school_a1, ect=world.ects["own"], teaching_hours=D("15"))
    text = _text(client_for(world.user(Role.HEADTEACHER)).get(_page(world.school_a1)))
    assert "Missing Not recorded: no ECT's maximum teaching can be worked out without it." in text
    assert "Missing: standard timetable" in text
    assert "Within the ceiling" not in text
    assert "1 ECT: 0 within the ceiling, 0 with a shortfall, 1 with figures missing." in text


def test_the_page_opens_on_the_current_term(world, client_for):
    response = client_for(world.user(Role.INDUCTION_TUTOR)).get(_page(world.school_a1, term=None))
    assert response.status_code == 200
    assert response.context["report"].term.ref.slug == "2026-autumn"  # today is 16 November 2026


def test_the_tutor_records_a_terms_figures_on_one_page(world, client_for, add_ect):
    priya = add_ect("Priya Patel", fte="0.60")
    own = world.ects["own"]
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    form = client.get(_page(world.school_a1, "reporting:record"))
    assert form.status_code == 200
    assert f'name="ect-{priya.pk}-fte"' in form.content.decode()

    response = client.post(_page(world.school_a1, "reporting:record"), {
        "standard_hours": "22.5",
        f"ect-{own.pk}-fte": "1", f"ect-{own.pk}-teaching_hours": "20.25", f"ect-{own.pk}-mentor_hours": "1",
        f"ect-{priya.pk}-fte": "0.6", f"ect-{priya.pk}-teaching_hours": "", f"ect-{priya.pk}-mentor_hours": "",
    })

    assert response.status_code == 302
    assert response["Location"] == _page(world.school_a1)
    assert StandardTimetable.objects.get().hours == D("22.50")
    row = ECTTermTimetable.objects.get()  # Priya's row was left empty: nothing recorded for her
    assert (row.ect, row.teaching_hours, row.mentor_hours) == (own, D("20.25"), D("1.00"))
    page = client.get(response["Location"])
    assert "Alder Primary's release-time figures for the autumn term 2026 to 2027 are saved." in _text(page)


def _error_beside(response, field_id):
    """The error message shown beside a field (the GOV.UK error message above its input)."""
    html = response.content.decode()
    match = re.search(rf'<p class="govuk-error-message" id="{re.escape(field_id)}_error">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return _plain(match.group(1)).replace("Error:", "").strip()


@pytest.mark.parametrize(
    "standard,message",
    [
        ("0", "The standard timetable cannot be 0 hours"),
        ("50", "50 hours is more than 40 hours a week"),
        ("lots", "Enter the standard timetable as a number, for example 22.5."),
        ("", "Enter the standard timetable, for example 22.5."),
    ],
)
def test_bad_standard_timetable_is_shown_beside_its_field_and_nothing_is_written(world, client_for, standard, message):
    own = world.ects["own"]
    response = client_for(world.user(Role.INDUCTION_TUTOR)).post(_page(world.school_a1, "reporting:record"), {
        "standard_hours": standard, f"ect-{own.pk}-fte": "1", f"ect-{own.pk}-teaching_hours": "20",
    })
    assert response.status_code == 200
    assert _error_beside(response, "id_standard_hours").startswith(message)
    assert "There is a problem" in response.content.decode()
    assert not StandardTimetable.objects.exists() and not ECTTermTimetable.objects.exists()


def test_bad_fte_is_shown_beside_that_ects_field(world, client_for):
    own = world.ects["own"]
    response = client_for(world.user(Role.INDUCTION_TUTOR)).post(_page(world.school_a1, "reporting:record"), {
        "standard_hours": "22.5", f"ect-{own.pk}-fte": "1.2", f"ect-{own.pk}-teaching_hours": "20",
    })
    assert _error_beside(response, f"id_ect-{own.pk}-fte").startswith("An FTE is more than 0 and at most 1")
    assert not StandardTimetable.objects.exists() and not ECTTermTimetable.objects.exists()


def test_a_term_not_in_the_schools_calendar_is_refused_beside_the_term(world, client_for):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    page = client.get(_page(world.school_a1, term="2015-autumn"))
    assert page.status_code == 200 and page.context["report"] is None
    assert _error_beside(page, "id_term") == (
        "The autumn term 2015 to 2016 is not in Alder Primary's calendar here: choose one of its terms from "
        "2023-autumn to 2027-summer."
    )
    own = world.ects["own"]
    posted = client.post(_page(world.school_a1, "reporting:record", term="2015-autumn"), {
        "standard_hours": "22.5", f"ect-{own.pk}-fte": "1", f"ect-{own.pk}-teaching_hours": "20",
    })
    assert posted.status_code == 200
    assert _error_beside(posted, "id_term").startswith("The autumn term 2015 to 2016 is not in")
    assert not StandardTimetable.objects.exists() and not ECTTermTimetable.objects.exists()
    bad = client.get(_page(world.school_a1, term="2026-winter"))
    assert _error_beside(bad, "id_term").startswith("'2026-winter' is not a term: give it as 2026-autumn")


def test_the_tutor_changes_one_ects_figures(world, client_for, recorded):
    own = world.ects["own"]
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    url = _page(world.school_a1, "reporting:record_ect", own.pk)
    form = client.get(url)
    assert form.status_code == 200 and 'value="21.00"' in form.content.decode()
    refused = client.post(url, {f"ect-{own.pk}-fte": "1", f"ect-{own.pk}-teaching_hours": "60"})
    assert _error_beside(refused, f"id_ect-{own.pk}-teaching_hours").startswith("60 hours is more than 40 hours")
    assert ECTTermTimetable.objects.get(ect=own).teaching_hours == D("21.00")
    saved = client.post(url, {f"ect-{own.pk}-fte": "1", f"ect-{own.pk}-teaching_hours": "20"})
    assert saved.status_code == 302
    assert ECTTermTimetable.objects.get(ect=own).teaching_hours == D("20.00")


def test_an_ect_of_another_school_answers_404(world, client_for):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    for ect in (world.ects["sibling"], world.ects["other"]):
        url = _page(world.school_a1, "reporting:record_ect", ect.pk)
        assert client.get(url).status_code == 404
        assert client.post(url, {f"ect-{ect.pk}-fte": "1", f"ect-{ect.pk}-teaching_hours": "20"}).status_code == 404
    assert not ECTTermTimetable.objects.exists()


def test_an_ect_who_was_not_at_the_school_that_term_is_told_so(world, client_for):
    url = _page(world.school_a1, "reporting:record_ect", world.ects["own"].pk, term="2025-autumn")
    response = client_for(world.user(Role.INDUCTION_TUTOR)).get(url)
    assert response.status_code == 200
    assert "was not at Alder Primary in the autumn term 2025 to 2026" in _text(response)
    assert "Save figures" not in _text(response)


def test_the_headteacher_reads_but_cannot_record(world, client_for, recorded):
    client = client_for(world.user(Role.HEADTEACHER))
    page = client.get(_page(world.school_a1))
    assert page.status_code == 200
    text = _text(page)
    assert "20.25 hours a week" in text and "Download the compliance report (PDF)" in text
    assert "Record figures for this term" not in text and "Change" not in text
    own = world.ects["own"]
    assert client.get(_page(world.school_a1, "reporting:record")).status_code == 403
    assert client.post(_page(world.school_a1, "reporting:record"), {"standard_hours": "30"}).status_code == 403
    url = _page(world.school_a1, "reporting:record_ect", own.pk)
    assert client.post(url, {f"ect-{own.pk}-fte": "1", f"ect-{own.pk}-teaching_hours": "1"}).status_code == 403
    assert StandardTimetable.objects.get().hours == D("22.50")
    assert ECTTermTimetable.objects.get(ect=own).teaching_hours == D("21.00")


def test_delivery_partner_staff_open_any_school_of_theirs_only(world, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    assert client.get(_page(world.school_a1)).status_code == 200
    assert client.get(_page(world.school_a2)).status_code == 200
    assert client.get(_page(world.school_b1)).status_code == 404
    assert client.get(_page(world.school_a1, "reporting:record")).status_code == 403


def test_another_schools_report_answers_404(world, client_for):
    for role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER):
        client = client_for(world.user(role))
        for school in (world.school_a2, world.school_b1):
            assert client.get(_page(school)).status_code == 404
            assert client.get(_page(school, "reporting:release_time_pdf")).status_code == 404


def test_the_page_keeps_a_constant_number_of_queries(world, client_for, add_ect):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.user(Role.INDUCTION_TUTOR))
    StandardTimetableFactory(school=world.school_a1)
    url = _page(world.school_a1)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        ECTTermTimetableFactory(school=world.school_a1, ect=add_ect(f"Extra {n}"), teaching_hours=D("19"))
    assert count() == few
