"""Fixtures for the rule-level coaching tests (cadence, states and flags, services, step
library). Names are distinctive so they do not clash with the page tests' fixtures.

``coaching_world`` extends the shared ``world`` (tests/conftest.py): the own ECT of school
A1 (induction Wednesday 2 September 2026, standard calendar, mentored by A1's mentor from
that day) follows the world programme, to which four modules are added here so that
some are reached and some are not. Under the standard 2026-27 calendar (autumn from Tue
1 Sep 2026, half-term 26-30 Oct) the ECT's teaching weeks are, by Monday: T1 31 Aug,
T2 7 Sep, T3 14 Sep, T4 21 Sep, T5 28 Sep, T6 5 Oct, T7 12 Oct, T8 19 Oct, [half-term],
T9 2 Nov, T10 9 Nov, ..., T15 14 Dec. Year 1 is weekly, so each is one coaching cycle.

The modules (a module opens on the first teaching day of its first week):
  M1 = the world's module, weeks 1-2: open from Wed 2 Sep 2026
  M2 weeks 3-4: open from Mon 14 Sep 2026
  M3 weeks 9-10: open from Mon 2 Nov 2026
  M4 weeks 15-16: open from Mon 14 Dec 2026
  R  a retrieval week, weeks 5-5: open from Mon 28 Sep 2026 (it carries no steps)
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from coaching.selectors import with_coaching_facts
from participants.models import ECT, ECTAtSchool, Mentor, Mentorship
from programme.factories import (
    CohortFactory,
    LibraryStepFactory,
    ModuleFactory,
    ProgrammeFactory,
    ProgrammeYearFactory,
    StrandFactory,
    TermFactory,
)
from programme.models import Module
from schools.factories import MembershipFactory
from schools.models import Role


@pytest.fixture
def coaching_today(monkeypatch):
    """``coaching_today(day)`` pins "today" (``timezone.localdate``) and returns it."""

    def pin(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return pin


@pytest.fixture
def coaching_read():
    """``coaching_read(ect)``: the ECT read afresh with what the coaching rules read
    (mentorships, pauses, school periods), as a page would read it."""

    def read(ect):
        return with_coaching_facts(ECT.objects.filter(pk=ect.pk)).get()

    return read


@dataclass
class CoachingWorld:
    world: object
    ect: ECT
    mentor: Mentor
    mentor_user: object
    modules: dict = field(default_factory=dict)  # "M1".."M4", "R"
    steps: dict = field(default_factory=dict)  # module key -> [LibraryStep, ...]

    @property
    def tenant(self):
        return self.world.tenant_a


@pytest.fixture
def coaching_world(world):
    programme = world.programme
    first = world.module
    term = first.term
    modules = {"M1": first}
    for key, start, end, title in (
        ("M2", 3, 4, "Explaining new material"),
        ("M3", 9, 10, "Questioning to check understanding"),
        ("M4", 15, 16, "Adapting teaching for every pupil"),
    ):
        modules[key] = ModuleFactory(
            term=term, programme=programme, strand=first.strand, code=f"CW-{key}", title=title,
            start_week=start, end_week=end,
        )
    modules["R"] = ModuleFactory(
        term=term, programme=programme, strand=None, code="CW-R", title="Retrieval week",
        kind=Module.Kind.RETRIEVAL, start_week=5, end_week=5,
    )
    steps = {}
    for key in ("M1", "M2", "M3", "M4"):
        steps[key] = [
            LibraryStepFactory(module=modules[key], order=1, title=f"{key}: narrate the positive"),
            LibraryStepFactory(module=modules[key], order=2, title=f"{key}: use a consistent attention signal"),
        ]
    ect = world.ects["own"]
    mentor_user = world.people[Role.MENTOR]
    mentor = Mentor.objects.get(tenant=world.tenant_a, user=mentor_user)
    return CoachingWorld(world=world, ect=ect, mentor=mentor, mentor_user=mentor_user, modules=modules, steps=steps)


@dataclass
class TwoYearECT:
    ect: ECT
    mentor_user: object
    modules: dict


@pytest.fixture
def two_year_ect(world):
    """An ECT of school A1 in year 2 on 23 November 2026, mentored by A1's mentor.

    Induction from Monday 1 September 2025 on a two-year programme (39 + 38 weeks), with
    the standard calendars. 2025-26: autumn 1 Sep - 19 Dec 2025 (half-term 27 Oct), spring
    5 Jan - 2 Apr 2026 (half-term 16 Feb), summer 20 Apr - 21 Jul 2026 (half-term 25 May):
    40 teaching weeks, the 40th (20 Jul 2026) left free, so year 2 starts with the autumn
    term 2026: fortnights from 31 Aug 2026 (31 Aug + 7 Sep, 14 + 21 Sep, 28 Sep + 5 Oct,
    12 + 19 Oct (to 1 Nov over half-term), 2 + 9 Nov, 16 + 23 Nov, ...).

    Modules: Y1 (year 1 weeks 1-2, open 1 Sep 2025), Y2A (year 2 weeks 1-2, open Tue 1 Sep
    2026), Y2B (year 2 weeks 9-10, open 2 Nov 2026), Y2C (year 2 weeks 13-14: year 2 week
    13 is 30 Nov 2026, not open on 23 November).
    """
    programme = ProgrammeFactory(slug="coaching-two-year", title="Two-year coaching programme")
    year1 = ProgrammeYearFactory(programme=programme, number=1, weeks=39)
    year2 = ProgrammeYearFactory(programme=programme, number=2, weeks=38)
    term1 = TermFactory(year=year1, number=1, start_week=1, end_week=13)
    term4 = TermFactory(year=year2, number=4, start_week=1, end_week=13)
    strand = StrandFactory(programme=programme, code="H", name="High expectations")
    modules = {}
    for order, (key, term, start, end) in enumerate(
        (("Y1", term1, 1, 2), ("Y2A", term4, 1, 2), ("Y2B", term4, 9, 10), ("Y2C", term4, 13, 14)), start=1
    ):
        modules[key] = ModuleFactory(
            term=term, programme=programme, strand=strand, code=f"TY-{key}", title=f"Two-year module {key}",
            order=order, start_week=start, end_week=end,
        )
        LibraryStepFactory(module=modules[key], order=1, title=f"{key}: set a high bar for written work")
    tenant, school = world.tenant_a, world.school_a1
    cohort = CohortFactory(tenant=tenant, name="September 2025 starters", start_year=2025, programme=programme,
                           mentor_programme=world.ects["own"].cohort.mentor_programme)
    user = MembershipFactory(
        tenant=tenant, school=school, role=Role.ECT, user__email="year-two-ect@example.org",
        user__full_name="Yasmin Two",
    ).user
    start = dt.date(2025, 9, 1)
    ect = ECT.objects.create(tenant=tenant, user=user, induction_start=start, cohort=cohort)
    ECTAtSchool.objects.create(tenant=tenant, ect=ect, school=school, started_on=start)
    mentor_user = world.people[Role.MENTOR]
    mentor = Mentor.objects.get(tenant=tenant, user=mentor_user)
    Mentorship.objects.create(tenant=tenant, ect=ect, mentor=mentor, started_on=start)
    return TwoYearECT(ect=ect, mentor_user=mentor_user, modules=modules)
