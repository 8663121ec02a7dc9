"""iCalendar (RFC 5545) for conferences and clinics: a person's private feed, a school's
feed for its induction tutors, and one session as an .ics download.

What calendar clients (Outlook, Google Calendar, Apple Calendar) rely on:

- UID: one per session and calendar, stable whatever changes, so an edit replaces the
  entry instead of adding another;
- SEQUENCE: rises with every change the reader should take (the session's own
  revision, kept by ``events.services``, plus this person's or this school's booking
  changes), never falls;
- times in Europe/London with the VTIMEZONE that defines it, so 16:00 stays 16:00 on
  both sides of the change to and from British Summer Time;
- cancellations kept (STATUS:CANCELLED) for a while, so a client that already has the
  entry removes or strikes it, instead of silently keeping the old one.

The bytes depend only on the data (DTSTAMP comes from the rows, not the clock), so the
feed, ``export_calendar`` and repeated fetches agree byte for byte.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from events.models import Booking, Session
from events.services import event_name

LONDON = ZoneInfo("Europe/London")
PRODID = "-//ectalign//events//EN"
# Clients fetch again after this long (those that honour it: Apple, Outlook; Google
# keeps its own pace of several hours).
REFRESH = dt.timedelta(hours=1)
# A cancellation stays in the feed this long after the session's start, so every
# client that had the entry sees it cancelled; older ones are dropped.
CANCELLED_KEPT_FOR = dt.timedelta(days=90)
PERSON_CALENDAR_NAME = "ectalign: your conferences and clinics"
WAITING_PREFIX = "Waiting list: "
CANCELLED_PREFIX = "Cancelled: "

CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


def session_url(session):
    return settings.SITE_URL + reverse("events:session_detail", args=[session.pk])


def ics_filename(session):
    """"clinic-1-2026-11-04.ics": the event and the session's day in UK time."""
    day = timezone.localtime(session.starts_at, LONDON).date()
    return f"{slugify(session.event.get_kind_display())}-{session.event.number}-{day:%Y-%m-%d}.ics"


def _utc(moment):
    return moment.astimezone(dt.timezone.utc)


def _last_change(session, bookings):
    """DTSTAMP and LAST-MODIFIED: the latest change to the session or the bookings
    shown, in UTC (from the rows, so the same data gives the same bytes)."""
    moments = [session.updated_at]
    for booking in bookings:
        moments += [m for m in (booking.booked_at, booking.offered_at, booking.cancelled_at) if m is not None]
    return _utc(max(moments))


