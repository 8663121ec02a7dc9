"""The pages the bench measures, and their time budgets (bench/README.md).

A ``PageCase`` names a page, how to reach it in a generated tenant and as whom:

- ``url(ctx)`` returns the path to GET in that tenant (``ctx`` is a
  ``bench.generate.TenantContext``);
- ``user(ctx)`` returns the person signed in for it (``ctx.user("ect")``...);
- ``budget_ratio`` is the most the page's median time at LARGE may be, as a multiple of
  the baseline page's median time in the same run; ``None`` reports without a budget;
- ``scope`` says what the page covers: ``"school"`` (one school: the focus school with
  30 ECTs) or ``"tenant"`` (the whole delivery partner).

Every case is measured at SMALL and at LARGE; its SQL query count must not grow between
them, budget or not.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PageCase:
    name: str
    url: Callable
    user: Callable
    budget_ratio: float | None = None
    scope: str = "school"

    def __post_init__(self):
        if self.scope not in ("school", "tenant"):
            raise ValueError(f"{self.name}: scope must be 'school' or 'tenant', not {self.scope!r}")
        if self.budget_ratio is not None and self.budget_ratio <= 0:
            raise ValueError(f"{self.name}: budget_ratio must be positive or None")


PAGES = []


def register(case):
    if any(existing.name == case.name for existing in PAGES):
        raise ValueError(f"page case {case.name} is registered twice")
    PAGES.append(case)
    return case


def signed_in_as(key):
    """A ``user`` factory: the generated person recorded under ``key``."""
    return lambda ctx: ctx.user(key)


def path(name, *args):
    """A ``url`` factory for a fixed URL name (args may be callables of the context)."""
    return lambda ctx: reverse(name, args=[arg(ctx) if callable(arg) else arg for arg in args])


def focus_school_id(ctx):
    return ctx.focus_school_id


# --- Home pages, one per role -----------------------------------------------------------

register(PageCase("ect_home", path("home"), signed_in_as("ect"), budget_ratio=5, scope="school"))
register(PageCase("mentor_home", path("home"), signed_in_as("mentor"), budget_ratio=5, scope="school"))
register(
    PageCase("induction_tutor_home", path("home"), signed_in_as("induction_tutor"), budget_ratio=8, scope="school")
)
register(PageCase("headteacher_home", path("home"), signed_in_as("headteacher"), scope="school"))
# The delivery partner's home lists every school of the tenant with its counts.
register(PageCase("dp_staff_home", path("home"), signed_in_as("dp_staff"), scope="tenant"))
register(PageCase("facilitator_home", path("home"), signed_in_as("facilitator"), scope="tenant"))
register(PageCase("coach_home", path("home"), signed_in_as("coach"), scope="tenant"))

# --- Schools ----------------------------------------------------------------------------

register(
    PageCase(
        "school_page",
        path("schools:detail", focus_school_id),
        signed_in_as("induction_tutor"),
        budget_ratio=8,
        scope="school",
    )
)
# The prototype of the delivery partner's cross-school report.
register(PageCase("dp_school_list", path("schools:list"), signed_in_as("dp_staff"), budget_ratio=40, scope="tenant"))

# --- Self-study (issue #4) ----------------------------------------------------------------
# Measured on the pinned date bench.TODAY (23 November 2026): year-1 ECTs are in the
# autumn term of year 1, year-2 ECTs in the autumn term of year 2.


def extra(key):
    return lambda ctx: ctx.extra[key]


# The ECT's own checklist: the focus school's first ECT, in year 1.
register(PageCase("ect_checklist", path("self_study:mine"), signed_in_as("ect"), budget_ratio=5, scope="school"))
# The same page for a year-2 ECT of the focus school: a whole year-1 path behind them.
register(PageCase("ect_checklist_year2", path("self_study:mine"), signed_in_as("ect_year2"), scope="school"))
# The year-1 ECT's path, read-only, as their mentor sees it.
register(
    PageCase(
        "ect_path_as_mentor",
        path("self_study:ect", extra("focus_ect_id")),
        signed_in_as("focus_ect_mentor"),
        scope="school",
    )
)
# Every ECT of the focus school (30, half in each year) against their own schedule.
register(
    PageCase(
        "course_progress",
        path("self_study:course_progress", focus_school_id),
        signed_in_as("induction_tutor"),
        budget_ratio=8,
        scope="school",
    )
)
# The mentor's own programme (the 2026-28 mentor programme: no self-study modules).
register(PageCase("mentor_programme", path("self_study:mentor_programme"), signed_in_as("mentor"), scope="school"))

# --- Participants (issue #5) ---------------------------------------------------------------
# The induction tutor's list of the focus school's ECTs and mentors with their statuses,
# mentors, onboarding deadlines and prompts; and one ECT's page with its history. Not
# cached yet: budgets set from the first measurement (about 51x and 31x, 18 and 19
# queries at both sizes), so that they guard against growth; caching them is the next
# step if they are used as often as the homes.
register(
    PageCase(
        "participant_list",
        path("participants:school", focus_school_id),
        signed_in_as("induction_tutor"),
        budget_ratio=60,
        scope="school",
    )
)
register(
    PageCase(
        "ect_person_page",
        path("participants:ect", extra("focus_ect_id")),
        signed_in_as("induction_tutor"),
        budget_ratio=36,
        scope="school",
    )
)

# --- Coaching (issue #6) -------------------------------------------------------------------
# "My week" for the focus ECT's mentor (their ECTs' cycles, steps and flags); the
# induction tutor's coaching overview of the focus school (30 ECTs, each with their
# cycles from September, two years of them for year-2 ECTs); and the coaching record of
# the focus school's year-2 ECT (a timeline of two years of observations and meetings).
# Budgets from the first measurements (about 20x, 60x and 57x against a 1 ms baseline;
# 14, 15 and 17 queries at both sizes), with a quarter's headroom.
register(
    PageCase(
        "coaching_my_week", path("coaching:my_week"), signed_in_as("focus_ect_mentor"), budget_ratio=25, scope="school"
    )
)
register(
    PageCase(
        "coaching_overview",
        path("coaching:school_overview", focus_school_id),
        signed_in_as("induction_tutor"),
        budget_ratio=75,
        scope="school",
    )
)
register(
    PageCase(
        "coaching_ect_record",
        path("coaching:ect_record", extra("focus_ect_year2_id")),
        signed_in_as("induction_tutor"),
        budget_ratio=70,
        scope="school",
    )
)

# --- Conferences and clinics (issue #7) -------------------------------------------------------
# The focus ECT's events of 2026-27 with their state (attended, booked, to book); the
# sessions of a spring clinic they have still to book (every session of the event open to
# their school: about one per 30 people expected, so this list grows with the tenant);
# the focus school's schedule for its induction tutor (who attends what, for cover); and
# the register of the focus school's own sitting of the autumn clinic (13 people, marked)
# as its facilitator. Budgets in line with the project's other uncached pages of the same
# kind: a participant's own page below the mentor's My week (20x: no cache, every event's
# state computed), the booking choice 30x (it lists the tenant's sessions of the event),
# the school's schedule below the coaching overview (60x: every ECT and mentor of a
# 30-ECT school against every event of the year), the register 15x (a radio group per
# booked person). Measured at LARGE on 6 Dec 2026: 14x, 24x, 37x, 11x. Query counts
# must not grow.
register(PageCase("events_my_events", path("events:my_events"), signed_in_as("ect"), budget_ratio=20, scope="school"))
register(
    PageCase(
        "events_choose_session",
        path("events:choose_session", extra("focus_ect_event_id")),
        signed_in_as("ect"),
        budget_ratio=30,
        scope="tenant",
    )
)
register(
    PageCase(
        "events_school_schedule",
        path("events:school_schedule", focus_school_id),
        signed_in_as("induction_tutor"),
        budget_ratio=60,
        scope="school",
    )
)
register(
    PageCase(
        "events_register",
        path("events:register", extra("register_session_id")),
        signed_in_as("facilitator"),
        budget_ratio=15,
        scope="school",
    )
)

# --- Dashboards and reports (issue #8) --------------------------------------------------------
# The induction tutor's dashboard of the focus school (30 ECTs, 25 mentors): its body is
# cached under the tenant's engagement generations (ectalign.caching), so warm runs hit
# the cache ("Warm and cold" above); the budget is 8x. The delivery partner's
# reports compare every school (300 at LARGE) and every cohort from the engagement
# snapshots the generator records (one GROUP BY query a table); the budget is 40x.
register(
    PageCase(
        "tutor_dashboard",
        path("dashboard:school", focus_school_id),
        signed_in_as("induction_tutor"),
        budget_ratio=8,
        scope="school",
    )
)
register(
    PageCase(
        "partner_report", path("partner_reports:schools"), signed_in_as("dp_staff"), budget_ratio=40, scope="tenant"
    )
)
register(
    PageCase(
        "partner_report_cohorts", path("partner_reports:cohorts"), signed_in_as("dp_staff"), budget_ratio=40,
        scope="tenant",
    )
)
