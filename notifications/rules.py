"""Every reminder, digest and summary, as a named rule in one place.

A rule has an audience, a timing and a text template (``templates/emails/notifications/
<template>.txt``, first line the subject). ``collect(data, now)`` yields ``Item``s:
(recipient, subject, occurrence, due_at, context). The scan turns them into rows, once
per (rule, recipient, subject, occurrence).

The rules restate no rule of their own: dates come from the selectors that own them
(``programme.progress`` for self-study, ``coaching.selectors`` for cycles, events'
bookings, ``participants.onboarding`` deadlines, ``participants.selectors`` for a
mentor's absence, ``reporting.engagement`` for the digest and the summary). Everything
is read once per tenant through ``TenantData`` (a fixed number of queries, whatever the
number of participants; onboarding deadlines cost a few queries per school).

Times: a reminder "N days before" a date is due at ``REMIND_AT`` local time (Europe/
London) on the local date N days before, so it lands at 8 in the morning on both sides
of a change to or from British Summer Time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from notifications.models import Kind

REMIND_AT = dt.time(8, 0)
SELF_STUDY_DUE_DAYS_BEFORE = 2
EVENT_DAYS_BEFORE = (7, 1)
ONBOARDING_DAYS_BEFORE = 3
INVITATION_REMIND_AFTER = dt.timedelta(days=7)
CHANGE_REQUEST_REMIND_AFTER = dt.timedelta(days=2)
COACHING_TUTOR_AFTER_MISSED = 2
# The digest's fortnights start on Mondays counted from this one.
DIGEST_EPOCH = dt.date(2026, 8, 31)
DIGEST_DAYS = 14
SUMMARY_WEEKDAY = 0  # Monday
# A reminder whose due time passed longer ago than its rule's window is not created: a
# new rule (or the first scan of a tenant) does not send a year of old reminders.
DEFAULT_WINDOW = dt.timedelta(days=3)


def london():
    return ZoneInfo(settings.TIME_ZONE)  # ZoneInfo keeps one instance per key


def in_window(due_at, now, window):
    """Whether a reminder due at ``due_at`` is due by ``now`` and not older than its
    rule's ``window`` (None: no limit). The scan keeps only these; a rule with many
    candidates asks first, with its own window, to skip building the rest."""
    return due_at <= now and (window is None or due_at >= now - window)


def local_at(day: dt.date, at: dt.time = REMIND_AT) -> dt.datetime:
    """``at`` o'clock local time on ``day`` (aware)."""
    return dt.datetime.combine(day, at, tzinfo=london())


def days_before(day: dt.date, days: int) -> dt.datetime:
    return local_at(day - dt.timedelta(days=days))


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(london()).date()


@dataclass(frozen=True)
class Item:
    recipient_id: int
    subject_key: str
    occurrence: str
    due_at: dt.datetime
    context: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    audience: str
    timing: str
    template: str
    collect: Callable[["TenantData", dt.datetime], Iterable[Item]]
    window: dt.timedelta | None = DEFAULT_WINDOW
    # Files to attach, made when the row is sent (in its tenant's scope):
    # ``attach(notification) -> [(filename, bytes, mimetype)]``.
    attach: Callable | None = None


def _key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def _name(user):
    return user.full_name or user.email


# --- The tenant's facts, read once -----------------------------------------------------


