"""Access-matrix entries for statutory induction (see tests/access.py).

Only the ECT, the induction tutor and the headteacher of the ECT's school see these
pages. Everyone else, whatever their role (a mentor of the ECT, a coach, delivery
partner staff), gets 404 on every page, as for a record that does not exist: there is
no Appropriate Body liaison role yet. Leaders' pages (the school list, exports, the
timeline, the forms) are for leaders only; the ECT has their own timeline and sees
their records once shared."""

from schools.models import SCHOOL_LEADER_ROLES, Role
from tests.access import ObjectScoped, school_for


def leaders_own(role, place):
    return 200 if role in SCHOOL_LEADER_ROLES and place == "own" else 404


def leaders_own_redirect(role, place):
    return 302 if role in SCHOOL_LEADER_ROLES and place == "own" else 404


def leaders_or_ect_own(role, place):
    return 200 if (role in SCHOOL_LEADER_ROLES or role == Role.ECT) and place == "own" else 404


def school_kwargs(world, place, role):
    return {"pk": school_for(world, place).pk}


def ect_kwargs(world, place, role):
    return {"pk": world.ects[place].pk}


def shared_review(world, place, role):
    """The ECT's shared progress review for term 1 (made once per ECT)."""
    from django.utils import timezone

    from induction.factories import ProgressReviewFactory
    from induction.models import ProgressReview

    ect = world.ects[place]
    review = ProgressReview.objects.filter(ect=ect, term=1).first() or ProgressReviewFactory(
        tenant=ect.tenant, ect=ect, author=world.people[Role.INDUCTION_TUTOR], shared_at=timezone.now()
    )
    return {"kind": "review", "pk": review.pk}


ROUTES = {
    "induction:school": ObjectScoped(kwargs=school_kwargs, expected=leaders_own),
    "induction:export_csv": ObjectScoped(kwargs=school_kwargs, expected=leaders_own),
    "induction:export_pdf": ObjectScoped(kwargs=school_kwargs, expected=leaders_own),
    "induction:ect": ObjectScoped(kwargs=ect_kwargs, expected=leaders_own),
    "induction:working_pattern": ObjectScoped(kwargs=ect_kwargs, expected=leaders_own),
    "induction:add_absence": ObjectScoped(kwargs=ect_kwargs, expected=leaders_own),
    "induction:new_record": ObjectScoped(
        kwargs=lambda world, place, role: {**ect_kwargs(world, place, role), "kind": "review"}, expected=leaders_own,
    ),
    "induction:mine": ObjectScoped(
        kwargs=lambda world, place, role: {}, expected=lambda role, place: 200 if role == Role.ECT else 404,
    ),
    "induction:record": ObjectScoped(kwargs=shared_review, expected=leaders_or_ect_own),
    "induction:record_pdf": ObjectScoped(kwargs=shared_review, expected=leaders_or_ect_own),
    "induction:edit_record": ObjectScoped(kwargs=shared_review, expected=leaders_own),
    "induction:share_record": ObjectScoped(kwargs=shared_review, expected=leaders_own_redirect, method="post"),
    "induction:acknowledge_record": ObjectScoped(
        kwargs=shared_review, expected=lambda role, place: 302 if role == Role.ECT and place == "own" else 404,
        method="post",
    ),
}
