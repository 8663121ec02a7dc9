from django.contrib import messages
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ectalign import caching
from ectalign.tenancy import activate_membership
from schools.models import Role
from schools import selectors

HOME_TEMPLATES = {
    Role.DP_ADMIN: "ectalign/home_delivery_partner.html",
    Role.DP_STAFF: "ectalign/home_delivery_partner.html",
    Role.FACILITATOR: "ectalign/home_facilitator.html",
    Role.COACH: "ectalign/home_coach.html",
    Role.INDUCTION_TUTOR: "ectalign/home_school_leader.html",
    Role.HEADTEACHER: "ectalign/home_school_leader.html",
    Role.MENTOR: "ectalign/home_mentor.html",
    Role.ECT: "ectalign/home_ect.html",
}


@login_required
def home(request):
    membership = request.membership
    if membership is None:
        return render(request, "ectalign/home_no_membership.html")
    context = {"membership": membership}
    if membership.is_delivery_partner:
        context["schools"] = selectors.schools_with_counts(tenant=membership.tenant)
    elif membership.is_school_leader:
        context["school"] = membership.school
        counts = selectors.school_role_counts(school=membership.school)
        context["ect_count"] = counts.get(Role.ECT, 0)
        context["mentor_count"] = counts.get(Role.MENTOR, 0)
    elif membership.school_id:
        return _participant_home(request, membership, context)
    return render(request, HOME_TEMPLATES[membership.role], context)


def _participant_home(request, membership, context):
    """An ECT's or a mentor's home: their induction tutor and, for a mentor, their ECTs.
    The body is cached until the school's people or the mentorships change."""
    from participants.onboarding import onboarding_reminder
    from participants.selectors import current_mentorships

    school = membership.school
    key = (
        "home", membership.role, request.user.pk, school.pk, school.name,
        caching.people_generation(school.tenant_id), timezone.localdate(),
    )

    def body():
        parts = {**context, "school": school, "induction_tutors": selectors.induction_tutors(school=school)}
        if membership.role == Role.MENTOR:
            parts["mentorships"] = current_mentorships(mentor_user=request.user, tenant=request.tenant)
        return render_to_string(f"ectalign/includes/home_{membership.role}_body.html", parts, request)

    return render(
        request, HOME_TEMPLATES[membership.role],
        {
            **context, "school": school, "body": mark_safe(caching.cached_fragment(key, body)),  # rendered by us
            # Outside the cached body: it goes as soon as the onboarding form is done.
            "onboarding_reminder": onboarding_reminder(user=request.user, membership=membership),
        },
    )


@login_required
@require_POST
def switch_membership(request):
    """Make another of the person's own memberships the active one."""
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        raise Http404 from None
    membership = next((m for m in request.memberships if m.pk == wanted), None)
    if membership is None:
        raise Http404
    activate_membership(request, membership)
    where = membership.school.name if membership.school_id else membership.tenant.name
    messages.success(request, f"You are now working as {membership.get_role_display().lower()}, {where}.")
    return redirect("home")


def baseline(request):
    """The benchmark's yardstick: one query, one small template (used by make bench)."""
    from schools.models import Tenant

    return render(request, "ectalign/baseline.html", {"count": Tenant.objects.count()})