class TenantData:
    """What the rules read for one tenant on one ``now``; each part read on first use."""

    def __init__(self, tenant, now):
        self.tenant = tenant
        self.tenant_id = tenant.pk
        self.now = now
        self.today = local_date(now)

    @cached_property
    def facts(self):
        """``reporting.engagement.Facts`` for every ECT and mentor not withdrawn."""
        from participants.models import ECT, Mentor, TrainingStatus
        from reporting.engagement import read_facts

        ects = ECT.objects.filter(tenant_id=self.tenant_id).exclude(training_status=TrainingStatus.WITHDRAWN)
        mentors = Mentor.objects.filter(tenant_id=self.tenant_id).exclude(training_status=TrainingStatus.WITHDRAWN)
        return read_facts(tenant_id=self.tenant_id, ects=ects, mentors=mentors, today=self.today)

    @cached_property
    def memberships(self):
        from schools.models import Membership

        return list(
            Membership.objects.filter(tenant_id=self.tenant_id, is_active=True, user__is_active=True)
            .select_related("user", "school")
        )

    @cached_property
    def _members_by_school(self):
        found = defaultdict(list)
        for m in self.memberships:
            found[m.school_id].append(m)
        return found

    def school_leaders(self, school_id, roles):
        return [m.user_id for m in self._members_by_school.get(school_id, ()) if m.role in roles]

    def tutors_of(self, school_id):
        from schools.models import Role

        return self.school_leaders(school_id, {Role.INDUCTION_TUTOR})

    @cached_property
    def partner_staff(self):
        from schools.models import DELIVERY_PARTNER_ROLES

        return sorted({m.user_id for m in self.memberships if m.role in DELIVERY_PARTNER_ROLES})

    @cached_property
    def schools(self):
        from schools.models import School

        return list(School.objects.filter(tenant_id=self.tenant_id).order_by("pk"))

    @cached_property
    def calendars(self):
        """Every school's calendars (``schools.selectors.CalendarBook``), read once."""
        from schools.selectors import CalendarBook

        return CalendarBook(tenant_id=self.tenant_id)

    @cached_property
    def mentor_user(self):
        """{mentor pk: user id} for every mentor of the tenant."""
        from participants.models import Mentor

        return dict(Mentor.objects.filter(tenant_id=self.tenant_id).values_list("pk", "user_id"))

    def school_of_ect(self, ect):
        from programme.progress import current_school

        return current_school(ect, self.today)

    @cached_property
    def upcoming_bookings(self):
        """Places booked on published sessions starting in the next eight days."""
        from events.models import Booking, Session

        horizon = self.now + dt.timedelta(days=max(EVENT_DAYS_BEFORE) + 1)
        return list(
            Booking.objects.filter(
                tenant_id=self.tenant_id, status=Booking.Status.BOOKED, session__status=Session.Status.PUBLISHED,
                session__starts_at__gt=self.now, session__starts_at__lte=horizon,
            ).select_related("session__event")
        )

    @cached_property
    def mentor_schools(self):
        """{mentor pk: [school id]} of mentors' periods covering today."""
        from participants.models import MentorAtSchool

        found = defaultdict(list)
        rows = MentorAtSchool.objects.filter(tenant_id=self.tenant_id, started_on__lte=self.today).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=self.today)
        )
        for mentor_id, school_id in rows.values_list("mentor_id", "school_id"):
            found[mentor_id].append(school_id)
        return found


# --- Self-study ------------------------------------------------------------------------


def _active_ects(data):
    from participants.models import TrainingStatus
    from reporting.engagement import paused_reason

    for ect in data.facts.ects:
        pauses = data.facts.pauses.get(ect.pk, [])
        if ect.training_status != TrainingStatus.ACTIVE or paused_reason(ect, pauses, data.today):
            continue
        yield ect


def _self_study(data, now, *, overdue):
    """Each module of an active ECT not yet complete: before its expected-by date
    (``overdue`` False), or after it."""
    link = reverse("self_study:mine")
    window = RULES_BY_NAME["self_study_overdue" if overdue else "self_study_due"].window
    due_at = {}  # expected-by date -> when the reminder is due (shared by every ECT)
    for ect in _active_ects(data):
        path = data.facts.paths.get(ect.pk)
        for progress in path.trackable if path else ():
            expected_by = progress.expected_by
            if expected_by is None or progress.complete or (expected_by < data.today) != overdue:
                continue
            if expected_by not in due_at:
                due_at[expected_by] = (
                    local_at(expected_by + dt.timedelta(days=1)) if overdue
                    else days_before(expected_by, SELF_STUDY_DUE_DAYS_BEFORE)
                )
            if not in_window(due_at[expected_by], now, window):
                continue
            yield Item(
                ect.user_id, _key(progress.module), expected_by.isoformat(), due_at[expected_by],
                {"module": progress.module.title, "expected_by": expected_by, "link": link},
            )


