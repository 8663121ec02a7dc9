"""Reads of events with the rules that govern them: which events a participant must
attend and in which academic year, which sessions they may book, who may see a
session, and each person's state for each event (booked, waiting, attended, missed,
catch-up done). Pages, the PDFs, the calendar feeds and the services all ask here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from events.models import Booking, CatchUp, DeliveryWindow, Session
from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, TrainingStatus
from programme.models import Audience, EventTemplate
from programme.schedule import academic_year_label
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role


def now():
    return timezone.now()


def today():
    return timezone.localdate()


# --- Who must attend what ----------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """One event a participant is expected to attend, and the academic year it runs in."""

    user_id: int
    audience: str  # Audience.ECT or Audience.MENTOR
    event: EventTemplate
    academic_year: int

    @property
    def year_label(self):
        return academic_year_label(self.academic_year)


def event_academic_year(event, cohort):
    """The academic year an event of the cohort's programme runs in: year 1's events in
    the cohort's first year, year 2's in the next."""
    return cohort.start_year + event.term.year.number - 1


def _events_of(programme_ids):
    by_programme = {}
    for event in (
        EventTemplate.objects.filter(programme_id__in=programme_ids)
        .select_related("term__year", "programme")
        .order_by("term__number", "half_term", "kind", "number")
    ):
        by_programme.setdefault(event.programme_id, []).append(event)
    return by_programme


def expectations_for(*, tenant_id, user_ids):
    """{user id: [Expectation, ...]} for ECTs (their cohort's ECT programme) and mentors
    (their cohort's mentor programme), in date order. A fixed number of queries."""
    user_ids = list(user_ids)
    # Deferral pauses expectations and withdrawal ends them (DESIGN.md section 10).
    ects = list(
        ECT.objects.filter(tenant_id=tenant_id, user_id__in=user_ids, training_status=TrainingStatus.ACTIVE)
        .select_related("cohort")
    )
    mentors = list(
        Mentor.objects.filter(tenant_id=tenant_id, user_id__in=user_ids, cohort__mentor_programme__isnull=False,
                              training_status=TrainingStatus.ACTIVE)
        .exclude(programme_status=Mentor.ProgrammeStatus.NOT_REQUIRED)
        .select_related("cohort")
    )
    programmes = {e.cohort.programme_id for e in ects} | {m.cohort.mentor_programme_id for m in mentors}
    events = _events_of(programmes)
    result = {pk: [] for pk in user_ids}
    for ect in ects:
        for event in events.get(ect.cohort.programme_id, []):
            result[ect.user_id].append(Expectation(ect.user_id, Audience.ECT, event, event_academic_year(event, ect.cohort)))
    for mentor in mentors:
        for event in events.get(mentor.cohort.mentor_programme_id, []):
            result[mentor.user_id].append(
                Expectation(mentor.user_id, Audience.MENTOR, event, event_academic_year(event, mentor.cohort))
            )
    for items in result.values():
        items.sort(key=lambda x: (x.academic_year, x.event.term.number, x.event.half_term, x.event.kind != "conference",
                                  x.event.number, x.audience))
    return result


def expectation_for(*, tenant_id, user_id, event):
    """The participant's expectation for one event, or None when it is not theirs."""
    for expectation in expectations_for(tenant_id=tenant_id, user_ids=[user_id])[user_id]:
        if expectation.event.pk == event.pk:
            return expectation
    return None


def school_of_participant(*, tenant_id, user_id, on=None):
    """The school of the participant's open ECT period, else of their mentor period."""
    on = on or today()
    for model, field_name in ((ECTAtSchool, "ect__user_id"), (MentorAtSchool, "mentor__user_id")):
        period = (
            model.objects.filter(tenant_id=tenant_id, **{field_name: user_id}, started_on__lte=on)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
            .select_related("school").order_by("-started_on").first()
        )
        if period:
            return period.school
    return None


def participants_at_school(*, school, on=None):
    """(user, audience) of every ECT and mentor at the school now, ECTs first, by name."""
    on = on or today()
    current = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    ects = (
        ECTAtSchool.objects.filter(current, tenant_id=school.tenant_id, school=school)
        .select_related("ect__user").order_by("ect__user__full_name")
    )
    mentors = (
        MentorAtSchool.objects.filter(current, tenant_id=school.tenant_id, school=school)
        .select_related("mentor__user").order_by("mentor__user__full_name")
    )
    seen, people = set(), []
    for user, audience in [(p.ect.user, Audience.ECT) for p in ects] + [(p.mentor.user, Audience.MENTOR) for p in mentors]:
        if (user.pk, audience) not in seen:
            seen.add((user.pk, audience))
            people.append((user, audience))
    return people


# --- Sessions ------------------------------------------------------------------------------


def delivery_window(event, academic_year):
    return DeliveryWindow.objects.filter(event=event, academic_year=academic_year).first()


def open_to_school(session, school):
    """A session without a local group is open to every school; one with a group only to
    the group's schools."""
    if session.local_group_id is None:
        return True
    return school is not None and any(s.pk == school.pk for s in session.local_group.schools.all())


def sessions_of(*, tenant_id, event, academic_year, school=None, published_only=True):
    """The sessions of one event in an academic year (with their booked counts), those
    open to the school when one is given."""
    sessions = (
        Session.objects.filter(tenant_id=tenant_id, event=event, academic_year=academic_year)
        .select_related("event", "local_group")
        .prefetch_related("local_group__schools")
        .annotate(booked_count=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
                  waiting_count=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING)))
        .order_by("starts_at", "pk")
    )
    if published_only:
        sessions = sessions.filter(status=Session.Status.PUBLISHED)
    rows = list(sessions)
    if school is not None:
        rows = [s for s in rows if open_to_school(s, school)]
    return rows


