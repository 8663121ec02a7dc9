"""Synthetic tenants for the benchmark, built once and cached (bench/README.md).

Two delivery partners are generated into one database: SMALL and LARGE = 10 x SMALL.
Each has a "focus school" with exactly 30 ECTs and 25 mentors, identical in both
tenants, so a school-level page shows the same content at both sizes and only the
tenant around it grows.

Generation is an ordered list of steps (``STEPS``). Each step is a function taking the
``Build`` of one tenant; steps run in registration order, tenant by tenant, inside one
transaction with tenant scopes disabled. A feature issue appends its own steps with
``@step`` (after the ones it depends on) and records in ``build.context`` whatever its
page cases need to find (ids, counts). Changing this file rebuilds the cache; bump
``GENERATOR_VERSION`` when a change in another file should force a rebuild.

Data that depends on the date (self-study completions) is made as of ``bench.TODAY``,
the date every measured request sees (``bench.pin_today``).
"""

import datetime as dt
import json
import random
import time
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django_scopes import scopes_disabled

from bench import TODAY, HarnessError

GENERATOR_VERSION = 3

META_TABLE = "bench_meta"
BENCH_PASSWORD = "bench-password-not-secret"
EMAIL_DOMAIN = "bench.ectalign.test"
BATCH_SIZE = 500
COMPLETION_BATCH_SIZE = 2000


# --- Tenant sizes -----------------------------------------------------------------


@dataclass(frozen=True)
class TenantSpec:
    size: str  # "small" or "large": the key of the tenant everywhere in the bench
    schools: int
    ects: int
    mentors: int
    dp_admins: int
    dp_staff: int
    facilitators: int
    coaches: int
    # The focus school: the school the school-level budgets are stated for.
    focus_ects: int = 30
    focus_mentors: int = 25

    def scaled(self, size, factor):
        return replace(
            self,
            size=size,
            schools=self.schools * factor,
            ects=self.ects * factor,
            mentors=self.mentors * factor,
            dp_admins=self.dp_admins * factor,
            dp_staff=self.dp_staff * factor,
            facilitators=self.facilitators * factor,
            coaches=self.coaches * factor,
        )


SMALL = TenantSpec("small", schools=30, ects=300, mentors=250, dp_admins=1, dp_staff=2, facilitators=2, coaches=2)
LARGE = SMALL.scaled("large", 10)
SPECS = (SMALL, LARGE)
SIZES = tuple(spec.size for spec in SPECS)


# --- What the pages get ---------------------------------------------------------------


@dataclass
class TenantContext:
    """What a page case knows about one generated tenant (persisted as JSON).

    ``users`` maps a key ("ect", "mentor", "induction_tutor", "headteacher",
    "dp_admin", "dp_staff", "facilitator", "coach", or any key a later step records)
    to a user id; ``counts`` holds how many of each thing were made; ``extra`` is free
    for later steps (ids of records their pages open)."""

    size: str
    tenant_id: int = 0
    focus_school_id: int = 0
    users: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def user(self, key):
        from django.contrib.auth import get_user_model

        with scopes_disabled():
            return get_user_model().objects.get(pk=self.users[key])

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        return cls(**data)


# --- Building -------------------------------------------------------------------------


class Build:
    """The state of one tenant's generation, handed to every step."""

    def __init__(self, spec, password_hash, shared=None):
        self.spec = spec
        self.size = spec.size
        self.rng = random.Random(f"ectalign-bench-{GENERATOR_VERSION}-{spec.size}")
        self.password_hash = password_hash
        self.slug = f"bench-{spec.size}"
        self.tenant = None
        self.schools = []  # focus school first
        self.focus_school = None
        self.context = TenantContext(size=spec.size)
        self.data = {}  # shared between steps, not persisted
        self.shared = shared if shared is not None else {}  # shared between tenants (global rows)
        self._serial = 0

    def full_name(self):
        from schools.demo import FIRST_NAMES, LAST_NAMES

        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def make_users(self, prefix, count):
        """``count`` new people (bulk-created), e-mail ``<prefix><n>@<tenant>.<domain>``,
        all with the one precomputed password hash."""
        import factory

        from ectalign.factories import UserFactory

        users = []
        for _ in range(count):
            self._serial += 1
            users.append(
                UserFactory.build(
                    email=f"{prefix}{self._serial}@{self.slug}.{EMAIL_DOMAIN}",
                    full_name=self.full_name(),
                    password=factory.Transformer.Force(self.password_hash),
                )
            )
        return self.bulk(users)

    def make_memberships(self, role, pairs):
        """Memberships of ``role`` for ``(user, school_or_None)`` pairs (bulk-created)."""
        from schools.factories import MembershipFactory

        return self.bulk(
            [MembershipFactory.build(user=user, school=school, tenant=self.tenant, role=role) for user, school in pairs]
        )

    def bulk(self, objects):
        if not objects:
            return []
        model = type(objects[0])
        return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)

    def record_user(self, key, user):
        self.context.users[key] = user.pk

    def count(self, key, value):
        self.context.counts[key] = self.context.counts.get(key, 0) + value


