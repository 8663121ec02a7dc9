"""Writes for events: scheduling and publishing sessions, booking (with capacity held
under concurrent requests and a waiting list), moving and cancelling, attendance and
the catch-up it sets, and calendar feed addresses.

Each service checks everything first and writes in one transaction, so a refusal
leaves nothing behind; each refusal (``EventError``) says what to do instead, and
names the form field it belongs beside. E-mail goes after the commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ectalign.mail import send_email
from events import selectors
from events.models import Booking, CalendarFeed, CatchUp, LocalGroup, Session
from programme.models import Audience, EventTemplate
from programme.schedule import academic_year_label, academic_year_of, long_date
from schools.models import DELIVERY_PARTNER_ROLES, Membership, Role

MAX_NEEDS_CHARS = 300
MAX_CAPACITY = 2000
MAX_CHANGES_CLOSE_HOURS = 24 * 28
# A conference runs its hours plus a lunch break; a clinic runs its hours.
CONFERENCE_BREAK = dt.timedelta(minutes=30)
DEFAULT_CAPACITY = {EventTemplate.Kind.CONFERENCE: 60, EventTemplate.Kind.CLINIC: 30}
DEFAULT_START = {EventTemplate.Kind.CONFERENCE: dt.time(9, 0), EventTemplate.Kind.CLINIC: dt.time(16, 0)}
DEFAULT_MODE = {EventTemplate.Kind.CONFERENCE: Session.Mode.IN_PERSON, EventTemplate.Kind.CLINIC: Session.Mode.ONLINE}


class EventError(Exception):
    """An event change that cannot be made, with a message a person can act on."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def when(moment):
    """"Wednesday 4 November 2026 at 16:00" in UK time."""
    local = timezone.localtime(moment)
    return f"{local:%A} {long_date(local.date())} at {local:%H:%M}"


def event_name(event):
    return f"{event.get_kind_display()} {event.number}: {event.title}"


# --- Scheduling ---------------------------------------------------------------------------


def _check_session_facts(*, tenant, event, starts_at, ends_at, mode, venue, online_link, capacity,
                         facilitators, local_group, booked=0):
    if starts_at is None:
        raise EventError("Enter the date and start time of the session.", field="starts_at")
    if ends_at is None:
        raise EventError("Enter the time the session ends.", field="ends_at")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("starts_at and ends_at must be aware datetimes")
    if ends_at <= starts_at:
        raise EventError(
            f"The session ends ({when(ends_at)}) before or when it starts ({when(starts_at)}): "
            "check the end time.", field="ends_at",
        )
    start_day, end_day = timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()
    year = academic_year_of(start_day)
    window = selectors.delivery_window(event, year)
    if window is None:
        raise EventError(
            f"The lead provider has set no delivery window for {event_name(event)} in {academic_year_label(year)}: "
            "choose a date in an academic year that has one, or ask the lead provider for the window.",
            field="starts_at",
        )
    if not (window.holds(start_day) and window.holds(end_day)):
        outside = start_day if not window.holds(start_day) else end_day
        raise EventError(
            f"{event_name(event)} must run between {long_date(window.opens_on)} and {long_date(window.closes_on)} "
            f"(the lead provider's delivery window): {long_date(outside)} is outside it.", field="starts_at",
        )
    if mode not in Session.Mode.values:
        raise EventError("Choose whether the session is face to face or online.", field="mode")
    if mode == Session.Mode.IN_PERSON and not (venue or "").strip():
        raise EventError("Enter the venue's name and address for a face-to-face session.", field="venue")
    if mode == Session.Mode.ONLINE and not (online_link or "").strip():
        raise EventError("Enter the joining link for an online session.", field="online_link")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        raise EventError(f"Enter how many people the session can take: from 1 to {MAX_CAPACITY}.", field="capacity")
    if capacity < booked:
        raise EventError(
            f"{booked} people are already booked on this session: the capacity cannot be less than {booked}. "
            "Move some of them to another session first.", field="capacity",
        )
    if local_group is not None and local_group.tenant_id != tenant.pk:
        raise EventError("Choose one of your own local groups.", field="local_group")
    facilitator_ids = {u.pk for u in facilitators}
    if facilitator_ids:
        allowed = set(
            Membership.objects.filter(
                tenant_id=tenant.pk, user_id__in=facilitator_ids, is_active=True,
                role__in=[Role.FACILITATOR, Role.DP_STAFF, Role.DP_ADMIN],
            ).values_list("user_id", flat=True)
        )
        missing = [u for u in facilitators if u.pk not in allowed]
        if missing:
            names = ", ".join(u.full_name or u.email for u in missing)
            raise EventError(
                f"{names} cannot facilitate: only the delivery partner's facilitators and staff can.",
                field="facilitators",
            )
    return year


