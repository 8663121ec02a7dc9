"""Saving the standard timetable and each ECT's term figures: bad input is refused with a
message a teacher can act on, beside the field it concerns, and nothing is written."""

from decimal import Decimal

import pytest

from reporting import services
from reporting.models import ECTTermTimetable, StandardTimetable
from reporting.release_time import TermRef
from reporting.services import ReleaseTimeError, TermFigures
from schools.models import Role
from tests.reporting.conftest import AUTUMN_2026

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("release_today")]

D = Decimal


@pytest.fixture
def tutor(world):
    return world.people[Role.INDUCTION_TUTOR]


def _record(world, tutor, *, standard="22.5", term=AUTUMN_2026, **figures):
    ect = figures.pop("ect", world.ects["own"])
    values = {k: (D(v) if v is not None else None) for k, v in figures.items()}
    return services.record_term(
        actor=tutor, school=world.school_a1, term=term, standard_hours=D(standard) if standard is not None else None,
        figures=[TermFigures(ect=ect, **values)],
    )


def _nothing_written():
    return not StandardTimetable.objects.exists() and not ECTTermTimetable.objects.exists()


def test_the_standard_timetable_and_an_ects_figures_are_saved_with_who_saved_them(world, tutor):
    standard, (row,) = _record(world, tutor, fte="0.6", teaching_hours="12.15", mentor_hours="1")

    assert standard.hours == D("22.50") and standard.academic_year == 2026
    assert (row.fte, row.teaching_hours, row.mentor_hours) == (D("0.60"), D("12.15"), D("1.00"))
    assert (row.academic_year, row.term, row.school) == (2026, 1, world.school_a1)
    assert row.recorded_by == tutor and row.history.first().history_user == tutor


def test_saving_the_same_figures_again_adds_no_history(world, tutor):
    _record(world, tutor, fte="1", teaching_hours="20")
    _record(world, tutor, fte="1", teaching_hours="20")
    assert ECTTermTimetable.objects.get().history.count() == 1
    _record(world, tutor, fte="1", teaching_hours="19.5")
    assert ECTTermTimetable.objects.get().history.count() == 2


def test_emptying_an_ects_figures_removes_them(world, tutor):
    _record(world, tutor, fte="1", teaching_hours="20")
    _record(world, tutor, fte="1", teaching_hours=None, mentor_hours=None)
    assert not ECTTermTimetable.objects.exists()
    assert StandardTimetable.objects.count() == 1


@pytest.mark.parametrize(
    "standard,message",
    [
        ("0", "The standard timetable cannot be 0 hours: enter the teaching hours a week of a full-time "
              "main-pay-range teacher at the school, for example 22.5."),
        ("45", "45 hours is more than 40 hours a week: enter a week's timetabled teaching, not a fortnight's or a "
               "term's."),
        ("-3", "The standard timetable cannot be less than 0"),
        (None, "Enter the standard timetable: the teaching hours a week of a full-time main-pay-range teacher"),
        ("22.555", "Enter the standard timetable to at most 2 decimal places, for example 22.5."),
    ],
)
def test_a_standard_timetable_of_zero_or_more_than_a_weeks_hours_is_refused(world, tutor, standard, message):
    with pytest.raises(ReleaseTimeError) as refused:
        _record(world, tutor, standard=standard, fte="1", teaching_hours="20")
    assert list(refused.value.errors) == ["standard_hours"]
    assert refused.value.errors["standard_hours"][0].startswith(message)
    assert _nothing_written()


@pytest.mark.parametrize("fte", ["0", "1.5", "-0.2", "1.01"])
def test_an_fte_outside_zero_to_one_is_refused(world, tutor, fte):
    ect = world.ects["own"]
    with pytest.raises(ReleaseTimeError) as refused:
        _record(world, tutor, fte=fte, teaching_hours="20")
    assert refused.value.errors == {
        f"ect-{ect.pk}-fte": [
            f"An FTE is more than 0 and at most 1: enter {ect.user.full_name}'s share of a full-time timetable this "
            "term, for example 1 for full time or 0.6 for three days a week."
        ]
    }
    assert _nothing_written()