def spread(total, buckets):
    """``total`` items over ``buckets`` as evenly as possible (first buckets get more)."""
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


# --- Steps ----------------------------------------------------------------------------

STEPS = []


def step(function):
    """Register a generator step (they run in registration order)."""
    if any(s.__name__ == function.__name__ for s in STEPS):
        raise ValueError(f"generator step {function.__name__} is registered twice")
    STEPS.append(function)
    return function


@step
def tenant_and_schools(build):
    from schools.factories import SchoolFactory, TenantFactory
    from schools.models import School, Tenant

    spec = build.spec
    build.tenant = TenantFactory.create(
        name=f"Bench {spec.size.title()} Delivery Partner", slug=build.slug, kind=Tenant.Kind.LOCAL_AUTHORITY
    )
    build.context.tenant_id = build.tenant.pk
    phases = [School.Phase.PRIMARY] * 6 + [School.Phase.SECONDARY] * 3 + [School.Phase.SPECIAL]
    types = [School.Type.MAINTAINED] * 5 + [School.Type.ACADEMY] * 4 + [School.Type.INDEPENDENT]
    schools = []
    for index in range(spec.schools):
        name = "Focus Bench School" if index == 0 else f"Bench School {index:04d}"
        schools.append(
            SchoolFactory.build(
                tenant=build.tenant,
                urn=f"{100000 + index:06d}",
                name=name,
                phase=build.rng.choice(phases),
                type=build.rng.choice(types),
            )
        )
    build.schools = build.bulk(schools)
    build.focus_school = build.schools[0]
    build.context.focus_school_id = build.focus_school.pk
    build.count("schools", len(build.schools))


@step
def school_leaders(build):
    """One induction tutor and one headteacher per school."""
    from schools.models import Role

    leaders = ((Role.INDUCTION_TUTOR, "tutor", "induction_tutor"), (Role.HEADTEACHER, "head", "headteacher"))
    for role, prefix, key in leaders:
        users = build.make_users(prefix, len(build.schools))
        build.make_memberships(role, zip(users, build.schools, strict=True))
        build.record_user(key, users[0])  # the focus school's
        build.count(key, len(users))


@step
def ects(build):
    """The ECTs: 30 in the focus school, the rest spread over the other schools; years
    alternate so half are in year 1 and half in year 2 (``build.data["ect_year"]`` maps
    user id to year for later steps: a Membership has no year yet)."""
    from schools.models import Role

    spec = build.spec
    per_school = [spec.focus_ects] + spread(spec.ects - spec.focus_ects, len(build.schools) - 1)
    users = build.make_users("ect", spec.ects)
    pairs = []
    remaining = iter(users)
    for school, count in zip(build.schools, per_school, strict=True):
        pairs += [(next(remaining), school) for _ in range(count)]
    build.make_memberships(Role.ECT, pairs)
    build.data["ect_year"] = {user.pk: 1 + index % 2 for index, user in enumerate(users)}
    build.data["ects_by_school"] = {}
    for user, school in pairs:
        build.data["ects_by_school"].setdefault(school.pk, []).append(user)
    build.record_user("ect", users[0])  # a year 1 ECT of the focus school
    build.count("ects", len(users))
    build.count("ects_year_1", sum(1 for year in build.data["ect_year"].values() if year == 1))
    build.count("focus_ects", per_school[0])


@step
def mentors(build):
    """The mentors, each in one school: 25 in the focus school, the rest spread."""
    from schools.models import Role

    spec = build.spec
    per_school = [spec.focus_mentors] + spread(spec.mentors - spec.focus_mentors, len(build.schools) - 1)
    users = build.make_users("mentor", spec.mentors)
    pairs = []
    remaining = iter(users)
    for school, count in zip(build.schools, per_school, strict=True):
        pairs += [(next(remaining), school) for _ in range(count)]
    build.make_memberships(Role.MENTOR, pairs)
    build.data["mentors_by_school"] = {}
    for user, school in pairs:
        build.data["mentors_by_school"].setdefault(school.pk, []).append(user)
    build.record_user("mentor", users[0])  # a mentor of the focus school
    build.count("mentors", len(users))
    build.count("focus_mentors", per_school[0])


@step
def delivery_partner_staff(build):
    """The delivery partner's own people: admins, staff, facilitators and coaches."""
    from schools.models import Role

    spec = build.spec
    for role, count, key in (
        (Role.DP_ADMIN, spec.dp_admins, "dp_admin"),
        (Role.DP_STAFF, spec.dp_staff, "dp_staff"),
        (Role.FACILITATOR, spec.facilitators, "facilitator"),
        (Role.COACH, spec.coaches, "coach"),
    ):
        users = build.make_users(key.replace("_", "-"), count)
        build.make_memberships(role, [(user, None) for user in users])
        build.record_user(key, users[0])
        build.count(key, len(users))


# --- Training records and self-study (issues #3 and #4) ----------------------------------

