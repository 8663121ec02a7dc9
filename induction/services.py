"""Every write of a statutory induction record, and its refusals.

Each function checks everything before writing anything, inside its own transaction,
and raises ``InductionError`` naming the field at fault. Edits go through ``save()`` so
django-simple-history keeps who changed what and when.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from induction.models import (
    TEACHERS_STANDARDS,
    FormalAssessment,
    Judgement,
    ProgressReview,
    StatutoryAbsence,
    WorkingPattern,
)
from participants.models import ECT
from programme.schedule import long_date
from schools.models import SCHOOL_LEADER_ROLES, Membership


class InductionError(Exception):
    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


NOT_AN_AUTHOR = (
    "Only the ECT's induction tutor or headteacher can write or change statutory induction records: "
    "a mentor cannot (unless they are also the induction tutor)."
)


def _lock(ect):
    return ECT.objects.select_for_update().get(pk=ect.pk, tenant_id=ect.tenant_id)


def can_author(actor, ect, on=None):
    """The induction tutor or headteacher of the ECT's school now (statutory guidance:
    formal assessments by the headteacher or induction tutor, never the mentor)."""
    on = on or timezone.localdate()
    school_ids = ect.school_periods.filter(started_on__lte=on).exclude(ended_on__lt=on).values("school_id")
    return Membership.objects.filter(
        tenant_id=ect.tenant_id, user=actor, role__in=sorted(SCHOOL_LEADER_ROLES), is_active=True,
        school_id__in=school_ids,
    ).exists()


def _check_author(actor, ect):
    if not can_author(actor, ect):
        raise InductionError(NOT_AN_AUTHOR)


def _check_after_start(ect, day, *, field, what):
    if day is None:
        raise InductionError(f"Enter the date of the {what}.", field=field)
    if day < ect.induction_start:
        raise InductionError(
            f"The {what} cannot be dated before induction started ({long_date(ect.induction_start)}).", field=field
        )
    if day > timezone.localdate():
        raise InductionError(f"The {what} cannot be dated in the future.", field=field)


def _text(value, *, field, message):
    value = (value or "").strip()
    if not value:
        raise InductionError(message, field=field)
    return value


# --- Facts: working pattern and absences --------------------------------------------------


def parse_fte_input(value):
    try:
        fte = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InductionError("Enter the working pattern as a decimal, for example 0.6.", field="fte") from None
    if not (Decimal(0) < fte <= Decimal(1)):
        raise InductionError("The working pattern must be more than 0 and at most 1 (1.0 is full time).", field="fte")
    if fte != fte.quantize(Decimal("0.01")):
        raise InductionError("Give the working pattern to two decimal places at most, for example 0.55.", field="fte")
    return fte


@transaction.atomic
def change_working_pattern(*, actor, ect, starts_on, fte, note=""):
    fte = parse_fte_input(fte)
    if starts_on is None:
        raise InductionError("Enter the date the working pattern changes.", field="starts_on")
    if starts_on < ect.induction_start:
        raise InductionError(
            f"The change cannot start before induction started ({long_date(ect.induction_start)}).", field="starts_on"
        )
    _check_author(actor, ect)
    ect = _lock(ect)
    pattern, _ = WorkingPattern.objects.update_or_create(
        tenant_id=ect.tenant_id, ect=ect, starts_on=starts_on, defaults={"fte": fte, "note": note.strip()},
    )
    return pattern


@transaction.atomic
def record_absence(*, actor, ect, kind, starts_on, ends_on, extends_induction=False, note="", absence=None):
    """Record (or, with ``absence``, correct) a statutory absence."""
    if kind not in StatutoryAbsence.Kind.values:
        raise InductionError("Choose the kind of absence.", field="kind")
    if starts_on is None:
        raise InductionError("Enter the first day of the absence.", field="starts_on")
    if ends_on is None:
        raise InductionError("Enter the last day of the absence (the expected one while it lasts).", field="ends_on")
    if ends_on < starts_on:
        raise InductionError("The last day of the absence must be on or after its first day.", field="ends_on")
    if ends_on < ect.induction_start:
        raise InductionError(
            f"The absence ends before induction started ({long_date(ect.induction_start)}).", field="ends_on"
        )
    _check_author(actor, ect)
    ect = _lock(ect)
    others = StatutoryAbsence.objects.filter(tenant_id=ect.tenant_id, ect=ect)
    if absence is not None:
        others = others.exclude(pk=absence.pk)
    clash = others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash:
        raise InductionError(
            f"This absence overlaps another already recorded ({clash.get_kind_display().lower()}, "
            f"{long_date(clash.starts_on)} to {long_date(clash.ends_on)}): change that one instead.",
            field="starts_on",
        )
    absence = absence or StatutoryAbsence(tenant_id=ect.tenant_id, ect=ect)
    absence.kind, absence.starts_on, absence.ends_on = kind, starts_on, ends_on
    absence.extends_induction = bool(extends_induction) and kind == StatutoryAbsence.Kind.MATERNITY
    absence.note = note.strip()
    absence.save()
    return absence


# --- Records ---------------------------------------------------------------------------------


def _check_editable(record):
    if record.acknowledged_at is not None:
        raise InductionError("The ECT has acknowledged this record: it can no longer be changed.")


@transaction.atomic
def record_progress_review(*, actor, ect, term, held_on, on_track, evidence_summary, agreed_targets,
                           support_plan="", review=None):
    """Write (or, with ``review``, change) a progress review record."""
    _check_after_start(ect, held_on, field="held_on", what="progress review")
    if term is None or int(term) < 1:
        raise InductionError("Choose the term the review is for.", field="term")
    if on_track is None:
        raise InductionError("Say whether the ECT is on track.", field="on_track")
    evidence_summary = _text(evidence_summary, field="evidence_summary",
                             message="Summarise the evidence the review looked at.")
    agreed_targets = _text(agreed_targets, field="agreed_targets", message="Enter the targets agreed with the ECT.")
    support_plan = (support_plan or "").strip()
    if not on_track and not support_plan:
        raise InductionError("The ECT is not on track: set out the support plan.", field="support_plan")
    _check_author(actor, ect)
    ect = _lock(ect)
    if review is not None:
        _check_editable(review)
    clash = ProgressReview.objects.filter(tenant_id=ect.tenant_id, ect=ect, term=term)
    if review is not None:
        clash = clash.exclude(pk=review.pk)
    if clash.exists():
        raise InductionError(f"A progress review for term {term} is already recorded: change that one.", field="term")
    review = review or ProgressReview(tenant_id=ect.tenant_id, ect=ect, author=actor)
    review.term, review.held_on, review.on_track = int(term), held_on, bool(on_track)
    review.evidence_summary, review.agreed_targets, review.support_plan = evidence_summary, agreed_targets, support_plan
    review.save()
    return review


JUDGEMENT_FIELDS = [name for name, _ in TEACHERS_STANDARDS] + ["overall"]


@transaction.atomic
def record_formal_assessment(*, actor, ect, which, held_on, judgements, summary, assessment=None):
    """Write (or change) a formal assessment against the Teachers' Standards.
    ``judgements``: {field: Judgement value} for each standard, Part Two and overall."""
    _check_after_start(ect, held_on, field="held_on", what="formal assessment")
    if which not in (1, 2, "1", "2"):
        raise InductionError("Choose which formal assessment this is.", field="which")
    which = int(which)
    for name in JUDGEMENT_FIELDS:
        if judgements.get(name) not in Judgement.values:
            label = dict(TEACHERS_STANDARDS).get(name, "the overall judgement")
            raise InductionError(f"Choose a judgement for {label}.", field=name)
    summary = _text(summary, field="summary", message="Summarise the assessment.")
    _check_author(actor, ect)
    ect = _lock(ect)
    if assessment is not None:
        _check_editable(assessment)
    clash = FormalAssessment.objects.filter(tenant_id=ect.tenant_id, ect=ect, which=which)
    if assessment is not None:
        clash = clash.exclude(pk=assessment.pk)
    if clash.exists():
        raise InductionError(f"Formal assessment {which} is already recorded: change that one.", field="which")
    assessment = assessment or FormalAssessment(tenant_id=ect.tenant_id, ect=ect, author=actor)
    assessment.which, assessment.held_on, assessment.summary = which, held_on, summary
    for name in JUDGEMENT_FIELDS:
        setattr(assessment, name, judgements[name])
    assessment.save()
    return assessment


@transaction.atomic
def share_record(*, actor, record):
    _check_author(actor, record.ect)
    if record.shared_at is None:
        record.shared_at = timezone.now()
        record.save(update_fields=["shared_at", "updated_at"])
    return record


@transaction.atomic
def acknowledge_record(*, actor, record, comment=""):
    if record.ect.user_id != actor.pk:
        raise InductionError("Only the ECT the record is about can acknowledge it.")
    if record.shared_at is None:
        raise InductionError("This record has not been shared with you yet.")
    if record.acknowledged_at is not None:
        raise InductionError("You have already acknowledged this record.")
    record.acknowledged_at = timezone.now()
    record.ect_comment = (comment or "").strip()
    record.save(update_fields=["acknowledged_at", "ect_comment", "updated_at"])
    return record
