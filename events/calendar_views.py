"""Calendar pages: per-session .ics downloads, the private feed addresses page and the
feeds themselves (built by ``events.calendar``).

The feed is the one public page of events: calendar clients cannot sign in, so the
secret token in its address is the only key. An unknown token, a revoked one, and one
whose owner has lost the role it was made for all answer the same 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from django_scopes import scopes_disabled

from ectalign.access import role_required
from ectalign.tenancy import tenant_scope
from events import calendar, selectors, services
from events.models import Booking, CalendarFeed
from events.views import SESSION_READERS
from schools.models import Membership, Role

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_ROLES = (Role.ECT, Role.MENTOR, Role.INDUCTION_TUTOR)


def _calendar_response(body):
    return HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)


# --- One session ------------------------------------------------------------------------------


@role_required(*SESSION_READERS)
@require_safe
def session_ics(request, pk):
    """The session as an .ics file, for anyone who may open its page; the joining link
    only for someone booked on it."""
    session = selectors.get_session_for_user(request, pk)
    include_link = Booking.objects.filter(
        tenant_id=request.membership.tenant_id, session=session, user=request.user, status=Booking.Status.BOOKED,
    ).exists()
    response = _calendar_response(calendar.session_calendar(session, include_link=include_link))
    response["Content-Disposition"] = f'attachment; filename="{calendar.ics_filename(session)}"'
    return response


# --- The addresses page ---------------------------------------------------------------------------


def feed_address(feed):
    """(https address, webcal address) of a feed."""
    address = settings.SITE_URL + reverse("events:feed", args=[feed.token])
    return address, "webcal://" + address.split("://", 1)[1]


def _live_feed(request, school=None):
    return (
        CalendarFeed.objects.filter(
            tenant_id=request.membership.tenant_id, user=request.user, school=school, revoked_at__isnull=True,
        ).select_related("school").first()
    )


def _school_of_tutor(request):
    membership = request.membership
    return membership.school if membership.role == Role.INDUCTION_TUTOR else None


DONE = {
    ("create", "personal"): "Your calendar address is ready: add it to your calendar app.",
    ("reset", "personal"): "Your calendar address has changed: the old address no longer works. "
                           "Add the new one to your calendar app.",
    ("revoke", "personal"): "Your calendar address is turned off: calendars using it stop updating.",
    ("create", "school"): "The school's calendar address is ready: add it to your calendar app.",
    ("reset", "school"): "The school's calendar address has changed: the old address no longer works. "
                         "Add the new one to your calendar app.",
    ("revoke", "school"): "The school's calendar address is turned off: calendars using it stop updating.",
}


@role_required(*FEED_ROLES)
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The person's private calendar address (and, for an induction tutor, the school's):
    make one, change it (the old one stops) or turn it off."""
    school = _school_of_tutor(request)
    if request.method == "POST":
        action, scope = request.POST.get("action"), request.POST.get("scope")
        if action not in ("create", "reset", "revoke") or scope not in ("personal", "school"):
            return HttpResponseBadRequest("Unknown calendar action.")
        if scope == "school" and school is None:
            raise Http404
        for_school = school if scope == "school" else None
        try:
            if action == "revoke":
                feed = _live_feed(request, for_school)
                if feed is None:
                    raise services.EventError("There is no calendar address to turn off.")
                services.revoke_feed(actor=request.user, feed=feed)
            else:
                services.create_feed(actor=request.user, tenant=request.membership.tenant, school=for_school)
        except services.EventError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, DONE[(action, scope)])
        return redirect("events:calendar_settings")
    calendars = [_calendar_block(request, "personal", None)]
    if school is not None:
        calendars.append(_calendar_block(request, "school", school))
    return render(request, "events/calendar_settings.html", {"calendars": calendars, "school": school})


def _calendar_block(request, scope, school):
    """What the page shows for one address: the person's own, or the school's."""
    feed = _live_feed(request, school)
    https_address, webcal_address = feed_address(feed) if feed else (None, None)
    if scope == "personal":
        return {
            "scope": scope, "feed": feed, "https": https_address, "webcal": webcal_address,
            "heading": "Your calendar",
            "about": "The conferences and clinics you are booked on or waiting for, with the joining link of "
                     "online sessions you are booked on.",
            "create": "Create my calendar address", "reset": "Change my calendar address",
            "revoke": "Turn off my calendar address",
        }
    return {
        "scope": scope, "feed": feed, "https": https_address, "webcal": webcal_address,
        "heading": f"{school.name}'s calendar",
        "about": f"Every session the ECTs and mentors of {school.name} are booked on, with who goes, for "
                 "planning cover. It has no joining links.",
        "create": "Create the school's calendar address", "reset": "Change the school's calendar address",
        "revoke": "Turn off the school's calendar address",
    }


# --- The feed ----------------------------------------------------------------------------------------


def _still_entitled(feed):
    """The owner still holds an active membership in the feed's tenant (for a school
    feed: is still an induction tutor of that school). Runs inside the tenant's scope."""
    if not feed.user.is_active or not feed.tenant.is_active:
        return False
    memberships = Membership.objects.filter(tenant_id=feed.tenant_id, user_id=feed.user_id, is_active=True)
    if feed.school_id is not None:
        memberships = memberships.filter(school_id=feed.school_id, role=Role.INDUCTION_TUTOR)
    return memberships.exists()


@require_safe
def feed(request, token):
    """A private feed by its secret address: public, since calendar clients cannot
    sign in."""
    # The token decides the tenant, so it is looked up before any tenant is known.
    with scopes_disabled():
        feed = (
            CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
            .select_related("user", "school", "tenant").first()
        )
    if feed is None:
        raise Http404
    with tenant_scope(feed.tenant_id):
        if not _still_entitled(feed):
            raise Http404
        if feed.school_id is not None:
            body = calendar.school_feed(school=feed.school)
        else:
            body = calendar.person_feed(tenant_id=feed.tenant_id, user=feed.user)
    response = _calendar_response(body)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
