"""Self-study progress: where each participant is on their path, read in one place for
the checklist, the mentor's and the induction tutor's views (and later reminders and
reports).

The dates come from ``programme.schedule.release_schedule`` (the one release-schedule
rule). This module gives it the participant's facts (programme, induction start, FTE,
pauses, the school's calendars) and joins the result with what they have ticked off.
A module with no place in the calendar (a mentor programme's module) is open from the
start.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from ectalign import caching
from programme import schedule as release
from programme.models import ActivityCompletion, Module, ModuleActivity


class Status:
    COMPLETED = "completed"
    CURRENT = "current"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    OPEN = "open"


STATUS_LABELS = {
    Status.COMPLETED: "Completed",
    Status.CURRENT: "Due now",
    Status.OVERDUE: "Overdue",
    Status.UPCOMING: "Not open yet",
    Status.OPEN: "Open",
}


@dataclass
class ActivityState:
    activity: ModuleActivity
    done_at: dt.datetime | None = None

    @property
    def done(self):
        return self.done_at is not None


@dataclass
class ModuleProgress:
    module: Module
    scheduled: release.ScheduledModule | None
    activities: list = field(default_factory=list)
    status: str = Status.UPCOMING
    overdue_days: int = 0

    @property
    def done_count(self):
        return sum(1 for a in self.activities if a.done)

    @property
    def complete(self):
        return bool(self.activities) and all(a.done for a in self.activities)

    @property
    def released(self):
        return self.status != Status.UPCOMING

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def release_date(self):
        return self.scheduled.release_date if self.scheduled else None

    @property
    def expected_by(self):
        return self.scheduled.expected_by if self.scheduled else None


@dataclass
class Path:
    """A participant's whole path with its progress on ``today``."""

    modules: list
    today: dt.date
    position: release.Position | None = None
    provisional: bool = False

    def _with(self, status):
        return [m for m in self.modules if m.status == status]

    @property
    def current(self):
        return self._with(Status.CURRENT)

    @property
    def due_now(self):
        """Modules whose window holds today, done or not: this fortnight's work."""
        return [
            m for m in self.modules
            if m.activities and m.scheduled and m.release_date <= self.today <= m.expected_by
        ]

    @property
    def overdue(self):
        return self._with(Status.OVERDUE)

    @property
    def completed(self):
        return self._with(Status.COMPLETED)

    @property
    def next_up(self):
        upcoming = self._with(Status.UPCOMING)
        first = min((m.release_date for m in upcoming), default=None)
        return [m for m in upcoming if m.release_date == first]

    @property
    def trackable(self):
        """Modules with activities to tick (retrieval weeks have none)."""
        return [m for m in self.modules if m.activities]

    def by_term(self):
        """[(term or None, [ModuleProgress, ...]), ...] in programme order."""
        groups = {}
        for m in self.modules:
            groups.setdefault(m.module.term_id, (m.module.term, []))[1].append(m)
        return list(groups.values())

    def find(self, module_id):
        return next((m for m in self.modules if m.module.pk == module_id), None)


def programme_modules(programme):
    """A programme's modules in order, with strand, term, year and activities (kept in
    the process until the programme's content changes: ectalign.caching)."""

    def load():
        modules = list(
            Module.objects.filter(programme_id=programme.pk)
            .select_related("strand", "term__year")
            .prefetch_related(Prefetch("activities", queryset=ModuleActivity.objects.order_by("order")))
            .order_by("order", "code")
        )
        for module in modules:
            module_activities(module)
        return modules

    return caching.cached_modules(programme.pk, load)


def module_activities(module):
    """A module's activities in order (from ``programme_modules``' prefetch), as one list
    kept on the module: a programme's modules are shared by every participant of a
    request, and ``module.activities.all()`` makes a new queryset at each call."""
    found = module.__dict__.get("_activity_list")
    if found is None:
        found = module.__dict__["_activity_list"] = list(module.activities.all())
    return found


def weeks_in_year_one(modules):
    for m in modules:
        if m.term_id and m.term.year.number == 1:
            return m.term.year.weeks
    return 39


def completions_for(*, tenant, user_ids, modules, with_times=True):
    """{user_id: {activity_id: completed_at}} for several participants, in one query.
    ``tenant`` is a tenant or its id. Without times (a page that only counts), the
    values are True and no datetimes are read."""
    activity_ids = [a.pk for m in modules for a in module_activities(m)]
    found = defaultdict(dict)
    rows = ActivityCompletion.objects.filter(
        tenant=tenant, user_id__in=list(user_ids), activity_id__in=activity_ids
    ).order_by()  # read into a dict: the model's ordering would only add a sort
    if with_times:
        for user_id, activity_id, completed_at in rows.values_list("user_id", "activity_id", "completed_at"):
            found[user_id][activity_id] = completed_at
    else:
        for user_id, activity_id in rows.values_list("user_id", "activity_id"):
            found[user_id][activity_id] = True
    return found


def release_dates(*, modules, start_date, fte, pauses, calendar_for_year, today=None):
    """The release schedule of the modules placed in the calendar: {module_id: ScheduledModule}."""
    placed = [m for m in modules if m.term_id]
    slots = [
        release.ModuleSlot(
            code=m.code, year=m.term.year.number, start_week=m.start_week, end_week=m.end_week, kind=m.kind,
            release_month=m.release_month, release_day=m.release_day,
        )
        for m in placed
    ]
    if not slots:
        return {}, None
    schedule = release.release_schedule(
        modules=slots,
        weeks_in_year1=weeks_in_year_one(placed),
        start_date=start_date,
        calendar_for_year=calendar_for_year,
        fte=fte,
        pauses=pauses,
        open_pauses_end_on=today or timezone.localdate(),  # an absence still going on: "if back tomorrow"
    )
    return {m.pk: scheduled for m, scheduled in zip(placed, schedule.modules)}, schedule