# The two intakes, as in the demo seed (schools/demo.py): year-1 ECTs started on
# 2 September 2026 on the 2026-28 programme, year-2 ECTs on 3 September 2025 on the
# three-strand programme.
YEAR_1_START = dt.date(2026, 9, 2)
YEAR_2_START = dt.date(2025, 9, 3)
COHORTS = {
    1: {"name": "September 2026", "start_year": 2026, "programme": "ittecf-2026-28"},
    2: {"name": "September 2025", "start_year": 2025, "programme": "three-strand"},
}
PART_TIME_SHARE = 0.10  # of ECTs at 0.6 FTE
PART_TIME_FTE = Decimal("0.60")
PAUSE_SHARE = 0.02  # of ECTs with a recorded absence of four weeks
# A four-week sickness absence, already over on TODAY: in the ECT's own year.
PAUSES = {1: (dt.date(2026, 9, 28), dt.date(2026, 10, 23)), 2: (dt.date(2026, 1, 12), dt.date(2026, 2, 6))}
# The focus school always has one paused ECT in each year (its 5th and 10th ECTs).
FOCUS_PAUSED = (4, 9)
TERM_DATE_YEARS = (2025, 2026, 2027)  # the delivery partner's default dates
MENTOR_SERVICE_START = dt.date(2025, 9, 1)


def participant_rng(kind, school_index, position):
    """A generator of one person's random choices, seeded by their place (school index,
    position in the school) so the focus school (index 0) is the same in both tenants."""
    return random.Random(f"ectalign-bench-{GENERATOR_VERSION}-{kind}-{school_index}-{position}")


@step
def programmes(build):
    """The real programmes of programme/data/*.json (global rows: loaded once per bench
    database, before the first tenant) and the tenant's two cohorts."""
    from programme.factories import CohortFactory
    from programme.models import Programme
    from programme.services import load_all_programmes

    if "programmes" not in build.shared:
        load_all_programmes()
        build.shared["programmes"] = {p.slug: p for p in Programme.objects.all()}
    found = build.shared["programmes"]
    cohorts = {}
    for year, spec in COHORTS.items():
        cohorts[year] = CohortFactory.build(
            tenant=build.tenant, name=spec["name"], start_year=spec["start_year"],
            programme=found[spec["programme"]], mentor_programme=found.get(f"{spec['programme']}-mentor"),
        )
    build.bulk(list(cohorts.values()))
    build.data["cohorts"] = cohorts
    build.count("cohorts", len(cohorts))


@step
def term_dates(build):
    """The delivery partner's default term dates for 2025-26 to 2027-28 (the standard
    pattern's dates, saved, so they are not provisional); no school sets its own. Later
    years (a part-time ECT's last) fall back to the standard pattern, as provisional."""
    from programme.schedule import standard_calendar
    from schools.factories import TermDatesFactory
    from schools.models import term_dates_problems

    rows = []
    for year in TERM_DATE_YEARS:
        terms = standard_calendar(year).terms
        problems = term_dates_problems(academic_year=year, terms=terms)
        if problems:
            raise HarnessError(f"bench term dates for {year} are invalid: {problems}")
        for term in terms:
            rows.append(TermDatesFactory.build(
                tenant=build.tenant, school=None, academic_year=year, term=term.number,
                starts_on=term.starts_on, ends_on=term.ends_on,
                half_term_starts_on=term.half_term_starts_on, half_term_ends_on=term.half_term_ends_on,
            ))
    build.bulk(rows)
    build.count("term_dates", len(rows))