def _require_staff(actor, tenant):
    if not Membership.objects.filter(
        tenant_id=tenant.pk, user=actor, is_active=True, role__in=sorted(DELIVERY_PARTNER_ROLES)
    ).exists() and not actor.is_superuser:
        raise EventError("Only the delivery partner's staff can schedule sessions.")


@transaction.atomic
def schedule_session(*, actor, tenant, event, starts_at, ends_at, mode, capacity, venue="", online_link="",
                     facilitators=(), local_group=None, changes_close_hours=48, catch_up_url="", session=None):
    """Create a draft session of a conference or clinic, or change one (``session``).
    A change that moves the session, its place or its link bumps its calendar revision
    and tells the people booked on it."""
    _require_staff(actor, tenant)
    if not isinstance(event, EventTemplate):
        raise TypeError("event must be an EventTemplate")
    booked = 0
    if session is not None:
        session = Session.objects.select_for_update().get(pk=session.pk, tenant_id=tenant.pk)
        booked = session.bookings.filter(status=Booking.Status.BOOKED).count()
        if session.status == Session.Status.CANCELLED:
            raise EventError("This session is cancelled: schedule a new one instead.")
        if event.pk != session.event_id and session.bookings.filter(status__in=Booking.ACTIVE).exists():
            raise EventError("People have booked this session: its event cannot change.", field="event")
    if not 0 <= (changes_close_hours or 0) <= MAX_CHANGES_CLOSE_HOURS:
        raise EventError(f"Close bookings between 0 and {MAX_CHANGES_CLOSE_HOURS} hours (four weeks) before the start.",
                         field="changes_close_hours")
    year = _check_session_facts(
        tenant=tenant, event=event, starts_at=starts_at, ends_at=ends_at, mode=mode, venue=venue,
        online_link=online_link, capacity=capacity, facilitators=list(facilitators), local_group=local_group,
        booked=booked,
    )
    venue = (venue or "").strip() if mode == Session.Mode.IN_PERSON else ""
    online_link = (online_link or "").strip() if mode == Session.Mode.ONLINE else ""
    changed_for_attendees = False
    if session is None:
        session = Session(tenant=tenant, event=event)
    else:
        changed_for_attendees = (
            session.starts_at != starts_at or session.ends_at != ends_at or session.mode != mode
            or session.venue != venue or session.online_link != online_link
        )
        if changed_for_attendees:
            session.sequence += 1
    session.event = event
    session.academic_year = year
    session.starts_at, session.ends_at, session.mode = starts_at, ends_at, mode
    session.venue, session.online_link, session.capacity = venue, online_link, capacity
    session.local_group = local_group
    session.changes_close_hours = changes_close_hours
    session.catch_up_url = (catch_up_url or "").strip()
    session._history_user = actor
    session.save()
    session.facilitators.set(list(facilitators))
    if changed_for_attendees and session.status == Session.Status.PUBLISHED:
        for booking in session.bookings.filter(status__in=Booking.ACTIVE).select_related("user"):
            send_email(to=booking.user.email, template="event_session_changed",
                       context={"booking": booking, "session": session, "when": when(session.starts_at)},
                       tenant_id=session.tenant_id)
    _offer_free_places(session, actor=actor)
    return session


