"""Events pages for ECTs and mentors: the events they must attend and where they stand,
choosing (or changing) a session, the session's page, cancelling, catch-up, and their
year's schedule as a PDF.

Views are thin: ``events.forms`` reads the input, ``events.services`` writes and
refuses (its messages go beside the field they name), ``events.selectors`` decides who
sees what and each person's state for each event.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ectalign.access import role_required
from events import pdf, selectors, services
from events.forms import CatchUpForm, ChooseSessionForm, add_service_error
from events.models import Booking
from programme.models import Audience, EventTemplate
from programme.schedule import academic_year_label, academic_year_of
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role

PARTICIPANT_ROLES = (Role.ECT, Role.MENTOR)
SESSION_READERS = (*PARTICIPANT_ROLES, *SCHOOL_LEADER_ROLES, *DELIVERY_PARTNER_ROLES, Role.FACILITATOR)
AUDIENCE_OF_ROLE = {Role.ECT: Audience.ECT, Role.MENTOR: Audience.MENTOR}


def _my_states(request):
    """The signed-in participant's events for their active role, by academic year."""
    audience = AUDIENCE_OF_ROLE[request.membership.role]
    states = selectors.event_states(tenant_id=request.membership.tenant_id, user_ids=[request.user.pk])
    return [s for s in states[request.user.pk] if s.expectation.audience == audience]


def _by_year(states):
    years = {}
    for state in states:
        years.setdefault(state.expectation.academic_year, []).append(state)
    return [(year, academic_year_label(year), items) for year, items in sorted(years.items())]


@role_required(*PARTICIPANT_ROLES)
def my_events(request):
    """Every conference and clinic the participant must attend, where they stand with
    each, what needs doing (book, catch up), and the calendar and PDF links."""
    states = _my_states(request)
    this_year = academic_year_of(selectors.today())
    return render(request, "events/my_events.html", {
        "years": _by_year(states),
        "this_year": this_year,
        "to_book": [s for s in states if s.state == selectors.State.NOT_BOOKED and s.expectation.academic_year >= this_year],
        "catch_ups": [s for s in states if s.state == selectors.State.MISSED],
        "upcoming": sorted(
            (s for s in states if s.booking and s.booking.status == Booking.Status.BOOKED
             and s.booking.session.ends_at >= selectors.now()),
            key=lambda s: s.booking.session.starts_at,
        ),
    })


def _own_expectation(request, event_id):
    """The participant's own event (404 for an event that is not theirs)."""
    event = EventTemplate.objects.filter(pk=event_id).select_related("term__year").first()
    if event is None or event.audience != AUDIENCE_OF_ROLE[request.membership.role]:
        raise Http404
    expectation = selectors.expectation_for(tenant_id=request.membership.tenant_id, user_id=request.user.pk, event=event)
    if expectation is None:
        raise Http404
    return expectation


@role_required(*PARTICIPANT_ROLES)
@require_http_methods(["GET", "POST"])
def choose_session(request, event_id):
    """The sessions of one of the participant's events open to their school: book one,
    join a full one's waiting list, or move an existing booking to another."""
    expectation = _own_expectation(request, event_id)
    tenant_id = request.membership.tenant_id
    school = selectors.school_of_participant(tenant_id=tenant_id, user_id=request.user.pk)
    sessions = selectors.sessions_of(
        tenant_id=tenant_id, event=expectation.event, academic_year=expectation.academic_year, school=school,
    )
    current = (
        Booking.objects.filter(tenant_id=tenant_id, user=request.user, event=expectation.event,
                               status__in=Booking.ACTIVE)
        .select_related("session").first()
    )
    now = selectors.now()
    form = ChooseSessionForm(request.POST if request.method == "POST" else None, sessions=sessions, current=current, now=now)
    if request.method == "POST" and form.is_valid():
        session, waiting = form.chosen()
        try:
            if current:
                booking = services.move_booking(
                    actor=request.user, booking=current, to_session=session,
                    dietary_needs=form.cleaned_data["dietary_needs"], access_needs=form.cleaned_data["access_needs"],
                )
                messages.success(request, f"Your booking has moved to {services.when(session.starts_at)}.")
            else:
                booking = services.book_session(
                    actor=request.user, session=session, user=request.user, waiting_list=waiting,
                    dietary_needs=form.cleaned_data["dietary_needs"], access_needs=form.cleaned_data["access_needs"],
                )
                if booking.status == Booking.Status.WAITING:
                    messages.success(request, "You are on the waiting list. If a place comes free you will be "
                                              "booked automatically and told by e-mail.")
                else:
                    messages.success(request, f"You are booked for {services.when(session.starts_at)}.")
            return redirect("events:session_detail", booking.session_id)
        except services.EventError as exc:
            add_service_error(form, exc)
    return render(request, "events/choose_session.html", {
        "expectation": expectation, "event": expectation.event, "form": form, "sessions": sessions,
        "current": current, "school": school, "now": now,
    })


