"""Calendars of conferences and clinics: a person's private feed, a school's feed for
its induction tutors, one session's .ics, the addresses page and export_calendar.

What is asserted is what a calendar client or a person would notice: the feed parses,
16:00 is 16:00 on both sides of the clock changes, an entry keeps its UID through a
change and its SEQUENCE rises, cancellations show as cancelled, joining links reach
only the people booked, and an address stops working when it is reset or turned off.
"""

import datetime as dt
import io
import secrets

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from events import calendar, services
from events.factories import BookingFactory, SessionFactory, london
from events.models import Booking, CalendarFeed, Session
from schools.factories import MembershipFactory
from schools.models import Membership, Role

CLINIC_LINK = "https://meet.example.org/clinic"  # the SessionFactory's joining link
UTC = dt.timezone.utc


def parse(body):
    return Calendar.from_ical(body)


def entries(body):
    """{UID: VEVENT} of a feed."""
    return {str(e["UID"]): e for e in parse(body).walk("VEVENT")}


def uid(session):
    return f"{session.uid}@ectalign"


def feed_url(feed):
    return reverse("events:feed", args=[feed.token])


def fetch(feed):
    """The feed as a calendar client gets it: no sign-in."""
    return Client().get(feed_url(feed))


def personal_feed(user, tenant):
    return services.create_feed(actor=user, tenant=tenant)


def book(world, events, role=Role.ECT, **kwargs):
    """The world's ECT on the clinic, or its mentor on the conference, booked by themselves."""
    user = world.people[role]
    session = events.clinic_session if role == Role.ECT else events.conference_session
    return services.book_session(actor=user, session=session, user=user, **kwargs)


# --- The feed as calendar clients see it ----------------------------------------------------


def test_personal_feed_parses_and_says_what_a_calendar_client_needs(world, events):
    ect = world.people[Role.ECT]
    book(world, events)
    feed = personal_feed(ect, world.tenant_a)

    response = fetch(feed)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["X-Robots-Tag"] == "noindex"
    cal = parse(response.content)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//ectalign//events//EN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "ectalign: your conferences and clinics"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/London"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.content
    (event,) = cal.walk("VEVENT")
    session = events.clinic_session
    assert str(event["UID"]) == uid(session)
    assert str(event["SUMMARY"]) == "Clinic 1: High expectations"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Online"
    assert event.decoded("SEQUENCE") == 0
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert CLINIC_LINK in str(event["DESCRIPTION"])
    assert str(event["URL"]) == settings.SITE_URL + reverse("events:session_detail", args=[session.pk])
    assert str(event["URL"]) in str(event["DESCRIPTION"])


def test_face_to_face_session_shows_its_venue(world, events):
    mentor = world.people[Role.MENTOR]
    book(world, events, role=Role.MENTOR)

    event = entries(calendar.person_feed(tenant_id=world.tenant_a.pk, user=mentor))[uid(events.conference_session)]

    assert str(event["LOCATION"]) == "Northgate Conference Centre, 1 Market Street"
    assert str(event["SUMMARY"]) == "Conference 1: Developing instructional coaching"
    assert event.decoded("DTSTART") == london(2026, 11, 11, 9, 0)


# (UK date and time, the same instant in UTC): 16:00 to 17:30 on each side of both changes.
CLOCK_CHANGES = [
    ((2026, 10, 21), 15),  # British Summer Time, before the clocks go back on 25 October 2026
    ((2026, 11, 4), 16),  # Greenwich Mean Time, after
    ((2027, 3, 24), 16),  # GMT, before the clocks go forward on 28 March 2027
    ((2027, 4, 7), 15),  # BST, after
]