def test_a_missing_fte_is_refused(world, tutor):
    with pytest.raises(ReleaseTimeError, match="Enter A Early career teacher's FTE this term"):
        _record(world, tutor, fte=None, teaching_hours="20")
    assert _nothing_written()


def test_teaching_hours_beyond_a_week_and_a_terms_mentor_time_are_refused(world, tutor):
    ect = world.ects["own"]
    with pytest.raises(ReleaseTimeError) as refused:
        _record(world, tutor, fte="1", teaching_hours="41", mentor_hours="12")
    errors = refused.value.errors
    assert errors[f"ect-{ect.pk}-teaching_hours"] == [
        "41 hours is more than 40 hours a week: enter the hours a week they are timetabled to teach, not a "
        "fortnight's or a term's."
    ]
    assert errors[f"ect-{ect.pk}-mentor_hours"] == [
        "12 hours is more than 10 hours a week: enter the mentor time as hours a week on average; if that is the "
        "term's total, divide it by the number of teaching weeks (the autumn term has 15 teaching weeks)."
    ]
    assert _nothing_written()


@pytest.mark.parametrize(
    "term,message",
    [
        (TermRef(2015, 1), "The autumn term 2015 to 2016 is not in Alder Primary's calendar here: choose one of its "
                           "terms from 2023-autumn to 2027-summer."),
        ("2026-winter", "'2026-winter' is not a term: give it as 2026-autumn, 2026-spring or 2026-summer"),
    ],
)
def test_a_term_not_in_the_schools_calendar_is_refused(world, tutor, term, message):
    with pytest.raises(ReleaseTimeError) as refused:
        _record(world, tutor, term=term, fte="1", teaching_hours="20")
    assert refused.value.errors["term"][0].startswith(message)
    assert _nothing_written()


def test_an_ect_of_another_school_is_refused_and_nothing_is_written(world, tutor):
    sibling = world.ects["sibling"]
    with pytest.raises(ReleaseTimeError) as refused:
        services.record_ect_term(
            actor=tutor, school=world.school_a1, term="2026-autumn",
            figures=TermFigures(ect=sibling, fte=D("1"), teaching_hours=D("20")),
        )
    assert refused.value.errors == {"ect": [
        f"{sibling.user.get_full_name() or 'This ECT'} is not at Alder Primary in the autumn term 2026 to 2027: "
        "record their figures at the school where they taught that term."
    ]}
    with pytest.raises(ReleaseTimeError):
        _record(world, tutor, ect=world.ects["other"], fte="1", teaching_hours="20")
    assert _nothing_written()


def test_one_bad_figure_among_good_ones_writes_nothing(world, tutor, add_ect):
    second = add_ect("Sam Second")
    with pytest.raises(ReleaseTimeError) as refused:
        services.record_term(
            actor=tutor, school=world.school_a1, term=AUTUMN_2026, standard_hours=D("22.5"),
            figures=[
                TermFigures(ect=world.ects["own"], fte=D("1"), teaching_hours=D("20")),
                TermFigures(ect=second, fte=D("2"), teaching_hours=D("20")),
            ],
        )
    assert list(refused.value.errors) == [f"ect-{second.pk}-fte"]
    assert _nothing_written()


def test_set_standard_timetable_refuses_a_year_outside_the_calendar(world, tutor):
    with pytest.raises(ReleaseTimeError, match="2035 to 2036 is not in Alder Primary's calendar here"):
        services.set_standard_timetable(actor=tutor, school=world.school_a1, academic_year=2035, hours=D("22.5"))
    row = services.set_standard_timetable(actor=tutor, school=world.school_a1, academic_year=2026, hours=D("23"))
    assert row.hours == D("23")