def visible_sessions(request):
    """Sessions the active membership may open: every session of the tenant for its
    staff and facilitators, drafts included; school leaders every published (or
    cancelled) one; ECTs and mentors those of their own audience; coaches none."""
    membership = request.membership
    if membership is None:
        return Session.objects.none()
    sessions = Session.objects.filter(tenant_id=membership.tenant_id)
    if membership.role in DELIVERY_PARTNER_ROLES or membership.role == Role.FACILITATOR:
        return sessions  # drafts included: they prepare them
    if membership.role in SCHOOL_LEADER_ROLES:
        return sessions.exclude(status=Session.Status.DRAFT)
    if membership.role == Role.ECT:
        return sessions.filter(event__audience=Audience.ECT).exclude(status=Session.Status.DRAFT)
    if membership.role == Role.MENTOR:
        return sessions.filter(event__audience=Audience.MENTOR).exclude(status=Session.Status.DRAFT)
    return Session.objects.none()


def get_session_for_user(request, pk):
    session = visible_sessions(request).select_related("event__term__year", "local_group").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def can_take_register(user, membership, session):
    """The session's facilitators and the delivery partner's staff take its register."""
    if membership is None or membership.tenant_id != session.tenant_id:
        return False
    if membership.role in DELIVERY_PARTNER_ROLES:
        return True
    return membership.role == Role.FACILITATOR and session.facilitators.filter(pk=user.pk).exists()


def get_register_session(request, pk):
    """A session whose register the active membership takes, or 404."""
    membership = request.membership
    sessions = Session.objects.filter(tenant_id=membership.tenant_id)
    if membership.role == Role.FACILITATOR:
        sessions = sessions.filter(facilitators=request.user)
    elif membership.role not in DELIVERY_PARTNER_ROLES:
        raise Http404
    session = sessions.select_related("event__term__year", "local_group").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def register_rows(session):
    """The session's bookings for the register: booked first (by name), then the
    waiting list in its order."""
    bookings = list(
        Booking.objects.filter(tenant_id=session.tenant_id, session=session, status__in=Booking.ACTIVE)
        .select_related("user", "school")
    )
    booked = sorted((b for b in bookings if b.status == Booking.Status.BOOKED),
                    key=lambda b: (b.user.full_name or b.user.email).lower())
    waiting = sorted((b for b in bookings if b.status == Booking.Status.WAITING), key=lambda b: (b.booked_at, b.pk))
    return booked, waiting


# --- Each person's state for each event -----------------------------------------------------


