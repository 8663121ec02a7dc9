import datetime as dt

import pytest

from induction import services
from induction.models import FormalAssessment, ProgressReview, StatutoryAbsence, WorkingPattern
from induction.services import InductionError
from schools.factories import MembershipFactory
from schools.models import Role

pytestmark = pytest.mark.django_db

D = dt.date


def review(world, actor, **overrides):
    args = dict(actor=actor, ect=world.ects["own"], term=1, held_on=D(2026, 12, 1), on_track=True,
                evidence_summary="Secure routines.", agreed_targets="Hinge questions.")
    args.update(overrides)
    return services.record_progress_review(**args)


def test_tutor_and_headteacher_write_reviews_and_edits_keep_history(world):
    r = review(world, world.people[Role.INDUCTION_TUTOR])
    review(world, world.people[Role.HEADTEACHER], review=r, agreed_targets="Cold calling.")
    r.refresh_from_db()
    assert r.agreed_targets == "Cold calling." and r.author == world.people[Role.INDUCTION_TUTOR]
    assert r.history.count() == 2


@pytest.mark.parametrize("role", [Role.MENTOR, Role.ECT, Role.DP_STAFF, Role.COACH])
def test_a_mentor_or_anyone_else_is_refused(world, role):
    with pytest.raises(InductionError, match="a mentor cannot"):
        review(world, world.people[role])
    assert not ProgressReview.objects.exists()


def test_a_mentor_who_is_also_the_induction_tutor_may_write(world):
    mentor = world.people[Role.MENTOR]
    MembershipFactory(user=mentor, tenant=world.tenant_a, school=world.school_a1, role=Role.INDUCTION_TUTOR)
    assert review(world, mentor).author == mentor


def test_the_tutor_of_another_school_is_refused(world):
    with pytest.raises(InductionError):
        review(world, world.outsiders[Role.INDUCTION_TUTOR])


def test_review_dated_before_induction_started_is_refused(world):
    with pytest.raises(InductionError, match="before induction started") as exc:
        review(world, world.people[Role.INDUCTION_TUTOR], held_on=D(2026, 8, 1))
    assert exc.value.field == "held_on"
    assert not ProgressReview.objects.exists()


def test_not_on_track_needs_a_support_plan(world):
    with pytest.raises(InductionError, match="support plan") as exc:
        review(world, world.people[Role.INDUCTION_TUTOR], on_track=False)
    assert exc.value.field == "support_plan"


@pytest.mark.parametrize("fte", ["0", "1.2", "-0.5", "abc"])
def test_fte_outside_zero_to_one_is_refused(world, fte):
    with pytest.raises(InductionError) as exc:
        services.change_working_pattern(actor=world.people[Role.INDUCTION_TUTOR], ect=world.ects["own"],
                                        starts_on=D(2027, 1, 4), fte=fte)
    assert exc.value.field == "fte"
    assert not WorkingPattern.objects.exists()


def test_fte_change_recorded(world):
    p = services.change_working_pattern(actor=world.people[Role.INDUCTION_TUTOR], ect=world.ects["own"],
                                        starts_on=D(2027, 1, 4), fte="0.5")
    assert p.fte == services.Decimal("0.50")


def absence(world, starts_on, ends_on, kind="sickness", **kw):
    return services.record_absence(actor=world.people[Role.INDUCTION_TUTOR], ect=world.ects["own"], kind=kind,
                                   starts_on=starts_on, ends_on=ends_on, **kw)


def test_absence_ending_before_it_starts_is_refused(world):
    with pytest.raises(InductionError, match="on or after its first day") as exc:
        absence(world, D(2027, 1, 10), D(2027, 1, 5))
    assert exc.value.field == "ends_on"
    assert not StatutoryAbsence.objects.exists()


def test_overlapping_absence_is_refused(world):
    absence(world, D(2027, 1, 4), D(2027, 1, 15))
    with pytest.raises(InductionError, match="overlaps another"):
        absence(world, D(2027, 1, 15), D(2027, 1, 20))
    assert StatutoryAbsence.objects.count() == 1


def test_only_maternity_leave_can_be_asked_to_extend(world):
    a = absence(world, D(2027, 1, 4), D(2027, 1, 15), extends_induction=True)
    assert a.extends_induction is False
    m = absence(world, D(2027, 2, 1), D(2027, 4, 1), kind="maternity", extends_induction=True)
    assert m.extends_induction is True


def test_assessment_needs_every_judgement(world):
    judgements = {name: "meeting" for name in services.JUDGEMENT_FIELDS}
    judgements.pop("ts5")
    with pytest.raises(InductionError) as exc:
        services.record_formal_assessment(actor=world.people[Role.HEADTEACHER], ect=world.ects["own"], which=1,
                                          held_on=D(2026, 12, 1), judgements=judgements, summary="Fine.")
    assert exc.value.field == "ts5"
    assert not FormalAssessment.objects.exists()


def test_share_and_acknowledge(world):
    r = review(world, world.people[Role.INDUCTION_TUTOR])
    with pytest.raises(InductionError, match="not been shared"):
        services.acknowledge_record(actor=world.people[Role.ECT], record=r)
    services.share_record(actor=world.people[Role.INDUCTION_TUTOR], record=r)
    with pytest.raises(InductionError):
        services.acknowledge_record(actor=world.people[Role.MENTOR], record=r)
    services.acknowledge_record(actor=world.people[Role.ECT], record=r, comment=" Agreed. ")
    r.refresh_from_db()
    assert r.acknowledged_at and r.ect_comment == "Agreed."
    with pytest.raises(InductionError, match="can no longer be changed"):
        review(world, world.people[Role.INDUCTION_TUTOR], review=r, agreed_targets="New")