@role_required(*SESSION_READERS)
def session_detail(request, pk):
    """A session's facts; the joining link only for people booked on it; the person's
    own booking with its actions; for school leaders, who from their school attends."""
    session = selectors.get_session_for_user(request, pk)
    tenant_id = request.membership.tenant_id
    mine = (
        Booking.objects.filter(tenant_id=tenant_id, session=session, user=request.user)
        .order_by("-booked_at", "-pk").first()
    )
    booked = mine is not None and mine.status == Booking.Status.BOOKED
    from_school = []
    if request.membership.role in SCHOOL_LEADER_ROLES:
        from_school = list(
            Booking.objects.filter(tenant_id=tenant_id, session=session, school_id=request.membership.school_id,
                                   status__in=Booking.ACTIVE).select_related("user").order_by("user__full_name")
        )
    counts = None
    if request.membership.role in DELIVERY_PARTNER_ROLES or request.membership.role == Role.FACILITATOR:
        booked_rows, waiting_rows = selectors.register_rows(session)
        counts = {"booked": len(booked_rows), "waiting": len(waiting_rows)}
    now = selectors.now()
    return render(request, "events/session_detail.html", {
        "session": session, "event": session.event, "mine": mine, "booked": booked,
        "show_link": booked and session.is_online,
        "can_change": mine is not None and mine.is_active and not mine.attendance and now < session.changes_close_at,
        "from_school": from_school, "counts": counts,
        "facilitators": list(session.facilitators.order_by("full_name")),
        "can_take_register": selectors.can_take_register(request.user, request.membership, session),
        "now": now,
    })


@role_required(*PARTICIPANT_ROLES)
@require_http_methods(["GET", "POST"])
def cancel_booking(request, pk):
    booking = selectors.get_own_booking(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.cancel_booking(actor=request.user, booking=booking)
            messages.success(request, f"Your {'place on the waiting list' if booking.status == Booking.Status.WAITING else 'booking'} "
                                      f"for {services.event_name(booking.event)} is cancelled.")
            return redirect("events:my_events")
        except services.EventError as exc:
            error = str(exc)
    return render(request, "events/cancel_booking.html", {"booking": booking, "session": booking.session,
                                                          "error": error})


@role_required(*PARTICIPANT_ROLES)
@require_http_methods(["GET", "POST"])
def catch_up(request, pk):
    """What to work through for a missed event, and the reflection that completes it."""
    catch_up = selectors.get_own_catch_up(request, pk)
    form = CatchUpForm(request.POST if request.method == "POST" else None, initial={"reflection": catch_up.reflection})
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_catch_up(actor=request.user, catch_up=catch_up, reflection=form.cleaned_data["reflection"])
            messages.success(request, f"Catch-up for {services.event_name(catch_up.event)} is done. "
                                      "Your induction tutor can see it.")
            return redirect("events:my_events")
        except services.EventError as exc:
            add_service_error(form, exc)
    return render(request, "events/catch_up.html", {
        "catch_up": catch_up, "event": catch_up.event, "session": catch_up.booking.session, "form": form,
    })


@role_required(*PARTICIPANT_ROLES)
def my_schedule_pdf(request):
    """The participant's events of an academic year (this one by default) as a PDF."""
    states = _my_states(request)
    year = _year_param(request, default=academic_year_of(selectors.today()))
    chosen = [s for s in states if s.expectation.academic_year == year]
    body = pdf.render_pdf("events/pdf/my_schedule.html", {
        "person": request.user, "year_label": academic_year_label(year), "states": chosen,
        "generated": selectors.now(),
    })
    return pdf.pdf_response(body, f"events-{pdf.slug(request.user.full_name or 'schedule')}-{year}.pdf")


def _year_param(request, *, default):
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if 2020 <= year <= 2100 else default