def test_times_are_right_on_both_sides_of_the_clock_changes(world):
    ect = world.people[Role.ECT]
    sessions = {day: SessionFactory(tenant=world.tenant_a, starts_at=london(*day, 16, 0)) for day, _ in CLOCK_CHANGES}
    for session in sessions.values():
        BookingFactory(tenant=world.tenant_a, session=session, user=ect, school=world.school_a1)

    body = calendar.person_feed(tenant_id=world.tenant_a.pk, user=ect)

    cal = parse(body)
    found = entries(body)
    # The VTIMEZONE in the feed itself: what a client without its own copy of the time
    # zone database goes by.
    (vtimezone,) = cal.timezones
    assert vtimezone.tz_name == "Europe/London"
    defined_by_feed = vtimezone.to_tz(lookup_tzid=False)
    for day, utc_hour in CLOCK_CHANGES:
        event = found[uid(sessions[day])]
        ical = event.to_ical()
        local_day = f"{dt.date(*day):%Y%m%d}".encode()
        assert b"DTSTART;TZID=Europe/London:" + local_day + b"T160000\r\n" in ical, day
        assert b"DTEND;TZID=Europe/London:" + local_day + b"T173000\r\n" in ical, day
        assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(*day, utc_hour, 0, tzinfo=UTC), day
        assert event.decoded("DTEND").astimezone(UTC) == dt.datetime(*day, utc_hour + 1, 30, tzinfo=UTC), day
        by_feed = dt.datetime(*day, 16, 0, tzinfo=defined_by_feed).astimezone(UTC)
        assert by_feed == dt.datetime(*day, utc_hour, 0, tzinfo=UTC), day


def test_moving_a_session_keeps_its_uid_raises_its_sequence_and_follows_the_clock(world, events):
    ect = world.people[Role.ECT]
    book(world, events)
    feed = personal_feed(ect, world.tenant_a)
    before = entries(fetch(feed).content)[uid(events.clinic_session)]

    # Moved from 4 November (GMT) to 21 October (BST), still at 16:00 UK time.
    services.schedule_session(
        actor=world.people[Role.DP_STAFF], tenant=world.tenant_a, event=events.clinic,
        starts_at=london(2026, 10, 21, 16, 0), ends_at=london(2026, 10, 21, 17, 30), mode=Session.Mode.ONLINE,
        capacity=30, online_link=CLINIC_LINK, facilitators=[world.people[Role.FACILITATOR]],
        session=events.clinic_session,
    )

    after_body = fetch(feed).content
    assert list(entries(after_body)) == [uid(events.clinic_session)]
    after = entries(after_body)[uid(events.clinic_session)]
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert b"DTSTART;TZID=Europe/London:20261021T160000" in after.to_ical()
    assert after.decoded("DTSTART").astimezone(UTC) == dt.datetime(2026, 10, 21, 15, 0, tzinfo=UTC)
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")


def test_a_cancelled_booking_shows_cancelled_and_a_new_booking_confirmed_again(world, events):
    ect = world.people[Role.ECT]
    booking = book(world, events)
    feed = personal_feed(ect, world.tenant_a)
    booked = entries(fetch(feed).content)[uid(events.clinic_session)]

    services.cancel_booking(actor=ect, booking=booking)
    cancelled = entries(fetch(feed).content)[uid(events.clinic_session)]

    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Cancelled: Clinic 1: High expectations"
    assert cancelled.decoded("SEQUENCE") > booked.decoded("SEQUENCE")
    assert CLINIC_LINK not in str(cancelled["DESCRIPTION"])

    book(world, events)
    rebooked = entries(fetch(feed).content)[uid(events.clinic_session)]

    assert str(rebooked["STATUS"]) == "CONFIRMED"
    assert rebooked.decoded("SEQUENCE") > cancelled.decoded("SEQUENCE")
    assert CLINIC_LINK in str(rebooked["DESCRIPTION"])


