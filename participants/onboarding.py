"""Onboarding: the form each invited ECT and mentor completes by a deadline, and the
equality monitoring answers, kept apart (DESIGN.md sections 3 and 10).

- The deadline is the end of the second teaching week of the school's autumn term.
- Onboarding answers (phase, subject, working pattern, terms, a short survey) are a
  tenant's training record; an ECT's phase, subject and FTE follow them.
- Monitoring answers are special-category data: they belong to the person, not to a
  tenant, and are read and written here only for the person themselves. Delivery
  partner staff see only counts, with small numbers suppressed (``monitoring_summary``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from participants.models import ECT, Mentor, MentorAtSchool, MonitoringAnswers, Onboarding, Phase
from participants.services import ParticipantError
from programme.schedule import AUTUMN, academic_year_of, monday_of
from schools.models import Membership, Role
from schools.selectors import CalendarBook, calendars_for

ONBOARDING_ROLES = frozenset({Role.ECT, Role.MENTOR})
FULL_TIME_FTE = Decimal("1.00")
MIN_FTE = Decimal("0.10")
SUBJECT_MAX_LENGTH = Onboarding._meta.get_field("subject").max_length
HOPES_MAX_LENGTH = Onboarding._meta.get_field("hopes").max_length


class OnboardingError(ParticipantError):
    """An onboarding form or monitoring answers that cannot be saved; nothing was saved.
    ``errors`` maps a field name (or ``NON_FIELD_ERRORS``) to its messages, so a form
    can show each message beside its field."""

    def __init__(self, errors):
        self.errors = {key: list(messages) for key, messages in errors.items() if messages}
        super().__init__(" ".join(message for messages in self.errors.values() for message in messages))


# --- The deadline ---------------------------------------------------------------------


def deadline_in(calendar) -> dt.date | None:
    """The last teaching day of the second teaching week of the calendar's autumn term
    (its Friday, or an earlier day when the Friday is not a teaching day); the last
    teaching week when the term has only one."""
    autumn = calendar.term(AUTUMN)
    if autumn is None:
        return None
    days = calendar.teaching_days(autumn)
    weeks = calendar.teaching_weeks(autumn)
    if not weeks:
        return None
    second = weeks[min(1, len(weeks) - 1)]
    return max(day for day in days if monday_of(day) == second)


def onboarding_deadline(*, school, academic_year) -> dt.date | None:
    """When the school's ECTs and mentors starting in ``academic_year`` complete their
    onboarding, on the school's calendar (its own dates, the delivery partner's, or the
    standard pattern)."""
    return deadline_in(calendars_for(school=school, years=[academic_year])[academic_year])


def _mentor_academic_year(cohort_start_year, periods, school_id):
    """A mentor's academic year: their cohort's, else that of the start of their open
    period at the school (else their latest one there)."""
    if cohort_start_year is not None:
        return cohort_start_year
    at_school = [p for p in periods if p.school_id == school_id]
    if not at_school:
        return None
    current = [p for p in at_school if p.ended_on is None] or at_school
    return academic_year_of(max(current, key=lambda p: p.started_on).started_on)


def deadline_for(*, user, membership) -> dt.date | None:
    """The onboarding deadline of the person holding an ECT or mentor membership; None
    for other roles or when their training record is not set up."""
    if membership.role not in ONBOARDING_ROLES or membership.school_id is None:
        return None
    return deadlines_for_school(school=membership.school, people=[membership]).get(user.pk)


def deadlines_for_school(*, school, people) -> dict[int, dt.date]:
    """{user_id: deadline} for a school's ECTs and mentors, in a few queries whatever
    their number. ``people`` are users, or memberships (whose role then says whether
    to read the ECT or the mentor record); for a user, an ECT record comes first."""
    return deadlines_by_school(tenant_id=school.tenant_id, people_by_school={school.pk: people}).get(school.pk, {})


def deadlines_by_school(*, tenant_id, people_by_school) -> dict[int, dict[int, dt.date]]:
    """{school_id: {user_id: deadline}} for ``{school_id: people}`` (as for
    ``deadlines_for_school``) of one delivery partner, in five queries whatever the
    number of schools or people."""
    roles = {}  # (school_id, user_id) -> roles wanted
    for school_id, people in people_by_school.items():
        for person in people:
            if isinstance(person, Membership):
                roles[school_id, person.user_id] = {person.role} & ONBOARDING_ROLES
            else:
                roles[school_id, person.pk] = set(ONBOARDING_ROLES)
    if not roles:
        return {}
    ect_users = {user_id for (_, user_id), wanted in roles.items() if Role.ECT in wanted}
    ect_years = dict(ECT.objects.filter(tenant_id=tenant_id, user_id__in=ect_users).values_list(
        "user_id", "cohort__start_year"
    )) if ect_users else {}
    years = {key: ect_years[key[1]] for key, wanted in roles.items() if Role.ECT in wanted and key[1] in ect_years}
    mentor_keys = [key for key, wanted in roles.items() if Role.MENTOR in wanted and key not in years]
    if mentor_keys:
        mentors = dict(Mentor.objects.filter(tenant_id=tenant_id, user_id__in={u for _, u in mentor_keys})
                       .values_list("user_id", "cohort__start_year"))
        periods = {}
        without_cohort = {u for _, u in mentor_keys if u in mentors and mentors[u] is None}
        if without_cohort:
            for period in MentorAtSchool.objects.filter(
                tenant_id=tenant_id, school_id__in={s for s, _ in mentor_keys}, mentor__user_id__in=without_cohort
            ).select_related("mentor"):
                periods.setdefault(period.mentor.user_id, []).append(period)
        for school_id, user_id in mentor_keys:
            if user_id not in mentors:
                continue
            year = _mentor_academic_year(mentors[user_id], periods.get(user_id, []), school_id)
            if year is not None:
                years[school_id, user_id] = year
    if not years:
        return {}
    book = CalendarBook(tenant_id=tenant_id, school_ids={s for s, _ in years}, years=set(years.values()))
    found, deadlines = {}, {}
    for (school_id, user_id), year in years.items():
        if (school_id, year) not in deadlines:
            deadlines[school_id, year] = deadline_in(book.calendar(school_id, year))
        if deadlines[school_id, year] is not None:
            found.setdefault(school_id, {})[user_id] = deadlines[school_id, year]
    return found


# --- Onboarding -----------------------------------------------------------------------


def onboarding_for(*, user, tenant) -> Onboarding | None:
    """The person's onboarding answers in the delivery partner, if they have given them."""
    return Onboarding.objects.filter(tenant=tenant, user=user).first()


