"""Standard delivery windows: where the lead provider has published no dates, an event
runs within its half-term (or its term, when the programme names no half-term). The
windows are global rows (``events.DeliveryWindow``) that platform staff may correct in
the admin; ``ensure_delivery_windows`` only adds the missing ones, so corrections stay.
"""

import datetime as dt

from events.models import DeliveryWindow
from programme.models import EventTemplate

# (first month, first day), (last month, last day), by half-term and by season.
HALF_TERM_SPANS = {
    "autumn_1": ((9, 1), (10, 31)),
    "autumn_2": ((11, 1), (12, 20)),
    "spring_1": ((1, 3), (2, 20)),
    "spring_2": ((2, 21), (3, 31)),
    "summer_1": ((4, 1), (5, 31)),
    "summer_2": ((6, 1), (7, 22)),
}
SEASON_SPANS = {
    "autumn": ((9, 1), (12, 20)),
    "spring": ((1, 3), (3, 31)),
    "summer": ((4, 1), (7, 22)),
}


def _day(academic_year, month, day):
    return dt.date(academic_year if month >= 8 else academic_year + 1, month, day)


def standard_window(event, academic_year):
    """(opens_on, closes_on) of the event's standard window in an academic year."""
    (m1, d1), (m2, d2) = HALF_TERM_SPANS.get(event.half_term) or SEASON_SPANS[event.term.season]
    return _day(academic_year, m1, d1), _day(academic_year, m2, d2)


def ensure_delivery_windows(academic_years, events=None):
    """Add the standard window of every event (or of ``events``) for each academic year
    that has none yet. Returns the number of windows made."""
    events = list(events if events is not None else EventTemplate.objects.select_related("term"))
    have = set(DeliveryWindow.objects.values_list("event_id", "academic_year"))
    new = []
    for year in academic_years:
        for event in events:
            if (event.pk, year) in have:
                continue
            have.add((event.pk, year))  # a year (or an event) given twice is added once
            opens_on, closes_on = standard_window(event, year)
            new.append(DeliveryWindow(event=event, academic_year=year, opens_on=opens_on, closes_on=closes_on))
    DeliveryWindow.objects.bulk_create(new)
    return len(new)
