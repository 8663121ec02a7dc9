"""Year 2 of the ECT programme: the diagnostic and the self-study action plan.

In year 2 the ECT answers the diagnostic (questions per strand); answers of "sometimes"
or "not yet" suggest year-1 modules to revisit. The ECT then proposes an action plan
(modules to revisit or stretch into, each with the date they plan to finish it by) and
their current mentor agrees it. Stretch modules are choices once released (1 November
of year 2; the date comes from ``programme.schedule``, read through the ECT's path).

Selectors (reads with rules) and services (writes, each in its own transaction) live
together here; errors are ``YearTwoError``, a ``ProgrammeError`` whose ``errors`` map
each message to the field it belongs beside.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from participants import selectors as participants
from programme import progress
from programme.models import ActionPlan, ActionPlanItem, DiagnosticQuestion, DiagnosticResponse, Module
from programme.schedule import long_date
from programme.services import ProgrammeError

# The key of a message that belongs to no one field (shown in the error summary only).
WHOLE_FORM = "__all__"
NOTES_MAX_LENGTH = 1000


class YearTwoError(ProgrammeError):
    """A diagnostic or action plan that cannot be saved; nothing was saved. ``errors``
    maps a field key (``question-<id>``, ``modules``, ``module-<id>``,
    ``planned_by-<id>``, ``reason-<id>``, ``notes`` or ``WHOLE_FORM``) to its messages."""

    def __init__(self, errors):
        self.errors = {key: list(messages) for key, messages in errors.items() if messages}
        super().__init__([message for messages in self.errors.values() for message in messages])


def question_key(question_id):
    return f"question-{question_id}"


def module_key(module_id):
    return f"module-{module_id}"


def planned_by_key(module_id):
    return f"planned_by-{module_id}"


def reason_key(module_id):
    return f"reason-{module_id}"


# --- Selectors ---------------------------------------------------------------------------


def diagnostic_opens_on(path):
    """The day the diagnostic opens for the ECT on this path: the release of the
    programme's diagnostic module, or else the first day of year 2 (the earliest release
    of a year-2 module). None when the programme places nothing in year 2."""
    for item in path.modules:
        if item.module.kind == Module.Kind.DIAGNOSTIC and item.release_date:
            return item.release_date
    year_two = [item.release_date for item in path.modules if item.release_date and item.module.year_number == 2]
    return min(year_two, default=None)


def diagnostic_is_open(path):
    """Open in year 2 of the ECT's path, or from the day the diagnostic module opens."""
    if path.position is not None and path.position.year == 2:
        return True
    opens_on = diagnostic_opens_on(path)
    return opens_on is not None and path.today >= opens_on


def opens_in_year_two_message(path, what):
    opens_on = diagnostic_opens_on(path)
    when = f"year 2, on {long_date(opens_on)}" if opens_on else "year 2 of the programme"
    return f"{what} opens in {when}: come back then."


@dataclass
class NumberedQuestion:
    question: DiagnosticQuestion
    number: int


def diagnostic_questions(programme_id):
    """The diagnostic's questions in the order they are asked (strand by strand, then by
    their order), each with its number as shown on the page."""
    questions = sorted(
        DiagnosticQuestion.objects.filter(programme_id=programme_id).select_related("strand"),
        key=lambda q: (q.strand is None, q.strand.order if q.strand else 0, q.strand_id or 0, q.order),
    )
    return [NumberedQuestion(question=q, number=n) for n, q in enumerate(questions, start=1)]


def diagnostic_sections(numbered):
    """[(strand or None, [NumberedQuestion, ...]), ...] for grouping on a page."""
    sections = []
    for item in numbered:
        if not sections or sections[-1][0] != item.question.strand:
            sections.append((item.question.strand, []))
        sections[-1][1].append(item)
    return sections


def diagnostic_answers(ect):
    """{question_id: DiagnosticResponse} of the ECT's answers to their programme's diagnostic."""
    rows = DiagnosticResponse.objects.filter(
        tenant_id=ect.tenant_id, ect=ect, question__programme_id=ect.cohort.programme_id
    )
    return {row.question_id: row for row in rows}


def suggested_modules(ect):
    """The modules suggested by the questions the ECT answered "sometimes" or "not yet",
    in programme order, each once."""
    return list(
        Module.objects.filter(
            programme_id=ect.cohort.programme_id,
            diagnostic_questions__responses__tenant_id=ect.tenant_id,
            diagnostic_questions__responses__ect=ect,
            diagnostic_questions__responses__answer__in=sorted(DiagnosticResponse.REVISIT),
        )
        .select_related("strand")
        .distinct()
        .order_by("order", "code")
    )