def onboarded_user_ids(*, tenant, user_ids) -> set[int]:
    """Which of these people have completed their onboarding in the delivery partner."""
    return set(Onboarding.objects.filter(tenant=tenant, user_id__in=list(user_ids)).values_list("user_id", flat=True))


def onboarding_reminder(*, user, membership) -> dict | None:
    """For an ECT's or a mentor's home page: ``{"deadline": date or None}`` while they
    have not completed their onboarding, None once they have (or for other roles)."""
    if membership.role not in ONBOARDING_ROLES:
        return None
    if Onboarding.objects.filter(tenant_id=membership.tenant_id, user=user).exists():
        return None
    return {"deadline": deadline_for(user=user, membership=membership)}


def _parse_fte(value):
    """(Decimal or None, message or None) from what was typed."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None, "Enter your FTE (full-time equivalent), for example 0.6 if you work 3 days a week."
    try:
        fte = Decimal(text)
    except InvalidOperation:
        return None, f"“{text}” is not a number: enter your FTE like 0.6 (3 days a week) or 0.8 (4 days)."
    if not fte.is_finite() or fte.as_tuple().exponent < -2:
        return None, "Enter your FTE with up to 2 decimal places, for example 0.6 or 0.75."
    if fte >= FULL_TIME_FTE:
        return None, "Part time means an FTE below 1.0: enter your FTE, for example 0.6, or choose full time."
    if fte < MIN_FTE:
        return None, "Enter an FTE of at least 0.1, for example 0.6 if you work 3 days a week."
    return fte.quantize(Decimal("0.01")), None


def onboarding_problems(
    *, membership, phase, subject, working_pattern, fte=None, terms_accepted, confidence="", hopes="", monitoring,
) -> dict[str, list[str]]:
    """What is wrong with an onboarding form, field by field (empty when it can be
    saved). Checked by the form, to show every problem at once, and by the service."""
    errors = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if phase not in Phase.values:
        add("phase", "Choose the phase you teach.")
    subject = (subject or "").strip()
    if not subject:
        add("subject", "Enter the subject you teach, for example Mathematics, or General primary.")
    elif len(subject) > SUBJECT_MAX_LENGTH:
        add("subject", f"Enter the subject in {SUBJECT_MAX_LENGTH} characters or fewer.")
    if working_pattern not in Onboarding.WorkingPattern.values:
        add("working_pattern", "Choose whether you work full time or part time.")
    elif working_pattern == Onboarding.WorkingPattern.PART_TIME and membership.role == Role.ECT:
        _, problem = _parse_fte(fte)
        if problem:
            add("fte", problem)
    if confidence and confidence not in Onboarding.Confidence.values:
        add("confidence", "Choose how confident you feel, or leave it empty.")
    if len(hopes or "") > HOPES_MAX_LENGTH:
        add("hopes", f"Write what you hope for in {HOPES_MAX_LENGTH} characters or fewer.")
    for key, messages in monitoring_problems(monitoring).items():
        errors.setdefault(key, []).extend(messages)
    if not terms_accepted:
        add("terms_accepted", "Tick the box to accept the terms: you need to accept them to take part.")
    return errors


@transaction.atomic
def submit_onboarding(
    *, user, membership, phase, subject, working_pattern, fte=None, terms_accepted, confidence="", hopes="",
    monitoring,
) -> Onboarding:
    """Save (or change) the person's onboarding answers in their membership's delivery
    partner and their monitoring answers; for an ECT, their training record's phase,
    subject and FTE follow (full time is 1.0). All of it or nothing."""
    if membership.user_id != user.pk or membership.role not in ONBOARDING_ROLES:
        raise OnboardingError({NON_FIELD_ERRORS: ["Only early career teachers and mentors complete onboarding."]})
    errors = onboarding_problems(
        membership=membership, phase=phase, subject=subject, working_pattern=working_pattern, fte=fte,
        terms_accepted=terms_accepted, confidence=confidence, hopes=hopes, monitoring=monitoring,
    )
    if errors:
        raise OnboardingError(errors)
    subject = subject.strip()
    if membership.role == Role.ECT:
        ect = ECT.objects.select_for_update().filter(tenant_id=membership.tenant_id, user=user).first()
        if ect is None:
            raise OnboardingError({NON_FIELD_ERRORS: [
                "Your training record is not set up yet: ask your induction tutor to check your registration, "
                "then complete this form."
            ]})
        ect.phase, ect.subject = phase, subject
        ect.fte = FULL_TIME_FTE if working_pattern == Onboarding.WorkingPattern.FULL_TIME else _parse_fte(fte)[0]
        try:
            ect.full_clean()
        except ValidationError as exc:
            raise OnboardingError({NON_FIELD_ERRORS: exc.messages}) from exc
        ect.save()
    now = timezone.now()
    onboarding, created = Onboarding.objects.get_or_create(
        tenant_id=membership.tenant_id, user=user,
        defaults={"phase": phase, "subject": subject, "working_pattern": working_pattern, "terms_accepted_at": now,
                  "confidence": confidence or "", "hopes": (hopes or "").strip(), "completed_at": now},
    )
    if not created:  # a change: the first completion date stays, the terms are accepted again now
        onboarding.phase, onboarding.subject, onboarding.working_pattern = phase, subject, working_pattern
        onboarding.confidence, onboarding.hopes = confidence or "", (hopes or "").strip()
        onboarding.terms_accepted_at = now
        onboarding.save()
    save_monitoring(user=user, answers=monitoring)
    return onboarding


def onboarding_initial(*, user, membership) -> dict:
    """What the onboarding form shows before anything is typed: the saved answers, else
    what the induction tutor registered for an ECT."""
    initial = {}
    ect = None
    if membership.role == Role.ECT:
        ect = ECT.objects.filter(tenant_id=membership.tenant_id, user=user).first()
    saved = onboarding_for(user=user, tenant=membership.tenant)
    if saved is not None:
        initial.update(phase=saved.phase, subject=saved.subject, working_pattern=saved.working_pattern,
                       confidence=saved.confidence, hopes=saved.hopes, terms_accepted=True)
    elif ect is not None:
        initial.update(phase=ect.phase, subject=ect.subject)
        initial["working_pattern"] = (
            Onboarding.WorkingPattern.FULL_TIME if ect.fte >= FULL_TIME_FTE else Onboarding.WorkingPattern.PART_TIME
        )
    if ect is not None and ect.fte < FULL_TIME_FTE:
        initial["fte"] = f"{ect.fte.normalize():f}"
    answers = my_monitoring(user)
    if answers is not None:
        initial.update({question.field: getattr(answers, question.field) for question in QUESTIONS})
    return initial


# --- Equality monitoring --------------------------------------------------------------
# Fixed answers only (no free text), so every answer can be counted safely. Each
# question has "Prefer not to say", which answers it.

PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    ANOTHER_TERM = "another_term", "I use another term"
    PREFER_NOT_TO_SAY = MonitoringAnswers.PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Transgender(models.TextChoices):
    """Is the gender you identify with the same as your sex registered at birth? (the
    2021 Census question)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = MonitoringAnswers.PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    ANOTHER = "another", "Another sexual orientation"
    PREFER_NOT_TO_SAY = MonitoringAnswers.PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