@step
def participant_records(build):
    """An ECT record for every ECT membership (year 1: started 2 September 2026 in the
    2026 cohort; year 2: 3 September 2025 in the 2025 cohort; about 10% at 0.6 FTE; 2%
    with a four-week absence), each with its period at its school; a mentor record for
    every mentor, with its period at its school; and mentorships: in each school the
    mentors take its ECTs in turn, so every mentor has one or two ECTs."""
    from participants.factories import (
        ECTAtSchoolFactory,
        ECTFactory,
        MentorAtSchoolFactory,
        MentorFactory,
        MentorshipFactory,
        PauseFactory,
    )
    from participants.models import Mentor, Pause

    cohorts = build.data["cohorts"]
    ect_year = build.data["ect_year"]
    ects, places = [], []
    for school_index, school in enumerate(build.schools):
        for position, user in enumerate(build.data["ects_by_school"].get(school.pk, [])):
            rng = participant_rng("ect", school_index, position)
            year = ect_year[user.pk]
            part_time = rng.random() < PART_TIME_SHARE
            paused = rng.random() < PAUSE_SHARE or (school_index == 0 and position in FOCUS_PAUSED)
            ects.append(ECTFactory.build(
                tenant=build.tenant, user=user, cohort=cohorts[year],
                induction_start=YEAR_1_START if year == 1 else YEAR_2_START,
                fte=PART_TIME_FTE if part_time else Decimal("1.00"),
                trn=f"{3000000 + len(ects)}", phase=school.phase,
            ))
            places.append((school_index, position, school, paused))
    ects = build.bulk(ects)
    build.bulk([
        ECTAtSchoolFactory.build(tenant=build.tenant, ect=ect, school=school, started_on=ect.induction_start)
        for ect, (_, _, school, _) in zip(ects, places, strict=True)
    ])
    pauses = [
        PauseFactory.build(
            tenant=build.tenant, ect=ect, kind=Pause.Kind.SICKNESS,
            starts_on=PAUSES[ect_year[ect.user_id]][0], ends_on=PAUSES[ect_year[ect.user_id]][1],
        )
        for ect, (_, _, _, paused) in zip(ects, places, strict=True) if paused
    ]
    build.bulk(pauses)

    ects_by_school = {}
    for ect, (school_index, position, school, paused) in zip(ects, places, strict=True):
        ects_by_school.setdefault(school.pk, []).append(ect)
    mentors, mentor_places, pairs = [], [], []
    for school_index, school in enumerate(build.schools):
        school_ects = ects_by_school.get(school.pk, [])
        users = build.data["mentors_by_school"].get(school.pk, [])
        mentees = {index: [] for index in range(len(users))}
        for index, ect in enumerate(school_ects):
            if users:
                mentees[index % len(users)].append(ect)
        for position, user in enumerate(users):
            rng = participant_rng("mentor", school_index, position)
            first = mentees[position][0] if mentees[position] else None
            kind = Mentor.Kind.RETURNING if rng.random() < 0.3 else Mentor.Kind.NEW
            mentors.append(MentorFactory.build(
                tenant=build.tenant, user=user, kind=kind, cohort=first.cohort if first else cohorts[1],
            ))
            mentor_places.append(school)
            pairs.append(mentees[position])
    mentors = build.bulk(mentors)
    build.bulk([
        MentorAtSchoolFactory.build(tenant=build.tenant, mentor=mentor, school=school, started_on=MENTOR_SERVICE_START)
        for mentor, school in zip(mentors, mentor_places, strict=True)
    ])
    mentorships = build.bulk([
        MentorshipFactory.build(tenant=build.tenant, ect=ect, mentor=mentor, started_on=ect.induction_start)
        for mentor, mentees in zip(mentors, pairs, strict=True) for ect in mentees
    ])

    build.data["ect_records"] = ects
    build.data["ect_places"] = [(school_index, position) for school_index, position, _, _ in places]
    build.data["pauses"] = {p.ect_id: p for p in pauses}
    focus = ects_by_school[build.focus_school.pk]
    mentor_of = {m.ect_id: m.mentor_id for m in mentorships}
    mentor_user = {m.pk: m.user_id for m in mentors}
    year_1 = focus[0]  # the "ect" user: the focus school's first ECT, in year 1
    year_2 = next(e for e in focus if ect_year[e.user_id] == 2)
    build.context.extra["focus_ect_id"] = year_1.pk
    build.context.extra["focus_ect_year2_id"] = year_2.pk
    build.context.users["ect_year2"] = year_2.user_id
    build.context.users["focus_ect_mentor"] = mentor_user[mentor_of[year_1.pk]]
    build.count("ect_records", len(ects))
    build.count("ect_records_part_time", sum(1 for e in ects if e.fte < 1))
    build.count("pauses", len(pauses))
    build.count("mentor_records", len(mentors))
    build.count("mentorships", len(mentorships))


ONBOARDED_SHARE = 0.9  # of ECTs and mentors, by TODAY (late November): most, not all


@step
def onboarding(build):
    """Onboarding answers for about 90% of the ECTs and mentors (the rest see the
    reminder banner and show as "onboarding incomplete"); the people pages are
    measured as have theirs, as most people would."""
    import datetime as dt

    from django.utils import timezone

    from participants.models import Onboarding

    done_at = timezone.make_aware(dt.datetime(2026, 9, 8, 16, 0))
    measured = set(build.context.users.values())  # the people the pages are measured as: onboarded
    rows = []
    for kind in ("ects_by_school", "mentors_by_school"):
        for school_index, school in enumerate(build.schools):
            for position, user in enumerate(build.data[kind].get(school.pk, [])):
                chance = participant_rng(f"onboarding-{kind}", school_index, position).random()
                if user.pk not in measured and chance >= ONBOARDED_SHARE:
                    continue
                rows.append(Onboarding(
                    tenant=build.tenant, user=user, phase="primary", subject="General primary",
                    working_pattern="full_time", terms_accepted_at=done_at, completed_at=done_at,
                ))
    build.bulk(rows)
    build.count("onboarded", len(rows))


# How likely an ECT has completed a module whose expected-by date has passed, by the
# module's term. Engagement with self-study falls away after the first term of year 1
# and picks up again in year 2 (its diagnostic), so year-1 ECTs (in the autumn term on
# TODAY) leave about 15% of their due modules incomplete, and the whole tenant holds
# about 150,000 completions at LARGE (issue #3).
COMPLETION_CHANCE_BY_TERM = {1: 0.85, 2: 0.50, 3: 0.35, 4: 0.85, 5: 0.85, 6: 0.85}
PART_DONE_SHARE = 0.25  # of due modules not completed: some of their activities ticked
OPEN_NOW_STARTED_SHARE = 0.5  # of modules open now: some (or all) activities ticked


