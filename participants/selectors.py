"""Reads of ECTs and mentors, with the access rules that govern them."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.http import Http404
from django.utils import timezone

from participants.models import (
    ECT,
    ECTAtSchool,
    Invitation,
    Mentor,
    MentorAbsence,
    MentorAtSchool,
    Mentorship,
    Onboarding,
    Pause,
    TrainingStatus,
)
from programme.schedule import academic_year_of, long_date
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Membership, Role


def today():
    return timezone.localdate()


def current_mentorships(*, mentor_user, tenant, on=None):
    """The mentorships a mentor holds now, with their ECTs."""
    on = on or today()
    return list(
        Mentorship.objects.filter(tenant=tenant, mentor__user=mentor_user, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("ect__user")
        .order_by("ect__user__full_name")
    )


def ects_at_school(*, school, on=None):
    on = on or today()
    return (
        ECT.objects.filter(
            tenant_id=school.tenant_id, school_periods__school=school, school_periods__started_on__lte=on
        )
        .exclude(school_periods__ended_on__lt=on)
        .select_related("user", "cohort")
        .distinct()
        .order_by("user__full_name")
    )


def visible_ects(request, on=None):
    """The ECT records the active membership may see (training records): the ECT their
    own; a mentor their current mentees; school leaders their school's ECTs; delivery
    partner staff every ECT of the tenant; nobody else any."""
    membership = request.membership
    if membership is None:
        return ECT.objects.none()
    on = on or today()
    ects = ECT.objects.filter(tenant=membership.tenant)
    if membership.role == Role.ECT:
        return ects.filter(user=request.user)
    if membership.role == Role.MENTOR:
        return ects.filter(
            mentorships__mentor__user=request.user, mentorships__started_on__lte=on
        ).exclude(mentorships__ended_on__lt=on).distinct()
    if membership.role in SCHOOL_LEADER_ROLES:
        return ects.filter(
            school_periods__school_id=membership.school_id, school_periods__started_on__lte=on
        ).exclude(school_periods__ended_on__lt=on).distinct()
    if membership.role in DELIVERY_PARTNER_ROLES:
        return ects
    return ECT.objects.none()


def get_ect_for_user(request, pk):
    """One ECT the active membership may see, or 404 for both "missing" and "not yours"."""
    try:
        return visible_ects(request).select_related("user", "cohort").get(pk=pk)
    except ECT.DoesNotExist:
        raise Http404 from None


# --- The school's roster: everyone's status at a glance -------------------------------

# A mentor away longer than this prompts the induction tutor to pair their ECTs with
# someone else (DESIGN.md section 10; the reminder issue reads the same rule).
MENTOR_AWAY_PROMPT_DAYS = 21


class Status:
    """The one status shown for a participant at a school, most telling first."""

    LEFT = "left"
    WITHDRAWN = "withdrawn"
    DEFERRED = "deferred"
    INVITED = "invited"
    INVITATION_EXPIRED = "invitation_expired"
    ONBOARDING = "onboarding"
    ACTIVE = "active"

    LABELS = {
        LEFT: "Left the school",
        WITHDRAWN: "Withdrawn",
        DEFERRED: "Deferred",
        INVITED: "Invited",
        INVITATION_EXPIRED: "Invitation expired",
        ONBOARDING: "Onboarding incomplete",
        ACTIVE: "Active",
    }
    TAG_COLOURS = {
        LEFT: "grey", WITHDRAWN: "grey", DEFERRED: "yellow", INVITED: "blue", INVITATION_EXPIRED: "red",
        ONBOARDING: "orange", ACTIVE: "green",
    }
    CHOICES = list(LABELS.items())


@dataclass
class RosterRow:
    kind: str  # "ect" or "mentor"
    record: object  # the ECT or Mentor
    user: object
    status: str
    period: object  # the period at this school (the latest)
    membership: object = None
    onboarded: bool = False
    year: int | None = None
    mentor: object = None  # an ECT's current mentor (Mentor)
    mentor_away_since: dt.date | None = None
    ects: list = field(default_factory=list)  # a mentor's current ECTs at this school
    away: object = None  # a mentor's absence covering today

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def status_colour(self):
        return Status.TAG_COLOURS[self.status]

    @property
    def needs_mentor(self):
        return self.kind == "ect" and self.status not in (Status.LEFT, Status.WITHDRAWN) and self.mentor is None


def programme_year(cohort, on):
    """Year 1 or 2 of the programme on a date (by the cohort's starting academic year)."""
    return academic_year_of(on) - cohort.start_year + 1


def with_status(queryset, *, school, role, on):
    """Annotate ECTs or mentors with ``roster_status`` (a ``Status`` value, the most
    telling first) and ``onboarded``: the one rule for the list and its filters."""
    periods = (ECTAtSchool.objects.filter(ect=OuterRef("pk")) if role == Role.ECT
               else MentorAtSchool.objects.filter(mentor=OuterRef("pk")))
    here_now = periods.filter(school=school, started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    here_later = periods.filter(school=school, started_on__gt=on)
    membership = Membership.objects.filter(user=OuterRef("user"), school=school, role=role)
    expired = Invitation.objects.filter(
        membership__user=OuterRef("user"), membership__school=school, membership__role=role,
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=timezone.now(),
    )
    onboarded = Onboarding.objects.filter(tenant_id=school.tenant_id, user=OuterRef("user"))
    return queryset.annotate(
        onboarded=Exists(onboarded),
        roster_status=Case(
            When(~Exists(here_now) & ~Exists(here_later), then=Value(Status.LEFT)),
            When(training_status=TrainingStatus.WITHDRAWN, then=Value(Status.WITHDRAWN)),
            When(training_status=TrainingStatus.DEFERRED, then=Value(Status.DEFERRED)),
            When(Exists(membership.filter(is_active=False)) & Exists(expired), then=Value(Status.INVITATION_EXPIRED)),
            When(Exists(membership.filter(is_active=False)), then=Value(Status.INVITED)),
            When(~Exists(onboarded), then=Value(Status.ONBOARDING)),
            default=Value(Status.ACTIVE),
        ),
    )


def school_roster(*, school, on=None, ect_ids=None, mentor_ids=None):
    """Every ECT and mentor with a period at the school (now or before), with their
    status, mentor, onboarding and prompts; ``ect_ids`` / ``mentor_ids`` narrow it (a
    filter's result). A handful of queries, whatever the size."""
    on = on or today()
    ect_periods = {}
    ect_period_rows = ECTAtSchool.objects.filter(tenant_id=school.tenant_id, school=school)
    if ect_ids is not None:
        ect_period_rows = ect_period_rows.filter(ect_id__in=ect_ids)
    mentor_period_rows = MentorAtSchool.objects.filter(tenant_id=school.tenant_id, school=school)
    if mentor_ids is not None:
        mentor_period_rows = mentor_period_rows.filter(mentor_id__in=mentor_ids)
    for period in (
        ect_period_rows
        .select_related("ect__user", "ect__cohort")
        .order_by("ect_id", "-started_on")
    ):
        ect_periods.setdefault(period.ect_id, period)
    mentor_periods = {}
    for period in (
        mentor_period_rows
        .select_related("mentor__user")
        .order_by("mentor_id", "-started_on")
    ):
        mentor_periods.setdefault(period.mentor_id, period)
    user_ids = {p.ect.user_id for p in ect_periods.values()} | {p.mentor.user_id for p in mentor_periods.values()}
    memberships = {
        (m.user_id, m.role): m
        for m in Membership.objects.filter(
            tenant_id=school.tenant_id, school=school, user_id__in=user_ids, role__in=[Role.ECT, Role.MENTOR]
        )
    }
    ect_states = _states(ECT.objects.filter(pk__in=list(ect_periods)), school=school, role=Role.ECT, on=on)
    mentor_states = _states(
        Mentor.objects.filter(pk__in=list(mentor_periods)), school=school, role=Role.MENTOR, on=on
    )
    open_mentorships = {
        m.ect_id: m
        for m in Mentorship.objects.filter(
            tenant_id=school.tenant_id, ect_id__in=list(ect_periods), started_on__lte=on
        ).exclude(ended_on__lt=on).select_related("mentor__user")
    }
    mentor_ids = set(mentor_periods) | {m.mentor_id for m in open_mentorships.values()}
    away = {
        a.mentor_id: a
        for a in MentorAbsence.objects.filter(tenant_id=school.tenant_id, mentor_id__in=mentor_ids, started_on__lte=on)
        .exclude(ended_on__lt=on)
    }

    rows = []
    for ect_id, period in ect_periods.items():
        ect = period.ect
        status, onboarded = ect_states[ect_id]
        mentorship = open_mentorships.get(ect_id)
        mentor = mentorship.mentor if mentorship else None
        absence = away.get(mentor.pk) if mentor else None
        rows.append(RosterRow(
            kind="ect", record=ect, user=ect.user, period=period, membership=memberships.get((ect.user_id, Role.ECT)),
            onboarded=onboarded, year=programme_year(ect.cohort, on), mentor=mentor,
            mentor_away_since=absence.started_on if absence else None, status=status,
        ))
    mentees = {}
    for mentorship in _open_mentorships_of(school, mentor_periods, on):
        mentees.setdefault(mentorship.mentor_id, []).append(mentorship.ect)
    for mentor_id, period in mentor_periods.items():
        mentor = period.mentor
        status, onboarded = mentor_states[mentor_id]
        rows.append(RosterRow(
            kind="mentor", record=mentor, user=mentor.user, period=period,
            membership=memberships.get((mentor.user_id, Role.MENTOR)), onboarded=onboarded,
            ects=mentees.get(mentor_id, []), away=away.get(mentor_id), status=status,
        ))
    rows.sort(key=lambda r: (r.kind != "ect", (r.user.full_name or r.user.email).lower()))
    return rows


def _states(queryset, *, school, role, on):
    """{pk: (roster status, onboarded)} for ECTs or mentors of the school."""
    return {
        pk: (status, onboarded)
        for pk, status, onboarded in with_status(queryset, school=school, role=role, on=on).values_list(
            "pk", "roster_status", "onboarded"
        )
    }


def _open_mentorships_of(school, mentor_periods, on):
    """The mentors' current mentorships of ECTs now at this school."""
    here_now = (
        ECTAtSchool.objects.filter(tenant_id=school.tenant_id, school=school, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .values("ect_id")
    )
    return (
        Mentorship.objects.filter(
            tenant_id=school.tenant_id, mentor_id__in=list(mentor_periods), started_on__lte=on, ect_id__in=here_now
        )
        .exclude(ended_on__lt=on)
        .select_related("ect__user")
        .order_by("ect__user__full_name")
    )


def away_too_long(absence, on):
    """Whether a mentor's absence covering ``on`` is longer than the prompt threshold:
    planned so (its end is recorded) or already so (still open)."""
    last = absence.ended_on or on
    return (last - absence.started_on).days + 1 > MENTOR_AWAY_PROMPT_DAYS


def mentor_away_prompts(rows, on=None):
    """The mentors away longer than the threshold who still have ECTs, from a roster."""
    on = on or today()
    return [row for row in rows if row.kind == "mentor" and row.away and row.ects and away_too_long(row.away, on)]


def visible_mentors(request, on=None):
    """The mentor records the active membership may manage: school leaders the mentors
    at their school now; delivery partner staff every mentor of the tenant."""
    membership = request.membership
    if membership is None:
        return Mentor.objects.none()
    on = on or today()
    mentors = Mentor.objects.filter(tenant=membership.tenant)
    if membership.role in SCHOOL_LEADER_ROLES:
        return mentors.filter(
            school_periods__school_id=membership.school_id, school_periods__started_on__lte=on
        ).exclude(school_periods__ended_on__lt=on).distinct()
    if membership.role in DELIVERY_PARTNER_ROLES:
        return mentors
    return Mentor.objects.none()


def get_mentor_for_user(request, pk):
    """One mentor the active membership may manage, or 404."""
    mentor = visible_mentors(request).select_related("user", "cohort").filter(pk=pk).first()
    if mentor is None:
        raise Http404
    return mentor


def current_school_of(record, on=None):
    """The school of an ECT's or mentor's open period (the latest if several), else the
    school of their latest period."""
    on = on or today()
    periods = sorted(record.school_periods.select_related("school"), key=lambda p: p.started_on, reverse=True)
    for period in periods:
        if period.covers(on):
            return period.school
    return periods[0].school if periods else None


@dataclass(frozen=True)
class HistoryEntry:
    on: dt.date
    text: str


def _name(user):
    return user.full_name or user.email


def ect_history(ect):
    """What happened to an ECT's record, newest first: schools, mentors, status
    changes, absences and deferrals, invitation and onboarding."""
    entries = []
    for period in ect.school_periods.select_related("school"):
        entries.append(HistoryEntry(period.started_on, f"Started at {period.school.name}"))
        if period.ended_on:
            entries.append(HistoryEntry(period.ended_on, f"Left {period.school.name}"))
    for m in ect.mentorships.select_related("mentor__user"):
        entries.append(HistoryEntry(m.started_on, f"Mentored by {_name(m.mentor.user)} from this date"))
        if m.ended_on:
            entries.append(HistoryEntry(m.ended_on, f"Last day mentored by {_name(m.mentor.user)}"))
    entries += _status_entries(ect.status_changes.select_related("recorded_by"))
    for pause in ect.pauses.exclude(kind=Pause.Kind.DEFERRAL):
        span = f"until {long_date(pause.ends_on)}" if pause.ends_on else "(no end date yet)"
        entries.append(HistoryEntry(pause.starts_on, f"{pause.get_kind_display()} {span}"))
    entries += _invitation_entries(ect.tenant_id, ect.user_id, Role.ECT)
    entries += _record_edits(ect, {"trn": "TRN", "fte": "FTE", "cohort": "cohort", "phase": "phase", "subject": "subject",
                                   "appropriate_body": "Appropriate Body", "induction_start": "induction start date"})
    return sorted(entries, key=lambda e: e.on, reverse=True)


def mentor_history(mentor):
    entries = []
    for period in mentor.school_periods.select_related("school"):
        entries.append(HistoryEntry(period.started_on, f"Mentor at {period.school.name}"))
        if period.ended_on:
            entries.append(HistoryEntry(period.ended_on, f"Stopped mentoring at {period.school.name}"))
    for m in mentor.mentorships.select_related("ect__user"):
        entries.append(HistoryEntry(m.started_on, f"Started mentoring {_name(m.ect.user)}"))
        if m.ended_on:
            entries.append(HistoryEntry(m.ended_on, f"Last day mentoring {_name(m.ect.user)}"))
    for absence in mentor.absences.all():
        span = f"until {long_date(absence.ended_on)}" if absence.ended_on else "(no end date yet)"
        entries.append(HistoryEntry(absence.started_on, f"Away {span}" + (f": {absence.reason}" if absence.reason else "")))
    entries += _status_entries(mentor.status_changes.select_related("recorded_by"))
    entries += _invitation_entries(mentor.tenant_id, mentor.user_id, Role.MENTOR)
    entries += _record_edits(mentor, {"kind": "kind of mentor", "programme_status": "mentor programme", "cohort": "cohort"})
    return sorted(entries, key=lambda e: e.on, reverse=True)


def _status_entries(changes):
    return [
        HistoryEntry(c.on, f"{c.get_status_display()}: {c.get_reason_display().lower()}" + (f" ({c.note})" if c.note else ""))
        for c in changes
    ]


def _invitation_entries(tenant_id, user_id, role):
    entries = []
    for inv in Invitation.objects.filter(tenant_id=tenant_id, membership__user_id=user_id, membership__role=role):
        entries.append(HistoryEntry(timezone.localtime(inv.sent_at).date(), f"Invited ({inv.email})"))
        if inv.accepted_at:
            entries.append(HistoryEntry(timezone.localtime(inv.accepted_at).date(), "Accepted the invitation"))
        if inv.revoked_at:
            entries.append(HistoryEntry(timezone.localtime(inv.revoked_at).date(), "Invitation withdrawn"))
    for ob in Onboarding.objects.filter(tenant_id=tenant_id, user_id=user_id):
        entries.append(HistoryEntry(timezone.localtime(ob.completed_at).date(), "Completed onboarding"))
    return entries


def _record_edits(record, labels):
    """Changes to the record's fields after it was created, from its history."""
    entries = []
    versions = list(record.history.order_by("history_date"))
    for before, after in zip(versions, versions[1:]):
        delta = after.diff_against(before)
        changed = [labels[c.field] for c in delta.changes if c.field in labels]
        if changed:
            who = f" by {after.history_user}" if after.history_user else ""
            entries.append(HistoryEntry(timezone.localtime(after.history_date).date(), f"Changed {', '.join(changed)}{who}"))
    return entries
