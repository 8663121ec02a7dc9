"""Year-2 pages: the ECT's diagnostic and action plan, and the action plan as the people
who support the ECT see it (the current mentor agrees it there)."""

import datetime as dt
import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ectalign.access import role_required
from participants import selectors as participants
from participants.models import ECT
from programme import progress, year_two
from programme.models import ActionPlan, DiagnosticResponse, Module
from programme.self_study_views import SUPPORT_ROLES, _ects, _own_ect
from programme.year_two import WHOLE_FORM, YearTwoError
from schools.models import Role

DATE_EXAMPLE = "27/3/2028"
ANSWER_LABELS = dict(DiagnosticResponse.Answer.choices)


def _error_summary(errors, anchors=None):
    """[(href or None, message), ...] in the order the fields appear."""
    anchors = anchors or {}
    summary = []
    for key, found in errors.items():
        href = None if key == WHOLE_FORM else f"#{anchors.get(key, key)}"
        summary += [(href, message) for message in found]
    return summary


def _diagnostic_rows(ect, values, errors):
    """The questions grouped by strand, each with its chosen answer and error."""
    numbered = year_two.diagnostic_questions(ect.cohort.programme_id)
    sections = []
    for strand, items in year_two.diagnostic_sections(numbered):
        rows = [
            {
                "question": item.question,
                "number": item.number,
                "key": year_two.question_key(item.question.pk),
                "answer": values.get(item.question.pk, ""),
                "answer_label": ANSWER_LABELS.get(values.get(item.question.pk), ""),
                "errors": errors.get(year_two.question_key(item.question.pk), []),
            }
            for item in items
        ]
        sections.append({"strand": strand, "rows": rows})
    return numbered, sections


@role_required(Role.ECT)
def diagnostic(request):
    """The ECT answers the diagnostic; their answers suggest modules to revisit."""
    ect = _own_ect(request)
    errors, values = {}, {}
    if request.method == "POST":
        answers = {
            q.question.pk: request.POST.get(year_two.question_key(q.question.pk), "")
            for q in year_two.diagnostic_questions(ect.cohort.programme_id)
        }
        try:
            year_two.record_diagnostic(actor=request.user, ect=ect, answers=answers)
        except YearTwoError as exc:
            errors, values = exc.errors, answers
        else:
            messages.success(
                request, "Your diagnostic answers are saved. See the modules they suggest revisiting below."
            )
            return redirect(f"{reverse('self_study:diagnostic')}#suggested")
    path = progress.ect_path(ect)
    saved = year_two.diagnostic_answers(ect)
    if not values:
        values = {question_id: response.answer for question_id, response in saved.items()}
    numbered, sections = _diagnostic_rows(ect, values, errors)
    return render(request, "programme/year_two/diagnostic.html", {
        "ect": ect,
        "is_open": year_two.diagnostic_is_open(path),
        "opens_on": year_two.diagnostic_opens_on(path),
        "sections": sections,
        "question_count": len(numbered),
        "answer_choices": DiagnosticResponse.Answer.choices,
        "answered": bool(saved),
        "answered_at": max((r.answered_at for r in saved.values()), default=None),
        "suggested": year_two.suggested_modules(ect) if saved else [],
        "errors": errors,
        "error_summary": _error_summary(errors),
    })