@step
def self_study_completions(build):
    """Ticked activities as of ``TODAY`` (bench/__init__.py), per each ECT's real
    release schedule (``programme.progress.release_dates``: their start date, FTE,
    pause and the delivery partner's term dates). A module whose expected-by date has
    passed is complete with its term's ``COMPLETION_CHANCE_BY_TERM``; otherwise a
    quarter of the time it is part done. A module open now is part done (or done) for
    half the ECTs. Made with the
    model's constructor (not a factory: there are about 150,000) and ``bulk_create``,
    which writes no history rows."""
    from programme.models import ActivityCompletion
    from programme.progress import programme_modules, release_dates
    from programme.schedule import Pause as SchedulePause
    from programme.schedule import standard_calendar
    from schools.selectors import default_calendars_for

    calendars = default_calendars_for(tenant=build.tenant, years=range(2025, 2035))

    def calendar_for_year(year):
        return calendars.get(year) or standard_calendar(year)

    modules = build.shared.setdefault("programme_modules", {})
    schedules = build.shared.setdefault("bench_schedules", {})
    pauses = build.data["pauses"]
    rows = []
    due = {1: [0, 0], 2: [0, 0]}  # per ECT year: [modules due, of which completed]
    ect_year = build.data["ect_year"]
    for ect, (school_index, position) in zip(build.data["ect_records"], build.data["ect_places"], strict=True):
        programme = ect.cohort.programme
        if programme.pk not in modules:
            modules[programme.pk] = programme_modules(programme)
        pause = pauses.get(ect.pk)
        dates = (pause.starts_on, pause.ends_on) if pause else None
        key = (build.tenant.pk, programme.pk, ect.induction_start, ect.fte, dates)
        if key not in schedules:
            schedules[key] = release_dates(
                modules=modules[programme.pk], start_date=ect.induction_start, fte=ect.fte,
                pauses=[SchedulePause(pause.starts_on, pause.ends_on)] if pause else [],
                calendar_for_year=calendar_for_year,
            )[0]
        scheduled = schedules[key]
        rng = participant_rng("done", school_index, position)
        for module in modules[programme.pk]:
            activities = list(module.activities.all())
            when = scheduled.get(module.pk)
            if not activities or when is None or when.release_date > TODAY:
                continue
            if when.expected_by < TODAY:
                due[ect_year[ect.user_id]][0] += 1
                if rng.random() < COMPLETION_CHANCE_BY_TERM[module.term.number]:
                    done = len(activities)
                    due[ect_year[ect.user_id]][1] += 1
                else:
                    part_done = rng.random() < PART_DONE_SHARE and len(activities) > 1
                    done = rng.randint(1, len(activities) - 1) if part_done else 0
            else:  # open now
                done = rng.randint(1, len(activities)) if rng.random() < OPEN_NOW_STARTED_SHARE else 0
            last_day = min(when.expected_by + dt.timedelta(days=5), TODAY - dt.timedelta(days=1))
            span = max(0, (last_day - when.release_date).days)
            day = when.release_date + dt.timedelta(days=rng.randint(0, span))
            moment = dt.datetime.combine(day, dt.time(16 + rng.randint(0, 5), rng.randint(0, 59)), tzinfo=dt.UTC)
            for index, activity in enumerate(activities[:done]):
                rows.append(ActivityCompletion(
                    tenant_id=build.tenant.pk, user_id=ect.user_id, activity_id=activity.pk,
                    completed_at=moment + dt.timedelta(minutes=20 * index), completed_by_id=ect.user_id,
                ))
    ActivityCompletion.objects.bulk_create(rows, batch_size=COMPLETION_BATCH_SIZE)
    build.count("activity_completions", len(rows))
    for year, (modules_due, completed) in due.items():
        build.count(f"year_{year}_modules_due", modules_due)
        build.count(f"year_{year}_modules_due_completed", completed)


@step
def coaching_histories(build):
    """The step libraries (global rows, loaded once), then a coaching history for every
    ECT up to the cycle before ``TODAY``'s (``coaching.history``: observations, meetings
    and steps following each ECT's own cycles; two years of them for year-2 ECTs)."""
    from coaching.history import seed_coaching_history
    from coaching.selectors import with_coaching_facts
    from participants.models import ECT
    from programme.services import load_step_libraries

    if "step_libraries" not in build.shared:
        load_step_libraries()
        build.shared["step_libraries"] = True
    made = seed_coaching_history(
        with_coaching_facts(ECT.objects.filter(tenant=build.tenant)), today=TODAY, seed=f"bench-{GENERATOR_VERSION}"
    )
    for key, value in made.items():
        build.count(f"coaching_{key}", value)


# --- Conferences and clinics (issue #7) -----------------------------------------------------

