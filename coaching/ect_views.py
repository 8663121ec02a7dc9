"""The ECT's coaching pages: their step and its success criteria, the feedback from the
last meeting, the history of their steps by strand, their reflections, and (in year 2)
proposing their own next step. Coaching is developmental: nothing here assesses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from coaching import selectors, services
from coaching.forms import ProposeStepForm, ReflectionForm, add_service_error
from coaching.models import ActionStep, Meeting, Observation, StepProposal
from ectalign.access import role_required
from participants.selectors import visible_ects
from schools.models import Role


def _own_record(request, on):
    """The signed-in ECT's own record (with what ``coaching_states`` reads), or None."""
    return selectors.with_coaching_facts(visible_ects(request, on=on)).first()


@dataclass
class StrandHistory:
    strand: object
    steps: list


def _history_by_strand(steps):
    """Steps grouped by strand (in the programme's strand order), newest first in each."""
    groups = {}
    for step in steps:
        key = step.strand_id
        groups.setdefault(key, StrandHistory(strand=step.strand, steps=[])).steps.append(step)
    return sorted(groups.values(), key=lambda g: (g.strand is None, g.strand.order if g.strand else 0,
                                                   g.strand.code if g.strand else ""))


@role_required(Role.ECT)
def my_steps(request):
    on = selectors.today()
    ect = _own_record(request, on)
    if ect is None:
        return render(request, "coaching/ect/my_steps.html", {"ect": None})
    state = selectors.coaching_states([ect], on=on)[ect.pk]
    tenant_id = ect.tenant_id
    step = state.step
    if step is not None:
        step = ActionStep.objects.select_related("module", "strand", "set_by").get(tenant_id=tenant_id, pk=step.pk)
    last_meeting = (
        Meeting.objects.filter(tenant_id=tenant_id, ect=ect, met_on__lte=on)
        .select_related("mentor__user", "previous_step").order_by("-met_on", "-pk").first()
    )
    last_observation = (
        Observation.objects.filter(tenant_id=tenant_id, ect=ect, observed_on__lte=on)
        .select_related("step").order_by("-observed_on", "-pk").first()
    )
    steps = ActionStep.objects.filter(tenant_id=tenant_id, ect=ect, set_on__lte=on).select_related("module", "strand")
    return render(request, "coaching/ect/my_steps.html", {
        "ect": ect, "state": state, "step": step, "last_meeting": last_meeting,
        "last_observation": last_observation, "history": _history_by_strand(steps),
        "proposal": state.open_proposal, "can_propose": state.year >= 2,
    })


@role_required(Role.ECT)
def propose_step(request):
    on = selectors.today()
    ect = _own_record(request, on)
    if ect is None:
        raise Http404
    state = selectors.coaching_states([ect], on=on, with_steps=False)[ect.pk]
    form, reached, library = None, [], {}
    if state.year >= 2:
        proposal = StepProposal.objects.filter(tenant_id=ect.tenant_id, ect=ect, state=StepProposal.State.OPEN).first()
        initial = {}
        if proposal is not None:  # changing the proposal still waiting for the mentor
            initial = {"why": proposal.why}
            if proposal.local_step_id or proposal.library_step_id:
                key = f"T{proposal.local_step_id}" if proposal.local_step_id else f"L{proposal.library_step_id}"
                initial.update(step_source=ProposeStepForm.LIBRARY, library_step=key)
            else:
                initial.update(step_source=ProposeStepForm.OWN, module=str(proposal.module_id), title=proposal.title,
                               criteria=proposal.success_criteria, step_kind=proposal.kind)
        form = ProposeStepForm(request.POST or None, initial=initial)
        reached = selectors.reached_modules(ect, on=on)
        library = selectors.step_library(tenant_id=ect.tenant_id, modules=reached)
        form.set_step_options(library=library, modules=reached, all_modules=selectors.steppable_modules(ect))
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.propose_step(actor=request.user, ect=ect, step=form.step_choice(),
                                  why=form.cleaned_data["why"], today=on)
        except services.CoachingError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your step is proposed. Your mentor will see it when they log your next "
                                      "coaching meeting, and can accept it or change it with you.")
            return redirect("coaching:my_steps")
    return render(request, "coaching/ect/propose_step.html", {
        "ect": ect, "form": form, "reached": reached, "library": list(library.values()),
    })


@role_required(Role.ECT)
def add_reflection(request, pk):
    meeting = (
        Meeting.objects.filter(tenant_id=request.membership.tenant_id, ect__in=visible_ects(request))
        .select_related("ect__user", "mentor__user", "step", "previous_step").filter(pk=pk).first()
    )
    if meeting is None:
        raise Http404
    form = ReflectionForm(request.POST or None, initial={"text": meeting.ect_reflections})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_reflection(actor=request.user, meeting=meeting, text=form.cleaned_data["text"])
        except services.CoachingError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your reflections are saved. Your mentor can read them.")
            return redirect("coaching:my_steps")
    return render(request, "coaching/ect/reflection_form.html", {"meeting": meeting, "form": form})