def test_a_cancelled_session_shows_cancelled_in_the_person_and_school_feeds(world, events):
    ect, tutor = world.people[Role.ECT], world.people[Role.INDUCTION_TUTOR]
    book(world, events)
    personal = personal_feed(ect, world.tenant_a)
    school = services.create_feed(actor=tutor, tenant=world.tenant_a, school=world.school_a1)
    sequence_before = entries(fetch(personal).content)[uid(events.clinic_session)].decoded("SEQUENCE")

    services.cancel_session(actor=world.people[Role.DP_STAFF], session=events.clinic_session)

    event = entries(fetch(personal).content)[uid(events.clinic_session)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") > sequence_before
    assert CLINIC_LINK not in str(event["DESCRIPTION"])
    (school_event,) = parse(fetch(school).content).walk("VEVENT")
    assert str(school_event["STATUS"]) == "CANCELLED"


def test_a_move_cancels_the_old_session_and_adds_the_new_one(world, events):
    ect = world.people[Role.ECT]
    booking = book(world, events)
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0))

    services.move_booking(actor=ect, booking=booking, to_session=later)

    feed = entries(calendar.person_feed(tenant_id=world.tenant_a.pk, user=ect))
    assert str(feed[uid(events.clinic_session)]["STATUS"]) == "CANCELLED"
    assert str(feed[uid(later)]["STATUS"]) == "CONFIRMED"
    assert CLINIC_LINK in str(feed[uid(later)]["DESCRIPTION"])


def test_old_cancellations_leave_the_feed_but_past_sessions_attended_stay(world):
    ect = world.people[Role.ECT]
    long_ago = SessionFactory(tenant=world.tenant_a, starts_at=london(2026, 6, 17, 16, 0))  # 106 days before now
    recent = SessionFactory(tenant=world.tenant_a, starts_at=london(2026, 9, 16, 16, 0))
    attended = SessionFactory(tenant=world.tenant_a, starts_at=london(2026, 5, 13, 16, 0))
    for session in (long_ago, recent):
        BookingFactory(tenant=world.tenant_a, session=session, user=ect, status=Booking.Status.CANCELLED,
                       cancelled_at=london(2026, 5, 1), booked_at=london(2026, 4, 1))
    BookingFactory(tenant=world.tenant_a, session=attended, user=ect, attendance=Booking.Attendance.PRESENT,
                   booked_at=london(2026, 4, 1))

    feed = entries(calendar.person_feed(tenant_id=world.tenant_a.pk, user=ect))

    assert uid(long_ago) not in feed
    assert str(feed[uid(recent)]["STATUS"]) == "CANCELLED"
    assert str(feed[uid(attended)]["STATUS"]) == "CONFIRMED"


def test_the_waiting_list_is_tentative_and_has_no_joining_link(world, events):
    ect = world.people[Role.ECT]
    sibling = Membership.objects.get(user__email="a2-ect@example.org").user
    Session.objects.filter(pk=events.clinic_session.pk).update(capacity=1)
    services.book_session(actor=sibling, session=events.clinic_session, user=sibling)
    book(world, events, waiting_list=True)

    event = entries(fetch(personal_feed(ect, world.tenant_a)).content)[uid(events.clinic_session)]

    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["SUMMARY"]) == "Waiting list: Clinic 1: High expectations"
    assert CLINIC_LINK not in str(event["DESCRIPTION"])
    assert "waiting list" in str(event["DESCRIPTION"])


def test_the_feed_shows_only_the_persons_own_bookings_in_its_tenant(world, events):
    ect = world.people[Role.ECT]
    sibling = Membership.objects.get(user__email="a2-ect@example.org").user
    services.book_session(actor=sibling, session=events.clinic_session, user=sibling)
    outsider = world.outsiders[Role.ECT]
    services.book_session(actor=outsider, session=events.other_tenant_session, user=outsider)

    assert entries(fetch(personal_feed(ect, world.tenant_a)).content) == {}
    assert list(entries(fetch(personal_feed(outsider, world.tenant_b)).content)) == [uid(events.other_tenant_session)]


