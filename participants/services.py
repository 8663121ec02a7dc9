"""Writes for ECTs, mentors and their periods. Every change keeps history: periods are
closed, never overwritten."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship, Pause, normalise_trn
from schools.models import Role
from schools.services import SchoolsError, add_membership


class ParticipantError(Exception):
    """A change to a participant that cannot be made, with a message a person can act on."""


def _full_clean(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ParticipantError(" ".join(exc.messages)) from exc


@transaction.atomic
def register_ect(*, actor, school, email, full_name, induction_start, cohort, fte="1.00", trn="", phase="", subject=""):
    """Register an ECT at a school: the person (created or linked by e-mail), their ECT
    membership of the school, their training record and their first school period."""
    try:
        membership = add_membership(
            actor=actor, tenant=school.tenant, email=email, full_name=full_name, role=Role.ECT, school=school
        )
    except SchoolsError as exc:
        raise ParticipantError(str(exc)) from exc
    if cohort.tenant_id != school.tenant_id:
        raise ParticipantError("This cohort belongs to another delivery partner.")
    ect = ECT(
        tenant=school.tenant,
        user=membership.user,
        trn=normalise_trn(trn) if trn else "",
        induction_start=induction_start,
        fte=fte,
        cohort=cohort,
        phase=phase,
        subject=subject,
    )
    _full_clean(ect)
    ect.save()
    ECTAtSchool.objects.create(tenant=school.tenant, ect=ect, school=school, started_on=induction_start)
    return ect


@transaction.atomic
def register_mentor(*, actor, school, email, full_name, started_on, kind=Mentor.Kind.NEW, cohort=None):
    """Register a mentor at a school; a mentor already registered in the delivery
    partner gains a period at this school instead of a second record."""
    try:
        membership = add_membership(
            actor=actor, tenant=school.tenant, email=email, full_name=full_name, role=Role.MENTOR, school=school
        )
    except SchoolsError as exc:
        raise ParticipantError(str(exc)) from exc
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
