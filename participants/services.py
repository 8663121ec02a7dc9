"""Writes for ECTs, mentors and their periods. Every change keeps history: periods are
closed, never overwritten."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from ectalign.mail import send_email
from participants import invitations
from participants.models import (
    ECT,
    ECTAtSchool,
    Mentor,
    MentorAbsence,
    MentorAtSchool,
    Mentorship,
    Pause,
    StatusChange,
    TrainingStatus,
    normalise_trn,
)
from schools.models import Membership, Role
from schools.services import SchoolsError, add_membership


class ParticipantError(Exception):
    """A change to a participant that cannot be made, with a message a person can act on."""


def _trn(raw):
    if not (raw or "").strip():
        return ""
    try:
        return normalise_trn(raw)
    except ValidationError as exc:
        raise ParticipantError(" ".join(exc.messages)) from None


def _full_clean(obj, **options):
    try:
        obj.full_clean(**options)
    except ValidationError as exc:
        raise ParticipantError(" ".join(exc.messages)) from exc


def _school_membership(*, actor, inviter, school, email, full_name, role):
    """The person's membership of the school in ``role``: active at once, or, when an
    ``inviter`` (the registering person's membership) is given, held until they accept
    the invitation e-mailed to them."""
    if inviter is not None and not invitations.can_invite(inviter, Membership(tenant=school.tenant, school=school)):
        raise ParticipantError("You can only register people at your own school.")
    if not (email or "").strip():
        raise ParticipantError("Enter an e-mail address, like name@school.org.uk.")
    try:
        validate_email(email.strip())
    except ValidationError:
        raise ParticipantError(f"“{email.strip()}” is not an e-mail address: enter one like name@school.org.uk.") from None
    try:
        membership = add_membership(
            actor=actor, tenant=school.tenant, email=email, full_name=full_name, role=role, school=school,
            is_active=inviter is None,
        )
    except SchoolsError as exc:
        raise ParticipantError(str(exc)) from exc
    if inviter is not None:
        invitations.invite(inviter=inviter, membership=membership)
    return membership


@transaction.atomic
def register_ect(
    *, actor, school, email, full_name, induction_start, cohort, fte="1.00", trn="", phase="", subject="",
    appropriate_body=None, inviter=None, started_on=None,
):
    """Register an ECT at a school: the person (created or linked by e-mail), their ECT
    membership of the school, their training record and their first school period (from
    ``started_on``, by default the induction start: an ECT arriving from another
    delivery partner starts here later). With ``inviter`` the person is e-mailed an
    invitation to set up their account."""
    membership = _school_membership(
        actor=actor, inviter=inviter, school=school, email=email, full_name=full_name, role=Role.ECT
    )
    if cohort.tenant_id != school.tenant_id:
        raise ParticipantError("This cohort belongs to another delivery partner.")
    if appropriate_body is not None and appropriate_body.tenant_id != school.tenant_id:
        raise ParticipantError("This Appropriate Body belongs to another delivery partner.")
    trn = _trn(trn)
    other = ECT.objects.filter(tenant=school.tenant, trn=trn).select_related("user").first() if trn else None
    if other is not None:
        raise ParticipantError(
            f"TRN {trn} already belongs to {other.user} ({other.user.email}): check the number, "
            "or find them in the list if they are the same person."
        )
    if ECT.objects.filter(tenant=school.tenant, user=membership.user).exists():
        raise ParticipantError(
            f"{membership.user.email} is already registered as an ECT with this delivery partner: "
            "transfer them from their current school instead."
        )
    ect = ECT(
        tenant=school.tenant,
        user=membership.user,
        trn=trn,
        induction_start=induction_start,
        fte=fte,
        cohort=cohort,
        phase=phase,
        subject=subject,
        appropriate_body=appropriate_body,
    )
    # The related rows were checked above (same tenant) and the unique rules just now:
    # skip the per-field lookups full_clean would repeat (it matters for a CSV import).
    _full_clean(ect, exclude=["tenant", "user", "cohort", "appropriate_body"], validate_constraints=False)
    ect.save()
    ECTAtSchool.objects.create(tenant=school.tenant, ect=ect, school=school, started_on=started_on or induction_start)
    return ect


@transaction.atomic
def register_mentor(*, actor, school, email, full_name, started_on, kind=Mentor.Kind.NEW, cohort=None, inviter=None):
    """Register a mentor at a school; a mentor already registered in the delivery
    partner gains a period at this school instead of a second record. With ``inviter``
    the person is e-mailed an invitation to set up their account."""
    membership = _school_membership(
        actor=actor, inviter=inviter, school=school, email=email, full_name=full_name, role=Role.MENTOR
    )
    mentor, _ = Mentor.objects.get_or_create(
        tenant=school.tenant, user=membership.user, defaults={"kind": kind, "cohort": cohort}
    )
    MentorAtSchool.objects.create(tenant=school.tenant, mentor=mentor, school=school, started_on=started_on)
    return mentor


def _open_school_ids(periods, on):
    return {p.school_id for p in periods if p.covers(on)}


@transaction.atomic
def assign_mentor(*, actor, ect, mentor, starts_on):
    """Pair an ECT with a mentor from ``starts_on``. The current mentorship, if any,
    closes the day before. Nobody mentors themselves; both must be at the same school."""
    ect = ECT.objects.select_for_update().get(pk=ect.pk, tenant=ect.tenant_id)
    if mentor.user_id == ect.user_id:
        raise ParticipantError(f"{ect.user} cannot mentor themselves: choose another mentor.")
    if mentor.tenant_id != ect.tenant_id:
        raise ParticipantError("This mentor belongs to another delivery partner.")
    ect_schools = _open_school_ids(ect.school_periods.all(), starts_on)
    mentor_schools = _open_school_ids(mentor.school_periods.all(), starts_on)
    if not ect_schools & mentor_schools:
        raise ParticipantError(
            f"{mentor.user} is not a mentor at {ect.user}'s school on {starts_on:%-d %B %Y}: "
            "register them at the school first, or choose a mentor from the school."
        )
    current = ect.mentorships.filter(ended_on__isnull=True).first()
    if current is not None:
        if current.mentor_id == mentor.pk:
            raise ParticipantError(f"{mentor.user} already mentors {ect.user}.")
        if current.started_on >= starts_on:
            raise ParticipantError(
                f"The current mentorship started on {current.started_on:%-d %B %Y}: "
                "the new mentor can start the day after at the earliest."
            )
        current.ended_on = starts_on - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
    mentorship = Mentorship(tenant=ect.tenant, ect=ect, mentor=mentor, started_on=starts_on)
    _full_clean(mentorship)
    mentorship.save()
    context = {"ect": ect, "mentor": mentor, "previous": current, "starts_on": starts_on}
    for person in {ect.user, mentor.user} | ({current.mentor.user} if current is not None else set()):
        send_email(to=person.email, template="mentor_changed", context={**context, "person": person},
                   tenant_id=ect.tenant_id)
    return mentorship


@transaction.atomic
def record_pause(*, actor, ect, kind, starts_on, ends_on=None, note=""):
    """Record an absence or a deferral. Pauses of one ECT must not overlap."""
    pause = Pause(tenant=ect.tenant, ect=ect, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note)
    _full_clean(pause)
    far = dt.date.max
    for other in ect.pauses.all():
        if other.starts_on <= (ends_on or far) and starts_on <= (other.ends_on or far):
            raise ParticipantError(
                f"This overlaps the {other.get_kind_display().lower()} from {other.starts_on:%-d %B %Y}: "
                "change the dates or edit that record instead."
            )
    pause.save()
    return pause


def _latest_change(*, ect=None, mentor=None):
    changes = (ect or mentor).status_changes.order_by("-on", "-recorded_at")
    return changes.first()


# Which reasons go with which status, and which statuses each status may move to.
REASONS_FOR = {
    TrainingStatus.DEFERRED: StatusChange.DEFERRAL_REASONS,
    TrainingStatus.WITHDRAWN: StatusChange.WITHDRAWAL_REASONS,
    TrainingStatus.ACTIVE: (StatusChange.Reason.RESUMED,),
}
ALLOWED_MOVES = {
    TrainingStatus.ACTIVE: {TrainingStatus.DEFERRED, TrainingStatus.WITHDRAWN},
    TrainingStatus.DEFERRED: {TrainingStatus.ACTIVE, TrainingStatus.WITHDRAWN},
    TrainingStatus.WITHDRAWN: set(),
}


@transaction.atomic
def change_status(*, actor, status, reason, on, ect=None, mentor=None, note=""):
    """Defer, resume or withdraw an ECT's or a mentor's training, from a date.

    Deferring an ECT pauses their expectations (a deferral ``Pause``) until they resume;
    withdrawing ends their open mentorships (a withdrawn mentor also leaves their
    schools). Every change is a dated ``StatusChange`` row; the person is told."""
    if (ect is None) == (mentor is None):
        raise ValueError("Give exactly one of ect or mentor.")
    model = ECT if ect is not None else Mentor
    record = model.objects.select_for_update().get(pk=(ect or mentor).pk, tenant=(ect or mentor).tenant_id)
    status, reason = TrainingStatus(status), StatusChange.Reason(reason)
    current = TrainingStatus(record.training_status)
    if status not in ALLOWED_MOVES[current]:
        if current == TrainingStatus.WITHDRAWN:
            raise ParticipantError(f"{record.user} has withdrawn: register them again if they are coming back.")
        raise ParticipantError(f"{record.user} is already {current.label.lower()}.")
    if reason not in REASONS_FOR[status]:
        allowed = ", ".join(r.label.lower() for r in REASONS_FOR[status])
        raise ParticipantError(f"Choose a reason for this change: {allowed}.")
    if reason == StatusChange.Reason.NO_LONGER_MENTOR and ect is not None:
        raise ParticipantError("“No longer a mentor” is a reason for a mentor, not an ECT: choose another reason.")
    latest = _latest_change(ect=ect and record, mentor=mentor and record)
    if latest is not None and on < latest.on:
        raise ParticipantError(
            f"The last change took effect on {latest.on:%-d %B %Y}: this one must take effect on or after that date."
        )
    change = StatusChange(
        tenant=record.tenant, ect=record if ect is not None else None, mentor=record if mentor is not None else None,
        status=status, reason=reason, on=on, note=note, recorded_by=actor,
    )
    _full_clean(change)
    change.save()
    if ect is not None:
        _apply_ect_status(record, current, status, on)
    else:
        _apply_mentor_status(record, status, on)
    record.training_status = status
    record.save(update_fields=["training_status"])
    send_email(to=record.user.email, template="status_changed", context={"change": change, "person": record.user},
               tenant_id=record.tenant_id)
    return change


def _apply_ect_status(ect, current, status, on):
    if current == TrainingStatus.DEFERRED:
        deferral = ect.pauses.filter(kind=Pause.Kind.DEFERRAL, ends_on__isnull=True).first()
        if deferral is not None:
            deferral.ends_on = max(deferral.starts_on, on - dt.timedelta(days=1))
            deferral.save(update_fields=["ends_on"])
    if status == TrainingStatus.DEFERRED:
        record_pause(actor=None, ect=ect, kind=Pause.Kind.DEFERRAL, starts_on=on, note="Training deferred")
    if status == TrainingStatus.WITHDRAWN:
        _end_periods(ect.mentorships.filter(ended_on__isnull=True), on)


def _apply_mentor_status(mentor, status, on):
    if status == TrainingStatus.WITHDRAWN:
        for mentorship in mentor.mentorships.filter(ended_on__isnull=True).select_related("ect__user"):
            send_email(
                to=mentorship.ect.user.email, template="mentor_left",
                context={"ect": mentorship.ect, "mentor": mentor, "on": on}, tenant_id=mentorship.tenant_id,
            )
        _end_periods(mentor.mentorships.filter(ended_on__isnull=True), on)
        _end_periods(mentor.school_periods.filter(ended_on__isnull=True), on)


def _end_periods(periods, on):
    for period in periods:
        period.ended_on = max(period.started_on, on)
        period.save(update_fields=["ended_on"])


@transaction.atomic
def record_mentor_absence(*, actor, mentor, started_on, ended_on=None, reason=""):
    """Record a stretch when a mentor is away. Absences of one mentor must not overlap."""
    absence = MentorAbsence(tenant=mentor.tenant, mentor=mentor, started_on=started_on, ended_on=ended_on, reason=reason)
    _full_clean(absence)
    far = dt.date.max
    for other in mentor.absences.all():
        if other.started_on <= (ended_on or far) and started_on <= (other.ended_on or far):
            raise ParticipantError(
                f"This overlaps the absence from {other.started_on:%-d %B %Y}: change the dates or end that one first."
            )
    absence.save()
    return absence


@transaction.atomic
def end_mentor_absence(*, actor, absence, ended_on):
    """Record the day a mentor's open absence ended (the day before they are back)."""
    if absence.ended_on is not None:
        raise ParticipantError("This absence already has an end date.")
    absence.ended_on = ended_on
    _full_clean(absence)
    absence.save(update_fields=["ended_on"])
    return absence