@transaction.atomic
def publish_session(*, actor, session):
    """Open a draft session to booking."""
    _require_staff(actor, session.tenant)
    session = Session.objects.select_for_update().get(pk=session.pk, tenant_id=session.tenant_id)
    if session.status == Session.Status.CANCELLED:
        raise EventError("A cancelled session cannot be published: schedule a new one.")
    if session.status == Session.Status.PUBLISHED:
        return session
    if session.starts_at <= timezone.now():
        raise EventError("This session has already started: it cannot open to booking now.")
    session.status = Session.Status.PUBLISHED
    session._history_user = actor
    session.save(update_fields=["status", "updated_at"])
    return session


@transaction.atomic
def cancel_session(*, actor, session, now=None):
    """Cancel a session: its bookings and waiting list are cancelled and the people on
    them told, so they can book another session."""
    _require_staff(actor, session.tenant)
    now = now or timezone.now()
    session = Session.objects.select_for_update().get(pk=session.pk, tenant_id=session.tenant_id)
    if session.status == Session.Status.CANCELLED:
        return session
    if session.bookings.exclude(attendance="").exists():
        raise EventError("The register of this session has been taken: it cannot be cancelled.")
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session._history_user = actor
    session.save(update_fields=["status", "sequence", "updated_at"])
    for booking in session.bookings.filter(status__in=Booking.ACTIVE).select_related("user"):
        booking.status, booking.cancelled_at, booking.cancelled_by = Booking.Status.CANCELLED, now, actor
        booking._history_user = actor
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        send_email(to=booking.user.email, template="event_session_cancelled",
                   context={"booking": booking, "session": session, "when": when(session.starts_at)},
                   tenant_id=session.tenant_id)
    return session


def _window_dates(window):
    """Teaching-week days to place default sessions on: the window's first Wednesday."""
    day = window.opens_on
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return day if day <= window.closes_on else window.opens_on


@transaction.atomic
def bulk_create_sessions(*, actor, tenant, programme, academic_year, programme_year, copies=1):
    """Draft sessions for every conference and clinic of one year of a programme, placed
    on the first Wednesday of each delivery window at the usual times (conferences
    09:00 face to face, clinics 16:00 online), for staff to adjust and publish. Refuses
    the whole batch when an event has no window that year. Returns the new sessions."""
    _require_staff(actor, tenant)
    if copies < 1 or copies > 20:
        raise EventError("Make between 1 and 20 sessions of each event.", field="copies")
    from programme.models import Cohort

    used = Cohort.objects.filter(tenant_id=tenant.pk)
    if not (used.filter(programme=programme).exists() or used.filter(mentor_programme=programme).exists()):
        raise EventError(f"None of your cohorts follows {programme}: choose one of their programmes.", field="programme")
    events = list(
        EventTemplate.objects.filter(programme=programme, term__year__number=programme_year)
        .select_related("term__year").order_by("term__number", "half_term", "kind", "number")
    )
    if not events:
        raise EventError(f"{programme} has no conferences or clinics in year {programme_year}.", field="programme_year")
    created = []
    for event in events:
        window = selectors.delivery_window(event, academic_year)
        if window is None:
            raise EventError(
                f"The lead provider has set no delivery window for {event_name(event)} in "
                f"{academic_year_label(academic_year)}: no sessions were made.", field="academic_year",
            )
        day = _window_dates(window)
        start = timezone.make_aware(dt.datetime.combine(day, DEFAULT_START[event.kind]))
        length = dt.timedelta(hours=float(event.hours or Decimal("1.5")))
        if event.kind == EventTemplate.Kind.CONFERENCE:
            length += CONFERENCE_BREAK
        end = start + length
        mode = DEFAULT_MODE[event.kind]
        for _ in range(copies):
            session = Session(
                tenant=tenant, event=event, academic_year=academic_year_of(day), starts_at=start, ends_at=end,
                mode=mode, capacity=DEFAULT_CAPACITY[event.kind],
                venue="To be confirmed" if mode == Session.Mode.IN_PERSON else "",
                online_link="https://example.invalid/join-link-to-be-confirmed" if mode == Session.Mode.ONLINE else "",
            )
            session._history_user = actor
            session.save()
            created.append(session)
    return created


# --- Booking --------------------------------------------------------------------------------