class Ethnicity(models.TextChoices):
    """The high-level ethnic groups of the 2021 Census in England."""

    ASIAN = "asian", "Asian, Asian British or Asian Welsh"
    BLACK = "black", "Black, Black British, Black Welsh, Caribbean or African"
    MIXED = "mixed", "Mixed or Multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = MonitoringAnswers.PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL


@dataclass(frozen=True)
class Question:
    field: str  # the MonitoringAnswers field
    text: str
    topic: str  # for messages and the summary's headings
    choices: type[models.TextChoices]
    hint: str = ""


QUESTIONS = (
    Question("gender_identity", "Which of these best describes your gender?", "gender", GenderIdentity),
    Question(
        "transgender", "Is the gender you identify with the same as your sex registered at birth?",
        "gender and sex registered at birth", Transgender,
    ),
    Question(
        "sexual_orientation", "Which of these best describes your sexual orientation?", "sexual orientation",
        SexualOrientation,
    ),
    Question(
        "ethnicity", "What is your ethnic group?", "ethnic group", Ethnicity,
        hint="The groups used by the 2021 Census in England.",
    ),
)


def monitoring_problems(answers) -> dict[str, list[str]]:
    """Every question needs an answer; “Prefer not to say” is one."""
    answers = answers or {}
    errors = {}
    for question in QUESTIONS:
        if answers.get(question.field) not in question.choices.values:
            errors[question.field] = [
                f"Choose an answer about your {question.topic}, or “{PREFER_NOT_TO_SAY_LABEL}”."
            ]
    return errors


