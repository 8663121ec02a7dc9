"""Access-matrix entries for the induction tutor's dashboard (see tests/access.py): the
school-page rule (school leaders their own school, the delivery partner's staff every
school of theirs, 404 for other schools and tenants; other roles 403). A person's
detail is found within the school: the own school's ECT or mentor (own), the sibling
school's ECT under the sibling school (sibling), tenant B's under school B1 (other)."""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role
from tests.access import ObjectScoped, school_for, school_page_expected

DASHBOARD_ROLES = SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES


def dashboard_expected(role, place):
    if role not in DASHBOARD_ROLES:
        return 403
    return school_page_expected(role, place)


def school_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk}


def ect_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk, "ect_pk": world.ects[place].pk}


def mentor_kwargs(world, place, role):
    from participants.factories import MentorAtSchoolFactory
    from participants.models import Mentor

    if place == "sibling":
        existing = Mentor.objects.filter(tenant=world.tenant_a, school_periods__school=world.school_a2).first()
        mentor = existing or MentorAtSchoolFactory(tenant=world.tenant_a, school=world.school_a2,
                                                   mentor__tenant=world.tenant_a).mentor
    else:
        user = world.people[Role.MENTOR] if place == "own" else world.outsiders[Role.MENTOR]
        mentor = Mentor.objects.get(user=user)
    return {"pk": school_for(world, place).pk, "mentor_pk": mentor.pk}


ROUTES = {
    "dashboard:school": ObjectScoped(kwargs=school_kwargs, expected=dashboard_expected),
    "dashboard:school_pdf": ObjectScoped(kwargs=school_kwargs, expected=dashboard_expected),
    "dashboard:ect": ObjectScoped(kwargs=ect_kwargs, expected=dashboard_expected),
    "dashboard:mentor": ObjectScoped(kwargs=mentor_kwargs, expected=dashboard_expected),
}
