"""The events pages as their users meet them: an ECT books, moves and cancels; a full
session offers its waiting list; the facilitator takes the register; a missed event
sets catch-up that the ECT completes and the induction tutor sees; the tutor books on
someone's behalf; the PDFs read back with pdftotext."""


import pytest
from django.core import mail
from django.urls import reverse

from events.factories import BookingFactory, SessionFactory, london
from events.models import Booking, CatchUp, Session
from schools.models import Role
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ect(world):
    return world.people[Role.ECT]


def _pdf_text(body):
    return pdf_text(body, layout=True, flat=True)


def test_ect_sees_the_clinic_to_book_and_books_it(world, events, client_for, ect, django_capture_on_commit_callbacks):
    client = client_for(ect)
    page = client.get(reverse("events:my_events")).content.decode()
    assert "To book" in page and "High expectations" in page

    choose = client.get(reverse("events:choose_session", args=[events.clinic.pk])).content.decode()
    assert "Wednesday 4 November 2026, 16:00 to 17:30" in choose
    assert "30 places left" in choose
    assert "meet.example.org" not in choose  # the link is for people booked only

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:choose_session", args=[events.clinic.pk]),
                               {"session": f"S{events.clinic_session.pk}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:session_detail", args=[events.clinic_session.pk])
    booking = Booking.objects.get(user=ect, event=events.clinic)
    assert (booking.status, booking.session, booking.school) == ("booked", events.clinic_session, world.school_a1)
    assert len(mail.outbox) == 1 and "You are booked" in mail.outbox[0].subject

    detail = client.get(response["Location"]).content.decode()
    assert "https://meet.example.org/clinic" in detail
    assert "Add to my calendar (.ics)" in detail


def test_choosing_nothing_says_so_beside_the_sessions(world, events, client_for, ect):
    response = client_for(ect).post(reverse("events:choose_session", args=[events.clinic.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a session." in page and "govuk-error-message" in page
    assert not Booking.objects.filter(user=ect).exists()


def test_a_full_session_offers_its_waiting_list(world, events, client_for, ect):
    events.clinic_session.capacity = 1
    events.clinic_session.save()
    BookingFactory(tenant=world.tenant_a, session=events.clinic_session)
    client = client_for(ect)
    page = client.get(reverse("events:choose_session", args=[events.clinic.pk])).content.decode()
    assert "Full: join the waiting list" in page
    client.post(reverse("events:choose_session", args=[events.clinic.pk]), {"session": f"W{events.clinic_session.pk}"})
    assert Booking.objects.get(user=ect).status == Booking.Status.WAITING
    assert "On the waiting list (number 1)" in client.get(reverse("events:my_events")).content.decode()


def test_moving_and_cancelling_a_booking(world, events, client_for, ect):
    later = SessionFactory(tenant=world.tenant_a, event=events.clinic, starts_at=london(2026, 11, 25, 16, 0))
    client = client_for(ect)
    client.post(reverse("events:choose_session", args=[events.clinic.pk]), {"session": f"S{events.clinic_session.pk}"})
    page = client.get(reverse("events:choose_session", args=[events.clinic.pk])).content.decode()
    assert "Move to another session" in page
    client.post(reverse("events:choose_session", args=[events.clinic.pk]), {"session": f"S{later.pk}"})
    active = Booking.objects.get(user=ect, status__in=Booking.ACTIVE)
    assert active.session == later
    assert Booking.objects.filter(user=ect, session=events.clinic_session, status="cancelled").exists()

    response = client.post(reverse("events:cancel_booking", args=[active.pk]))
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.status == Booking.Status.CANCELLED


def test_facilitator_marks_absent_ect_catches_up_tutor_sees_it(world, events, client_for, ect, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    booking = BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=ect, school=world.school_a1)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: london(2026, 11, 4, 17, 45))
    facilitator = client_for(world.people[Role.FACILITATOR])
    page = facilitator.get(reverse("events:register", args=[events.clinic_session.pk])).content.decode()
    assert "A Early career teacher" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(reverse("events:register", args=[events.clinic_session.pk]),
                                    {f"mark_{booking.pk}": "absent"})
    assert response.status_code == 302
    catch_up = CatchUp.objects.get(user=ect, event=events.clinic)
    assert [m.subject for m in mail.outbox] == ["[ectalign] Catch-up set: Clinic 1"]

    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    schedule = tutor.get(reverse("events:school_schedule", args=[world.school_a1.pk])).content.decode()
    assert "Missed: catch-up not done" in schedule

    participant = client_for(ect)
    assert "Catch-up to do" in participant.get(reverse("events:my_events")).content.decode()
    short = participant.post(reverse("events:catch_up", args=[catch_up.pk]), {"reflection": "Watched it."})
    assert "at least 40 characters" in short.content.decode()
    catch_up.refresh_from_db()
    assert catch_up.completed_at is None
    participant.post(reverse("events:catch_up", args=[catch_up.pk]), {
        "reflection": "Routines need rehearsing: I will practise the entry routine with Year 4 on Monday.",
    })
    catch_up.refresh_from_db()
    assert catch_up.completed_at is not None

    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    schedule = tutor.get(reverse("events:school_schedule", args=[world.school_a1.pk])).content.decode()
    assert "Missed: catch-up done" in schedule


def test_a_mark_for_someone_not_on_the_register_is_refused(world, events, client_for, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: london(2026, 11, 4, 17, 45))
    here = BookingFactory(tenant=world.tenant_a, session=events.clinic_session, school=world.school_a1)
    elsewhere = BookingFactory(tenant=world.tenant_a, session=events.draft_session)
    response = client_for(world.people[Role.FACILITATOR]).post(
        reverse("events:register", args=[events.clinic_session.pk]),
        {f"mark_{here.pk}": "present", f"mark_{elsewhere.pk}": "absent"},
    )
    # The form only knows this session's bookings: the stranger's mark is ignored, this one saved.
    assert response.status_code == 302
    here.refresh_from_db(), elsewhere.refresh_from_db()
    assert (here.attendance, elsewhere.attendance) == ("present", "")


def test_induction_tutor_books_on_behalf_of_an_ect(world, events, client_for, ect):
    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    page = tutor.get(reverse("events:book_for", args=[world.school_a1.pk]) + "?year=2026").content.decode()
    assert "A Early career teacher: clinic 1, High expectations" in page
    response = tutor.post(reverse("events:book_for", args=[world.school_a1.pk]) + "?year=2026",
                          {"item": f"{ect.pk}-{events.clinic.pk}", "session": str(events.clinic_session.pk)})
    assert response.status_code == 302
    booking = Booking.objects.get(user=ect)
    assert booking.booked_by == world.people[Role.INDUCTION_TUTOR]
    missing = tutor.post(reverse("events:book_for", args=[world.school_a1.pk]) + "?year=2026",
                         {"item": f"{world.people[Role.MENTOR].pk}-{events.conference.pk}", "session": ""})
    assert "Choose a session to book." in missing.content.decode()


def test_session_page_hides_the_link_from_people_not_booked(world, events, client_for):
    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    page = tutor.get(reverse("events:session_detail", args=[events.clinic_session.pk])).content.decode()
    assert "Shown to the people booked on this session." in page
    assert "meet.example.org" not in page


def test_school_schedule_lists_who_is_out_and_when(world, events, client_for, ect):
    BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=ect, school=world.school_a1)
    page = client_for(world.people[Role.HEADTEACHER]).get(
        reverse("events:school_schedule", args=[world.school_a1.pk]) + "?year=2026").content.decode()
    assert "Wednesday 4 November 2026, 16:00 to 17:30" in page
    assert "A Early career teacher" in page
    # The headteacher reads; booking on behalf is the induction tutor's.
    assert reverse("events:book_for", args=[world.school_a1.pk]) not in page


def test_school_schedule_queries_do_not_grow_with_the_school(world, events, client_for, django_assert_max_num_queries):
    from participants.models import ECT, ECTAtSchool

    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    url = reverse("events:school_schedule", args=[world.school_a1.pk]) + "?year=2026"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tutor.get(url)  # the first request after signing in also reads the session and the person
    with CaptureQueriesContext(connection) as small:
        tutor.get(url)
    cohort = world.ects["own"].cohort
    from ectalign.factories import UserFactory

    for n in range(6):
        user = UserFactory()
        new = ECT.objects.create(tenant=world.tenant_a, user=user, induction_start=world.ects["own"].induction_start,
                                 cohort=cohort)
        ECTAtSchool.objects.create(tenant=world.tenant_a, ect=new, school=world.school_a1, started_on=new.induction_start)
        BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=user, school=world.school_a1)
    with CaptureQueriesContext(connection) as large:
        page = tutor.get(url).content.decode()
    assert page.count("Booked") >= 6
    assert len(large.captured_queries) == len(small.captured_queries)