class State:
    NOT_BOOKED = "not_booked"
    WAITING = "waiting"
    BOOKED = "booked"
    ATTENDED = "attended"
    MISSED = "missed"
    CATCH_UP_DONE = "catch_up_done"
    NO_SESSIONS = "no_sessions"

    LABELS = {
        NOT_BOOKED: "Not booked",
        WAITING: "On the waiting list",
        BOOKED: "Booked",
        ATTENDED: "Attended",
        MISSED: "Missed: catch-up not done",
        CATCH_UP_DONE: "Missed: catch-up done",
        NO_SESSIONS: "No sessions yet",
    }
    SHORT = {
        NOT_BOOKED: "Not booked", WAITING: "Waiting list", ATTENDED: "Attended", MISSED: "Missed",
        CATCH_UP_DONE: "Caught up", NO_SESSIONS: "No dates yet",
    }
    COLOURS = {
        NOT_BOOKED: "orange", WAITING: "yellow", BOOKED: "blue", ATTENDED: "green", MISSED: "red",
        CATCH_UP_DONE: "turquoise", NO_SESSIONS: "grey",
    }


@dataclass
class EventState:
    """A participant's position for one event: their booking (or place on the waiting
    list), their attendance, and their catch-up when they missed it."""

    expectation: Expectation
    booking: Booking | None = None
    catch_up: CatchUp | None = None
    waiting_position: int | None = None
    sessions_open: int = 0  # published sessions of the event in its year

    @property
    def event(self):
        return self.expectation.event

    @property
    def session(self):
        return self.booking.session if self.booking else None

    @property
    def state(self):
        booking = self.booking
        if self.catch_up is not None:
            return State.CATCH_UP_DONE if self.catch_up.is_done else State.MISSED
        if booking is None:
            return State.NOT_BOOKED if self.sessions_open else State.NO_SESSIONS
        if booking.status == Booking.Status.WAITING:
            return State.WAITING
        if booking.attendance in Booking.ATTENDED:
            return State.ATTENDED
        if booking.attendance in Booking.MISSED:
            return State.MISSED
        return State.BOOKED

    @property
    def label(self):
        if self.state == State.WAITING and self.waiting_position:
            return f"On the waiting list (number {self.waiting_position})"
        return State.LABELS[self.state]

    @property
    def colour(self):
        return State.COLOURS[self.state]

    @property
    def short(self):
        """The state in a few words, for a grid cell."""
        state = self.state
        if state == State.BOOKED:
            start = timezone.localtime(self.booking.session.starts_at)
            return f"Booked {start.day} {start:%b}"
        return State.SHORT[state]

    @property
    def needs_action(self):
        return self.state in (State.NOT_BOOKED, State.MISSED)


def event_states(*, tenant_id, user_ids, academic_year=None):
    """{user id: [EventState, ...]} for everyone in ``user_ids``, for one academic year
    or all. A fixed number of queries, whatever the number of people."""
    expectations = expectations_for(tenant_id=tenant_id, user_ids=user_ids)
    if academic_year is not None:
        expectations = {u: [x for x in xs if x.academic_year == academic_year] for u, xs in expectations.items()}
    events = {x.event.pk: x.event for xs in expectations.values() for x in xs}
    event_ids = set(events)
    bookings = {}
    for booking in (
        Booking.objects.filter(tenant_id=tenant_id, user_id__in=list(user_ids), status__in=Booking.ACTIVE,
                               event_id__in=event_ids)
        .select_related("session")
        .only("user_id", "event_id", "session_id", "school_id", "status", "attendance", "booked_at",
              "session__starts_at", "session__ends_at", "session__mode", "session__venue", "session__status",
              "session__capacity", "session__changes_close_hours", "session__local_group_id", "session__tenant_id",
              "session__event_id", "session__catch_up_url", "session__academic_year")
    ):
        # The event rows are those of the expectations: shared, not read again per booking.
        booking.event = booking.session.event = events[booking.event_id]
        bookings[(booking.user_id, booking.event_id)] = booking
    catch_ups = {
        (c.user_id, c.event_id): c
        for c in CatchUp.objects.filter(tenant_id=tenant_id, user_id__in=list(user_ids), event_id__in=event_ids)
    }
    published = {
        (row["event_id"], row["academic_year"]): row["n"]
        for row in Session.objects.filter(tenant_id=tenant_id, event_id__in=event_ids, status=Session.Status.PUBLISHED)
        .values("event_id", "academic_year").annotate(n=Count("pk"))
    }
    waiting_sessions = {b.session_id for b in bookings.values() if b.status == Booking.Status.WAITING}
    queue = {}
    for session_id, booking_id in (
        Booking.objects.filter(tenant_id=tenant_id, session_id__in=waiting_sessions, status=Booking.Status.WAITING)
        .order_by("session_id", "booked_at", "pk").values_list("session_id", "pk")
    ):
        queue.setdefault(session_id, []).append(booking_id)
    result = {}
    for user_id, items in expectations.items():
        states = []
        for x in items:
            booking = bookings.get((user_id, x.event.pk))
            position = None
            if booking and booking.status == Booking.Status.WAITING:
                position = queue.get(booking.session_id, []).index(booking.pk) + 1
            states.append(EventState(
                expectation=x, booking=booking, catch_up=catch_ups.get((user_id, x.event.pk)),
                waiting_position=position, sessions_open=published.get((x.event.pk, x.academic_year), 0),
            ))
        result[user_id] = states
    return result