def test_the_person_feed_takes_the_same_queries_whatever_the_number_of_bookings(world, django_assert_num_queries):
    ect, mentor = world.people[Role.ECT], world.people[Role.MENTOR]
    BookingFactory(tenant=world.tenant_a, user=ect)
    for _ in range(5):
        BookingFactory(tenant=world.tenant_a, user=mentor)

    with django_assert_num_queries(1):
        one = calendar.person_feed(tenant_id=world.tenant_a.pk, user=ect)
    with django_assert_num_queries(1):
        five = calendar.person_feed(tenant_id=world.tenant_a.pk, user=mentor)

    assert len(entries(one)) == 1 and len(entries(five)) == 5


# --- The school's feed ----------------------------------------------------------------------------


def test_the_school_feed_lists_who_goes_from_the_school_and_no_joining_links(world, events):
    tutor, ect, mentor = (world.people[r] for r in (Role.INDUCTION_TUTOR, Role.ECT, Role.MENTOR))
    sibling = Membership.objects.get(user__email="a2-ect@example.org").user  # school A2
    book(world, events)
    book(world, events, role=Role.MENTOR)
    services.book_session(actor=sibling, session=events.clinic_session, user=sibling)
    feed = services.create_feed(actor=tutor, tenant=world.tenant_a, school=world.school_a1)

    response = fetch(feed)

    assert response.status_code == 200
    cal = parse(response.content)
    assert "Alder Primary" in str(cal["X-WR-CALNAME"])
    by_start = {e.decoded("DTSTART"): e for e in cal.walk("VEVENT")}
    clinic = by_start[events.clinic_session.starts_at]
    conference = by_start[events.conference_session.starts_at]
    assert f"From Alder Primary: {ect.full_name}" in str(clinic["DESCRIPTION"])
    assert sibling.email not in str(clinic["DESCRIPTION"])
    assert f"From Alder Primary: {mentor.full_name}" in str(conference["DESCRIPTION"])
    assert str(clinic["STATUS"]) == str(conference["STATUS"]) == "CONFIRMED"
    assert CLINIC_LINK.encode() not in response.content
    # Its own UIDs: a tutor subscribed to both their feeds gets two entries, not a clash.
    assert str(clinic["UID"]) != uid(events.clinic_session)
    assert str(cal.walk("VEVENT")[0]["UID"]).endswith("@ectalign")


def test_the_school_feed_shows_a_session_cancelled_when_nobody_from_the_school_goes_any_more(world, events):
    tutor, ect = world.people[Role.INDUCTION_TUTOR], world.people[Role.ECT]
    booking = book(world, events)
    before = entries(calendar.school_feed(school=world.school_a1))

    services.cancel_booking(actor=ect, booking=booking)

    (event,) = entries(calendar.school_feed(school=world.school_a1)).values()
    (old,) = before.values()
    assert str(event["UID"]) == str(old["UID"])
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") > old.decoded("SEQUENCE")
    assert "Nobody from Alder Primary" in str(event["DESCRIPTION"])
    assert tutor.email not in str(event["DESCRIPTION"])


# --- The feed address --------------------------------------------------------------------------


def test_the_feed_needs_no_sign_in_and_unknown_addresses_are_not_found(world, events):
    feed = personal_feed(world.people[Role.ECT], world.tenant_a)

    assert fetch(feed).status_code == 200
    assert Client().get(reverse("events:feed", args=[secrets.token_urlsafe(32)])).status_code == 404
    assert Client().post(feed_url(feed)).status_code == 405


def test_a_reset_or_revoked_address_stops_working(world, events, client_for):
    ect = world.people[Role.ECT]
    client = client_for(ect)
    client.post(reverse("events:calendar_settings"), {"action": "create", "scope": "personal"})
    first = CalendarFeed.objects.get(user=ect, revoked_at__isnull=True)

    client.post(reverse("events:calendar_settings"), {"action": "reset", "scope": "personal"})
    second = CalendarFeed.objects.get(user=ect, revoked_at__isnull=True)

    assert second.token != first.token
    assert fetch(first).status_code == 404
    assert fetch(second).status_code == 200

    client.post(reverse("events:calendar_settings"), {"action": "revoke", "scope": "personal"})

    assert fetch(second).status_code == 404
    assert not CalendarFeed.objects.filter(user=ect, revoked_at__isnull=True).exists()