def _may_act_for(actor, *, tenant_id, user, school):
    """The participant themselves, an induction tutor of their school, or the delivery
    partner's staff."""
    if actor.pk == user.pk or actor.is_superuser:
        return True
    roles = set(
        Membership.objects.filter(tenant_id=tenant_id, user=actor, is_active=True)
        .filter(role__in=[Role.INDUCTION_TUTOR, *DELIVERY_PARTNER_ROLES])
        .values_list("role", "school_id")
    )
    return any(role in DELIVERY_PARTNER_ROLES or (school and school_id == school.pk) for role, school_id in roles)


def _name(user):
    return user.full_name or user.email


def _check_bookable(session, *, actor, user, now):
    if session.status == Session.Status.CANCELLED:
        raise EventError("This session has been cancelled: choose another session.", field="session")
    if session.status != Session.Status.PUBLISHED:
        raise EventError("This session is not open for booking yet: choose another session.", field="session")
    if now >= session.changes_close_at:
        raise EventError(
            f"Booking for this session closed on {when(session.changes_close_at)}: choose a later session "
            "or contact the delivery partner.", field="session",
        )
    # Who may book comes first, so a refusal tells an outsider nothing about the person.
    school = selectors.school_of_participant(tenant_id=session.tenant_id, user_id=user.pk,
                                             on=timezone.localtime(now).date())
    if not _may_act_for(actor, tenant_id=session.tenant_id, user=user, school=school):
        raise EventError("Only the participant, their induction tutor or the delivery partner can book for them.")
    expectation = selectors.expectation_for(tenant_id=session.tenant_id, user_id=user.pk, event=session.event)
    whose = "You are" if actor.pk == user.pk else f"{_name(user)} is"
    if expectation is None:
        audience = Audience(session.event.audience).label.lower()
        someone = "you" if actor.pk == user.pk else _name(user)
        raise EventError(
            f"{event_name(session.event)} is for {audience} of another programme or year, not for {someone}: "
            "choose a session of an event on the list.", field="session",
        )
    if expectation.academic_year != session.academic_year:
        raise EventError(
            f"{whose} expected at {event_name(session.event)} in {expectation.year_label}, and this session is in "
            f"{academic_year_label(session.academic_year)}: choose a session in {expectation.year_label}.",
            field="session",
        )
    if not selectors.open_to_school(session, school):
        raise EventError(
            f"This session is for the schools of {session.local_group}: choose a session open to "
            f"{school.name if school else 'your school'}.", field="session",
        )
    return school


def _needs(value, *, field, mode):
    text = (value or "").strip()
    if mode != Session.Mode.IN_PERSON:
        return ""
    if len(text) > MAX_NEEDS_CHARS:
        raise EventError(f"Keep this to {MAX_NEEDS_CHARS} characters (it has {len(text)}).", field=field)
    return text


def _lock_session(session):
    """Lock the session row: bookings of one session are decided one at a time, so
    two people cannot take its last place together. Only the session row: PostgreSQL
    refuses FOR UPDATE on the nullable side of the join to the local group, and locking
    the (global) event row would queue every booking of the event, in every tenant."""
    return Session.objects.select_for_update(of=("self",)).select_related("event", "local_group").get(
        pk=session.pk, tenant_id=session.tenant_id
    )


def _booked_count(session):
    return Booking.objects.filter(tenant_id=session.tenant_id, session=session, status=Booking.Status.BOOKED).count()


def _existing_booking(session, user):
    return (
        Booking.objects.filter(tenant_id=session.tenant_id, user=user, event=session.event, status__in=Booking.ACTIVE)
        .select_related("session").first()
    )


