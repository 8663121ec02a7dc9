"""Access-matrix entries for participant lists, person pages, pairing, status changes,
absences and invitations (see tests/access.py)."""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role
from tests.access import ObjectScoped, Public, school_for, school_page_expected

READERS = SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES
MANAGERS = frozenset({Role.INDUCTION_TUTOR}) | DELIVERY_PARTNER_ROLES


def gated(roles, success=200):
    """Roles outside ``roles`` get 403; inside, the school page rule (own school for
    school leaders, the tenant for delivery partner staff, 404 elsewhere), with
    ``success`` as the answer where they may act."""

    def expected(role, place):
        if role not in roles:
            return 403
        answer = school_page_expected(role, place)
        return success if answer == 200 else answer

    return expected


def school_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk}


def ect_kwargs(world, place, role):
    return {"pk": world.ects[place].pk}


def mentor_kwargs(world, place, role):
    """The mentor of A1 (own), a new mentor of A2 (sibling) and the mentor of B1 (other)."""
    from participants.factories import MentorAtSchoolFactory
    from participants.models import Mentor

    if place == "sibling":
        return {"pk": MentorAtSchoolFactory(school=world.school_a2).mentor.pk}
    user = world.people[Role.MENTOR] if place == "own" else world.outsiders[Role.MENTOR]
    return {"pk": Mentor.objects.get(user=user).pk}


def invitation_kwargs(world, place, role):
    """A pending invitation of a new ECT registered at the place's school."""
    from participants.factories import InvitationFactory

    school = school_for(world, place)
    invitation = InvitationFactory(
        membership__tenant=school.tenant, membership__school=school, membership__role=Role.ECT,
        membership__is_active=False,
    )
    return {"pk": invitation.pk}


ROUTES = {
    # A link token that matches nothing: the page explains, whoever opens it.
    "participants:accept_invitation": Public(status=404, kwargs=lambda world: {"token": "no-such-token"}),
    "participants:school": ObjectScoped(kwargs=school_kwargs, expected=gated(READERS)),
    "participants:register_ect": ObjectScoped(kwargs=school_kwargs, expected=gated(MANAGERS)),
    "participants:register_mentor": ObjectScoped(kwargs=school_kwargs, expected=gated(MANAGERS)),
    "participants:ect": ObjectScoped(kwargs=ect_kwargs, expected=gated(READERS)),
    # An empty POST: the form comes back with its errors (200) where the person may act.
    "participants:pair_ect": ObjectScoped(kwargs=ect_kwargs, expected=gated(MANAGERS), method="post"),
    "participants:ect_status": ObjectScoped(kwargs=ect_kwargs, expected=gated(MANAGERS), method="post"),
    "participants:mentor": ObjectScoped(kwargs=mentor_kwargs, expected=gated(READERS)),
    "participants:pair_mentor": ObjectScoped(kwargs=mentor_kwargs, expected=gated(MANAGERS), method="post"),
    "participants:mentor_status": ObjectScoped(kwargs=mentor_kwargs, expected=gated(MANAGERS), method="post"),
    "participants:mentor_absence": ObjectScoped(kwargs=mentor_kwargs, expected=gated(MANAGERS), method="post"),
    "participants:end_mentor_absence": ObjectScoped(
        kwargs=mentor_kwargs, expected=gated(MANAGERS, success=302), method="post"
    ),
    "participants:resend_invitation": ObjectScoped(
        kwargs=invitation_kwargs, expected=gated(MANAGERS, success=302), method="post"
    ),
    "participants:revoke_invitation": ObjectScoped(
        kwargs=invitation_kwargs, expected=gated(MANAGERS, success=302), method="post"
    ),
}
