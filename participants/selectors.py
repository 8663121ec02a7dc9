"""Reads of ECTs and mentors, with the access rules that govern them."""

from django.http import Http404
from django.utils import timezone

from participants.models import ECT, Mentorship
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role


def today():
    return timezone.localdate()


def current_mentorships(*, mentor_user, tenant, on=None):
    """The mentorships a mentor holds now, with their ECTs."""
    on = on or today()
    return list(
        Mentorship.objects.filter(tenant=tenant, mentor__user=mentor_user, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("ect__user")
        .order_by("ect__user__full_name")
    )


def ects_at_school(*, school, on=None):
    on = on or today()
    return (
        ECT.objects.filter(
            tenant_id=school.tenant_id, school_periods__school=school, school_periods__started_on__lte=on
        )
        .exclude(school_periods__ended_on__lt=on)
        .select_related("user", "cohort")
        .distinct()
        .order_by("user__full_name")
    )


def visible_ects(request, on=None):
    """The ECT records the active membership may see (training records): the ECT their
    own; a mentor their current mentees; school leaders their school's ECTs; delivery
    partner staff every ECT of the tenant; nobody else any."""
    membership = request.membership
    if membership is None:
        return ECT.objects.none()
    on = on or today()
    ects = ECT.objects.filter(tenant=membership.tenant)
    if membership.role == Role.ECT:
        return ects.filter(user=request.user)
    if membership.role == Role.MENTOR:
        return ects.filter(
            mentorships__mentor__user=request.user, mentorships__started_on__lte=on
        ).exclude(mentorships__ended_on__lt=on).distinct()
    if membership.role in SCHOOL_LEADER_ROLES:
        return ects.filter(
            school_periods__school_id=membership.school_id, school_periods__started_on__lte=on
        ).exclude(school_periods__ended_on__lt=on).distinct()
    if membership.role in DELIVERY_PARTNER_ROLES:
        return ects
    return ECT.objects.none()


def get_ect_for_user(request, pk):
    """One ECT the active membership may see, or 404 for both "missing" and "not yours"."""
    try:
        return visible_ects(request).select_related("user", "cohort").get(pk=pk)
    except ECT.DoesNotExist:
        raise Http404 from None