@transaction.atomic
def book_session(*, actor, session, user, dietary_needs="", access_needs="", waiting_list=False, now=None):
    """Book ``user`` on ``session`` (by themselves, their induction tutor or the
    delivery partner's staff). A full session refuses unless ``waiting_list`` asks for a
    place on its waiting list; a session with room books directly either way."""
    now = now or timezone.now()
    session = _lock_session(session)
    school = _check_bookable(session, actor=actor, user=user, now=now)
    existing = _existing_booking(session, user)
    if existing:
        whose = "You are" if actor.pk == user.pk else f"{_name(user)} is"
        what = "booked on" if existing.status == Booking.Status.BOOKED else "on the waiting list for"
        raise EventError(
            f"{whose} already {what} {event_name(session.event)} ({when(existing.session.starts_at)}): "
            "move or cancel that booking instead.", field="session",
        )
    dietary = _needs(dietary_needs, field="dietary_needs", mode=session.mode)
    access = _needs(access_needs, field="access_needs", mode=session.mode)
    full = _booked_count(session) >= session.capacity
    if full and not waiting_list:
        raise EventError(
            "This session is full: choose another session, or join its waiting list and you will be booked "
            "automatically if a place comes free.", field="session",
        )
    booking = Booking(
        tenant_id=session.tenant_id, session=session, event=session.event, user=user, school=school,
        status=Booking.Status.WAITING if full else Booking.Status.BOOKED, dietary_needs=dietary,
        access_needs=access, booked_by=actor, booked_at=now,
    )
    booking._history_user = actor
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise EventError(f"A booking for {event_name(session.event)} was made a moment ago: refresh the page.",
                         field="session") from None
    send_email(to=user.email, template="event_booked", context={
        "booking": booking, "session": session, "when": when(session.starts_at), "by_someone_else": actor.pk != user.pk,
    }, tenant_id=session.tenant_id)
    return booking


def _offer_free_places(session, *, actor, now=None):
    """Give free places to the waiting list, first come first served, and tell each
    person booked. The session row must be locked by the caller."""
    now = now or timezone.now()
    # After the cut-off a place is not given away automatically: the person could no
    # longer cancel it. Staff book someone by hand if there is time.
    if session.status != Session.Status.PUBLISHED or now >= session.changes_close_at:
        return []
    free = session.capacity - _booked_count(session)
    if free <= 0:
        return []
    offered = []
    for booking in (
        Booking.objects.filter(tenant_id=session.tenant_id, session=session, status=Booking.Status.WAITING)
        .select_related("user").order_by("booked_at", "pk")[:free]
    ):
        booking.status, booking.offered_at = Booking.Status.BOOKED, now
        booking._history_user = actor
        booking.save(update_fields=["status", "offered_at"])
        send_email(to=booking.user.email, template="event_place_offered",
                   context={"booking": booking, "session": session, "when": when(session.starts_at)},
                   tenant_id=session.tenant_id)
        offered.append(booking)
    return offered


def _check_change_allowed(booking, *, actor, now, what):
    school = booking.school
    if not _may_act_for(actor, tenant_id=booking.tenant_id, user=booking.user, school=school):
        raise EventError(f"Only the participant, their induction tutor or the delivery partner can {what} it.")
    if booking.status == Booking.Status.CANCELLED:
        raise EventError("This booking is already cancelled.")
    if booking.attendance:
        raise EventError("Attendance has been taken for this booking: it can no longer change.")
    staff = Membership.objects.filter(
        tenant_id=booking.tenant_id, user=actor, is_active=True, role__in=sorted(DELIVERY_PARTNER_ROLES)
    ).exists()
    if not (staff or actor.is_superuser) and now >= booking.session.changes_close_at:
        raise EventError(
            f"Changes to this booking closed on {when(booking.session.changes_close_at)}: contact the delivery "
            "partner if you cannot attend.",
        )


@transaction.atomic
def cancel_booking(*, actor, booking, now=None):
    """Cancel a booking or a place on the waiting list before the cut-off (the delivery
    partner's staff may cancel later). A freed place goes to the waiting list."""
    now = now or timezone.now()
    session = _lock_session(booking.session)
    booking = Booking.objects.select_related("user", "school").get(pk=booking.pk, tenant_id=booking.tenant_id)
    booking.session = session
    _check_change_allowed(booking, actor=actor, now=now, what="cancel")
    was_booked = booking.status == Booking.Status.BOOKED
    booking.status, booking.cancelled_at, booking.cancelled_by = Booking.Status.CANCELLED, now, actor
    booking._history_user = actor
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    if was_booked:
        _offer_free_places(session, actor=actor, now=now)
    return booking


