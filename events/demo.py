"""The demo's conferences and clinics (called by ``schools.demo.seed_demo``).

For the demo's academic years: the standard delivery windows; in Northshire a local
group of its first two schools; published sessions of every conference and clinic
someone in Northshire or Riverside is expected at in 2026-27 (autumn ones already held,
spring and summer ones open to booking); bookings for most ECTs and mentors; the
register of every session held (mostly present, two absences with catch-up, one of
them done); and a full session with a waiting list.

The demo ECT ``ect1.northshire-s1`` has attended a clinic, missed a conference (its
catch-up still to do), and has clinics left to book, so the demo shows each state.

Sessions are scheduled through ``events.services`` (which checks each against its
delivery window). Bookings and attendance of sessions already held cannot go through
the services (they refuse past dates), so all bookings are written directly, as one
``bulk_create``, keeping the services' rules: one active booking per person per
event, on a session open to their school, never more booked than the capacity. No
e-mails are sent. A tenant that already has sessions is left alone, so seeding twice
changes nothing and what someone did in the demo stays.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from events.models import Booking, CatchUp, LocalGroup, Session
from programme.models import EventTemplate

ACADEMIC_YEAR = 2026  # the demo's "now": 2026-27
DEMO_YEARS = (2025, 2026, 2027)  # the two cohorts' years of induction
LOCAL_GROUP = "Northshire North"
LOCAL_GROUP_URNS = ("900001", "900002")  # Ashcombe Primary and Beacon Hill Academy
DEMO_ECT = "ect1.northshire-s1"

VENUES = {
    "northshire": "Northshire Teachers' Centre, 12 Castle Street, Northshire NS2 7QT",
    "northshire-north": "Ashcombe Primary School (the hall), Ashcombe Road, Northshire NS1 4AB",
    "riverside": "Riverside Teaching School Hub, Elmstead Secondary School, River Lane, Riverton RV3 2LP",
}
CAPACITY = {EventTemplate.Kind.CONFERENCE: 40, EventTemplate.Kind.CLINIC: 20}
# The one full session: Northshire North's sitting of ECT conference 2 takes three,
# so the fourth person of its schools waits for a place.
FULL_SESSION = ("northshire", "ECT-CONF-2", LOCAL_GROUP)
FULL_CAPACITY = 3
# Who missed what: (person, event code) -> (mark, catch-up done).
MARKS = {
    (DEMO_ECT, "ECT-CONF-1"): (Booking.Attendance.ABSENT, False),
    ("mentor1.northshire-s2", "MENTOR-CONF-1"): (Booking.Attendance.ABSENT, True),
    ("ect2.northshire-s3", "ECT-CLINIC-1"): (Booking.Attendance.LATE, False),
}
# Left to book: the demo ECT's clinics still to come.
NOT_BOOKED = {(DEMO_ECT, "ECT-CLINIC-2"), (DEMO_ECT, "ECT-CLINIC-3")}
CATCH_UP_REFLECTION = (
    "I watched the recording and worked through the slides on modelling. I will try narrating my thinking "
    "during the worked example in tomorrow's lesson and check for understanding before pupils start."
)


@dataclass
class Participant:
    user: object
    key: str  # the e-mail's local part, e.g. "ect1.northshire-s1"
    school: object
    index: int


def seed_events(*, domain, now=None):
    """Seed every demo tenant's events; return the number of sessions made."""
    from events.windows import ensure_delivery_windows
    from schools.models import Tenant

    now = now or timezone.now()
    ensure_delivery_windows(DEMO_YEARS)
    made = 0
    for tenant in Tenant.objects.filter(slug__in=["northshire", "riverside"]).order_by("slug"):
        if Session.objects.filter(tenant=tenant).exists():
            continue
        made += _seed_tenant(tenant, domain=domain, now=now)
    return made


def _session_days(window, count):
    """Wednesdays a fortnight apart, from the third week of the window."""
    day = window.opens_on + dt.timedelta(days=14)
    day += dt.timedelta(days=(2 - day.weekday()) % 7)
    days = [day + dt.timedelta(days=14 * n) for n in range(count)]
    return [d for d in days if d <= window.closes_on]


def _participants(tenant, domain):
    """The tenant's ECTs and mentors with their school now, minus those not ready to
    book: ECTs not yet onboarded (ect4, the newly invited) and the deferred ECT."""
    from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, TrainingStatus

    schools = {p.ect.user_id: p.school for p in ECTAtSchool.objects.filter(tenant=tenant).select_related("ect", "school")}
    schools.update({
        p.mentor.user_id: p.school for p in MentorAtSchool.objects.filter(tenant=tenant).select_related("mentor", "school")
    })
    people = []
    records = [*ECT.objects.filter(tenant=tenant).select_related("user"),
               *Mentor.objects.filter(tenant=tenant).select_related("user")]
    for record in sorted(records, key=lambda r: r.user.email):
        key = record.user.email.removesuffix(f"@{domain}")
        if key.startswith(("ect4.", "ect5.")) or record.training_status != TrainingStatus.ACTIVE:
            continue
        people.append(Participant(record.user, key, schools.get(record.user_id), len(people)))
    return people