def self_study_due(data, now):
    return _self_study(data, now, overdue=False)


def self_study_overdue(data, now):
    return _self_study(data, now, overdue=True)


# --- Coaching --------------------------------------------------------------------------


def _missed_runs(state):
    """(cycle state, missed in a row so far) for each missed cycle, oldest first; cycles
    when the mentor was away or there was none neither count nor break the run."""
    from coaching.selectors import CycleStatus

    run = 0
    for item in state.states:
        if item is state.current:
            continue
        if item.status in (CycleStatus.MENTOR_AWAY, CycleStatus.NO_MENTOR):
            continue
        if item.status == CycleStatus.MISSED:
            run += 1
            yield item, run
        else:
            run = 0


def _cycle_over(cycle):
    """When a reminder about a cycle with no meeting is due: the morning after it ends."""
    return local_at(cycle.ends_on + dt.timedelta(days=1))


def coaching_not_logged(data, now):
    link = reverse("coaching:my_week")
    window = RULES_BY_NAME["coaching_not_logged"].window
    for ect in _active_ects(data):
        state = data.facts.coaching.get(ect.pk)
        if state is None:
            continue
        for item, _ in _missed_runs(state):
            mentor_user = data.mentor_user.get(item.mentorship.mentor_id) if item.mentorship else None
            cycle = item.cycle
            if mentor_user is None or not in_window(_cycle_over(cycle), now, window):
                continue
            yield Item(
                mentor_user, _key(ect), cycle.starts_on.isoformat(), _cycle_over(cycle),
                {"ect": _name(ect.user), "starts_on": cycle.starts_on, "ends_on": cycle.ends_on, "link": link},
            )


def coaching_missed_twice(data, now):
    window = RULES_BY_NAME["coaching_missed_twice"].window
    for ect in _active_ects(data):
        state = data.facts.coaching.get(ect.pk)
        if state is None:
            continue
        for item, run in _missed_runs(state):
            cycle = item.cycle
            if run < COACHING_TUTOR_AFTER_MISSED or not in_window(_cycle_over(cycle), now, window):
                continue
            school = data.school_of_ect(ect)
            for tutor in data.tutors_of(school.pk) if school else ():
                yield Item(
                    tutor, _key(ect), cycle.starts_on.isoformat(), _cycle_over(cycle),
                    {"ect": _name(ect.user), "missed": run, "starts_on": cycle.starts_on, "school": school.name,
                     "link": reverse("participants:ect", args=[ect.pk])},
                )


# --- Events ----------------------------------------------------------------------------


def _event_rule(days):
    def collect(data, now):
        for booking in data.upcoming_bookings:
            session = booking.session
            starts = session.starts_at.astimezone(london())
            due = days_before(starts.date(), days)
            if due >= session.starts_at:
                continue
            yield Item(
                booking.user_id, _key(session), session.starts_at.isoformat(), due,
                {"event": session.event, "starts_at": starts, "ends_at": session.ends_at.astimezone(london()),
                 "session": session, "days": days,
                 "link": reverse("events:session_detail", args=[session.pk]),
                 "calendar_link": reverse("events:session_ics", args=[session.pk])},
            )

    return collect


# --- Participants ----------------------------------------------------------------------