def test_pdfs_read_back(world, events, client_for, ect, monkeypatch):
    booking = BookingFactory(tenant=world.tenant_a, session=events.clinic_session, user=ect, school=world.school_a1,
                             dietary_needs="Vegetarian")
    mine = client_for(ect).get(reverse("events:my_schedule_pdf") + "?year=2026")
    assert mine["Content-Type"] == "application/pdf"
    text = _pdf_text(mine.content)
    assert "Conferences and clinics, 2026 to 2027" in text or "2026-27" in text or "2026 to 2027" in text
    assert "Clinic 1: High expectations" in text and "Wednesday 4 November 2026, 16:00 to 17:30" in text

    school = client_for(world.people[Role.INDUCTION_TUTOR]).get(
        reverse("events:school_schedule_pdf", args=[world.school_a1.pk]) + "?year=2026")
    text = _pdf_text(school.content)
    assert "Alder Primary" in text and "A Early career teacher" in text and "Booked" in text

    register = client_for(world.people[Role.FACILITATOR]).get(reverse("events:register_pdf", args=[events.clinic_session.pk]))
    text = _pdf_text(register.content)
    assert "Register: Clinic 1: High expectations" in text
    assert "A Early career teacher" in text and "Alder Primary" in text
    assert booking.dietary_needs == "Vegetarian"  # online session: needs are not asked, but a stored one prints


def test_facilitator_sees_their_sessions_only(world, events, client_for):
    page = client_for(world.people[Role.FACILITATOR]).get(reverse("events:my_sessions")).content.decode()
    assert "High expectations" in page and "Developing instructional coaching" in page
    assert reverse("events:register", args=[events.draft_session.pk]) not in page
    assert reverse("events:register", args=[events.other_tenant_session.pk]) not in page


def test_cancelled_session_page_says_so(world, events, client_for, ect):
    events.clinic_session.status = Session.Status.CANCELLED
    events.clinic_session.save()
    page = client_for(ect).get(reverse("events:session_detail", args=[events.clinic_session.pk])).content.decode()
    assert "This session has been cancelled." in page