def _seed_tenant(tenant, *, domain, now):
    from django.contrib.auth import get_user_model

    from events import selectors, services
    from schools.models import School

    User = get_user_model()
    admin = User.objects.get(email=f"dp-admin@{tenant.slug}.{domain}")
    facilitators = [admin]
    group = None
    if tenant.slug == "northshire":
        facilitators = [User.objects.get(email=f"facilitator@northshire.{domain}")]
        group, created = LocalGroup.objects.get_or_create(tenant=tenant, name=LOCAL_GROUP)
        if created:
            group.schools.set(School.objects.filter(tenant=tenant, urn__in=LOCAL_GROUP_URNS))

    people = _participants(tenant, domain)
    expected = selectors.expectations_for(tenant_id=tenant.pk, user_ids=[p.user.pk for p in people])
    events = {}
    for items in expected.values():
        for expectation in items:
            if expectation.academic_year == ACADEMIC_YEAR:
                events[expectation.event.pk] = expectation.event

    sessions = {}  # event id -> [Session]
    for event in sorted(events.values(), key=lambda e: (e.programme.slug, e.term.number, e.kind, e.number)):
        window = selectors.delivery_window(event, ACADEMIC_YEAR)
        held = window.closes_on < dt.date(ACADEMIC_YEAR + 1, 1, 1)  # autumn events: already held
        count = 2 if held or tenant.slug != "northshire" else 3
        sessions[event.pk] = []
        for number, day in enumerate(_session_days(window, count)):
            is_conference = event.kind == EventTemplate.Kind.CONFERENCE
            start = timezone.make_aware(dt.datetime.combine(day, services.DEFAULT_START[event.kind]))
            length = dt.timedelta(hours=float(event.hours)) + (services.CONFERENCE_BREAK if is_conference else dt.timedelta())
            local_group = group if (group and is_conference and number == 0) else None
            venue = VENUES["northshire-north" if local_group else tenant.slug] if is_conference else ""
            full = (tenant.slug, event.code, local_group.name if local_group else None) == FULL_SESSION
            session = services.schedule_session(
                actor=admin, tenant=tenant, event=event, starts_at=start, ends_at=start + length,
                mode=services.DEFAULT_MODE[event.kind], venue=venue,
                online_link="" if is_conference else
                f"https://meet.{domain}/{tenant.slug}/{event.code.lower()}-{number + 1}",
                capacity=FULL_CAPACITY if full else CAPACITY[event.kind], facilitators=facilitators,
                local_group=local_group,
                catch_up_url=f"https://materials.{domain}/{event.programme.slug}/{event.code.lower()}",
            )
            if session.starts_at > now:
                services.publish_session(actor=admin, session=session)
            sessions[event.pk].append(session)
    # Sessions already held were published before they ran: publish_session refuses them now.
    Session.objects.filter(tenant=tenant, status=Session.Status.DRAFT, starts_at__lte=now).update(
        status=Session.Status.PUBLISHED
    )
    for rows in sessions.values():
        for session in rows:
            session.status = Session.Status.PUBLISHED

    bookings, marks = _bookings(tenant, people, expected, sessions, now=now)
    Booking.objects.bulk_create(bookings)
    CatchUp.objects.bulk_create([
        CatchUp(
            tenant=tenant, user=booking.user, event=booking.event, booking=booking,
            assigned_at=booking.attendance_marked_at,
            completed_at=booking.attendance_marked_at + dt.timedelta(days=9) if done else None,
            reflection=CATCH_UP_REFLECTION if done else "",
        )
        for booking, done in marks
    ])
    return sum(len(rows) for rows in sessions.values())


def _bookings(tenant, people, expected, sessions, *, now):
    """The bookings (and the missed ones' catch-up state) of everyone in ``people``."""
    booked = {}  # session id -> places taken
    bookings, missed = [], []
    minute = 0
    for person in people:
        for expectation in expected.get(person.user.pk, []):
            event = expectation.event
            if expectation.academic_year != ACADEMIC_YEAR or (person.key, event.code) in NOT_BOOKED:
                continue
            choices = [s for s in sessions.get(event.pk, []) if _open_to(s, person.school)]
            if not choices:
                continue
            # The local group's own sitting first; otherwise the people spread over the sittings.
            ours = [s for s in choices if s.local_group_id]
            session = ours[0] if ours else choices[person.index % len(choices)]
            held = session.ends_at <= now
            if not held and event.term.season == "summer" and person.index % 2:
                continue  # half have not booked the summer yet
            minute += 1
            full = booked.get(session.pk, 0) >= session.capacity
            if held:
                booked_at = session.starts_at - dt.timedelta(days=21) + dt.timedelta(minutes=minute)
            else:
                booked_at = min(now - dt.timedelta(days=12), session.starts_at - dt.timedelta(days=3))
                booked_at += dt.timedelta(minutes=minute)
            booking = Booking(
                tenant=tenant, session=session, event=event, user=person.user, school=person.school,
                status=Booking.Status.WAITING if full else Booking.Status.BOOKED,
                booked_by=person.user, booked_at=booked_at,
            )
            if session.mode == Session.Mode.IN_PERSON:
                booking.dietary_needs = "Vegetarian" if person.index % 5 == 0 else ""
                booking.access_needs = "A seat near the front, please (hearing)" if person.index % 7 == 3 else ""
            if not full:
                booked[session.pk] = booked.get(session.pk, 0) + 1
            if held and not full:
                mark, done = MARKS.get((person.key, event.code), (Booking.Attendance.PRESENT, False))
                booking.attendance = mark
                booking.attendance_marked_by = session.facilitators.first()
                booking.attendance_marked_at = session.ends_at
                if mark in Booking.MISSED:
                    missed.append((booking, done))
            bookings.append(booking)
    for session_id, taken in booked.items():
        capacity = next(s.capacity for rows in sessions.values() for s in rows if s.pk == session_id)
        assert taken <= capacity, f"demo session {session_id} overbooked"
    return bookings, missed


def _open_to(session, school):
    return session.local_group_id is None or (
        school is not None and session.local_group.schools.filter(pk=school.pk).exists()
    )