def plan_choices(path):
    """The modules an action plan may name, in programme order (``ModuleProgress`` rows):
    every self-study module of the programme, and each stretch module once released."""
    return [
        item
        for item in path.modules
        if item.module.kind == Module.Kind.SELF_STUDY or (item.module.kind == Module.Kind.STRETCH and item.released)
    ]


def induction_ends_on(path):
    """The day the ECT's induction is expected to end: the last expected-by date of their
    path (None when nothing is placed in the calendar)."""
    return max((item.expected_by for item in path.modules if item.expected_by), default=None)


def action_plan_for(ect):
    """The ECT's action plan with its modules and who agreed it, or None."""
    items = ActionPlanItem.objects.filter(tenant_id=ect.tenant_id).select_related("module__strand")
    return (
        ActionPlan.objects.filter(tenant_id=ect.tenant_id, ect=ect)
        .select_related("agreed_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .first()
    )


def is_current_mentor(user, ect):
    return any(m.ect_id == ect.pk for m in participants.current_mentorships(mentor_user=user, tenant=ect.tenant))


# --- Services ----------------------------------------------------------------------------


def _check_own(actor, ect, what):
    if actor.pk != ect.user_id:
        raise YearTwoError({WHOLE_FORM: [f"Only {ect} can {what}: sign in as them."]})


@transaction.atomic
def record_diagnostic(*, actor, ect, answers, today=None, now=None):
    """Save the ECT's answers ({question_id: answer}) to every question of their
    programme's diagnostic. Open in year 2 only. Every question needs one of the three
    answers; otherwise nothing is saved and each unanswered question is named. Answering
    again replaces earlier answers."""
    _check_own(actor, ect, "answer their diagnostic")
    path = progress.ect_path(ect, today=today)
    if not diagnostic_is_open(path):
        raise YearTwoError({WHOLE_FORM: [opens_in_year_two_message(path, "The diagnostic")]})
    numbered = diagnostic_questions(ect.cohort.programme_id)
    if not numbered:
        raise YearTwoError({WHOLE_FORM: ["Your programme has no diagnostic questions: there is nothing to answer."]})
    answers = {int(k): v for k, v in answers.items()}
    known = {item.question.pk for item in numbered}
    errors = {}
    if set(answers) - known:
        errors[WHOLE_FORM] = [
            "Some answers are for questions that are not in your diagnostic: reload the page and answer again."
        ]
    for item in numbered:
        answer = answers.get(item.question.pk)
        if not answer:
            errors[question_key(item.question.pk)] = [
                f"Choose an answer to question {item.number}, “{item.question.text}”"
            ]
        elif answer not in DiagnosticResponse.Answer.values:
            errors[question_key(item.question.pk)] = [
                f"Choose one of the three answers to question {item.number}, “{item.question.text}”"
            ]
    if errors:
        raise YearTwoError(errors)

    now = now or timezone.now()
    existing = diagnostic_answers(ect)
    saved = []
    for item in numbered:  # one by one, so each keeps its history row
        answer = answers[item.question.pk]
        response = existing.get(item.question.pk)
        if response is None:
            response = DiagnosticResponse(tenant_id=ect.tenant_id, ect=ect, question=item.question)
        elif response.answer == answer:
            saved.append(response)
            continue
        response.answer, response.answered_at = answer, now
        response._history_user = actor
        response.save()
        saved.append(response)
    return saved


def _plan_errors(*, path, items, notes):
    today = path.today
    choices = {item.module.pk: item for item in plan_choices(path)}
    end = induction_ends_on(path)
    errors = defaultdict(list)
    if not items:
        errors["modules"].append(
            "Choose at least one module to revisit or stretch into, and the date you plan to finish it by."
        )
    seen = set()
    for module_id, planned_by, reason in items:
        choice = choices.get(module_id)
        if choice is None:
            elsewhere = path.find(module_id)
            if elsewhere is not None and elsewhere.module.kind == Module.Kind.STRETCH:
                errors[module_key(module_id)].append(
                    f"{elsewhere.module.title} opens on {long_date(elsewhere.release_date)}: "
                    "you can add it to your plan from then."
                )
            elif elsewhere is not None:
                errors[module_key(module_id)].append(
                    f"{elsewhere.module.title} is not a self-study or stretch module: choose one of the modules listed."
                )
            else:
                errors["modules"].append(
                    "One of the modules chosen is not part of your programme: "
                    "choose from the modules listed on this page."
                )
            continue
        title = choice.module.title
        if module_id in seen:
            errors[module_key(module_id)].append(f"{title} is chosen twice: keep it once.")
            continue
        seen.add(module_id)
        if planned_by is None:
            errors[planned_by_key(module_id)].append(f"Enter the date you plan to finish {title} by.")
        elif planned_by < today:
            errors[planned_by_key(module_id)].append(
                f"The date for {title} is in the past: choose today ({long_date(today)}) or a later date."
            )
        elif end is not None and planned_by > end:
            errors[planned_by_key(module_id)].append(
                f"The date for {title} is after your induction is expected to end on {long_date(end)}: "
                "choose a date on or before then."
            )
        if len((reason or "").strip()) > ActionPlanItem.REASON_MAX_LENGTH:
            errors[reason_key(module_id)].append(
                f"Keep the reason for {title} to {ActionPlanItem.REASON_MAX_LENGTH} characters or fewer "
                f"(it has {len(reason.strip())})."
            )
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"].append(
            f"Keep your notes to {NOTES_MAX_LENGTH:,} characters or fewer (they have {len(notes):,})."
        )
    return errors


