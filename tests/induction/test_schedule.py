"""The statutory schedule, hand-worked from the guidance's own cases.

Terms are the standard pattern (programme.schedule.standard_calendar): 2026-27 autumn
1 Sep - 18 Dec, spring 4 Jan - 25 Mar, summer 12 Apr - 21 Jul; 2027-28 autumn 1 Sep -
17 Dec, spring 3 Jan - 13 Apr, summer 1 May - 21 Jul; and so on.
"""

import datetime as dt
from types import SimpleNamespace

from induction.schedule import (
    ASSESSMENT,
    DONE,
    DUE,
    OVERDUE,
    REVIEW,
    UPCOMING,
    AbsenceFact,
    compute_schedule,
)
from programme.schedule import standard_calendar

D = dt.date
SEPTEMBER = D(2026, 9, 1)


def schedule(start=SEPTEMBER, fte="1.0", today=D(2026, 9, 1), **facts):
    return compute_schedule(start=start, base_fte=fte, calendar_for_year=standard_calendar, today=today, **facts)


def terms(s, kind):
    return [i.term for i in s.items if i.kind == kind]


def test_full_time_september_starter():
    s = schedule()
    assert terms(s, REVIEW) == [1, 2, 4, 5]
    assert terms(s, ASSESSMENT) == [3, 6]
    due = {(i.kind, i.term): i.due_on for i in s.items}
    # Each item falls due at the end of its term.
    assert due[(REVIEW, 1)] == D(2026, 12, 18)
    assert due[(REVIEW, 2)] == D(2027, 3, 25)
    assert due[(ASSESSMENT, 3)] == D(2027, 7, 21)
    assert due[(REVIEW, 4)] == D(2027, 12, 17)
    assert due[(REVIEW, 5)] == D(2028, 4, 13)
    assert due[(ASSESSMENT, 6)] == D(2028, 7, 21)
    assert s.expected_end == s.base_end == D(2028, 7, 21)
    assert s.extension.days == 0


def test_a_start_on_the_second_day_of_term_is_a_start_of_term():
    assert terms(schedule(start=D(2026, 9, 2)), REVIEW) == [1, 2, 4, 5]


def test_half_time_starter_serves_four_school_years_with_a_review_every_term():
    s = schedule(fte="0.5")
    assert terms(s, REVIEW) == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    # Part-time equivalents: three FTE terms after six school terms, six after twelve.
    assert terms(s, ASSESSMENT) == [6, 12]
    first, second = s.assessments
    assert first.due_on == D(2028, 7, 21)  # end of the second school year
    assert second.due_on == D(2030, 7, 19)  # end of the fourth school year
    assert s.expected_end == second.due_on
    assert len(s.items) == 12  # one item a term for twelve terms


def test_start_halfway_through_term_one_has_a_review_by_halfway_through_term_two():
    autumn, spring = standard_calendar(2026).terms[:2]
    midpoint = autumn.starts_on + (autumn.ends_on - autumn.starts_on) / 2
    s = schedule(start=midpoint)
    first = s.reviews[0]
    assert first.term == 1
    assert spring.starts_on < first.due_on < spring.ends_on
    halfway = spring.starts_on + (spring.ends_on - spring.starts_on) / 2
    assert abs((first.due_on - halfway).days) <= 1
    assert terms(s, REVIEW) == [1, 2, 4, 5]
    assert terms(s, ASSESSMENT) == [3, 6]
    # Year 1 ends halfway through the fourth school term (autumn 2027), the induction
    # halfway through the seventh (autumn 2028).
    assert s.assessments[0].school_term == "autumn term 2027"
    assert s.assessments[1].school_term == "autumn term 2028"


def test_35_days_of_sickness_extend_induction_by_35_days():
    sick = AbsenceFact("sickness", D(2027, 1, 11), D(2027, 2, 14))
    assert sick.days == 35
    s = schedule(absences=[sick])
    assert s.extension.days == 35
    assert s.base_end == D(2028, 7, 21)
    # Served in term time: 35 term days after 21 July 2028 is 5 October 2028.
    assert s.expected_end == D(2028, 10, 5)
    assert s.assessments[1].due_on == D(2028, 10, 5)
    # The term-6 review would fall less than a term before the moved assessment: dropped.
    assert terms(s, REVIEW) == [1, 2, 4, 5]
    assert "35 days" in s.extension.reasons[0]


