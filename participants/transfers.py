"""ECTs moving school.

Within a delivery partner the record moves with its history (``transfer_ect``: the old
school period closes, a new one opens). To another delivery partner nothing is shared
implicitly: the sending delivery partner exports the ECT's training record as a file
(``export_training_record``, or ``training_record_pdf`` to read), and the receiving one
imports it (``import_training_record``), which registers the ECT afresh and records the
self-study they had done. The file holds the training record only: no coaching notes,
no monitoring answers, no statutory assessment records.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ectalign.mail import send_email
from participants import services
from participants.models import ECT, ECTAtSchool, Invitation, Pause, Phase, StatusChange, TrainingStatus
from participants.services import ParticipantError
from programme.models import ActivityCompletion, Audience, ModuleActivity
from programme.schedule import long_date
from schools.models import DELIVERY_PARTNER_ROLES, Membership, Role
from schools.services import SchoolsError, add_membership

FORMAT = "ectalign-training-record"
VERSION = 1


# --- Within the delivery partner ---------------------------------------------------------------


def _mentors_there(mentor, school, on):
    return any(p.school_id == school.pk and p.covers(on) for p in mentor.school_periods.all())


def _move_membership(*, actor, ect, from_school, to_school):
    """The ECT's membership follows them: off at the old school (a pending invitation
    there is withdrawn), on at the new one."""
    for old in Membership.objects.filter(tenant_id=ect.tenant_id, user=ect.user, school=from_school, role=Role.ECT):
        old.is_active = False
        old._history_user = actor
        old.save(update_fields=["is_active"])
        for invitation in Invitation.objects.filter(membership=old, accepted_at__isnull=True, revoked_at__isnull=True):
            invitation.revoked_at = timezone.now()
            invitation._history_user = actor
            invitation.save(update_fields=["revoked_at"])
    new = Membership.objects.filter(tenant_id=ect.tenant_id, user=ect.user, school=to_school, role=Role.ECT).first()
    if new is None:
        try:
            return add_membership(
                actor=actor, tenant=ect.tenant, email=ect.user.email, role=Role.ECT, school=to_school
            )
        except SchoolsError as exc:
            raise ParticipantError(str(exc)) from exc
    if not new.is_active:
        new.is_active = True
        new._history_user = actor
        new.save(update_fields=["is_active"])
    return new


def _tutor_emails(school):
    tutors = Membership.objects.filter(
        tenant_id=school.tenant_id, school=school, role=Role.INDUCTION_TUTOR, is_active=True
    ).select_related("user")
    return list(dict.fromkeys(m.user.email for m in tutors))


@transaction.atomic
def transfer_ect(*, actor, ect, to_school, on):
    """Move an ECT to another school of their delivery partner from ``on``: their
    period at the old school ends the day before and one at the new school opens; their
    mentorship ends the day before too, unless their mentor also mentors at the new
    school then. Their ECT membership moves with them. The ECT and the induction tutors
    of both schools are told. Returns the new school period."""
    if to_school.tenant_id != ect.tenant_id:
        raise ParticipantError(
            f"{to_school.name} belongs to another delivery partner: to move the ECT there, export their "
            "training record and send it to that delivery partner, who imports it."
        )
    ect = ECT.objects.select_for_update().select_related("user", "tenant").get(pk=ect.pk, tenant=ect.tenant_id)
    if ect.training_status == TrainingStatus.WITHDRAWN:
        raise ParticipantError(f"{ect.user} has withdrawn from training: register them at the new school instead.")
    current = ect.school_periods.filter(ended_on__isnull=True).select_related("school").first()
    if current is None:
        raise ParticipantError(f"{ect.user} has no current school: register them at {to_school.name} instead.")
    if current.school_id == to_school.pk:
        raise ParticipantError(f"{ect.user} is already at {to_school.name}: choose the school they are moving to.")
    if on <= current.started_on:
        raise ParticipantError(
            f"{ect.user} started at {current.school.name} on {long_date(current.started_on)}: "
            f"choose a date after that for the move to {to_school.name}."
        )
    day_before = on - dt.timedelta(days=1)
    mentorship = ect.mentorships.filter(ended_on__isnull=True).select_related("mentor__user").first()
    if mentorship is not None and not _mentors_there(mentorship.mentor, to_school, on):
        if mentorship.started_on >= on:
            raise ParticipantError(
                f"{mentorship.mentor.user} starts mentoring {ect.user} on {long_date(mentorship.started_on)}, "
                "not before the move: choose a later date for the move, or change the mentor first."
            )
        mentorship.ended_on = day_before
        mentorship._history_user = actor
        mentorship.save(update_fields=["ended_on"])
    else:
        mentorship = None  # kept: the mentor mentors at the new school too

    current.ended_on = day_before
    current._history_user = actor
    current.save(update_fields=["ended_on"])
    period = ECTAtSchool(tenant=ect.tenant, ect=ect, school=to_school, started_on=on)
    period._history_user = actor
    period.save()
    _move_membership(actor=actor, ect=ect, from_school=current.school, to_school=to_school)

    context = {"ect": ect, "from_school": current.school, "to_school": to_school, "on": on, "last_day": day_before,
               "ended_mentorship": mentorship}
    send_email(to=ect.user.email, template="transfer_ect", context={**context, "person": ect.user},
               tenant_id=ect.tenant_id)
    for school, joining in ((current.school, False), (to_school, True)):
        for email in _tutor_emails(school):
            send_email(to=email, template="transfer_school", context={**context, "school": school, "joining": joining},
                       tenant_id=school.tenant_id)
    return period


# --- The exported training record ---------------------------------------------------------------


def _iso(day):
    return day.isoformat() if day else None


def _checksum(record):
    body = {key: value for key, value in record.items() if key != "checksum"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def export_training_record(ect):
    """The ECT's training record as a JSON-serialisable dict, for the delivery partner
    they move to: the person, their induction facts and programme, their school periods,
    mentorship dates (not who: the mentor's name is someone else's data), pauses, status
    changes and self-study completions. Modules and activities are named by programme
    slug, module code and activity order, which are the same in every database.
    ``checksum`` (SHA-256 of the rest) shows whether the file was edited after export."""
    ect = ECT.objects.select_related("user", "tenant", "cohort__programme").get(pk=ect.pk, tenant=ect.tenant_id)
    programme = ect.cohort.programme
    completions = (
        ActivityCompletion.objects.filter(
            tenant_id=ect.tenant_id, user_id=ect.user_id, activity__module__programme__audience=Audience.ECT
        )
        .select_related("activity__module__programme")
        .order_by(
            "activity__module__programme__slug", "activity__module__order", "activity__module__code",
            "activity__order",
        )
    )
    record = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "exported_by": ect.tenant.name,
        "person": {"full_name": ect.user.full_name, "email": ect.user.email, "trn": ect.trn},
        "induction": {
            "start": _iso(ect.induction_start),
            "fte": str(ect.fte),
            "phase": ect.phase,
            "subject": ect.subject,
            "training_status": ect.training_status,
        },
        "programme": {
            "slug": programme.slug, "title": programme.title, "version": programme.version,
            "lead_provider": programme.lead_provider,
        },
        "school_periods": [
            {
                "school": p.school.name, "urn": p.school.urn,
                "started_on": _iso(p.started_on), "ended_on": _iso(p.ended_on),
            }
            for p in ect.school_periods.select_related("school").order_by("started_on")
        ],
        "mentorships": [
            {"role": "mentor", "started_on": _iso(m.started_on), "ended_on": _iso(m.ended_on)}
            for m in ect.mentorships.order_by("started_on")
        ],
        "pauses": [
            {"kind": p.kind, "starts_on": _iso(p.starts_on), "ends_on": _iso(p.ends_on)}
            for p in ect.pauses.order_by("starts_on")
        ],
        "status_changes": [
            {"status": c.status, "reason": c.reason, "on": _iso(c.on)}
            for c in ect.status_changes.order_by("on", "recorded_at")
        ],
        "completions": [
            {
                "programme": c.activity.module.programme.slug,
                "module_code": c.activity.module.code,
                "module_title": c.activity.module.title,
                "activity_order": c.activity.order,
                "activity_title": c.activity.title,
                "completed_at": timezone.localtime(c.completed_at).isoformat(timespec="seconds"),
            }
            for c in completions
        ],
    }
    record["checksum"] = _checksum(record)
    return record


def _readable(record):
    """The exported record with dates as dates and codes as words, for the PDF."""
    def day(text):
        return dt.date.fromisoformat(text) if text else None

    def label(choices, value):
        return dict(choices).get(value, value)

    modules = {}
    for c in record["completions"]:
        module = modules.setdefault(
            (c["programme"], c["module_code"]),
            {"title": c["module_title"], "code": c["module_code"], "programme": c["programme"], "activities": []},
        )
        module["activities"].append({**c, "completed_on": dt.datetime.fromisoformat(c["completed_at"]).date()})
    return {
        **record,
        "induction_start": day(record["induction"]["start"]),
        "phase_label": label(Phase.choices, record["induction"]["phase"]),
        "training_status_label": label(TrainingStatus.choices, record["induction"]["training_status"]),
        "school_periods": [
            {**p, "started": day(p["started_on"]), "ended": day(p["ended_on"])} for p in record["school_periods"]
        ],
        "mentorships": [
            {**m, "started": day(m["started_on"]), "ended": day(m["ended_on"])} for m in record["mentorships"]
        ],
        "pauses": [
            {
                **p, "label": label(Pause.Kind.choices, p["kind"]),
                "started": day(p["starts_on"]), "ended": day(p["ends_on"]),
            }
            for p in record["pauses"]
        ],
        "status_changes": [
            {
                **c, "day": day(c["on"]), "status_label": label(TrainingStatus.choices, c["status"]),
                "reason_label": label(StatusChange.Reason.choices, c["reason"]),
            }
            for c in record["status_changes"]
        ],
        "modules": list(modules.values()),
        "exported_on": dt.datetime.fromisoformat(record["exported_at"]).date(),
    }


def training_record_pdf(ect):
    """The exported training record as a PDF to read and keep (WeasyPrint)."""
    from weasyprint import HTML

    html = render_to_string(
        "participants/transfers/training_record_pdf.html", {"record": _readable(export_training_record(ect))}
    )
    return HTML(string=html).write_pdf()


# --- Importing a record at the receiving delivery partner -------------------------------------


class TrainingRecordError(ParticipantError):
    """A file that is not a training record this site can read, with what to do."""


ASK_AGAIN = "ask the delivery partner who sent it for a fresh export, and upload that file unchanged."


def read_training_record(raw):
    """The JSON of an uploaded file (bytes or text), or ``TrainingRecordError``."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TrainingRecordError(
                "This file is not a training record exported from ectalign: choose the .json file you were sent."
            ) from None
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        raise TrainingRecordError(
            "This file is not a training record exported from ectalign (it is not JSON): "
            "choose the .json file you were sent, not the PDF."
        ) from None


