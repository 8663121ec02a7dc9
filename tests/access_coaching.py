"""Access-matrix entries for coaching (see tests/access.py).

A mentor logs and corrects coaching only for the ECTs they mentor now (any other ECT,
in the sibling school or another tenant, answers 404); other roles cannot log at all
(403). The ECT's record and its PDF follow the training-record rule (``ect_page_expected``);
the school overview the school-page rule. A coach logs sessions only with the mentors
they coach."""

from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role
from tests.access import ObjectScoped, RoleGated, ect_page_expected, school_for, school_page_expected


def only(role):
    """The role reaches its own object (200) and no other (404); other roles get 403."""

    def expected(asking, place):
        if asking != role:
            return 403
        return 200 if place == "own" else 404

    return expected


def ect_kwargs(world, place, role):
    return {"pk": world.ects[place].pk}


def _mentor_of(world, place):
    """The ECT's mentor record at ``place`` (the sibling ECT has none: a mentor of A2 is made)."""
    from participants.factories import MentorAtSchoolFactory
    from participants.models import Mentor

    if place == "sibling":
        return MentorAtSchoolFactory(school=world.school_a2).mentor
    user = world.people[Role.MENTOR] if place == "own" else world.outsiders[Role.MENTOR]
    return Mentor.objects.get(user=user)


def observation_kwargs(world, place, role):
    from coaching.factories import ObservationFactory

    mentor = _mentor_of(world, place)
    ect = world.ects[place]
    return {"pk": ObservationFactory(tenant=ect.tenant, ect=ect, mentor=mentor).pk}


def meeting_kwargs(world, place, role):
    from coaching.factories import MeetingFactory

    mentor = _mentor_of(world, place)
    ect = world.ects[place]
    return {"pk": MeetingFactory(tenant=ect.tenant, ect=ect, mentor=mentor).pk}


def coached_mentor_kwargs(world, place, role):
    """A mentor the tenant's coach coaches (own), one they do not (sibling), and a mentor
    of another tenant (other)."""
    from coaching.factories import CoachAssignmentFactory
    from coaching.models import CoachAssignment

    mentor = _mentor_of(world, place)
    coach = world.people[Role.COACH]
    # Called once per role: assign the coach only the first time (one open assignment).
    if place == "own" and not CoachAssignment.objects.filter(coach=coach, mentor=mentor, ended_on=None).exists():
        CoachAssignmentFactory(tenant=mentor.tenant, coach=coach, mentor=mentor)
    return {"pk": mentor.pk}


def overview_expected(role, place):
    if role not in SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES:
        return 403
    return school_page_expected(role, place)


LIBRARY_READERS = frozenset({Role.MENTOR}) | SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES

ROUTES = {
    "coaching:my_week": RoleGated(frozenset({Role.MENTOR})),
    "coaching:log_observation": ObjectScoped(kwargs=ect_kwargs, expected=only(Role.MENTOR)),
    "coaching:edit_observation": ObjectScoped(kwargs=observation_kwargs, expected=only(Role.MENTOR)),
    "coaching:log_meeting": ObjectScoped(kwargs=ect_kwargs, expected=only(Role.MENTOR)),
    "coaching:edit_meeting": ObjectScoped(kwargs=meeting_kwargs, expected=only(Role.MENTOR)),
    "coaching:library": RoleGated(LIBRARY_READERS),
    "coaching:my_steps": RoleGated(frozenset({Role.ECT})),
    "coaching:propose_step": RoleGated(frozenset({Role.ECT})),
    "coaching:add_reflection": ObjectScoped(kwargs=meeting_kwargs, expected=only(Role.ECT)),
    "coaching:school_overview": ObjectScoped(
        kwargs=lambda world, place, role: {"pk": school_for(world, place).pk}, expected=overview_expected,
    ),
    "coaching:ect_record": ObjectScoped(kwargs=ect_kwargs, expected=ect_page_expected),
    "coaching:summary_pdf": ObjectScoped(kwargs=ect_kwargs, expected=ect_page_expected),
    "coaching:coach_home": RoleGated(frozenset({Role.COACH})),
    "coaching:log_session": ObjectScoped(kwargs=coached_mentor_kwargs, expected=only(Role.COACH)),
    "coaching:my_coaching": RoleGated(frozenset({Role.MENTOR})),
}