@transaction.atomic
def propose_action_plan(*, actor, ect, items, notes="", today=None, now=None):
    """The ECT proposes their action plan to their mentor: ``items`` is a list of
    (module_id, planned_by date or None, reason). Proposing again replaces the modules
    and returns an agreed plan to "proposed" for the mentor to agree again. Nothing is
    saved when any module or date is refused."""
    _check_own(actor, ect, "propose their action plan")
    path = progress.ect_path(ect, today=today)
    if not diagnostic_is_open(path):
        raise YearTwoError({WHOLE_FORM: [opens_in_year_two_message(path, "Your action plan")]})
    items = [(int(module_id), planned_by, (reason or "").strip()) for module_id, planned_by, reason in items]
    notes = (notes or "").strip()
    errors = _plan_errors(path=path, items=items, notes=notes)
    if errors:
        raise YearTwoError(errors)

    now = now or timezone.now()
    plan = ActionPlan.objects.select_for_update().filter(tenant_id=ect.tenant_id, ect=ect).first()
    if plan is None:
        plan = ActionPlan(tenant_id=ect.tenant_id, ect=ect)
    plan.status = ActionPlan.Status.PROPOSED
    plan.proposed_at = now
    plan.agreed_at = plan.agreed_by = None
    plan.notes = notes
    plan._history_user = actor
    plan.save()

    wanted = {module_id: (planned_by, reason) for module_id, planned_by, reason in items}
    existing = {item.module_id: item for item in ActionPlanItem.objects.filter(tenant_id=ect.tenant_id, plan=plan)}
    for module_id, item in existing.items():  # one by one, so each keeps its history row
        if module_id not in wanted:
            item._history_user = actor
            item.delete()
    for module_id, (planned_by, reason) in wanted.items():
        item = existing.get(module_id) or ActionPlanItem(tenant_id=ect.tenant_id, plan=plan, module_id=module_id)
        if item.pk and (item.planned_by, item.reason) == (planned_by, reason):
            continue
        item.planned_by, item.reason = planned_by, reason
        item._history_user = actor
        item.save()
    return plan


@transaction.atomic
def agree_action_plan(*, actor, ect, now=None):
    """The ECT's current mentor agrees the plan the ECT proposed."""
    if not is_current_mentor(actor, ect):
        raise YearTwoError({WHOLE_FORM: [f"Only {ect}’s current mentor can agree their action plan."]})
    plan = ActionPlan.objects.select_for_update().filter(tenant_id=ect.tenant_id, ect=ect).first()
    if plan is None or plan.status == ActionPlan.Status.DRAFT:
        raise YearTwoError({WHOLE_FORM: [
            f"{ect} has not proposed an action plan yet: they propose it from their action plan page, "
            "then you can agree it here."
        ]})
    if plan.status == ActionPlan.Status.AGREED:
        when = long_date(timezone.localtime(plan.agreed_at).date())
        raise YearTwoError({WHOLE_FORM: [
            f"This plan was already agreed on {when}: there is nothing new to agree until {ect} proposes a change."
        ]})
    plan.status = ActionPlan.Status.AGREED
    plan.agreed_at = now or timezone.now()
    plan.agreed_by = actor
    plan._history_user = actor
    plan.save()
    return plan
