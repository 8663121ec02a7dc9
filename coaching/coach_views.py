"""Coaching for mentors: the coach's mentors and sessions, logging a session, and the
mentor's own record of the coaching they receive."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from coaching.coach_forms import MentorSessionForm
from coaching.models import CoachAssignment, MentorCoachingSession
from coaching.selectors import coached_mentors, focus_areas_for, today
from coaching.services import CoachingError, log_mentor_session
from ectalign.access import role_required
from participants.models import MentorAtSchool
from programme.schedule import long_date
from schools.models import Role


def _schools_of(mentor_ids, *, tenant_id, on):
    """{mentor id: [School, ...]} of the schools each mentor is at on the day."""
    found = {}
    periods = (
        MentorAtSchool.objects.filter(tenant_id=tenant_id, mentor_id__in=mentor_ids, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("school")
        .order_by("school__name")
    )
    for period in periods:
        found.setdefault(period.mentor_id, []).append(period.school)
    return found


@role_required(Role.COACH)
def coach_home(request):
    """The mentors this coach coaches now, and the sessions they have logged."""
    tenant_id, on = request.membership.tenant_id, today()
    assignments = list(coached_mentors(coach=request.user, tenant_id=tenant_id, on=on).values())
    sessions = list(
        MentorCoachingSession.objects.filter(tenant_id=tenant_id, coach=request.user)
        .select_related("mentor__user", "focus_area")
        .order_by("-held_on", "-pk")
    )
    last_session = {}
    for session in sessions:
        last_session.setdefault(session.mentor_id, session)
    schools = _schools_of([a.mentor_id for a in assignments], tenant_id=tenant_id, on=on)
    rows = [
        {
            "assignment": a, "mentor": a.mentor, "schools": schools.get(a.mentor_id, []),
            "last": last_session.get(a.mentor_id),
        }
        for a in assignments
    ]
    return render(request, "coaching/coach/coach_home.html", {"rows": rows, "sessions": sessions})


@role_required(Role.COACH)
def log_session(request, pk):
    """Log a one-to-one session with a mentor this coach coaches now (else 404)."""
    on = today()
    assignment = coached_mentors(coach=request.user, tenant_id=request.membership.tenant_id, on=on).get(pk)
    if assignment is None:
        raise Http404
    mentor = assignment.mentor
    form = MentorSessionForm(
        request.POST or None, focus_areas=focus_areas_for(mentor), initial={"held_on": on, "minutes": 60}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            log_mentor_session(
                actor=request.user, mentor=mentor, held_on=data["held_on"], minutes=data["minutes"],
                focus_area=data["focus_area"], notes=data["notes"], next_step=data["next_step"], today=on,
            )
        except CoachingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request, f"Your session with {mentor.user} on {long_date(data['held_on'])} is logged."
            )
            return redirect("coaching:coach_home")
    return render(
        request, "coaching/coach/log_session.html", {"form": form, "mentor": mentor, "assignment": assignment}
    )


@role_required(Role.MENTOR)
def my_coaching(request):
    """The mentor's own coaching-for-mentors sessions, newest first."""
    tenant_id, on = request.membership.tenant_id, today()
    sessions = (
        MentorCoachingSession.objects.filter(tenant_id=tenant_id, mentor__user=request.user)
        .select_related("coach", "focus_area")
        .order_by("-held_on", "-pk")
    )
    coaches = (
        CoachAssignment.objects.filter(tenant_id=tenant_id, mentor__user=request.user, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("coach")
        .order_by("coach__full_name")
    )
    return render(request, "coaching/coach/my_coaching.html", {"sessions": sessions, "coaches": coaches})
