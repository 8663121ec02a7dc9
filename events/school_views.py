"""Events pages for the school: who attends what and when (for cover planning), who
missed what and whether their catch-up is done, the schedule as a PDF, and booking on
behalf of the school's ECTs and mentors (induction tutors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ectalign.access import role_required
from events import pdf, selectors, services
from events.models import Booking, Session
from events.views import _year_param
from programme.schedule import academic_year_label, academic_year_of
from schools.models import DELIVERY_PARTNER_ROLES, Role
from schools.selectors import get_school_for_user


def _schedule_context(request, school):
    year = _year_param(request, default=academic_year_of(selectors.today()))
    rows, sessions = selectors.school_schedule(school=school, academic_year=year)
    now = selectors.now()
    return {
        "school": school, "year": year, "year_label": academic_year_label(year),
        "years": [(y, academic_year_label(y)) for y in (year - 1, year, year + 1)],
        "rows": rows,
        "grids": selectors.schedule_grids(rows),
        "without_events": [row for row in rows if not row.states],
        "upcoming": [(s, people) for s, people in sessions if s.ends_at >= now],
        "past": [(s, people) for s, people in sessions if s.ends_at < now],
        "missed": [(row, state) for row in rows for state in row.states
                   if state.state in (selectors.State.MISSED, selectors.State.CATCH_UP_DONE)],
        "not_booked": [(row, state) for row in rows for state in row.not_booked],
        "can_book": request.membership.role in (Role.INDUCTION_TUTOR, *DELIVERY_PARTNER_ROLES),
        "generated": now,
    }


@login_required
def school_schedule(request, pk):
    school = get_school_for_user(request, pk)
    return render(request, "events/school_schedule.html", _schedule_context(request, school))


@login_required
def school_schedule_pdf(request, pk):
    school = get_school_for_user(request, pk)
    context = _schedule_context(request, school)
    body = pdf.render_pdf("events/pdf/school_schedule.html", context)
    return pdf.pdf_response(body, f"events-{pdf.slug(school.name)}-{context['year']}.pdf")


@role_required(Role.INDUCTION_TUTOR, *DELIVERY_PARTNER_ROLES)
@require_http_methods(["GET", "POST"])
def book_for(request, pk):
    """Each ECT and mentor of the school with an event not yet booked, and the sessions
    open to them: the induction tutor books on their behalf."""
    school = get_school_for_user(request, pk)
    context = _schedule_context(request, school)
    open_sessions = {}
    for row, state in context["not_booked"]:
        key = (state.event.pk, state.expectation.academic_year)
        if key not in open_sessions:
            open_sessions[key] = [
                s for s in selectors.sessions_of(tenant_id=school.tenant_id, event=state.event,
                                                 academic_year=state.expectation.academic_year, school=school)
                if context["generated"] < s.changes_close_at
            ]
    items = [
        {"row": row, "state": state, "sessions": open_sessions[(state.event.pk, state.expectation.academic_year)],
         "key": f"{row.user.pk}-{state.event.pk}"}
        for row, state in context["not_booked"]
    ]
    error = error_key = None
    if request.method == "POST":
        key = request.POST.get("item", "")
        item = next((i for i in items if i["key"] == key), None)
        session_id = request.POST.get("session", "")
        session = next((s for s in (item["sessions"] if item else []) if str(s.pk) == session_id), None)
        if item is None:
            error, error_key = "This person's booking has changed since the page was shown: check the list again.", None
        elif session is None:
            error, error_key = "Choose a session to book.", key
        else:
            try:
                booking = services.book_session(
                    actor=request.user, session=session, user=item["row"].user,
                    waiting_list=session.booked_count >= session.capacity,
                )
                name = item["row"].user.full_name or item["row"].user.email
                if booking.status == Booking.Status.WAITING:
                    messages.success(request, f"{name} is on the waiting list for {services.when(session.starts_at)}.")
                else:
                    messages.success(request, f"{name} is booked for {services.when(session.starts_at)}.")
                return redirect(f"{request.path}?year={context['year']}")
            except services.EventError as exc:
                error, error_key = str(exc), key
    return render(request, "events/book_for.html", {
        **context, "items": items, "error": error, "error_key": error_key,
        "Session": Session,
    })