def test_the_address_stops_when_its_owner_loses_the_role(world, events):
    ect, tutor = world.people[Role.ECT], world.people[Role.INDUCTION_TUTOR]
    personal = personal_feed(ect, world.tenant_a)
    school = services.create_feed(actor=tutor, tenant=world.tenant_a, school=world.school_a1)
    assert fetch(personal).status_code == fetch(school).status_code == 200

    Membership.objects.filter(user=ect).update(is_active=False)
    Membership.objects.filter(user=tutor, role=Role.INDUCTION_TUTOR).update(is_active=False)

    assert fetch(personal).status_code == 404
    assert fetch(school).status_code == 404


# --- One session's .ics ---------------------------------------------------------------------------


def test_session_ics_downloads_with_the_link_only_for_someone_booked(world, events, client_for):
    book(world, events)
    url = reverse("events:session_ics", args=[events.clinic_session.pk])

    response = client_for(world.people[Role.ECT]).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clinic-1-2026-11-04.ics"'
    (event,) = parse(response.content).walk("VEVENT")
    assert str(event["UID"]) == uid(events.clinic_session)
    assert event.decoded("DTSTART") == london(2026, 11, 4, 16, 0)
    assert CLINIC_LINK in str(event["DESCRIPTION"])

    # The induction tutor may open the session, but is not booked on it.
    tutors = client_for(world.people[Role.INDUCTION_TUTOR]).get(url)
    assert tutors.status_code == 200
    assert CLINIC_LINK.encode() not in tutors.content


def test_session_ics_is_not_for_other_tenants_or_anonymous_visitors(world, events, client_for):
    url = reverse("events:session_ics", args=[events.clinic_session.pk])

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]
    assert client_for(world.outsiders[Role.ECT]).get(url).status_code == 404
    assert client_for(world.outsiders[Role.INDUCTION_TUTOR]).get(url).status_code == 404


# --- The addresses page ----------------------------------------------------------------------------