@dataclass
class PersonSchedule:
    user: object
    audience: str
    states: list = field(default_factory=list)

    @property
    def missed(self):
        return [s for s in self.states if s.state == State.MISSED]

    @property
    def not_booked(self):
        return [s for s in self.states if s.state == State.NOT_BOOKED]


def school_schedule(*, school, academic_year, on=None):
    """Every ECT and mentor of the school now, with their state for each of their events
    in the academic year, and the school's booked sessions in date order (who attends
    what and when, for cover planning)."""
    people = participants_at_school(school=school, on=on)
    user_ids = [u.pk for u, _ in people]
    states = event_states(tenant_id=school.tenant_id, user_ids=user_ids, academic_year=academic_year)
    rows = []
    for user, audience in people:
        rows.append(PersonSchedule(
            user=user, audience=audience,
            states=[s for s in states.get(user.pk, []) if s.expectation.audience == audience],
        ))
    by_session = {}
    for row in rows:
        for state in row.states:
            if state.booking and state.booking.status == Booking.Status.BOOKED:
                by_session.setdefault(state.booking.session_id, (state.booking.session, []))[1].append(row.user)
    sessions = sorted(by_session.values(), key=lambda item: (item[0].starts_at, item[0].pk))
    return rows, sessions


@dataclass
class Grid:
    """People who share the same events (ECTs in one programme year, mentors), with one
    cell per event: the school schedule's at-a-glance table."""

    title: str
    events: list
    rows: list = field(default_factory=list)  # [(user, [EventState in the events' order])]


def schedule_grids(rows):
    grids = {}
    for row in rows:
        if not row.states:
            continue
        events = [s.event for s in row.states]
        key = (row.audience, tuple(e.pk for e in events))
        if key not in grids:
            year = events[0].term.year.number
            title = f"ECTs in year {year}" if row.audience == Audience.ECT else "Mentors"
            grids[key] = Grid(title=title, events=events)
        grids[key].rows.append((row.user, row.states))
    return sorted(grids.values(), key=lambda g: (g.title.startswith("Mentors"), g.title))


def get_own_catch_up(request, pk):
    catch_up = (
        CatchUp.objects.filter(tenant_id=request.membership.tenant_id, user=request.user, pk=pk)
        .select_related("event__term__year", "booking__session").first()
    )
    if catch_up is None:
        raise Http404
    return catch_up


def get_own_booking(request, pk):
    booking = (
        Booking.objects.filter(tenant_id=request.membership.tenant_id, user=request.user, pk=pk)
        .select_related("session__event", "event").first()
    )
    if booking is None:
        raise Http404
    return booking


def facilitator_sessions(*, tenant_id, user, since=None):
    """The sessions a facilitator runs, from ``since`` (default: a week ago), with counts."""
    since = since or (now() - dt.timedelta(days=7))
    return list(
        Session.objects.filter(tenant_id=tenant_id, facilitators=user, ends_at__gte=since)
        .exclude(status=Session.Status.DRAFT)
        .select_related("event", "local_group")
        .annotate(booked_count=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
                  marked_count=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)
                                     & ~Q(bookings__attendance="")))
        .order_by("starts_at", "pk")
    )
