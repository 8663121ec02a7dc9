"""The induction tutor's weekly dashboard, assembled from the engagement selector: the
rows of the school's grid, the action list (each reason linked to the page where its
cause is), and the term's trend. No rule lives here: ``reporting.engagement`` judges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from programme.schedule import academic_year_of
from reporting import engagement
from schools.selectors import calendar_for

MAX_TREND_WEEKS = 16


@dataclass(frozen=True)
class Action:
    result: engagement.Engagement
    reason: engagement.Reason
    url: str


def term_start(school, on):
    """The first day of the school's term holding ``on`` (or of the last term before it,
    in a holiday); the start of the academic year when no term has begun."""
    calendar = calendar_for(school=school, academic_year=academic_year_of(on))
    begun = [t for t in calendar.terms if t.starts_on <= on]
    return begun[-1].starts_on if begun else dt.date(academic_year_of(on), 9, 1)


def week_ends(start, on):
    """The Fridays from the first week of the period to ``on`` (``on`` itself last when it
    is not a Friday), at most MAX_TREND_WEEKS of them."""
    friday = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    days = []
    while friday < on:
        days.append(friday)
        friday += dt.timedelta(days=7)
    days.append(on)
    return days[-MAX_TREND_WEEKS:]


def cause_url(school, result, reason):
    """Where the cause of a reason is shown."""
    record = result.record
    if result.kind == "ect":
        return {
            "self_study": reverse("self_study:ect", args=[record.pk]),
            "coaching": reverse("coaching:ect_record", args=[record.pk]),
            "events": reverse("events:school_schedule", args=[school.pk]),
            "mentor": reverse("participants:ect", args=[record.pk]),
        }.get(reason.area, person_url(school, result))
    return {
        "coaching": reverse("coaching:school_overview", args=[school.pk]),
        "events": reverse("events:school_schedule", args=[school.pk]),
        "mentor": reverse("participants:mentor", args=[record.pk]),
    }.get(reason.area, person_url(school, result))


def person_url(school, result):
    name = "dashboard:ect" if result.kind == "ect" else "dashboard:mentor"
    return reverse(name, args=[school.pk, result.record.pk])


def actions(school, results):
    """Every reason to act or check, the most urgent first, each with its link."""
    found = [
        Action(result, reason, cause_url(school, result, reason))
        for result in results if result.level != engagement.PAUSED
        for reason in result.reasons
    ]
    return sorted(found, key=lambda a: (engagement.LEVEL_ORDER[a.reason.level], a.result.name.lower()))


def sort_rows(results):
    return sorted(results, key=lambda r: (r.kind != "ect", engagement.LEVEL_ORDER[r.level], r.name.lower()))