def build_path(*, modules, completions, today, scheduled=None, schedule=None):
    """Join modules, their dates and a participant's completions into a Path."""
    scheduled = scheduled or {}
    progress = []
    for module in modules:
        when = scheduled.get(module.pk)
        states = [ActivityState(a, completions.get(a.pk)) for a in module_activities(module)]
        item = ModuleProgress(module=module, scheduled=when, activities=states)
        if item.complete:
            item.status = Status.COMPLETED
        elif when is None:
            item.status = Status.OPEN
        elif today < when.release_date:
            item.status = Status.UPCOMING
        elif today <= when.expected_by:
            item.status = Status.CURRENT
        elif states:
            item.status = Status.OVERDUE
            item.overdue_days = (today - when.expected_by).days
        else:
            item.status = Status.OPEN  # a retrieval week that has passed: nothing to tick
        progress.append(item)
    return Path(
        modules=progress,
        today=today,
        position=release.position_on(schedule, today) if schedule else None,
        provisional=bool(schedule and schedule.provisional),
    )


def ect_pauses(ect):
    return [release.Pause(p.starts_on, p.ends_on) for p in ect.pauses.all()]


def current_school(ect, today):
    periods = sorted(ect.school_periods.all(), key=lambda p: p.started_on)
    for period in reversed(periods):
        if period.started_on <= today and (period.ended_on is None or today <= period.ended_on):
            return period.school
    return periods[-1].school if periods else None


def release_schedules(ects, *, today=None):
    """{ect.pk: ({module_id: ScheduledModule}, Schedule)} and {programme_id: modules} for
    ECTs (with ``cohort__programme``, ``school_periods__school`` and ``pauses``
    prefetched), in a number of queries that does not grow with the number of ECTs: one
    programme read per programme, one calendar read for all their schools.

    ECTs with the same programme, start date, FTE, pauses and school calendar share one
    release schedule (it is pure): computed once, not once per ECT (nor once per school
    when schools keep the delivery partner's dates), and kept in the shared cache until
    one of those facts changes."""
    from schools.selectors import CalendarBook

    today = today or timezone.localdate()
    ects = list(ects)
    if not ects:
        return {}, {}
    tenant_id = ects[0].tenant_id
    modules_by_programme = {}
    for ect in ects:
        programme_id = ect.cohort.programme_id
        if programme_id not in modules_by_programme:
            modules_by_programme[programme_id] = programme_modules(ect.cohort.programme)
    calendars = caching.calendar_generation(tenant_id)
    schools = {ect.pk: current_school(ect, today) for ect in ects}
    book = CalendarBook(tenant_id=tenant_id, school_ids={s.pk for s in schools.values() if s})
    schedules, found = {}, {}
    for ect in ects:
        modules = modules_by_programme[ect.cohort.programme_id]
        school = schools[ect.pk]
        pauses = ect_pauses(ect)
        open_pause = any(p.ends_on is None for p in pauses)
        shared = (
            ect.cohort.programme_id, caching.programme_generation(ect.cohort.programme_id), calendars,
            ect.induction_start, ect.fte, tuple(pauses), today if open_pause else None,
        )
        facts = (*shared, school.pk if school else None)
        if facts not in schedules:

            def compute(school=school, ect=ect, pauses=pauses, modules=modules, shared=shared):
                reader = book.reader(school.pk if school else None)
                if shared not in reader.memo:
                    reader.memo[shared] = release_dates(
                        modules=modules, start_date=ect.induction_start, fte=ect.fte, pauses=pauses,
                        calendar_for_year=reader, today=today,
                    )
                return reader.memo[shared]

            schedules[facts] = caching.cached_schedule(facts, compute)
        found[ect.pk] = schedules[facts]
    return found, modules_by_programme


def ect_paths(ects, *, today=None, with_times=True):
    """{ect.pk: Path} for ECTs (prefetched as ``release_schedules`` needs): their
    release schedules joined with what they have ticked off, in a fixed number of queries."""
    today = today or timezone.localdate()
    ects = list(ects)
    if not ects:
        return {}
    schedules, modules_by_programme = release_schedules(ects, today=today)
    all_modules = [m for modules in modules_by_programme.values() for m in modules]
    completions = completions_for(
        tenant=ects[0].tenant_id, user_ids={e.user_id for e in ects}, modules=all_modules, with_times=with_times
    )
    paths = {}
    for ect in ects:
        scheduled, schedule = schedules[ect.pk]
        paths[ect.pk] = build_path(
            modules=modules_by_programme[ect.cohort.programme_id], completions=completions.get(ect.user_id, {}),
            today=today, scheduled=scheduled, schedule=schedule,
        )
    return paths


def ect_path(ect, *, today=None):
    return ect_paths([ect], today=today)[ect.pk]


def mentor_path(mentor, *, today=None):
    """A mentor's own programme: the mentor programme's modules, open from the start."""
    today = today or timezone.localdate()
    programme = mentor.cohort.mentor_programme if mentor.cohort_id else None
    if programme is None:
        return None
    modules = programme_modules(programme)
    completions = completions_for(tenant=mentor.tenant_id, user_ids=[mentor.user_id], modules=modules)
    return build_path(modules=modules, completions=completions.get(mentor.user_id, {}), today=today)