def onboarding_incomplete(data, now):
    from participants.onboarding import ONBOARDING_ROLES, deadlines_by_school, onboarded_user_ids

    people = [m for m in data.memberships if m.role in ONBOARDING_ROLES and m.school_id]
    done = onboarded_user_ids(tenant=data.tenant, user_ids={m.user_id for m in people})
    by_school = defaultdict(list)
    for m in people:
        if m.user_id not in done:
            by_school[m.school_id].append(m)
    deadlines = deadlines_by_school(tenant_id=data.tenant_id, people_by_school=by_school)
    link = reverse("participants:onboarding")
    for school_id, members in by_school.items():
        for m in members:
            deadline = deadlines.get(school_id, {}).get(m.user_id)
            if deadline is None or deadline < data.today:
                continue
            yield Item(
                m.user_id, _key(m), deadline.isoformat(), days_before(deadline, ONBOARDING_DAYS_BEFORE),
                {"deadline": deadline, "school": m.school.name, "link": link},
            )


def invitation_not_accepted(data, now):
    from participants.models import Invitation

    invitations = Invitation.objects.filter(
        tenant_id=data.tenant_id, accepted_at__isnull=True, revoked_at__isnull=True,
        sent_at__lte=now - INVITATION_REMIND_AFTER, membership__is_active=True,
    ).select_related("membership__user", "membership__school")
    for invitation in invitations:
        membership = invitation.membership
        recipients = [invitation.invited_by_id] if invitation.invited_by_id else data.tutors_of(membership.school_id)
        for recipient in recipients:
            yield Item(
                recipient, _key(invitation), invitation.sent_at.isoformat(),
                invitation.sent_at + INVITATION_REMIND_AFTER,
                {"person": _name(membership.user), "email": invitation.email, "sent_at": invitation.sent_at,
                 "expires_at": invitation.expires_at, "role": membership.get_role_display(),
                 "link": reverse("participants:school", args=[membership.school_id]) if membership.school_id else ""},
            )


def mentor_away(data, now):
    from participants.models import MentorAbsence
    from participants.selectors import MENTOR_AWAY_PROMPT_DAYS, away_too_long

    absences = MentorAbsence.objects.filter(tenant_id=data.tenant_id, started_on__lte=data.today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=data.today)
    ).select_related("mentor__user")
    for absence in absences:
        if not away_too_long(absence, data.today):
            continue
        # Known to be too long from the day it starts when its end is recorded; else on
        # the first day past the threshold.
        due_day = absence.started_on if absence.ended_on else absence.started_on + dt.timedelta(
            days=MENTOR_AWAY_PROMPT_DAYS)
        for school_id in data.mentor_schools.get(absence.mentor_id, []):
            for tutor in data.tutors_of(school_id):
                yield Item(
                    tutor, _key(absence), absence.started_on.isoformat(), local_at(due_day),
                    {"mentor": _name(absence.mentor.user), "started_on": absence.started_on,
                     "ended_on": absence.ended_on, "link": reverse("participants:mentor", args=[absence.mentor_id])},
                )


def change_request_pending(data, now):
    from participants.models import ChangeRequest

    requests = ChangeRequest.objects.filter(
        tenant_id=data.tenant_id, state=ChangeRequest.State.PENDING,
        requested_at__lte=now - CHANGE_REQUEST_REMIND_AFTER,
    ).select_related("school")
    for change in requests:
        for staff in data.partner_staff:
            yield Item(
                staff, _key(change), change.requested_at.isoformat(), change.requested_at + CHANGE_REQUEST_REMIND_AFTER,
                {"change": change, "kind": change.get_kind_display(), "school": change.school.name,
                 "requested_at": change.requested_at, "link": reverse("admin:index")},
            )


# --- Digest and summary (reporting.engagement) -----------------------------------------


def fortnight_start(day):
    return day - dt.timedelta(days=(day - DIGEST_EPOCH).days % DIGEST_DAYS)


