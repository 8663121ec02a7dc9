"""Self-study pages: the participant's checklist and path, the same path for the people
who support them, and the induction tutor's course-progress view."""

import hashlib

from django.contrib import messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ectalign.access import role_required
from participants import selectors as participants
from participants.models import ECT, Mentor
from programme.models import EventTemplate
from ectalign import caching
from programme import progress, services
from programme.services import ProgrammeError
from schools import selectors as schools
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role

SELF_STUDY_ROLES = (Role.ECT, Role.MENTOR)
SUPPORT_ROLES = (Role.MENTOR, *SCHOOL_LEADER_ROLES, *DELIVERY_PARTNER_ROLES)


def _ects(queryset):
    return queryset.select_related("user", "cohort__programme").prefetch_related("school_periods__school", "pauses")


def _own_ect(request, *, with_periods=True):
    """The active person's own ECT record, or 404; ``with_periods=False`` reads only
    the record (enough to key a cached page)."""
    own = ECT.objects.filter(tenant=request.tenant, user=request.user)
    ect = (_ects(own) if with_periods else own.select_related("user", "cohort")).first()
    if ect is None:
        raise Http404("No ECT record for this person.")
    return ect


def _own_mentor(request):
    mentor = (
        Mentor.objects.filter(tenant=request.tenant, user=request.user)
        .select_related("user", "cohort__mentor_programme")
        .first()
    )
    if mentor is None:
        raise Http404("No mentor record for this person.")
    return mentor


def _own_path(request):
    """The active participant's own path: an ECT's programme or a mentor's programme."""
    if request.role == Role.ECT:
        ect = _own_ect(request)
        return ect, progress.ect_path(ect)
    mentor = _own_mentor(request)
    path = progress.mentor_path(mentor)
    if path is None:
        raise Http404("This mentor's cohort has no mentor programme.")
    return mentor, path


@role_required(Role.ECT)
def my_self_study(request):
    """This fortnight's checklist, what is overdue and what comes next: the page an ECT
    opens on their phone. The whole path has its own page."""
    ect = _own_ect(request, with_periods=False)
    get_token(request)  # the body's forms carry this session's CSRF secret: it is part of the key
    key = (
        "self-study", ect.pk, caching.participant_generations([ect.user_id])[ect.user_id],
        ect.cohort.programme_id, caching.programme_generation(ect.cohort.programme_id),
        caching.calendar_generation(ect.tenant_id), timezone.localdate(),
        hashlib.sha1(request.META["CSRF_COOKIE"].encode()).hexdigest(),
    )

    def body():
        own, path = _own_path(request)
        return render_to_string(
            "programme/includes/self_study_body.html", {"ect": own, "path": path, "own": True}, request
        )

    return render(
        request, "programme/self_study.html",
        {"ect": ect, "own": True, "body": mark_safe(caching.cached_fragment(key, body))},  # rendered by us
    )


@role_required(Role.ECT)
def my_path(request):
    ect, path = _own_path(request)
    return render(request, "programme/path.html", {"ect": ect, "path": path, "own": True})


@role_required(Role.MENTOR)
def my_mentor_programme(request):
    mentor, path = _own_path(request)
    events = EventTemplate.objects.filter(programme_id=mentor.cohort.mentor_programme_id).select_related("term")
    return render(
        request, "programme/mentor_programme.html", {"mentor": mentor, "path": path, "own": True, "events": events}
    )


@role_required(*SELF_STUDY_ROLES)
@require_POST
def save_module(request, module_id):
    """Save the ticks of one module of the participant's own path."""
    participant, path = _own_path(request)
    item = path.find(module_id)
    if item is None:
        raise Http404
    back = reverse("self_study:mine" if request.role == Role.ECT else "self_study:mentor_programme")
    try:
        services.save_checklist(
            actor=request.user, participant_user=request.user, tenant=request.tenant, module_progress=item,
            done_activity_ids=request.POST.getlist("activity"),
        )
    except ProgrammeError as exc:
        messages.error(request, str(exc))
        return redirect(f"{back}#module-{module_id}")
    except ValueError:
        messages.error(request, "Those activities were not recognised: reload the page and try again.")
        return redirect(f"{back}#module-{module_id}")
    ticked = len(request.POST.getlist("activity"))
    total = len(item.activities)
    if ticked == total and total:
        messages.success(request, f"{item.module.title}: module complete. Well done.")
    else:
        messages.success(request, f"{item.module.title}: progress saved ({ticked} of {total} activities done).")
    return redirect(f"{back}#module-{module_id}")


@role_required(*SUPPORT_ROLES)
def ect_self_study(request, pk):
    """An ECT's path, read-only, for their mentor, their school's leaders and the
    delivery partner's staff."""
    ect = participants.get_ect_for_user(request, pk)
    ect = _ects(ECT.objects.filter(pk=ect.pk, tenant=request.tenant)).get()
    context = {"ect": ect, "path": progress.ect_path(ect), "own": False}
    body = render_to_string("programme/includes/self_study_body.html", context, request)
    return render(request, "programme/self_study.html", {**context, "body": mark_safe(body)})


@role_required(*SCHOOL_LEADER_ROLES, *DELIVERY_PARTNER_ROLES)
def course_progress(request, pk):
    """Each ECT's position against the schedule at one school."""
    school = schools.get_school_for_user(request, pk)
    roster = list(participants.ects_at_school(school=school).values_list("pk", "user_id", "cohort__programme_id"))
    programme_ids = sorted({programme_id for _, _, programme_id in roster})
    key = (
        "course-progress", school.pk, school.name, tuple(roster),
        tuple(sorted(caching.participant_generations([user_id for _, user_id, _ in roster]).items())),
        tuple(caching.programme_generation(p) for p in programme_ids),
        caching.calendar_generation(school.tenant_id), timezone.localdate(),
    )

    def body():
        ects = list(_ects(participants.ects_at_school(school=school)))
        paths = progress.ect_paths(ects, with_times=False)
        rows = [{"ect": ect, "path": paths[ect.pk]} for ect in ects]
        return render_to_string("programme/includes/course_progress_body.html", {"school": school, "rows": rows}, request)

    return render(
        request, "programme/course_progress.html",
        {"school": school, "body": mark_safe(caching.cached_fragment(key, body))},  # rendered by us
    )