@dataclass(frozen=True)
class Completion:
    programme: str
    module_code: str
    module_title: str
    activity_order: int
    activity_title: str
    completed_at: dt.datetime

    def __str__(self):
        return f"{self.module_title} ({self.module_code}), activity {self.activity_order}: {self.activity_title}"


@dataclass
class ImportPlan:
    """What importing a record would do: who is registered, which completions are
    recorded (``matched``: (activity, completed_at)) and which cannot be (``unmatched``:
    (Completion, why))."""

    person: dict
    induction_start: dt.date
    fte: Decimal
    phase: str
    subject: str
    programme: dict
    exported_by: str
    school: object
    cohort: object
    matched: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)


@dataclass
class ImportResult:
    ect: ECT
    recorded: int
    unmatched: list


def _damaged(what):
    return TrainingRecordError(f"This training record is incomplete or damaged ({what}): {ASK_AGAIN}")


def _text(mapping, key, what, required=True):
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _damaged(what)
    return value.strip()


def _moment(text):
    moment = dt.datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def check_training_record(data):
    """Check the format, version and checksum of a record and read its facts; a wrong,
    newer or edited file is refused with a message saying what to do."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TrainingRecordError(
            "This file is not a training record exported from ectalign: choose the .json file "
            "the other delivery partner exported from the ECT's page."
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _damaged("it has no format version")
    if version > VERSION:
        raise TrainingRecordError(
            f"This training record was made by a newer version of ectalign (format version {version}); "
            f"this site reads version {VERSION}. Ask the delivery partner who sent it for a PDF of the record "
            "meanwhile."
        )
    if version < 1:
        raise _damaged(f"format version {version} does not exist")
    if data.get("checksum") != _checksum(data):
        raise TrainingRecordError(f"This training record has been changed since it was exported: {ASK_AGAIN}")
    person, induction, programme = data.get("person"), data.get("induction"), data.get("programme")
    facts = {
        "person": {
            "full_name": _text(person, "full_name", "the person's name"),
            "email": _text(person, "email", "the person's e-mail address"),
            "trn": _text(person, "trn", "the TRN", required=False),
        },
        "programme": {
            "slug": _text(programme, "slug", "the programme"),
            "title": _text(programme, "title", "the programme's title", required=False),
            "version": _text(programme, "version", "the programme's version", required=False),
        },
        "phase": _text(induction, "phase", "the phase", required=False),
        "subject": _text(induction, "subject", "the subject", required=False),
        "exported_by": data.get("exported_by") if isinstance(data.get("exported_by"), str) else "",
    }
    try:
        facts["induction_start"] = dt.date.fromisoformat(_text(induction, "start", "the induction start date"))
        facts["fte"] = Decimal(_text(induction, "fte", "the working pattern"))
    except (ValueError, InvalidOperation):
        raise _damaged("a date or the working pattern cannot be read") from None
    if facts["phase"] not in Phase.values:
        facts["phase"] = ""
    completions = data.get("completions")
    if not isinstance(completions, list):
        raise _damaged("the self-study completions are missing")
    facts["completions"] = []
    for item in completions:
        try:
            facts["completions"].append(Completion(
                programme=_text(item, "programme", "a completion's programme"),
                module_code=_text(item, "module_code", "a completion's module"),
                module_title=_text(item, "module_title", "a completion's module title", required=False),
                activity_order=int(item["activity_order"]),
                activity_title=_text(item, "activity_title", "a completion's activity", required=False),
                completed_at=_moment(item["completed_at"]),
            ))
        except (KeyError, TypeError, ValueError):
            raise _damaged("a self-study completion cannot be read") from None
    return facts


def plan_import(*, membership, data, school, cohort):
    """What importing ``data`` at ``school`` in ``cohort`` would do, without writing:
    for the preview, and the first step of ``import_training_record``."""
    if membership is None or membership.role not in DELIVERY_PARTNER_ROLES:
        raise ParticipantError("Only the delivery partner's staff can import a training record.")
    if school.tenant_id != membership.tenant_id or cohort.tenant_id != membership.tenant_id:
        raise ParticipantError("Choose one of your own schools and cohorts.")
    facts = check_training_record(data)
    email = facts["person"]["email"]
    if ECT.objects.filter(tenant_id=membership.tenant_id, user__email__iexact=email).exists():
        raise ParticipantError(
            f"{email} already has a training record at {membership.tenant}: find them in the list "
            "instead of importing them again."
        )
    plan = ImportPlan(
        person=facts["person"], induction_start=facts["induction_start"], fte=facts["fte"], phase=facts["phase"],
        subject=facts["subject"], programme=facts["programme"], exported_by=facts["exported_by"],
        school=school, cohort=cohort,
    )
    programme = cohort.programme
    activities = {
        (a.module.code, a.order): a
        for a in ModuleActivity.objects.filter(module__programme=programme).select_related("module")
    }
    for completion in facts["completions"]:
        activity = activities.get((completion.module_code, completion.activity_order))
        if completion.programme != programme.slug:
            why = f"from another programme ({completion.programme}), not {programme.slug}"
            plan.unmatched.append((completion, why))
        elif activity is None:
            plan.unmatched.append((completion, f"not part of {programme.title} as it stands here"))
        else:
            plan.matched.append((activity, completion.completed_at))
    return plan


@transaction.atomic
def import_training_record(*, actor, membership, data, school, cohort, inviter=None):
    """Register the ECT of an exported training record at one of the receiving delivery
    partner's schools, in one of its cohorts, and record the self-study completions
    that match the cohort's programme (same programme slug, module code and activity
    order); the others are reported. All or nothing. With ``inviter`` the ECT is
    e-mailed an invitation."""
    plan = plan_import(membership=membership, data=data, school=school, cohort=cohort)
    ect = services.register_ect(
        actor=actor, school=school, email=plan.person["email"], full_name=plan.person["full_name"],
        induction_start=plan.induction_start, cohort=cohort, fte=plan.fte, trn=plan.person["trn"],
        phase=plan.phase, subject=plan.subject, inviter=inviter,
        started_on=max(plan.induction_start, timezone.localdate()),
    )
    done = set(
        ActivityCompletion.objects.filter(tenant_id=school.tenant_id, user=ect.user)
        .values_list("activity_id", flat=True)
    )
    recorded = 0
    for activity, completed_at in plan.matched:
        if activity.pk in done:
            continue
        completion = ActivityCompletion(
            tenant_id=school.tenant_id, user=ect.user, activity=activity, completed_at=completed_at, completed_by=actor
        )
        completion._history_user = actor
        completion.save()
        done.add(activity.pk)
        recorded += 1
    return ImportResult(ect=ect, recorded=recorded, unmatched=plan.unmatched)