def digest(data, now):
    from reporting.engagement import assess_ect, assess_mentor

    start = fortnight_start(data.today)
    since = start - dt.timedelta(days=DIGEST_DAYS)
    due = local_at(start, dt.time(7, 0))
    if not in_window(due, now, RULES_BY_NAME["digest"].window):
        return  # outside its window: nothing to assess
    facts = data.facts
    for ect in _active_ects(data):
        result = assess_ect(facts, ect, start=since, on=data.today)
        path = facts.paths.get(ect.pk)
        yield Item(
            ect.user_id, "digest", start.isoformat(), due,
            {"result": result, "since": since, "completed": [p.module.title for p in _completed_since(path, since)],
             "next": [p.module.title for p in (path.due_now + path.next_up if path else []) if not p.complete],
             "link": reverse("home")},
        )
    for mentor in facts.mentors:
        result = assess_mentor(facts, mentor, start=since, on=data.today)
        if result.paused:
            continue
        yield Item(
            mentor.user_id, "digest", start.isoformat(), due,
            {"result": result, "since": since, "completed": [], "next": [], "link": reverse("home")},
        )


def _completed_since(path, since):
    """The modules completed on or after ``since`` (local time)."""
    from reporting.engagement import start_of

    if path is None:
        return []
    moment = start_of(since)
    return [p for p in path.trackable if p.complete and max(a.done_at for a in p.activities) >= moment]


def tutor_summary(data, now):
    from reporting.engagement import RED, assess, level_counts

    monday = data.today - dt.timedelta(days=(data.today.weekday() - SUMMARY_WEEKDAY) % 7)
    due = local_at(monday, dt.time(7, 0))
    if not in_window(due, now, RULES_BY_NAME["tutor_summary"].window):
        return
    results = assess(data.facts, start=monday - dt.timedelta(days=7), on=data.today)
    by_school = defaultdict(list)
    for result in results:
        if result.kind == "ect":
            school = data.school_of_ect(result.record)
            schools = [school.pk] if school else []
        else:
            schools = data.mentor_schools.get(result.record.pk, [])
        for school_id in schools:
            by_school[school_id].append(result)
    names = {m.school_id: m.school.name for m in data.memberships if m.school_id}
    for school_id, rows in by_school.items():
        red = [r for r in rows if r.level == RED]
        for tutor in data.tutors_of(school_id):
            yield Item(
                tutor, f"schools.school:{school_id}", monday.isoformat(), due,
                {"school": names.get(school_id, ""), "counts": level_counts(rows), "red": red,
                 "link": reverse("dashboard:school", args=[school_id])},
            )


# --- Scheduled reports -----------------------------------------------------------------


def end_of_term_report(data, now):
    """The release-time compliance report of each school's term, the day after the
    term ends, to its induction tutor and headteacher (the school's own calendar)."""
    from reporting.release_time import school_terms
    from schools.models import Role

    leaders = {Role.INDUCTION_TUTOR, Role.HEADTEACHER}
    window = RULES_BY_NAME["end_of_term_report"].window
    for school in data.schools:
        recipients = data.school_leaders(school.pk, leaders)
        if not recipients:
            continue
        for term in school_terms(school=school, today=data.today, book=data.calendars):
            due = local_at(term.calendar_term.ends_on + dt.timedelta(days=1), dt.time(7, 0))
            if not in_window(due, now, window):
                continue
            for recipient in recipients:
                yield Item(
                    recipient, f"schools.school:{school.pk}", term.ref.slug, due,
                    {"school": school.name, "term": term.label,
                     "link": reverse("reporting:release_time", args=[school.pk])},
                )


# --- Statutory induction (induction.schedule) --------------------------------------------