EVENTS_YEAR = 2026  # the academic year of TODAY: 2026-27
PARTICIPANTS_PER_SESSION = 30  # about one session per 30 expected participants
SESSION_CAPACITY = 35
BOOKED_SHARE = {"held": 0.92, "coming": 0.70}  # of the people expected, by whether the event's sessions have run
ATTENDANCE_SHARES = (("present", 0.90), ("late", 0.04), ("absent", 0.06))
CATCH_UP_DONE_SHARE = 0.5
NEEDS_SHARE = 0.10  # of face-to-face bookings with a dietary or an access need
# The event the focus ECT chooses a session of (events:choose_session): a year-1 clinic
# in the spring, which they have not booked yet.
CHOOSE_EVENT = ("ittecf-2026-28", "ECT-CLINIC-2")
# The session whose register is measured: the focus school's sitting of the year-1
# autumn clinic, held (and marked) before TODAY.
REGISTER_EVENT = ("ittecf-2026-28", "ECT-CLINIC-1")


def _session_days(window):
    """The Tuesdays to Thursdays a session of the window can run on: from its second
    week to a few days before it closes."""
    days, day = [], window.opens_on + dt.timedelta(days=7)
    while day <= window.closes_on - dt.timedelta(days=3):
        if day.weekday() in (1, 2, 3):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@step