def _new_calendar(name=None, description=None):
    """A calendar; with a name, a subscribed feed (named, refreshed hourly). Without,
    a one-off download that clients import into a calendar of the person's choice."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-caldesc", description)
        calendar.add("x-wr-timezone", "Europe/London")
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def _finish(calendar, sessions):
    """Add the VTIMEZONE of Europe/London, covering whole years around the sessions
    (both clock changes of each year), and serialise."""
    if sessions:
        days = [timezone.localtime(s.starts_at, LONDON).date() for s in sessions]
        days += [timezone.localtime(s.ends_at, LONDON).date() for s in sessions]
        calendar.add_missing_timezones(
            first_date=dt.date(min(days).year, 1, 1), last_date=dt.date(max(days).year + 1, 1, 1),
        )
    return calendar.to_ical()


def _vevent(session, *, uid, summary, status, sequence, stamp, description):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", session.starts_at.astimezone(LONDON))
    event.add("dtend", session.ends_at.astimezone(LONDON))
    event.add("summary", summary)
    event.add("location", session.venue if session.mode == Session.Mode.IN_PERSON else "Online")
    event.add("description", "\n".join(description))
    event.add("url", session_url(session))
    event.add("status", status)
    # A cancelled entry no longer makes the person look busy.
    event.add("transp", "TRANSPARENT" if status == CANCELLED else "OPAQUE")
    return event


def _summary(session, status, *, waiting=False):
    name = event_name(session.event)
    if status == CANCELLED:
        # Google Calendar shows cancelled entries of a subscribed feed as if they were
        # on: the title says it.
        return CANCELLED_PREFIX + name
    return WAITING_PREFIX + name if waiting else name


def _kept(session, status, now):
    return status != CANCELLED or session.starts_at >= now - CANCELLED_KEPT_FOR


def _ordered(entries):
    return sorted(entries, key=lambda entry: (entry[0].starts_at, entry[0].pk))


# --- A person's feed ----------------------------------------------------------------------


def _person_status(session, booking):
    if session.status == Session.Status.CANCELLED or booking.status == Booking.Status.CANCELLED:
        return CANCELLED
    if booking.status == Booking.Status.BOOKED and session.status == Session.Status.PUBLISHED:
        return CONFIRMED
    return TENTATIVE


def _person_sequence(session, bookings):
    """The session's revision plus each change to this person's place on it, newest
    booking first: an earlier booking was cancelled (+1) and followed by a new one (+1);
    a place offered from the waiting list (+1); the person's own cancellation (+1; a
    cancelled session has already raised the session's revision). Rows are never
    deleted and statuses only move forward, so the number never falls."""
    newest, earlier = bookings[0], bookings[1:]
    sequence = session.sequence + sum(2 + (1 if b.offered_at else 0) for b in earlier)
    if newest.offered_at:
        sequence += 1
    if newest.status == Booking.Status.CANCELLED and session.status != Session.Status.CANCELLED:
        sequence += 1
    return sequence


def _person_description(session, booking, status):
    lines = [event_name(session.event), session.get_mode_display()]
    if session.mode == Session.Mode.IN_PERSON and session.venue:
        lines.append(f"Venue: {session.venue}")
    if session.status == Session.Status.CANCELLED:
        lines.append("This session has been cancelled: book another session of this event.")
    elif booking.status == Booking.Status.CANCELLED:
        lines.append("Your booking is cancelled.")
    elif booking.status == Booking.Status.WAITING:
        lines.append("You are on the waiting list: if a place comes free you will be booked automatically "
                     "and told by e-mail.")
    elif status == CONFIRMED and session.online_link:
        # The joining link is for the people booked on the session, and only them.
        lines.append(f"Joining link: {session.online_link}")
    lines.append(f"Details and changes: {session_url(session)}")
    return lines


def person_feed(*, tenant_id, user, now=None):
    """The person's feed: every session they have been booked on, are waiting for, or
    whose booking was cancelled (recently), in one query whatever their number."""
    now = now or timezone.now()
    rows = (
        Booking.objects.filter(tenant_id=tenant_id, user=user, session__tenant_id=tenant_id)
        .select_related("session__event")
        .order_by("session_id", "-booked_at", "-pk")
    )
    by_session = {}
    for booking in rows:
        by_session.setdefault(booking.session_id, []).append(booking)
    entries = []
    for bookings in by_session.values():
        newest = bookings[0]
        session = newest.session
        status = _person_status(session, newest)
        if _kept(session, status, now):
            entries.append((session, bookings, status))
    calendar = _new_calendar(PERSON_CALENDAR_NAME, "The conferences and clinics you are booked on, from ectalign.")
    for session, bookings, status in _ordered(entries):
        newest = bookings[0]
        calendar.add_component(_vevent(
            session,
            uid=f"{session.uid}@ectalign",
            summary=_summary(session, status, waiting=newest.status == Booking.Status.WAITING),
            status=status,
            sequence=_person_sequence(session, bookings),
            stamp=_last_change(session, bookings),
            description=_person_description(session, newest, status),
        ))
    return _finish(calendar, [entry[0] for entry in entries])


# --- A school's feed ------------------------------------------------------------------------


def _name(user):
    return user.full_name or user.email


def _school_sequence(session, bookings):
    """The session's revision plus every change to who goes from the school: each
    booking after the first, each place offered from the waiting list, each
    cancellation. Never falls, as rows stay and statuses only move forward."""
    return (
        session.sequence + len(bookings) - 1
        + sum(1 for b in bookings if b.offered_at)
        + sum(1 for b in bookings if b.status == Booking.Status.CANCELLED)
    )


def school_feed(*, school, now=None):
    """The school's feed for its induction tutors: every session its ECTs and mentors
    are booked on, with who goes (for cover planning). No joining links: those are for
    the people booked."""
    now = now or timezone.now()
    rows = (
        Booking.objects.filter(tenant_id=school.tenant_id, school=school, session__tenant_id=school.tenant_id)
        .select_related("session__event", "user")
        .order_by("session_id", "booked_at", "pk")
    )
    by_session = {}
    for booking in rows:
        by_session.setdefault(booking.session_id, []).append(booking)
    entries = []
    for bookings in by_session.values():
        session = bookings[0].session
        booked = sorted((_name(b.user) for b in bookings if b.status == Booking.Status.BOOKED), key=str.lower)
        waiting = [_name(b.user) for b in bookings if b.status == Booking.Status.WAITING]
        if session.status == Session.Status.CANCELLED or not (booked or waiting):
            status = CANCELLED
        elif booked:
            status = CONFIRMED
        else:
            status = TENTATIVE
        if _kept(session, status, now):
            entries.append((session, bookings, status, booked, waiting))
    calendar = _new_calendar(
        f"ectalign: conferences and clinics, {school.name}",
        f"The conferences and clinics the ECTs and mentors of {school.name} are booked on, from ectalign.",
    )
    for session, bookings, status, booked, waiting in _ordered(entries):
        lines = [event_name(session.event), session.get_mode_display()]
        if session.mode == Session.Mode.IN_PERSON and session.venue:
            lines.append(f"Venue: {session.venue}")
        if session.status == Session.Status.CANCELLED:
            lines.append("This session has been cancelled.")
        if booked:
            lines.append(f"From {school.name}: {', '.join(booked)}")
        else:
            lines.append(f"Nobody from {school.name} is booked on this session now.")
        if waiting:
            lines.append(f"Waiting list from {school.name}: {', '.join(waiting)}")
        lines.append(f"Details: {session_url(session)}")
        calendar.add_component(_vevent(
            session,
            # Not the session's own UID: a tutor who also subscribes to their personal
            # feed would otherwise have two calendars claiming one entry.
            uid=f"{session.uid}-school-{school.pk}@ectalign",
            summary=_summary(session, status, waiting=status == TENTATIVE),
            status=status,
            sequence=_school_sequence(session, bookings),
            stamp=_last_change(session, bookings),
            description=lines,
        ))
    return _finish(calendar, [entry[0] for entry in entries])


# --- One session --------------------------------------------------------------------------------


def session_calendar(session, *, include_link):
    """One session as a calendar to download (.ics); the joining link only when
    ``include_link`` (the person downloading it is booked on it)."""
    if session.status == Session.Status.CANCELLED:
        status = CANCELLED
    elif session.status == Session.Status.PUBLISHED:
        status = CONFIRMED
    else:
        status = TENTATIVE
    lines = [event_name(session.event), session.get_mode_display()]
    if session.mode == Session.Mode.IN_PERSON and session.venue:
        lines.append(f"Venue: {session.venue}")
    if status == CANCELLED:
        lines.append("This session has been cancelled.")
    elif include_link and session.online_link:
        lines.append(f"Joining link: {session.online_link}")
    lines.append(f"Details and changes: {session_url(session)}")
    calendar = _new_calendar()
    calendar.add_component(_vevent(
        session, uid=f"{session.uid}@ectalign", summary=_summary(session, status), status=status,
        sequence=session.sequence, stamp=_utc(session.updated_at), description=lines,
    ))
    return _finish(calendar, [session])