def test_29_days_of_absence_do_not_extend():
    s = schedule(absences=[AbsenceFact("sickness", D(2027, 1, 11), D(2027, 2, 8))])
    assert s.extension.days == 0 and s.absence_days == 29
    assert s.expected_end == D(2028, 7, 21)


def test_absences_are_aggregated():
    s = schedule(absences=[AbsenceFact("sickness", D(2027, 1, 11), D(2027, 1, 30)),
                           AbsenceFact("other", D(2027, 5, 3), D(2027, 5, 12))])
    assert s.extension.days == 30


def test_60_days_of_statutory_maternity_leave_without_a_request_do_not_extend():
    leave = AbsenceFact("maternity", D(2027, 4, 12), D(2027, 6, 10))
    assert leave.days == 60
    s = schedule(absences=[leave])
    assert s.extension.days == 0
    assert s.expected_end == D(2028, 7, 21)
    assert "not counted" in s.extension.reasons[0]


def test_60_days_of_statutory_maternity_leave_with_a_request_extend_by_60_days():
    leave = AbsenceFact("maternity", D(2027, 4, 12), D(2027, 6, 10), extends_induction=True)
    s = schedule(absences=[leave])
    assert s.extension.days == 60
    assert s.expected_end > D(2028, 10, 5)


def test_a_review_falling_in_an_absence_moves_to_the_return():
    away = AbsenceFact("sickness", D(2026, 12, 1), D(2026, 12, 20))  # 20 days: no extension
    s = schedule(absences=[away])
    first = s.reviews[0]
    assert first.moved_from == D(2026, 12, 18)
    assert first.due_on == D(2027, 1, 4)  # the first term day after the absence
    assert s.extension.days == 0


def test_an_assessment_is_not_made_while_the_ect_is_absent():
    away = AbsenceFact("maternity", D(2027, 7, 1), D(2027, 9, 30))
    s = schedule(absences=[away])
    assert s.assessments[0].moved_from == D(2027, 7, 21)
    assert s.assessments[0].due_on == D(2027, 10, 1)


def test_working_pattern_change_counts_terms_by_fte():
    # Full time for year 1, then 0.5: the second three FTE terms take six school terms.
    s = schedule(changes=[(D(2027, 9, 1), "0.5")])
    assert terms(s, ASSESSMENT) == [3, 9]
    assert terms(s, REVIEW) == [1, 2, 4, 5, 6, 7, 8]


def test_a_review_less_than_a_term_before_an_assessment_is_not_needed():
    # 0.8 FTE: three FTE terms are served three quarters of the way through term 4, so
    # the term-3 review (end of term 3) is less than a term before it: only the assessment.
    s = schedule(fte="0.8")
    first = s.assessments[0]
    assert first.term == 4
    assert 3 not in terms(s, REVIEW)
    assert terms(s, REVIEW)[:2] == [1, 2]


def test_status_from_records_and_today():
    review_1 = SimpleNamespace(term=1, held_on=D(2026, 12, 10))
    s = schedule(reviews=[review_1], today=D(2027, 3, 1))
    status = {(i.kind, i.term): i.status for i in s.items}
    assert status[(REVIEW, 1)] == DONE
    assert status[(REVIEW, 2)] == DUE  # 24 days before 25 March
    assert status[(ASSESSMENT, 3)] == UPCOMING
    later = schedule(reviews=[review_1], today=D(2027, 4, 1))
    assert {(i.kind, i.term): i.status for i in later.items}[(REVIEW, 2)] == OVERDUE
    assert later.next_item.term == 2


def test_terms_served_counted_by_fte():
    assert schedule(today=D(2027, 3, 25)).terms_served == 2
    assert schedule(fte="0.5", today=D(2027, 7, 21)).terms_served == 1.5
