"""Changes to a participant, made directly or asked for and approved.

A delivery partner reserves some kinds of change for its own decision
(``Tenant.changes_needing_approval``). An induction tutor or headteacher then asks for
them (``submit`` makes a pending ``ChangeRequest``) and the delivery partner's staff
``approve`` or ``reject`` them in the admin; otherwise ``submit`` applies the change at
once. Either way ``apply_change`` is the one place that turns a kind of change and its
details into a call of the service that makes it, so an approved request changes
exactly what a direct change would, and the history is kept by that service.

Details, per kind (dates are ISO strings, ids are looked up in the participant's
delivery partner):

- ``change_mentor``: ``{"mentor_id", "starts_on"}`` (an ECT)
- ``change_programme``: ``{"cohort_id"}`` (an ECT)
- ``defer``: ``{"reason", "on", "note"}`` (an ECT or a mentor)
- ``resume``: ``{"on", "note"}`` (an ECT or a mentor)
- ``withdraw``: ``{"reason", "on", "note"}`` (an ECT or a mentor)

(``note`` is optional.)
- ``transfer``: ``{"school_id", "on"}`` (an ECT)
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ectalign.mail import send_email
from participants import services, transfers
from participants.models import ECT, ChangeRequest, Mentor, StatusChange, TrainingStatus
from participants.services import ParticipantError
from programme.models import Cohort
from programme.progress import current_school
from programme.schedule import long_date
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Membership, Role, School

Kind = ChangeRequest.Kind
State = ChangeRequest.State

APPLIED = "applied"
REQUESTED = "requested"

ECT_ONLY = frozenset({Kind.CHANGE_MENTOR, Kind.CHANGE_PROGRAMME, Kind.TRANSFER})


def needs_approval(tenant, kind):
    """Whether the delivery partner reserves this kind of change for its staff's
    decision. (Its own staff never ask: ``submit`` applies their changes directly.)"""
    return Kind(kind).value in set(tenant.changes_needing_approval or ())


# --- Reading the details ---------------------------------------------------------------


def _date(details, key, what):
    raw = details.get(key)
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise ParticipantError(f"Enter {what} as a real date, for example 11 January 2027.") from None


def _in_tenant(model, tenant_id, pk, what):
    """A row of the participant's delivery partner by id: another delivery partner's
    row is "not found", exactly like a missing one."""
    try:
        return model.objects.get(tenant_id=tenant_id, pk=int(pk))
    except (TypeError, ValueError, model.DoesNotExist):
        raise ParticipantError(
            f"That {what} was not found at this delivery partner: choose one from the list."
        ) from None


def _reason(details, status):
    allowed = services.REASONS_FOR[TrainingStatus(status)]
    reason = details.get("reason")
    if reason not in [r.value for r in allowed]:
        labels = ", ".join(r.label.lower() for r in allowed)
        raise ParticipantError(f"Choose a reason for this change: {labels}.")
    return reason


def _participant(ect, mentor):
    if (ect is None) == (mentor is None):
        raise ValueError("Give exactly one of ect or mentor.")
    return ect if ect is not None else mentor


def _prepare(*, kind, ect, mentor, details):
    """Check a change's details and return ``make(actor)``, the service call that makes
    it. Only reads: ``submit`` uses it to refuse an obviously wrong request at once."""
    kind = Kind(kind)
    participant = _participant(ect, mentor)
    details = details or {}
    tenant_id = participant.tenant_id
    if kind in ECT_ONLY and ect is None:
        raise ParticipantError(f"A {kind.label.lower()} is made for an ECT: choose the ECT.")
    who = {"ect": ect, "mentor": mentor}

    if kind == Kind.CHANGE_MENTOR:
        new_mentor = _in_tenant(Mentor, tenant_id, details.get("mentor_id"), "mentor")
        starts_on = _date(details, "starts_on", "the date the new mentor starts")
        return lambda actor: services.assign_mentor(actor=actor, ect=ect, mentor=new_mentor, starts_on=starts_on)
    if kind == Kind.CHANGE_PROGRAMME:
        cohort = _in_tenant(Cohort, tenant_id, details.get("cohort_id"), "cohort")
        return lambda actor: change_cohort(actor=actor, ect=ect, cohort=cohort)
    if kind == Kind.TRANSFER:
        school = _in_tenant(School, tenant_id, details.get("school_id"), "school")
        on = _date(details, "on", "the date the ECT starts at the new school")
        return lambda actor: transfers.transfer_ect(actor=actor, ect=ect, to_school=school, on=on)

    on = _date(details, "on", "the date the change takes effect")
    note = str(details.get("note") or "")
    if kind == Kind.DEFER:
        status, reason = TrainingStatus.DEFERRED, _reason(details, TrainingStatus.DEFERRED)
    elif kind == Kind.RESUME:
        status, reason = TrainingStatus.ACTIVE, StatusChange.Reason.RESUMED
    else:  # Kind.WITHDRAW
        status, reason = TrainingStatus.WITHDRAWN, _reason(details, TrainingStatus.WITHDRAWN)
    return lambda actor: services.change_status(actor=actor, status=status, reason=reason, on=on, note=note, **who)


def _jsonable(details):
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in (details or {}).items()}


# --- Making changes ----------------------------------------------------------------------


@transaction.atomic
def apply_change(*, actor, kind, ect=None, mentor=None, details):
    """Make a change now, through the service that does it; returns what that service
    returns. Raises ``ParticipantError`` with a message to act on."""
    make = _prepare(kind=kind, ect=ect, mentor=mentor, details=details)
    return make(actor)


@transaction.atomic
def change_cohort(*, actor, ect, cohort):
    """Move an ECT to another cohort of their delivery partner (and so, perhaps, to
    another programme version). The record's history keeps the old cohort; the ECT
    is told."""
    ect = ECT.objects.select_for_update().select_related("user", "cohort").get(pk=ect.pk, tenant=ect.tenant_id)
    if cohort.tenant_id != ect.tenant_id:
        raise ParticipantError("This cohort belongs to another delivery partner: choose one of your own cohorts.")
    if cohort.pk == ect.cohort_id:
        raise ParticipantError(f"{ect.user} is already in {cohort}: choose another cohort.")
    previous = ect.cohort
    ect.cohort = cohort
    ect._history_user = actor
    ect.save(update_fields=["cohort"])
    send_email(
        to=ect.user.email, template="cohort_changed",
        context={"ect": ect, "person": ect.user, "previous": previous, "cohort": cohort}, tenant_id=ect.tenant_id,
    )
    return ect


@dataclass(frozen=True)
class Submitted:
    """What ``submit`` did: ``outcome`` is ``"applied"`` (``result`` holds what the
    service returned) or ``"requested"`` (``change_request`` awaits a decision)."""

    outcome: str
    kind: str
    participant: object
    change_request: ChangeRequest | None = None
    result: object = None

    @property
    def requested(self):
        return self.outcome == REQUESTED

    @property
    def message(self):
        label = Kind(self.kind).label
        if self.requested:
            return (
                f"{label} for {self.participant.user} requested. The delivery partner's staff decide; "
                "you will get an e-mail when they have."
            )
        return f"Done: {label.lower()} for {self.participant.user}."


class _Undo(Exception):
    pass


def _would_apply(make, actor):
    """Make the change in a savepoint and undo it, so the service's own rules judge a
    request when it is made. Nothing stays: rows roll back, and e-mails queued for
    after the commit are dropped with the savepoint."""
    try:
        with transaction.atomic():
            make(actor)
            raise _Undo
    except _Undo:
        pass


def _is_at_school(record, school, on):
    """Whether an ECT or a mentor has a period at the school now or from a later date."""
    return any(
        p.school_id == school.pk and (p.ended_on is None or p.ended_on >= on) for p in record.school_periods.all()
    )


def _check_submitter(membership, participant):
    if membership is None or membership.tenant_id != participant.tenant_id:
        raise ParticipantError("That participant was not found at this delivery partner.")
    if membership.role in DELIVERY_PARTNER_ROLES:
        return
    if membership.role not in SCHOOL_LEADER_ROLES:
        raise ParticipantError(
            "Only the school's induction tutor or headteacher, or the delivery partner's staff, can make this change."
        )
    if not _is_at_school(participant, membership.school, timezone.localdate()):
        raise ParticipantError("You can only ask for changes for the ECTs and mentors of your own school.")


@transaction.atomic
def submit(*, actor, membership, kind, ect=None, mentor=None, details, reason=""):
    """What the induction tutor's forms call. When the delivery partner reserves this
    kind of change (and ``membership`` is not one of its staff), the change is tried and
    undone (so a request that could not be made now is refused at once), a reason is
    required, a pending request is made and the delivery partner's staff are e-mailed;
    otherwise the change is made at once."""
    kind = Kind(kind)
    participant = _participant(ect, mentor)
    _check_submitter(membership, participant)
    if membership.role in DELIVERY_PARTNER_ROLES or not needs_approval(membership.tenant, kind):
        result = apply_change(actor=actor, kind=kind, ect=ect, mentor=mentor, details=details)
        return Submitted(APPLIED, kind, participant, result=result)

    _would_apply(_prepare(kind=kind, ect=ect, mentor=mentor, details=details), actor)
    reason = (reason or "").strip()
    if not reason:
        raise ParticipantError(
            f"Say why the {kind.label.lower()} is needed: the delivery partner's staff read it before they decide."
        )
    pending = ChangeRequest.objects.filter(
        tenant_id=participant.tenant_id, kind=kind, state=State.PENDING, ect=ect, mentor=mentor
    ).first()
    if pending is not None:
        raise ParticipantError(
            f"A request for a {kind.label.lower()} for {participant.user} already awaits a decision "
            f"(asked on {long_date(timezone.localtime(pending.requested_at).date())}): "
            "wait for it, or ask the delivery partner's staff about it."
        )
    change_request = ChangeRequest(
        tenant_id=participant.tenant_id, kind=kind, ect=ect, mentor=mentor, school=membership.school,
        details=_jsonable(details), reason=reason, requested_by=actor,
    )
    change_request._history_user = actor
    change_request.save()
    words = describe(change_request)
    staff = (
        Membership.objects.filter(
            tenant_id=participant.tenant_id, role__in=sorted(DELIVERY_PARTNER_ROLES), is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    for email in dict.fromkeys(m.user.email for m in staff):
        send_email(
            to=email, template="change_request_submitted",
            context={"change_request": change_request, "what": words, "participant": participant},
            tenant_id=change_request.tenant_id,
        )
    return Submitted(REQUESTED, kind, participant, change_request=change_request)


# --- Deciding requests -------------------------------------------------------------------


def _check_decider(actor, tenant_id):
    if actor.is_superuser:
        return
    staff = Membership.objects.filter(
        tenant_id=tenant_id, user=actor, role__in=sorted(DELIVERY_PARTNER_ROLES), is_active=True
    )
    if not staff.exists():
        raise ParticipantError("Only the delivery partner's staff can decide change requests.")


def _pending(change_request, actor):
    found = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("ect__user", "mentor__user", "school", "requested_by")
        .get(pk=change_request.pk, tenant=change_request.tenant_id)
    )
    _check_decider(actor, found.tenant_id)
    if found.state != State.PENDING:
        when = long_date(timezone.localtime(found.decided_at).date()) if found.decided_at else "earlier"
        raise ParticipantError(
            f"This request was already decided ({found.get_state_display().lower()}, {when}): "
            "it cannot be decided again. Ask the school to make a new request if something else is needed."
        )
    return found


def _decide(change_request, *, actor, state, note):
    change_request.state = state
    change_request.decided_by = actor
    change_request.decided_at = timezone.now()
    change_request.decision_note = note
    change_request._history_user = actor
    change_request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    requester = change_request.requested_by
    if requester is not None and requester.email:
        send_email(
            to=requester.email, template="change_request_decided",
            context={
                "change_request": change_request, "what": describe(change_request), "person": requester,
                "participant": change_request.ect or change_request.mentor,
            },
            tenant_id=change_request.tenant_id,
        )
    return change_request


@transaction.atomic
def approve(*, actor, change_request, note=""):
    """Approve a pending request: the change is made with ``apply_change`` (the same
    service as a direct change). If it cannot be made any more (things changed since
    it was asked for), nothing changes, the request stays pending and the
    ``ParticipantError`` says why."""
    found = _pending(change_request, actor)
    apply_change(actor=actor, kind=found.kind, ect=found.ect, mentor=found.mentor, details=found.details)
    return _decide(found, actor=actor, state=State.APPROVED, note=(note or "").strip())


@transaction.atomic
def reject(*, actor, change_request, note):
    """Reject a pending request, saying why; nothing else changes."""
    note = (note or "").strip()
    if not note:
        raise ParticipantError("Say why the request is rejected: the person who asked reads your note.")
    found = _pending(change_request, actor)
    return _decide(found, actor=actor, state=State.REJECTED, note=note)


# --- In words ------------------------------------------------------------------------------


def _name_of(model, tenant_id, pk, what):
    try:
        return str(model.objects.filter(tenant_id=tenant_id).select_related(*_related(model)).get(pk=int(pk)))
    except (TypeError, ValueError, model.DoesNotExist):
        return f"a {what} no longer found"


def _related(model):
    return ("user",) if model is Mentor else ()


def _day(details, key):
    try:
        return long_date(dt.date.fromisoformat(details.get(key)))
    except (TypeError, ValueError):
        return "an unreadable date"


def describe(change_request):
    """A change request's details in words, as its decider and requester read them."""
    details, tenant_id = change_request.details or {}, change_request.tenant_id
    kind = Kind(change_request.kind)
    if kind == Kind.CHANGE_MENTOR:
        return (
            f"{_name_of(Mentor, tenant_id, details.get('mentor_id'), 'mentor')} to mentor them "
            f"from {_day(details, 'starts_on')}"
        )
    if kind == Kind.CHANGE_PROGRAMME:
        return f"Move to the cohort {_name_of(Cohort, tenant_id, details.get('cohort_id'), 'cohort')}"
    if kind == Kind.TRANSFER:
        return f"Move to {_name_of(School, tenant_id, details.get('school_id'), 'school')} from {_day(details, 'on')}"
    if kind == Kind.RESUME:
        return f"Resume training from {_day(details, 'on')}"
    reasons = dict(StatusChange.Reason.choices)
    reason = reasons.get(details.get("reason"), "no reason given").lower()
    verb = "Defer training" if kind == Kind.DEFER else "Withdraw from training"
    note = f". Note: {details['note']}" if details.get("note") else ""
    return f"{verb} from {_day(details, 'on')} ({reason}){note}"


# --- The delivery partner's choice -----------------------------------------------------------


@transaction.atomic
def set_changes_needing_approval(*, actor, tenant, kinds):
    """Choose which kinds of change the delivery partner's staff must approve. Only
    its admins (or a platform superuser) may."""
    if not actor.is_superuser and not Membership.objects.filter(
        tenant=tenant, user=actor, role=Role.DP_ADMIN, is_active=True
    ).exists():
        raise ParticipantError("Only the delivery partner's admins can choose which changes need approval.")
    chosen = sorted({Kind(kind).value for kind in kinds})
    tenant.changes_needing_approval = chosen
    tenant._history_user = actor
    tenant.save(update_fields=["changes_needing_approval"])
    return chosen