def statutory_due(data, now):
    """Each progress review and formal assessment, to the school's induction tutors when it
    falls due (``induction.schedule.DUE_SOON_DAYS`` before its date) and again the day
    after the date if still not recorded. A due date moved by an absence is a new
    occurrence, so the moved date is reminded too."""
    from induction.schedule import DUE_SOON_DAYS, OVERDUE
    from induction.selectors import needing_attention, tenant_rows

    for ect, school_id, schedule in tenant_rows(tenant_id=data.tenant_id, on=data.today):
        tutors = data.tutors_of(school_id)
        if not tutors:
            continue
        for item in needing_attention(schedule):
            overdue = item.status == OVERDUE
            due_day = item.due_on + dt.timedelta(days=1) if overdue else item.due_on - dt.timedelta(days=DUE_SOON_DAYS)
            what = "Progress review" if item.kind == "progress_review" else f"Formal assessment {item.number}"
            for tutor in tutors:
                yield Item(
                    tutor, f"{_key(ect)}:{item.kind}:{item.number}",
                    f"{'overdue' if overdue else 'due'}:{item.due_on.isoformat()}", local_at(due_day),
                    {"ect": _name(ect.user), "what": what, "due_on": item.due_on, "overdue": overdue,
                     "school_term": item.school_term,
                     "link": reverse("induction:ect", args=[ect.pk])},
                )


def release_time_attachment(notification):
    from reporting import pdf
    from schools.models import School

    school = School.objects.get(tenant_id=notification.tenant_id, pk=int(notification.subject_key.split(":")[1]))
    report = pdf.school_report(school=school, term=notification.occurrence)
    return [(pdf.report_filename(report), pdf.release_time_pdf(report), "application/pdf")]


RULES = (
    Rule("self_study_due", Kind.SELF_STUDY, "the ECT", "2 days before a module's expected-by date, 8:00",
         "self_study_due", self_study_due),
    Rule("self_study_overdue", Kind.SELF_STUDY, "the ECT", "the day after a module's expected-by date, 8:00",
         "self_study_overdue", self_study_overdue),
    Rule("coaching_not_logged", Kind.COACHING, "the mentor", "the day after a cycle ends with no meeting logged",
         "coaching_not_logged", coaching_not_logged),
    Rule("coaching_missed_twice", Kind.COACHING, "the ECT's induction tutor",
         "the day after the second cycle in a row ends with no meeting logged",
         "coaching_missed_twice", coaching_missed_twice),
    Rule("event_in_7_days", Kind.EVENTS, "each booked participant", "7 days before the session, 8:00",
         "event_soon", _event_rule(7)),
    Rule("event_tomorrow", Kind.EVENTS, "each booked participant", "the day before the session, 8:00",
         "event_soon", _event_rule(1)),
    Rule("onboarding_incomplete", Kind.ONBOARDING, "the ECT or mentor",
         "3 days before the onboarding deadline, if not completed", "onboarding_incomplete", onboarding_incomplete),
    Rule("invitation_not_accepted", Kind.PARTICIPANTS, "whoever sent the invitation (else the induction tutor)",
         "7 days after it was sent", "invitation_not_accepted", invitation_not_accepted,
         window=dt.timedelta(days=7)),
    Rule("mentor_away", Kind.PARTICIPANTS, "the mentor's school's induction tutor",
         "once an absence is (or is planned to be) longer than three weeks", "mentor_away", mentor_away,
         window=None),
    Rule("change_request_pending", Kind.CHANGES, "the delivery partner's staff",
         "2 days after a change request is made, while it awaits a decision", "change_request_pending",
         change_request_pending, window=None),
    Rule("digest", Kind.DIGEST, "every ECT and mentor", "every other Monday, 7:00", "digest", digest),
    Rule("tutor_summary", Kind.TUTOR_SUMMARY, "induction tutors", "every Monday, 7:00", "tutor_summary",
         tutor_summary),
    Rule("end_of_term_report", Kind.REPORTS, "each school's induction tutor and headteacher",
         "the day after the school's term ends, 7:00 (the release-time PDF attached)", "end_of_term_report",
         end_of_term_report, attach=release_time_attachment),
    Rule("statutory_due", Kind.STATUTORY, "the ECT's induction tutor",
         "4 weeks before a progress review or formal assessment is due, and the day after if not recorded",
         "statutory_due", statutory_due, window=dt.timedelta(days=7)),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}
