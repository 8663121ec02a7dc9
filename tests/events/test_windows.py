"""Standard delivery windows (events.windows) and the seed_delivery_windows command.

Hand-worked: an academic year runs from August; months September to December fall in
its first calendar year, January to July in the next. For 2026-27 the half-terms'
standard windows are:
  autumn 1  1 Sep 2026 - 31 Oct 2026      spring 2  21 Feb 2027 - 31 Mar 2027
  autumn 2  1 Nov 2026 - 20 Dec 2026      summer 1   1 Apr 2027 - 31 May 2027
  spring 1  3 Jan 2027 - 20 Feb 2027      summer 2   1 Jun 2027 - 22 Jul 2027
and, for an event the programme places in a term but no half-term, the whole term:
  autumn 1 Sep - 20 Dec 2026, spring 3 Jan - 31 Mar 2027, summer 1 Apr - 22 Jul 2027.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import DeliveryWindow
from events.windows import ensure_delivery_windows, standard_window
from programme.models import EventTemplate, Term

D = dt.date


def event_in(season, half_term=""):
    """An (unsaved) event of a term of that season, in that half-term."""
    return EventTemplate(half_term=half_term, term=Term(season=season))


@pytest.mark.parametrize("season, half_term, opens_on, closes_on", [
    ("autumn", "autumn_1", D(2026, 9, 1), D(2026, 10, 31)),
    ("autumn", "autumn_2", D(2026, 11, 1), D(2026, 12, 20)),
    ("spring", "spring_1", D(2027, 1, 3), D(2027, 2, 20)),
    ("spring", "spring_2", D(2027, 2, 21), D(2027, 3, 31)),
    ("summer", "summer_1", D(2027, 4, 1), D(2027, 5, 31)),
    ("summer", "summer_2", D(2027, 6, 1), D(2027, 7, 22)),
])
def test_standard_window_of_each_half_term_in_2026_27(season, half_term, opens_on, closes_on):
    assert standard_window(event_in(season, half_term), 2026) == (opens_on, closes_on)


@pytest.mark.parametrize("season, opens_on, closes_on", [
    ("autumn", D(2026, 9, 1), D(2026, 12, 20)),
    ("spring", D(2027, 1, 3), D(2027, 3, 31)),
    ("summer", D(2027, 4, 1), D(2027, 7, 22)),
])
def test_standard_window_of_a_term_without_half_term(season, opens_on, closes_on):
    assert standard_window(event_in(season), 2026) == (opens_on, closes_on)


def test_standard_window_of_a_later_year_moves_with_it():
    assert standard_window(event_in("autumn", "autumn_2"), 2027) == (D(2027, 11, 1), D(2027, 12, 20))
    assert standard_window(event_in("spring", "spring_1"), 2027) == (D(2028, 1, 3), D(2028, 2, 20))


def windows():
    return {
        (w.event.code, w.academic_year): (w.opens_on, w.closes_on)
        for w in DeliveryWindow.objects.select_related("event")
    }


@pytest.mark.django_db
def test_ensure_delivery_windows_adds_only_the_missing_windows_and_leaves_a_corrected_one_alone(events):
    # The world's 2026 windows are corrections (1 Sep 2026 to 23 Jul 2027), not the standard ones.
    corrected = (D(2026, 9, 1), D(2027, 7, 23))

    made = ensure_delivery_windows([2026, 2027])

    assert made == 2
    assert windows() == {
        ("ECT-CLINIC-1", 2026): corrected,
        ("MENTOR-CONF-1", 2026): corrected,
        ("ECT-CLINIC-1", 2027): (D(2027, 11, 1), D(2027, 12, 20)),  # autumn 2
        ("MENTOR-CONF-1", 2027): (D(2027, 9, 1), D(2027, 10, 31)),  # autumn 1
    }
    assert ensure_delivery_windows([2026, 2027]) == 0


@pytest.mark.django_db
def test_ensure_delivery_windows_for_some_events_only(events):
    assert ensure_delivery_windows([2027, 2028], events=[events.clinic]) == 2

    assert sorted(k for k in windows() if k[0] == "ECT-CLINIC-1") == [
        ("ECT-CLINIC-1", 2026), ("ECT-CLINIC-1", 2027), ("ECT-CLINIC-1", 2028),
    ]
    assert ("MENTOR-CONF-1", 2027) not in windows()


@pytest.mark.django_db
def test_seed_delivery_windows_command(events):
    out = StringIO()

    call_command("seed_delivery_windows", "2027", stdout=out)
    call_command("seed_delivery_windows", "2026", "2027", stdout=out)

    assert out.getvalue() == "delivery windows added: 2\ndelivery windows added: 0\n"
    assert windows()[("ECT-CLINIC-1", 2027)] == (D(2027, 11, 1), D(2027, 12, 20))


@pytest.mark.django_db
def test_seed_delivery_windows_refuses_a_year_that_is_not_an_academic_year(events):
    before = windows()

    with pytest.raises(CommandError) as caught:
        call_command("seed_delivery_windows", "2027", "26", stdout=StringIO())

    assert str(caught.value) == "26 is not an academic year: give its first calendar year, e.g. 2026."
    assert windows() == before


@pytest.mark.django_db
def test_a_year_given_twice_is_added_once(events):
    out = StringIO()

    call_command("seed_delivery_windows", "2027", "2027", stdout=out)

    assert out.getvalue() == "delivery windows added: 2\n"
    assert DeliveryWindow.objects.filter(academic_year=2027).count() == 2