@transaction.atomic
def move_booking(*, actor, booking, to_session, dietary_needs=None, access_needs=None, now=None):
    """Move a booking to another session of the same event, in one step: the new place is
    taken before the old is given up, so a full session leaves the booking as it was."""
    now = now or timezone.now()
    if to_session.tenant_id != booking.tenant_id or to_session.event_id != booking.event_id:
        raise EventError("Choose a session of the same event to move to.", field="session")
    if to_session.pk == booking.session_id:
        raise EventError("This is the session already booked: choose a different one.", field="session")
    # Lock both sessions in a fixed order, so two moves in opposite directions cannot deadlock.
    locked = {s.pk: s for s in (_lock_session(s) for s in sorted([booking.session, to_session], key=lambda s: s.pk))}
    old_session, new_session = locked[booking.session_id], locked[to_session.pk]
    booking = Booking.objects.select_related("user", "school").get(pk=booking.pk, tenant_id=booking.tenant_id)
    booking.session = old_session
    _check_change_allowed(booking, actor=actor, now=now, what="move")
    _check_bookable(new_session, actor=actor, user=booking.user, now=now)
    if _booked_count(new_session) >= new_session.capacity:
        raise EventError("That session is full: your booking has not changed. Choose another session.",
                         field="session")
    was_booked = booking.status == Booking.Status.BOOKED
    booking.status, booking.cancelled_at, booking.cancelled_by = Booking.Status.CANCELLED, now, actor
    booking._history_user = actor
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    moved = Booking(
        tenant_id=booking.tenant_id, session=new_session, event=new_session.event, user=booking.user,
        school=booking.school, status=Booking.Status.BOOKED,
        dietary_needs=_needs(booking.dietary_needs if dietary_needs is None else dietary_needs,
                             field="dietary_needs", mode=new_session.mode),
        access_needs=_needs(booking.access_needs if access_needs is None else access_needs,
                            field="access_needs", mode=new_session.mode),
        booked_by=actor, booked_at=now,
    )
    moved._history_user = actor
    moved.save()
    if was_booked:
        _offer_free_places(old_session, actor=actor, now=now)
    send_email(to=booking.user.email, template="event_booked", context={
        "booking": moved, "session": new_session, "when": when(new_session.starts_at), "moved": True,
        "by_someone_else": actor.pk != booking.user_id,
    }, tenant_id=new_session.tenant_id)
    return moved


# --- Attendance and catch-up -------------------------------------------------------------


@transaction.atomic
def mark_attendance(*, actor, session, marks, now=None):
    """Record the register: ``marks`` maps booking ids to an attendance value. Marking
    someone absent (or excused) sets their catch-up for the event; correcting the mark
    to present or late withdraws a catch-up not yet done. All the marks are saved, or
    none."""
    now = now or timezone.now()
    session = _lock_session(session)
    membership_roles = set(
        Membership.objects.filter(tenant_id=session.tenant_id, user=actor, is_active=True).values_list("role", flat=True)
    )
    facilitates = session.facilitators.filter(pk=actor.pk).exists()
    if not (membership_roles & DELIVERY_PARTNER_ROLES or (Role.FACILITATOR in membership_roles and facilitates)):
        raise EventError("Only the session's facilitators and the delivery partner's staff take its register.")
    if session.status != Session.Status.PUBLISHED:
        raise EventError("This session is not running (it is a draft or cancelled): there is no register to take.")
    if timezone.localtime(now).date() < timezone.localtime(session.starts_at).date():
        raise EventError(f"The register opens on the day of the session ({when(session.starts_at)}).")
    if not marks:
        raise EventError("Mark at least one person before saving the register.")
    bookings = {
        b.pk: b for b in Booking.objects.filter(tenant_id=session.tenant_id, pk__in=list(marks))
        .select_related("user")
    }
    problems = []
    for booking_id, mark in marks.items():
        booking = bookings.get(booking_id)
        if booking is None or booking.session_id != session.pk or booking.status != Booking.Status.BOOKED:
            name = _name(booking.user) if booking else "Someone on this register"
            problems.append(f"{name} is not booked on this session, so cannot be marked: refresh the register.")
        elif mark not in Booking.Attendance.values:
            problems.append(f"Choose present, late, absent or excused for {_name(booking.user)}.")
    if problems:
        raise EventError(" ".join(problems))
    catch_ups = {
        c.user_id: c for c in CatchUp.objects.select_for_update().filter(
            tenant_id=session.tenant_id, event=session.event, user_id__in=[b.user_id for b in bookings.values()]
        )
    }
    saved = []
    for booking_id, mark in marks.items():
        booking = bookings[booking_id]
        if booking.attendance == mark:
            continue
        booking.attendance, booking.attendance_marked_by, booking.attendance_marked_at = mark, actor, now
        booking._history_user = actor
        booking.save(update_fields=["attendance", "attendance_marked_by", "attendance_marked_at"])
        saved.append(booking)
        catch_up = catch_ups.get(booking.user_id)
        if mark in Booking.MISSED and catch_up is None:
            catch_up = CatchUp(tenant_id=session.tenant_id, user=booking.user, event=session.event, booking=booking,
                               assigned_at=now)
            catch_up._history_user = actor
            catch_up.save()
            send_email(to=booking.user.email, template="event_catch_up",
                       context={"booking": booking, "session": session, "catch_up": catch_up},
                       tenant_id=session.tenant_id)
        elif mark in Booking.ATTENDED and catch_up is not None and not catch_up.is_done:
            catch_up._history_user = actor
            catch_up.delete()
    return saved