def parse_date(text):
    """A date from ``<input type="date">`` (2028-03-27) or typed as 27/3/2028, 27-3-2028
    or 27 3 2028. None when empty; ValueError when it is not a date."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[/\-. ]+(\d{1,2})[/\-. ]+(\d{4})", text)
    if not match:
        raise ValueError(text)
    return dt.date(int(match[3]), int(match[2]), int(match[1]))


def _choice_groups(path, plan, suggested_ids, posted, errors):
    """The modules an action plan may name, grouped (year-1 strands, then stretch), each
    with what the form shows: ticked, its date and reason, and its errors."""
    planned = {item.module_id: item for item in plan.items.all()} if plan else {}
    groups = []
    for choice in year_two.plan_choices(path):
        module = choice.module
        pk = module.pk
        if posted is not None:
            ticked = pk in posted["modules"]
            planned_by = posted["dates"].get(pk, "")
            reason = posted["reasons"].get(pk, "")
        elif planned:
            item = planned.get(pk)
            ticked = item is not None
            planned_by = item.planned_by.isoformat() if item else ""
            reason = item.reason if item else ""
        else:
            ticked = pk in suggested_ids
            planned_by, reason = "", ("Suggested by my diagnostic" if ticked else "")
        if module.kind == Module.Kind.STRETCH:
            heading = "Stretch modules"
        elif module.strand is not None:
            heading = module.strand.name
        else:
            heading = "Other modules"
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "choices": []})
        groups[-1]["choices"].append({
            "progress": choice,
            "module": module,
            "ticked": ticked,
            "suggested": pk in suggested_ids,
            "planned_by": planned_by,
            "reason": reason,
            "module_key": year_two.module_key(pk),
            "planned_by_key": year_two.planned_by_key(pk),
            "reason_key": year_two.reason_key(pk),
            "module_errors": errors.get(year_two.module_key(pk), []),
            "planned_by_errors": errors.get(year_two.planned_by_key(pk), []),
            "reason_errors": errors.get(year_two.reason_key(pk), []),
        })
    return groups


def _posted_plan(request):
    """The ticked modules, their dates and reasons as posted, the items to propose, and
    the errors of dates that could not be read (nothing is proposed then)."""
    module_ids, errors = [], {}
    for value in request.POST.getlist("module"):
        try:
            module_ids.append(int(value))
        except ValueError:
            errors["modules"] = ["Those modules were not recognised: reload the page and choose again."]
    dates, reasons, items = {}, {}, []
    for pk in module_ids:
        dates[pk] = request.POST.get(year_two.planned_by_key(pk), "").strip()
        reasons[pk] = request.POST.get(year_two.reason_key(pk), "").strip()
        try:
            planned_by = parse_date(dates[pk])
        except ValueError:
            errors[year_two.planned_by_key(pk)] = [
                f"Enter the date you plan to finish this module by as a real date, for example {DATE_EXAMPLE}."
            ]
            continue
        items.append((pk, planned_by, reasons[pk]))
    posted = {"modules": set(module_ids), "dates": dates, "reasons": reasons, "notes": request.POST.get("notes", "")}
    return posted, items, errors


@role_required(Role.ECT)
def action_plan(request):
    """The ECT chooses modules to revisit or stretch into, with dates, and proposes the
    plan to their mentor."""
    ect = _own_ect(request)
    posted, errors = None, {}
    if request.method == "POST":
        posted, items, errors = _posted_plan(request)
        if not errors:
            try:
                year_two.propose_action_plan(actor=request.user, ect=ect, items=items, notes=posted["notes"])
            except YearTwoError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request, "Your action plan is proposed. Your mentor will look at it with you and agree it."
                )
                return redirect("self_study:action_plan")
    path = progress.ect_path(ect)
    plan = year_two.action_plan_for(ect)
    suggested = year_two.suggested_modules(ect)
    groups = _choice_groups(path, plan, {m.pk for m in suggested}, posted, errors)
    first_choice = next((c["module_key"] for g in groups for c in g["choices"]), "modules")
    return render(request, "programme/year_two/action_plan.html", {
        "ect": ect,
        "is_open": year_two.diagnostic_is_open(path),
        "opens_on": year_two.diagnostic_opens_on(path),
        "plan": plan,
        "groups": groups,
        "suggested": suggested,
        "ends_on": year_two.induction_ends_on(path),
        "today": path.today,
        "notes": posted["notes"] if posted is not None else (plan.notes if plan else ""),
        "notes_errors": errors.get("notes", []),
        "modules_errors": errors.get("modules", []),
        "errors": errors,
        "error_summary": _error_summary(errors, anchors={"modules": first_choice}),
        "date_example": DATE_EXAMPLE,
    })


def _supported_ect(request, pk):
    ect = participants.get_ect_for_user(request, pk)
    return _ects(ECT.objects.filter(pk=ect.pk, tenant=request.tenant)).get()


@role_required(*SUPPORT_ROLES)
@require_safe
def ect_action_plan(request, pk):
    """An ECT's diagnostic answers and action plan, read-only, for their mentor (who
    agrees it), their school's leaders and the delivery partner's staff."""
    ect = _supported_ect(request, pk)
    path = progress.ect_path(ect)
    plan = year_two.action_plan_for(ect)
    answers = year_two.diagnostic_answers(ect)
    numbered, sections = _diagnostic_rows(ect, {q: r.answer for q, r in answers.items()}, {})
    can_agree = (
        request.role == Role.MENTOR and plan is not None and plan.status == ActionPlan.Status.PROPOSED
    )
    return render(request, "programme/year_two/ect_action_plan.html", {
        "ect": ect,
        "is_open": year_two.diagnostic_is_open(path),
        "opens_on": year_two.diagnostic_opens_on(path),
        "sections": sections,
        "answered": bool(answers),
        "answered_at": max((r.answered_at for r in answers.values()), default=None),
        "suggested": year_two.suggested_modules(ect) if answers else [],
        "plan": plan,
        "can_agree": can_agree,
    })


@role_required(Role.MENTOR)
@require_POST
def agree_action_plan(request, pk):
    """The ECT's current mentor agrees the plan the ECT proposed."""
    ect = participants.get_ect_for_user(request, pk)
    back = reverse("self_study:ect_action_plan", args=[ect.pk])
    try:
        year_two.agree_action_plan(actor=request.user, ect=ect)
    except YearTwoError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, f"You agreed {ect}’s action plan.")
    return redirect(back)
