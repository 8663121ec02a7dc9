"""Reads of schools and their people, with the access rules that govern them."""

from django.db.models import Count, Q
from django.http import Http404

from schools.models import DELIVERY_PARTNER_ROLES, Membership, Role, School


def schools_with_counts(*, tenant):
    return (
        School.objects.filter(tenant=tenant)
        .annotate(
            ect_count=Count("memberships", filter=Q(memberships__role=Role.ECT, memberships__is_active=True)),
            mentor_count=Count("memberships", filter=Q(memberships__role=Role.MENTOR, memberships__is_active=True)),
        )
        .order_by("name")
    )


def school_people(*, school):
    """Everyone who holds a role in the school, grouped by role in display order."""
    order = [Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.MENTOR, Role.ECT]
    members = list(
        Membership.objects.filter(tenant_id=school.tenant_id, school=school, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        {"role": role, "label": role.label, "people": [m.user for m in members if m.role == role]}
        for role in order
    ]


def school_role_counts(*, school):
    """How many people hold each role in the school: {role: count}."""
    rows = (
        Membership.objects.filter(tenant_id=school.tenant_id, school=school, is_active=True)
        .values("role")
        .annotate(n=Count("pk"))
    )
    return {row["role"]: row["n"] for row in rows}


def induction_tutors(*, school):
    return [
        m.user
        for m in Membership.objects.filter(
            tenant_id=school.tenant_id, school=school, role=Role.INDUCTION_TUTOR, is_active=True
        ).select_related("user")
    ]


def get_school_for_user(request, pk):
    """One school the active membership may see, or 404: delivery-partner staff see
    their tenant's schools; induction tutors and headteachers their own school."""
    membership = request.membership
    if membership is None:
        raise Http404
    schools = School.objects.filter(tenant=membership.tenant).select_related("tenant")
    if membership.role in DELIVERY_PARTNER_ROLES:
        pass
    elif membership.is_school_leader:
        schools = schools.filter(pk=membership.school_id)
    else:
        raise Http404
    try:
        return schools.get(pk=pk)
    except School.DoesNotExist:
        raise Http404 from None
