"""The facilitator's pages: their sessions and each session's register, taken on a
phone (present, late, absent, excused); the register as a PDF. The delivery partner's
staff take and print registers too."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ectalign.access import role_required
from events import pdf, selectors, services
from events.forms import RegisterForm
from events.models import Booking
from schools.models import DELIVERY_PARTNER_ROLES, Role

REGISTER_ROLES = (Role.FACILITATOR, *DELIVERY_PARTNER_ROLES)


@role_required(Role.FACILITATOR)
def my_sessions(request):
    sessions = selectors.facilitator_sessions(tenant_id=request.membership.tenant_id, user=request.user)
    today = selectors.today()
    day = {s.pk: timezone.localtime(s.starts_at).date() for s in sessions}
    return render(request, "events/my_sessions.html", {"sections": [
        ("Today", [s for s in sessions if day[s.pk] == today]),
        ("Coming up", [s for s in sessions if day[s.pk] > today]),
        ("Last week", [s for s in sessions if day[s.pk] < today]),
    ]})


@role_required(*REGISTER_ROLES)
@require_http_methods(["GET", "POST"])
def register(request, pk):
    session = selectors.get_register_session(request, pk)
    booked, waiting = selectors.register_rows(session)
    form = RegisterForm(request.POST if request.method == "POST" else None, bookings=booked)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.mark_attendance(actor=request.user, session=session, marks=form.marks())
            counts = Counter(form.marks().values())
            parts = [f"{counts[value]} {label.lower()}" for value, label in Booking.Attendance.choices if counts[value]]
            missed = counts[Booking.Attendance.ABSENT] + counts[Booking.Attendance.EXCUSED]
            messages.success(
                request,
                f"Register saved ({len(saved)} change{'s' if len(saved) != 1 else ''}): {', '.join(parts)}."
                + (" Catch-up is set for everyone who missed the session." if missed else ""),
            )
            return redirect("events:register", session.pk)
        except services.EventError as exc:
            form.add_error(None, str(exc))
    marked = sum(1 for b in booked if b.attendance)
    return render(request, "events/register.html", {
        "session": session, "event": session.event, "form": form, "waiting": waiting,
        "marked": marked, "booked_count": len(booked),
        "register_open": selectors.today() >= timezone.localtime(session.starts_at).date(),
    })


@role_required(*REGISTER_ROLES)
def register_pdf(request, pk):
    session = selectors.get_register_session(request, pk)
    booked, waiting = selectors.register_rows(session)
    body = pdf.render_pdf("events/pdf/register.html", {
        "session": session, "event": session.event, "booked": booked, "waiting": waiting,
        "facilitators": list(session.facilitators.order_by("full_name")), "generated": selectors.now(),
    })
    start = session.starts_at
    return pdf.pdf_response(body, f"register-{pdf.slug(str(session.event))}-{start:%Y-%m-%d}.pdf")