def my_monitoring(user) -> MonitoringAnswers | None:
    """The person's own monitoring answers. Only ever call with ``request.user``."""
    if user is None or not user.pk:
        return None
    return MonitoringAnswers.objects.filter(user=user).first()


def monitoring_display(answers) -> list[tuple[str, str]]:
    """[(question, answer), ...] for the person's own page."""
    if answers is None:
        return []
    return [
        (question.text, question.choices(getattr(answers, question.field)).label
         if getattr(answers, question.field) in question.choices.values else "")
        for question in QUESTIONS
    ]


@transaction.atomic
def save_monitoring(*, user, answers) -> MonitoringAnswers:
    """Save (or change) the person's own answers to the four questions."""
    errors = monitoring_problems(answers)
    if errors:
        raise OnboardingError(errors)
    saved, _ = MonitoringAnswers.objects.update_or_create(
        user=user, defaults={question.field: answers[question.field] for question in QUESTIONS}
    )
    return saved


@transaction.atomic
def withdraw_monitoring(*, user) -> bool:
    """Delete the person's answers (no history is kept of them). True if there were some."""
    deleted, _ = MonitoringAnswers.objects.filter(user=user).delete()
    return bool(deleted)


# --- The summary for the delivery partner ----------------------------------------------

SMALL_NUMBER = "<5"  # 1 to 4 people
NOT_SHOWN = "Not shown"  # a larger number hidden so a small one cannot be worked out
SUPPRESS_BELOW = 5


def suppress(counts) -> list[str]:
    """The counts of one question as shown: 1 to 4 become "<5"; when exactly one count
    is that small, the next smallest non-zero count is hidden too, so the small one
    cannot be worked out from the total."""
    shown = [SMALL_NUMBER if 0 < n < SUPPRESS_BELOW else str(n) for n in counts]
    small = [i for i, n in enumerate(counts) if 0 < n < SUPPRESS_BELOW]
    if len(small) == 1:
        others = [i for i, n in enumerate(counts) if n >= SUPPRESS_BELOW]
        if others:
            shown[min(others, key=lambda i: counts[i])] = NOT_SHOWN
    return shown


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    rows: tuple[tuple[str, str], ...]  # (answer, count as shown)


@dataclass(frozen=True)
class MonitoringSummary:
    respondents: str  # as shown: "0", "<5" or the number
    questions: tuple[QuestionSummary, ...]


def monitoring_summary(*, tenant) -> MonitoringSummary:
    """The answers of the people holding an ECT or mentor membership of the delivery
    partner (each person once), counted per question, with small numbers suppressed
    (``suppress``; everything while fewer than 5 have answered). Only counts leave
    this function, never a person's answers."""
    people = Membership.objects.filter(tenant=tenant, role__in=sorted(ONBOARDING_ROLES), is_active=True).values(
        "user_id"
    )
    fields = [question.field for question in QUESTIONS]
    grouped = MonitoringAnswers.objects.filter(user_id__in=people).values(*fields).annotate(n=Count("pk")).order_by()
    counts = {field: Counter() for field in fields}
    respondents = 0
    for row in grouped:
        respondents += row["n"]
        for field in fields:
            counts[field][row[field]] += row["n"]
    few = 0 < respondents < SUPPRESS_BELOW
    questions = []
    for question in QUESTIONS:
        values = [counts[question.field][value] for value in question.choices.values]
        # With fewer than 5 respondents even a 0 would tell (that they all gave the
        # other answer): every count shows as "<5".
        shown = [SMALL_NUMBER] * len(values) if few else suppress(values)
        questions.append(QuestionSummary(question, tuple(zip(question.choices.labels, shown))))
    return MonitoringSummary(respondents=SMALL_NUMBER if few else str(respondents), questions=tuple(questions))
