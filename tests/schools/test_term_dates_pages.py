"""The term-dates pages: the induction tutor amends the school's dates, the headteacher
reads them, the delivery partner sets the defaults its schools follow."""

import datetime

import pytest
from django.urls import reverse

from programme.schedule import academic_year_label, long_date, standard_calendar
from schools import selectors
from schools.factories import TermDatesFactory
from schools.models import InsetDay, Role, TermDates

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    """The current and next academic years, as the pages show them."""
    return selectors.term_date_years()


def form_data(year, *, action="save", **changes):
    """A POST for one year: the standard pattern's dates unless ``changes`` says
    otherwise (keyed like the form fields, ``autumn_half_term_starts_on=...``)."""
    data = {"academic_year": str(year), "action": action}
    if action != "save":
        return data
    calendar = standard_calendar(year)
    for term in calendar.terms:
        for field in ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on"):
            data[f"y{year}-{term.season}_{field}"] = getattr(term, field).isoformat()
    data[f"y{year}-inset_days"] = ""
    for key, value in changes.items():
        data[f"y{year}-{key}"] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


def url_for(school):
    return reverse("schools:term_dates", args=[school.pk])


def test_tutor_amends_the_schools_dates_and_sees_them(world, client_for, years):
    year = years[0]
    school = world.school_a1
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    page = client.get(url_for(school))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Source: the standard pattern" in html and f"Amend the {academic_year_label(year)} dates" in html

    # A two-week October half-term and an INSET day on the first day of term.
    autumn = standard_calendar(year).term(1)
    half_term_start = autumn.half_term_starts_on - datetime.timedelta(days=7)
    response = client.post(url_for(school), form_data(
        year, autumn_half_term_starts_on=half_term_start, inset_days=f"{autumn.starts_on:%d/%m/%Y}",
    ), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{school.name}&#x27;s term dates for {academic_year_label(year)} are saved." in html
    assert "Source: the school." in html
    assert f"{half_term_start.day} {half_term_start:%B}" in html
    assert autumn.starts_on.strftime("%A ") + f"{autumn.starts_on.day} {autumn.starts_on:%B %Y}" in html
    saved = TermDates.objects.get(school=school, academic_year=year, term=1)
    assert saved.half_term_starts_on == half_term_start
    assert list(InsetDay.objects.filter(school=school).values_list("date", flat=True)) == [autumn.starts_on]
    calendar = selectors.calendar_for(school=school, academic_year=year)
    assert calendar.source == "school"
    # The sibling school is untouched.
    assert selectors.calendar_for(school=world.school_a2, academic_year=year).source == "standard"


def test_bad_dates_are_shown_beside_their_field_and_nothing_is_saved(world, client_for, years):
    year = years[0]
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    autumn_end = standard_calendar(year).term(1).ends_on
    overlapping = autumn_end - datetime.timedelta(days=7)
    response = client.post(url_for(world.school_a1), form_data(year, spring_starts_on=overlapping))
    assert response.status_code == 200
    message = (
        f"The spring term starts on {long_date(overlapping)}, before the autumn term ends on {long_date(autumn_end)}: "
        f"terms run in order without overlapping, so choose a first day after {long_date(autumn_end)}."
    )
    form = response.context["sections"][0]["form"]
    assert form.errors == {"spring_starts_on": [message]}
    html = response.content.decode()
    error_id = f'id="id_y{year}-spring_starts_on_error"'
    assert error_id in html
    assert message.replace("'", "&#x27;") in html.split(error_id, 1)[1].split("</p>", 1)[0]
    assert "There is a problem" in html and "<details class=\"govuk-details\" open>" in html
    assert not TermDates.objects.filter(school=world.school_a1).exists()


def test_an_unreadable_date_says_how_to_write_it(world, client_for, years):
    year = years[0]
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    response = client.post(url_for(world.school_a1), form_data(year, inset_days="31/02/2027\n1/9/2026"))
    assert response.context["sections"][0]["form"].errors == {
        "inset_days": [f"“31/02/2027” is not a date: write each INSET day as day/month/year, for example 1/9/{year}."]
    }
    assert not TermDates.objects.exists()


def test_tutor_returns_to_the_delivery_partners_dates(world, client_for, years):
    year = years[1]
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    client.post(url_for(world.school_a1), form_data(year))
    assert selectors.calendar_for(school=world.school_a1, academic_year=year).source == "school"
    response = client.post(url_for(world.school_a1), form_data(year, action="reset"), follow=True)
    assert "now follows the delivery partner&#x27;s term dates" in response.content.decode()
    assert not TermDates.objects.filter(school=world.school_a1).exists()
    assert selectors.calendar_for(school=world.school_a1, academic_year=year).source == "standard"


def test_headteacher_reads_but_cannot_amend(world, client_for, years):
    client = client_for(world.user(Role.HEADTEACHER))
    page = client.get(url_for(world.school_a1))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Amend the" not in html and "<form method=\"post\" novalidate" not in html
    assert "The school's induction tutor can amend these dates." in html
    assert client.post(url_for(world.school_a1), form_data(years[0])).status_code == 403
    assert client.post(url_for(world.school_a1), form_data(years[0], action="reset")).status_code == 403
    assert not TermDates.objects.exists()


@pytest.mark.parametrize("role", [Role.DP_ADMIN, Role.DP_STAFF])
def test_delivery_partner_staff_read_any_of_their_schools_dates(world, client_for, years, role):
    client = client_for(world.user(role))
    for school in (world.school_a1, world.school_a2):
        page = client.get(url_for(school))
        assert page.status_code == 200 and "Amend the" not in page.content.decode()
    assert client.post(url_for(world.school_a1), form_data(years[0])).status_code == 403
    assert client.get(url_for(world.school_b1)).status_code == 404


def test_others_get_404_before_403(world, client_for, years):
    # A tutor posting to another school's page, and an outsider: "not yours" is 404.
    tutor = client_for(world.user(Role.INDUCTION_TUTOR))
    assert tutor.post(url_for(world.school_a2), form_data(years[0])).status_code == 404
    assert tutor.post(url_for(world.school_b1), form_data(years[0])).status_code == 404
    assert not TermDates.objects.exists()


def test_delivery_partner_defaults_are_what_schools_without_their_own_show(world, client_for, years):
    year = years[0]
    dp = client_for(world.user(Role.DP_STAFF))
    defaults_url = reverse("schools:default_term_dates")
    page = dp.get(defaults_url)
    assert page.status_code == 200 and "Source: the standard pattern" in page.content.decode()
    first_day = standard_calendar(year).term(1).starts_on
    response = dp.post(defaults_url, form_data(year, inset_days=f"{first_day:%d/%m/%Y}"), follow=True)
    html = response.content.decode()
    assert f"The default term dates for {academic_year_label(year)} are saved" in html
    assert "Source: the delivery partner." in html
    assert TermDates.objects.filter(tenant=world.tenant_a, school__isnull=True, academic_year=year).count() == 3

    # A school of the tenant without its own dates now shows the delivery partner's.
    head = client_for(world.user(Role.HEADTEACHER))
    html = head.get(url_for(world.school_a1)).content.decode()
    assert "Delivery partner's dates" in html and "Source: the delivery partner." in html
    # Another tenant's school does not.
    assert selectors.calendar_for(school=world.school_b1, academic_year=year).source == "standard"


def test_delivery_partner_page_lists_schools_with_their_own_dates(world, client_for, years):
    for term in (1, 2, 3):
        TermDatesFactory(school=world.school_a2, academic_year=years[0], term=term)
    TermDatesFactory(school=world.school_b1, academic_year=years[0], term=1)
    html = client_for(world.user(Role.DP_ADMIN)).get(reverse("schools:default_term_dates")).content.decode()
    assert world.school_a2.name in html and world.school_b1.name not in html


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.DP_ADMIN, Role.DP_STAFF}))
def test_only_delivery_partner_staff_set_defaults(world, client_for, years, role):
    client = client_for(world.user(role))
    assert client.post(reverse("schools:default_term_dates"), form_data(years[0])).status_code == 403
    assert not TermDates.objects.exists()