def events(build):
    """Conferences and clinics of 2026-27: the standard delivery windows (global rows,
    once); for every event of each cohort's programme year (ECT and mentor programmes)
    one session per ``PARTICIPANTS_PER_SESSION`` people expected, open to every school,
    plus a session for the focus school alone (a local group of one school), which its
    people book, so its register and the school's schedule are the same at both sizes.
    About 92% book each event held before ``TODAY`` and 70% each event to come; sessions
    before ``TODAY`` have their register taken (90% present, 4% late, 6% absent, each
    absence with a catch-up, half of them done). Bookings and catch-ups are made with the
    models' constructors (there are about 14,000 at LARGE) and ``bulk_create``."""
    import math

    from django.utils import timezone

    from events.factories import LocalGroupFactory, SessionFactory
    from events.models import Booking, CatchUp, DeliveryWindow, LocalGroup, Session
    from events.services import CONFERENCE_BREAK, DEFAULT_MODE, DEFAULT_START
    from events.windows import ensure_delivery_windows
    from participants.models import Mentor, MentorAtSchool
    from programme.models import EventTemplate
    from schools.models import Membership, Role

    if "delivery_windows" not in build.shared:
        build.shared["delivery_windows"] = ensure_delivery_windows(TERM_DATE_YEARS)
        build.count("delivery_windows", build.shared["delivery_windows"])
    windows = {w.event_id: w for w in DeliveryWindow.objects.filter(academic_year=EVENTS_YEAR)}

    # Who is expected at what: a cohort's ECTs at its programme's events of the year,
    # its mentors at its mentor programme's, as events.selectors.expectations_for says.
    school_index = {school.pk: index for index, school in enumerate(build.schools)}
    place = {}  # user id -> (school index, position in the school)
    for kind in ("ects_by_school", "mentors_by_school"):
        for school_pk, users in build.data[kind].items():
            for position, user in enumerate(users):
                place[user.pk] = (school_index[school_pk], position)
    expected = {}  # cohort's (programme id, programme year) -> [(user id, school)]
    cohorts = build.data["cohorts"]
    for ect, (index, _) in zip(build.data["ect_records"], build.data["ect_places"], strict=True):
        cohort = cohorts[build.data["ect_year"][ect.user_id]]
        expected.setdefault((cohort.programme_id, EVENTS_YEAR - cohort.start_year + 1), []).append(
            (ect.user_id, build.schools[index])
        )
    mentor_school = dict(MentorAtSchool.objects.filter(tenant=build.tenant).values_list("mentor_id", "school_id"))
    schools_by_pk = {school.pk: school for school in build.schools}
    cohort_by_pk = {cohort.pk: cohort for cohort in cohorts.values()}
    for mentor in Mentor.objects.filter(tenant=build.tenant).exclude(
        programme_status=Mentor.ProgrammeStatus.NOT_REQUIRED
    ).order_by("pk"):
        cohort = cohort_by_pk[mentor.cohort_id]
        if cohort.mentor_programme_id:
            expected.setdefault((cohort.mentor_programme_id, EVENTS_YEAR - cohort.start_year + 1), []).append(
                (mentor.user_id, schools_by_pk[mentor_school[mentor.pk]])
            )
    event_list = list(
        EventTemplate.objects.filter(programme_id__in={p for p, _ in expected})
        .select_related("programme", "term__year").order_by("programme__slug", "term__number", "kind", "number")
    )

    focus_group = build.bulk([LocalGroupFactory.build(tenant=build.tenant, name="Focus school")])[0]
    LocalGroup.schools.through.objects.create(localgroup_id=focus_group.pk, school_id=build.focus_school.pk)
    # The recorded facilitator runs the focus school's sessions; the others are shared out.
    facilitators = list(
        Membership.objects.filter(tenant=build.tenant, role=Role.FACILITATOR).order_by("pk")
        .values_list("user_id", flat=True)
    )
    register_facilitator = build.context.users["facilitator"]

    sessions, plans = [], []  # plans: (event, [session indexes: the focus school's first], people expected)
    for event in event_list:
        people = expected.get((event.programme_id, event.term.year.number), [])
        window = windows.get(event.pk)
        if not people or window is None:
            continue
        days = _session_days(window)
        start_time = DEFAULT_START[event.kind]
        length = dt.timedelta(hours=float(event.hours)) + (
            CONFERENCE_BREAK if event.kind == EventTemplate.Kind.CONFERENCE else dt.timedelta()
        )
        mode = DEFAULT_MODE[event.kind]
        in_person = mode == Session.Mode.IN_PERSON
        others = [p for p in people if p[1].pk != build.focus_school.pk]
        count = max(1, math.ceil(len(others) / PARTICIPANTS_PER_SESSION))
        indexes = []
        for number in range(count + 1):  # number 0: the focus school's own session
            start = timezone.make_aware(dt.datetime.combine(days[number % len(days)], start_time))
            code = f"{event.programme.slug}-{event.code.lower()}-{number}"
            sessions.append(SessionFactory.build(
                tenant=build.tenant, event=event, academic_year=EVENTS_YEAR, starts_at=start, ends_at=start + length,
                mode=mode, venue=f"Bench Teachers' Centre, room {number % 12 + 1}, 1 High Street" if in_person else "",
                online_link="" if in_person else f"https://meet.{EMAIL_DOMAIN}/{code}",
                capacity=SESSION_CAPACITY if number else len(people) - len(others) + 5,
                local_group=focus_group if number == 0 else None, status=Session.Status.PUBLISHED,
                catch_up_url=f"https://materials.{EMAIL_DOMAIN}/{event.programme.slug}/{event.code.lower()}",
            ))
            indexes.append(len(sessions) - 1)
        plans.append((event, indexes, people))
    sessions = build.bulk(sessions)

    through = Session.facilitators.through
    facilitator_of = {}  # session id -> user id
    for event, indexes, _ in plans:
        for number, index in enumerate(indexes):
            facilitator_of[sessions[index].pk] = (
                register_facilitator if number == 0 else facilitators[index % len(facilitators)]
            )
    through.objects.bulk_create(
        [through(session_id=session_id, user_id=user_id) for session_id, user_id in facilitator_of.items()],
        batch_size=BATCH_SIZE,
    )

    focus_ect = build.context.users["ect"]
    bookings, marked = [], []
    for event, indexes, people in plans:
        focus_session, open_sessions = sessions[indexes[0]], [sessions[i] for i in indexes[1:]]
        held = timezone.localtime(focus_session.starts_at).date() < TODAY
        turn = 0
        for user_id, school in people:
            school_index_, position = place[user_id]
            rng = participant_rng(f"event-{event.programme.slug}-{event.code}", school_index_, position)
            if rng.random() >= BOOKED_SHARE["held" if held else "coming"]:
                continue
            if user_id == focus_ect and (event.programme.slug, event.code) == CHOOSE_EVENT:
                continue  # the focus ECT has this one still to book
            if school.pk == build.focus_school.pk:
                session = focus_session
            else:
                session = open_sessions[turn % len(open_sessions)]
                turn += 1
            session_held = timezone.localtime(session.starts_at).date() < TODAY
            booked_at = session.starts_at - dt.timedelta(days=20 + rng.randint(0, 20), minutes=rng.randint(0, 600))
            booking = Booking(
                tenant_id=build.tenant.pk, session_id=session.pk, event_id=event.pk, user_id=user_id,
                school_id=school.pk, status=Booking.Status.BOOKED, booked_by_id=user_id, booked_at=booked_at,
            )
            if session.mode == Session.Mode.IN_PERSON and rng.random() < NEEDS_SHARE:
                if rng.random() < 0.5:
                    booking.dietary_needs = rng.choice(["Vegetarian", "Vegan", "Gluten free", "Halal", "No nuts"])
                else:
                    booking.access_needs = rng.choice(["Step-free access", "Hearing loop", "A seat near the door"])
            if session_held:
                draw, mark = rng.random(), ATTENDANCE_SHARES[-1][0]
                for value, share in ATTENDANCE_SHARES:
                    if draw < share:
                        mark = value
                        break
                    draw -= share
                booking.attendance = mark
                booking.attendance_marked_by_id = facilitator_of[session.pk]
                booking.attendance_marked_at = session.ends_at
                if mark == "absent":
                    marked.append((len(bookings), rng.random() < CATCH_UP_DONE_SHARE))
            bookings.append(booking)
    bookings = Booking.objects.bulk_create(bookings, batch_size=BATCH_SIZE)
    catch_ups = []
    for index, done in marked:
        booking = bookings[index]
        completed = booking.attendance_marked_at + dt.timedelta(days=6)
        done = done and timezone.localtime(completed).date() < TODAY
        catch_ups.append(CatchUp(
            tenant_id=build.tenant.pk, user_id=booking.user_id, event_id=booking.event_id, booking_id=booking.pk,
            assigned_at=booking.attendance_marked_at, completed_at=completed if done else None,
            reflection="Worked through the recording and the slides; I will try the modelling routine this week."
            if done else "",
        ))
    CatchUp.objects.bulk_create(catch_ups, batch_size=BATCH_SIZE)

    by_key = {(event.programme.slug, event.code): (event, indexes) for event, indexes, _ in plans}
    build.context.extra["focus_ect_event_id"] = by_key[CHOOSE_EVENT][0].pk
    build.context.extra["register_session_id"] = sessions[by_key[REGISTER_EVENT][1][0]].pk
    build.count("local_groups", 1)
    build.count("sessions", len(sessions))
    build.count("sessions_held", sum(1 for s in sessions if timezone.localtime(s.starts_at).date() < TODAY))
    build.count("bookings", len(bookings))
    build.count("bookings_marked", sum(1 for b in bookings if b.attendance))
    build.count("bookings_absent", len(marked))
    build.count("catch_ups", len(catch_ups))
    build.count("catch_ups_done", sum(1 for c in catch_ups if c.completed_at))
    build.count("focus_session_bookings", sum(
        1 for b in bookings if b.session_id == build.context.extra["register_session_id"]
    ))