@transaction.atomic
def complete_catch_up(*, actor, catch_up, reflection, now=None):
    """The participant has worked through the catch-up and written their reflection."""
    now = now or timezone.now()
    if actor.pk != catch_up.user_id:
        raise EventError("Only the person who missed the event can complete its catch-up.")
    text = (reflection or "").strip()
    if len(text) < CatchUp.REFLECTION_MIN_CHARS:
        raise EventError(
            f"Write a little more in your reflection (at least {CatchUp.REFLECTION_MIN_CHARS} characters): "
            "what you took from the materials and what you will try in your classroom.", field="reflection",
        )
    catch_up = CatchUp.objects.select_for_update().filter(pk=catch_up.pk, tenant_id=catch_up.tenant_id).first()
    if catch_up is None:
        raise EventError("This catch-up is no longer needed: your attendance was corrected to present.")
    catch_up.reflection = text
    if catch_up.completed_at is None:
        catch_up.completed_at = now
    catch_up._history_user = actor
    catch_up.save(update_fields=["reflection", "completed_at"])
    return catch_up


# --- Calendar feeds ------------------------------------------------------------------------


@transaction.atomic
def create_feed(*, actor, tenant, school=None, now=None):
    """A new private feed address for the actor (or, with ``school``, the school's
    schedule for its induction tutor); any live address it replaces stops working."""
    now = now or timezone.now()
    if school is not None and not Membership.objects.filter(
        tenant_id=tenant.pk, user=actor, school=school, role=Role.INDUCTION_TUTOR, is_active=True
    ).exists():
        raise EventError("Only the school's induction tutors have a feed of its schedule.")
    CalendarFeed.objects.filter(tenant_id=tenant.pk, user=actor, school=school, revoked_at__isnull=True).update(
        revoked_at=now
    )
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(
                tenant_id=tenant.pk, user=actor, school=school, token=secrets.token_urlsafe(32), created_at=now,
            )
    except IntegrityError:
        raise EventError("A new calendar address was made a moment ago: refresh the page to see it.") from None


@transaction.atomic
def revoke_feed(*, actor, feed, now=None):
    if feed.user_id != actor.pk:
        raise EventError("Only the owner of a calendar address can turn it off.")
    if feed.revoked_at is None:
        feed.revoked_at = now or timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def create_local_group(*, actor, tenant, name, schools=()):
    _require_staff(actor, tenant)
    name = (name or "").strip()
    if not name:
        raise EventError("Enter a name for the local group.", field="name")
    if LocalGroup.objects.filter(tenant_id=tenant.pk, name__iexact=name).exists():
        raise EventError(f"There is already a local group called {name}.", field="name")
    group = LocalGroup.objects.create(tenant=tenant, name=name)
    group.schools.set([s for s in schools if s.tenant_id == tenant.pk])
    return group