def test_calendars_for_reads_any_number_of_years_in_the_same_queries(world, django_assert_num_queries):
    school = world.school_a1
    for year in (2026, 2027, 2028, 2029):
        for term in (1, 2, 3):
            TermDatesFactory(school=school, academic_year=year, term=term)
    with django_assert_num_queries(2):  # term dates, INSET days
        one = selectors.calendars_for(school=school, years=[2026])
    with django_assert_num_queries(2):
        four = selectors.calendars_for(school=school, years=[2026, 2027, 2028, 2029])
    assert one[2026] == four[2026]
    assert {c.source for c in four.values()} == {"school"}


def test_term_dates_page_queries_do_not_grow_with_saved_years(world, client_for, years, django_assert_max_num_queries):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    with django_assert_max_num_queries(12):
        client.get(url_for(world.school_a1))
    for year in years:
        for term in (1, 2, 3):
            TermDatesFactory(school=world.school_a1, academic_year=year, term=term)
            TermDatesFactory(school=None, tenant=world.tenant_a, academic_year=year, term=term)
    with django_assert_max_num_queries(12):
        client.get(url_for(world.school_a1))


def test_admin_corrections_follow_the_same_rules(world, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    add_url = reverse("admin:schools_termdates_add")
    autumn = {
        "school": world.school_a1.pk, "academic_year": "2026", "term": "1",
        "starts_on": "2026-09-02", "ends_on": "2026-12-18",
        "half_term_starts_on": "2026-10-26", "half_term_ends_on": "2026-10-30",
    }
    assert client.post(add_url, autumn).status_code == 302
    assert TermDates.objects.get(school=world.school_a1, term=1).tenant == world.tenant_a
    spring = {**autumn, "term": "2", "starts_on": "2026-12-01", "ends_on": "2027-03-26",
              "half_term_starts_on": "", "half_term_ends_on": ""}
    response = client.post(add_url, spring)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_on"] == [
        "The spring term starts on 1 December 2026, before the autumn term ends on 18 December 2026: terms run "
        "in order without overlapping, so choose a first day after 18 December 2026."
    ]
    assert not TermDates.objects.filter(term=2).exists()
    # The same term twice for the school is refused by the constraint.
    response = client.post(add_url, autumn)
    assert response.status_code == 200 and not response.context["adminform"].form.is_valid()
    assert TermDates.objects.filter(school=world.school_a1, term=1).count() == 1