# --- Dashboards and reports (issue #8) --------------------------------------------------------


@step
def engagement_snapshots(build):
    """Every school's engagement snapshots on ``TODAY``, recorded as the nightly job records
    them (``reporting.snapshots.run_refresh``: the engagement selector for each ECT and
    mentor, their release time this term and their onboarding), with its finished run:
    the delivery partner's reports read them. The LARGE tenant's 300 schools take most of
    this step's time (reading every person's facts)."""
    from reporting.models import EngagementSnapshot
    from reporting.snapshots import create_refresh, run_refresh

    # Planner statistics first, as a settled database has them (ensure_database runs
    # ANALYZE only at the end): without them SQLite plans the release-time query of
    # each school as a scan of every ECT, and this step takes 6 times as long.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    refresh = create_refresh(tenant_id=build.tenant.pk)
    run_refresh(refresh_id=refresh.pk, tenant_id=build.tenant.pk)
    build.count("engagement_snapshots", EngagementSnapshot.objects.filter(tenant=build.tenant).count())


# --- The cache --------------------------------------------------------------------------


def generate(log=print):
    """Run every step for every tenant; return ``{size: TenantContext}``."""
    password_hash = make_password(BENCH_PASSWORD)
    contexts = {}
    shared = {}
    with scopes_disabled(), transaction.atomic():
        for spec in SPECS:
            build = Build(spec, password_hash, shared)
            for function in STEPS:
                started = time.perf_counter()
                function(build)
                log(f"  {spec.size:<5} {function.__name__:<28} {time.perf_counter() - started:6.2f} s")
            contexts[spec.size] = build.context
    return contexts


def read_meta():
    """The cached build's description, or None when there is no complete build."""
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "sqlite" and not _sqlite_file_exists(name):
        return None
    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = %s", ["meta"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _sqlite_file_exists(name):
    from pathlib import Path

    return name not in ("", ":memory:") and Path(name).exists()


def _write_meta(meta):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name varchar(50) PRIMARY KEY, value text NOT NULL)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} (name, value) VALUES (%s, %s)", ["meta", json.dumps(meta)])


def _wipe_database():
    """Empty the bench database before a rebuild."""
    from pathlib import Path

    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        if "bench" not in name:
            raise HarnessError(
                f"BENCH_DATABASE_URL names database {name!r}: the bench drops and rebuilds its schema, so the "
                "database name must contain 'bench' (create one, e.g. `createdb ectalign_bench`)."
            )
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        raise HarnessError(f"The bench cannot rebuild a {connection.vendor} database.")


def ensure_database(rebuild=False, log=print):
    """Reuse the cached build when its key matches, else rebuild it. Return its meta:
    ``{"key", "version", "built_at", "build_seconds", "contexts": {size: {...}}}``
    with each context turned back into a ``TenantContext``."""
    from bench import cache_key

    key = cache_key()
    try:
        meta = None if rebuild else read_meta()
    except OperationalError as error:
        raise HarnessError(f"cannot open the bench database: {error}") from error
    if meta and meta.get("key") == key:
        log(f"bench: reusing the cached database ({key}, built in {meta['build_seconds']:.1f} s)")
    else:
        reason = "forced" if rebuild else ("missing" if meta is None else f"stale: {meta.get('key')}")
        log(f"bench: building the database ({key}; cache {reason})")
        started = time.perf_counter()
        _wipe_database()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # A throwaway file: durability does not matter while building it.
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA journal_mode = MEMORY")
        call_command("migrate", verbosity=0, interactive=False)
        migrated = time.perf_counter()
        log(f"  migrate {migrated - started:.2f} s")
        contexts = generate(log=log)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as a settled database has
        meta = {
            "key": key,
            "version": GENERATOR_VERSION,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
            "migrate_seconds": round(migrated - started, 2),
            "contexts": {size: context.to_json() for size, context in contexts.items()},
        }
        _write_meta(meta)  # last: a build interrupted before this line is rebuilt
        if connection.vendor == "sqlite":
            connection.close()  # back to the settings' normal pragmas
        log(f"bench: built in {meta['build_seconds']:.1f} s")
    meta = dict(meta)
    meta["contexts"] = {size: TenantContext.from_json(data) for size, data in meta["contexts"].items()}
    return meta