def test_the_page_makes_an_address_only_when_asked(world, events, client_for):
    ect = world.people[Role.ECT]
    client = client_for(ect)
    url = reverse("events:calendar_settings")

    page = client.get(url)

    assert page.status_code == 200
    assert "Create my calendar address" in page.content.decode()
    assert not CalendarFeed.objects.filter(user=ect).exists()

    response = client.post(url, {"action": "create", "scope": "personal"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    feed = CalendarFeed.objects.get(user=ect, revoked_at__isnull=True)
    html = response.content.decode()
    assert "Your calendar address is ready" in html
    address = settings.SITE_URL + reverse("events:feed", args=[feed.token])
    webcal = "webcal://" + address.split("://", 1)[1]
    assert f'id="personal-https" type="text" value="{address}" readonly' in html
    assert f'id="personal-webcal" type="text" value="{webcal}" readonly' in html
    assert '<label class="govuk-label govuk-label--s" for="personal-https">Web address</label>' in html
    assert '<label class="govuk-label govuk-label--s" for="personal-webcal">' in html
    for client_name in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert f">{client_name}</h3>" in html
    # An ECT has no school calendar.
    assert "school&#x27;s calendar" not in html and "Create the school" not in html


def test_the_induction_tutor_manages_the_schools_address(world, events, client_for):
    tutor = world.people[Role.INDUCTION_TUTOR]
    client = client_for(tutor)
    url = reverse("events:calendar_settings")

    assert "Create the school&#x27;s calendar address" in client.get(url).content.decode()
    response = client.post(url, {"action": "create", "scope": "school"}, follow=True)

    feed = CalendarFeed.objects.get(user=tutor, school=world.school_a1, revoked_at__isnull=True)
    assert "The school&#x27;s calendar address is ready" in response.content.decode()
    assert feed.token in response.content.decode()
    assert fetch(feed).status_code == 200

    client.post(url, {"action": "revoke", "scope": "school"})

    assert fetch(feed).status_code == 404


def test_only_induction_tutors_have_the_school_address(world, events, client_for):
    mentor = world.people[Role.MENTOR]

    response = client_for(mentor).post(reverse("events:calendar_settings"), {"action": "create", "scope": "school"})

    assert response.status_code == 404
    assert not CalendarFeed.objects.filter(user=mentor).exists()


def test_turning_off_when_there_is_no_address_says_so(world, events, client_for):
    response = client_for(world.people[Role.ECT]).post(
        reverse("events:calendar_settings"), {"action": "revoke", "scope": "personal"}, follow=True,
    )

    assert "There is no calendar address to turn off." in response.content.decode()


def test_a_mentor_of_another_tenant_sees_and_touches_nothing_of_tenant_a(world, events, client_for):
    ect, tutor = world.people[Role.ECT], world.people[Role.INDUCTION_TUTOR]
    book(world, events)
    personal = personal_feed(ect, world.tenant_a)
    school = services.create_feed(actor=tutor, tenant=world.tenant_a, school=world.school_a1)
    outsider = client_for(world.outsiders[Role.MENTOR])
    url = reverse("events:calendar_settings")

    page = outsider.get(url).content.decode()
    outsider.post(url, {"action": "revoke", "scope": "personal"})
    outsider.post(url, {"action": "reset", "scope": "personal"})

    assert personal.token not in page and school.token not in page
    assert "Alder Primary" not in page
    assert fetch(personal).status_code == fetch(school).status_code == 200
    assert not CalendarFeed.objects.filter(tenant=world.tenant_a, user=world.outsiders[Role.MENTOR]).exists()
    assert outsider.get(reverse("events:session_ics", args=[events.clinic_session.pk])).status_code == 404
    assert outsider.get(reverse("events:session_ics", args=[events.conference_session.pk])).status_code == 404


def test_roles_without_a_personal_calendar_cannot_open_the_page(world, client_for):
    for role in (Role.COACH, Role.FACILITATOR, Role.HEADTEACHER, Role.DP_STAFF):
        assert client_for(world.people[role]).get(reverse("events:calendar_settings")).status_code == 403


# --- export_calendar --------------------------------------------------------------------------


def export(*args):
    out = io.StringIO()
    call_command("export_calendar", *args, stdout=out)
    return out.getvalue()


def test_export_calendar_prints_the_feed(world, events):
    ect = world.people[Role.ECT]
    book(world, events)
    feed = personal_feed(ect, world.tenant_a)

    printed = export("--email", ect.email.upper())

    served = fetch(feed).content.decode()
    assert printed == served
    assert [(str(e["UID"]), e.decoded("DTSTART")) for e in parse(printed).walk("VEVENT")] == [
        (uid(events.clinic_session), london(2026, 11, 4, 16, 0)),
    ]


def test_export_calendar_explains_what_it_needs(world, events):
    ect = world.people[Role.ECT]
    with pytest.raises(CommandError, match="Nobody has the e-mail address nobody@example.org"):
        export("--email", "nobody@example.org")
    with pytest.raises(CommandError, match="not an ECT, mentor or induction tutor"):
        export("--email", world.people[Role.COACH].email)

    MembershipFactory(user=ect, tenant=world.tenant_b, school=world.school_b1, role=Role.MENTOR)
    with pytest.raises(CommandError, match=r"several delivery partners \(alpha, beta\): choose one with --tenant"):
        export("--email", ect.email)
    with pytest.raises(CommandError, match="no active role in a delivery partner with the slug gamma"):
        export("--email", ect.email, "--tenant", "gamma")

    book(world, events)
    assert list(entries(export("--email", ect.email, "--tenant", "alpha").encode())) == [uid(events.clinic_session)]
    assert entries(export("--email", ect.email, "--tenant", "beta").encode()) == {}
