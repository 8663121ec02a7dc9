"""Access-matrix entries for release time (see tests/access.py).

The release-time page and its PDF follow the school-page rule: the school's induction
tutor and headteacher for their own school, the delivery partner's staff for every
school of their tenant, 404 for any other school; other roles 403. Recording is the
induction tutor's alone (the headteacher reads: 403). A batch of reports belongs to the
delivery partner: its staff open any of its batches ("own": one they asked for,
"sibling": one a colleague asked for), another tenant's answers 404; other roles 403."""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role
from tests.access import ObjectScoped, RoleGated, school_for, school_page_expected

READERS = SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES


def school_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk}


def school_ect_kwargs(world, place, role):
    """The ECT of the school at ``place`` (A1's own ECT, A2's, B1's)."""
    return {"pk": school_for(world, place).pk, "ect_pk": world.ects[place].pk}


def read_expected(role, place):
    if role not in READERS:
        return 403
    return school_page_expected(role, place)


def record_expected(role, place):
    if role != Role.INDUCTION_TUTOR:
        return 403
    return 200 if place == "own" else 404


def batch_kwargs(world, place, role):
    """A finished batch the person asked for ("own"), one a colleague asked for
    ("sibling"), one of another tenant ("other")."""
    from reporting.factories import ReleaseTimeBatchFactory

    if place == "other":
        return {"pk": ReleaseTimeBatchFactory(tenant=world.tenant_b, requested_by=world.outsiders[Role.DP_STAFF]).pk}
    colleague = Role.DP_STAFF if role == Role.DP_ADMIN else Role.DP_ADMIN
    asker = world.people[role] if place == "own" else world.people[colleague]
    return {"pk": ReleaseTimeBatchFactory(tenant=world.tenant_a, requested_by=asker).pk}


def batch_expected(role, place):
    if role not in DELIVERY_PARTNER_ROLES:
        return 403
    return 200 if place in ("own", "sibling") else 404


ROUTES = {
    "reporting:release_time": ObjectScoped(kwargs=school_kwargs, expected=read_expected),
    "reporting:release_time_pdf": ObjectScoped(kwargs=school_kwargs, expected=read_expected),
    "reporting:record": ObjectScoped(kwargs=school_kwargs, expected=record_expected),
    "reporting:record_ect": ObjectScoped(kwargs=school_ect_kwargs, expected=record_expected),
    "reporting:batches": RoleGated(DELIVERY_PARTNER_ROLES),
    "reporting:batch_detail": ObjectScoped(kwargs=batch_kwargs, expected=batch_expected),
    "reporting:batch_download": ObjectScoped(kwargs=batch_kwargs, expected=batch_expected),
}
