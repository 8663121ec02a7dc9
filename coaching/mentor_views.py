"""The mentor's coaching pages: "My week" (tablet-first), logging and correcting
observations and coaching meetings, and the step library (which school leaders and the
delivery partner's staff read too).

Views are thin: the forms read the input, ``coaching.services`` writes and refuses, and
``coaching.selectors`` says who may see what and what each cycle holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from coaching import selectors, services
from coaching.forms import LibraryFilterForm, MeetingForm, ObservationForm, add_service_error
from coaching.models import Meeting, MentorCoachingSession, Observation, StepProposal
from ectalign.access import role_required
from participants.selectors import visible_ects
from programme.models import STEP_MODULE_KINDS, Cohort, Programme
from programme.progress import programme_modules
from schools.models import DELIVERY_PARTNER_ROLES, Role

LIBRARY_READERS = (Role.MENTOR, Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.DP_ADMIN, Role.DP_STAFF)


def name_of(ect):
    return ect.user.get_full_name()


def set_ago(days):
    """How long a step has been set, in the words a mentor uses."""
    if days is None:
        return ""
    if days <= 0:
        return "set today"
    if days == 1:
        return "set yesterday"
    if days < 14:
        return f"set {days} days ago"
    return f"set {days // 7} weeks ago"


# --- My week -----------------------------------------------------------------------------


@dataclass
class ECTCard:
    """What a mentor needs about one ECT this week, on one card."""

    ect: object
    state: selectors.CoachingState
    observation_editable: bool = False
    meeting_editable: bool = False

    @property
    def name(self):
        return name_of(self.ect)

    @property
    def cycle(self):
        return self.state.current.cycle if self.state.current else None

    @property
    def observation(self):
        return self.state.current.observation if self.state.current else None

    @property
    def meeting(self):
        return self.state.current.meeting if self.state.current else None

    @property
    def step_age(self):
        return set_ago(self.state.step_days)


def _editable(row, user, now):
    """Whether the mentor may still change this cycle's log (a row of coaching_states)."""
    return bool(row) and selectors.can_change(
        created_by_id=row["created_by_id"], created_at=row["created_at"], user=user, now=now
    )


@role_required(Role.MENTOR)
def my_week(request):
    """Each ECT the mentor mentors now: this cycle's observation and meeting, the current
    step and how long it has been set, flags, and one tap to log the next thing."""
    on = selectors.today()
    tenant_id = request.membership.tenant_id
    ects = list(selectors.with_coaching_facts(visible_ects(request, on=on)).order_by("user__full_name", "pk"))
    states = selectors.coaching_states(ects, on=on)
    cards = [ECTCard(ect=ect, state=states[ect.pk]) for ect in ects]
    now = timezone.now()
    for card in cards:
        card.observation_editable = _editable(card.observation, request.user, now)
        card.meeting_editable = _editable(card.meeting, request.user, now)
    sessions = list(
        MentorCoachingSession.objects.filter(tenant_id=tenant_id, mentor__user=request.user)
        .select_related("focus_area", "coach").order_by("-held_on", "-pk")[:3]
    )
    return render(request, "coaching/mentor/my_week.html", {
        "cards": cards, "today": on, "sessions": sessions,
    })


# --- Observations ------------------------------------------------------------------------


def _own_log(request, model, pk, *related):
    """An observation or meeting the signed-in mentor logged, for an ECT they can see
    now; 404 for anyone else's (and for a missing one)."""
    record = (
        model.objects.filter(tenant_id=request.membership.tenant_id, created_by=request.user,
                             ect__in=visible_ects(request))
        .select_related("step__module", "step__strand", *related)
        .filter(pk=pk).first()
    )
    if record is None:
        raise Http404
    record.ect = selectors.get_coached_ect(request, record.ect_id)
    return record


def _locked(record):
    return selectors.edit_window_closed(record.created_at)


def _window(record):
    """When a log was made and until when its author may change it."""
    return {
        "logged_on": timezone.localtime(record.created_at).date(),
        "edit_until": timezone.localtime(record.created_at + selectors.EDIT_WINDOW).date(),
        "edit_days": selectors.EDIT_WINDOW.days,
    }


def _existing_link(request, existing):
    """Where to change the log already recorded for a cycle, if the mentor may."""
    if existing is None or existing.created_by_id != request.user.pk:
        return None
    name = "coaching:edit_observation" if isinstance(existing, Observation) else "coaching:edit_meeting"
    return reverse(name, args=[existing.pk])


@role_required(Role.MENTOR)
def log_observation(request, pk):
    ect = selectors.get_coached_ect(request, pk)
    on = selectors.today()
    step = services.current_step(ect, on)
    form = ObservationForm(request.POST or None, step=step, initial={"observed_on": on})
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.log_observation(actor=request.user, ect=ect, today=on, **form.service_kwargs())
        except services.CoachingError as exc:
            add_service_error(form, exc)
            existing = _existing_link(request, exc.existing)
        else:
            messages.success(request, f"Observation of {name_of(ect)} logged.")
            return redirect("coaching:my_week")
    return render(request, "coaching/mentor/observation_form.html", {
        "ect": ect, "form": form, "step": step, "existing_url": existing, "editing": None,
    })


@role_required(Role.MENTOR)
def edit_observation(request, pk):
    observation = _own_log(request, Observation, pk)
    ect = observation.ect
    context = {"ect": ect, "observation": observation, "step": observation.step, "editing": observation,
               **_window(observation)}
    if _locked(observation):
        return render(request, "coaching/mentor/observation_locked.html", context)
    form = ObservationForm(request.POST or None, step=observation.step, initial={
        "observed_on": observation.observed_on, "minutes": observation.minutes, "mode": observation.mode,
        "progress": observation.progress, "seen": observation.seen, "notes": observation.notes,
    })
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_observation(actor=request.user, observation=observation, today=selectors.today(),
                                        **form.service_kwargs())
        except services.CoachingError as exc:
            add_service_error(form, exc)
            existing = _existing_link(request, exc.existing)
        else:
            messages.success(request, f"Observation of {name_of(ect)} changed.")
            return redirect("coaching:my_week")
    return render(request, "coaching/mentor/observation_form.html", {**context, "form": form, "existing_url": existing})


# --- Coaching meetings -------------------------------------------------------------------


def _step_options(form, ect, on):
    """Offer the library steps and modules the ECT has reached (the service accepts
    nothing else); returns the reached modules for the page."""
    reached = selectors.reached_modules(ect, on=on)
    library = selectors.step_library(tenant_id=ect.tenant_id, modules=reached)
    form.set_step_options(library=library, modules=reached, all_modules=selectors.steppable_modules(ect))
    return reached


def _open_proposal(ect):
    return (
        StepProposal.objects.filter(tenant_id=ect.tenant_id, ect=ect, state=StepProposal.State.OPEN)
        .select_related("module__strand").first()
    )


@role_required(Role.MENTOR)
def log_meeting(request, pk):
    ect = selectors.get_coached_ect(request, pk)
    on = selectors.today()
    previous = services.current_step(ect, on)
    proposal = _open_proposal(ect)
    initial = {"met_on": on}
    if proposal is not None and request.GET.get("edit") == "proposal":
        initial.update(
            step_source=MeetingForm.OWN, from_proposal=True, module=str(proposal.module_id), title=proposal.title,
            criteria=proposal.success_criteria, step_kind=proposal.kind,
        )
    form = MeetingForm(request.POST or None, ect_name=name_of(ect), previous=previous, proposal=proposal,
                       initial=initial)
    reached = _step_options(form, ect, on)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.log_meeting(actor=request.user, ect=ect, today=on, **form.service_kwargs())
        except services.CoachingError as exc:
            add_service_error(form, exc)
            existing = _existing_link(request, exc.existing)
        else:
            if meeting.step_id:
                messages.success(request, f"Coaching meeting logged. {name_of(ect)} has been e-mailed their step.")
            else:
                messages.success(request, f"Coaching meeting logged. {name_of(ect)}’s current step carries on.")
            return redirect("coaching:my_week")
    return render(request, "coaching/mentor/meeting_form.html", {
        "ect": ect, "form": form, "previous": previous, "proposal": proposal, "reached": reached,
        "existing_url": existing, "editing": None,
    })


@role_required(Role.MENTOR)
def edit_meeting(request, pk):
    meeting = _own_log(request, Meeting, pk, "previous_step__module", "previous_step__strand")
    ect = meeting.ect
    context = {"ect": ect, "meeting": meeting, "previous": meeting.previous_step, "editing": meeting,
               **_window(meeting)}
    if _locked(meeting):
        return render(request, "coaching/mentor/meeting_locked.html", context)
    form = MeetingForm(request.POST or None, ect_name=name_of(ect), previous=meeting.previous_step, editing=meeting,
                       initial={
                           "met_on": meeting.met_on, "minutes": meeting.minutes, "kind": meeting.kind,
                           "instructional_minutes": meeting.instructional_minutes, "praise": meeting.praise,
                           "step_source": MeetingForm.KEEP, "modelled": "yes" if meeting.modelled else "no",
                           "practice_rounds": meeting.practice_rounds, "pastoral_notes": meeting.pastoral_notes,
                           "ect_reflections": meeting.ect_reflections,
                       })
    reached = _step_options(form, ect, meeting.met_on)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(actor=request.user, meeting=meeting, today=selectors.today(),
                                    **form.service_kwargs())
        except services.CoachingError as exc:
            add_service_error(form, exc)
            existing = _existing_link(request, exc.existing)
        else:
            messages.success(request, f"Coaching meeting with {name_of(ect)} changed.")
            return redirect("coaching:my_week")
    return render(request, "coaching/mentor/meeting_form.html", {
        **context, "form": form, "proposal": None, "reached": reached, "existing_url": existing,
    })


# --- The step library --------------------------------------------------------------------


@dataclass
class ModuleSteps:
    module: object
    options: list  # [(StepOption, admin URL to edit it or None), ...]


@dataclass
class StrandSteps:
    strand: object
    modules: list


def _edit_url(option):
    """The admin page where the delivery partner edits its own copy of a step."""
    if option.local_step_id:
        return reverse("admin:coaching_localstep_change", args=[option.local_step_id])
    query = urlencode({
        "replaces": option.library_step_id, "module": option.module.pk, "title": option.title,
        "kind": option.kind, "success_criteria": "\n".join(option.criteria),
    })
    return f"{reverse('admin:coaching_localstep_add')}?{query}"


@role_required(*LIBRARY_READERS)
def step_library(request):
    """The tenant's step library for its cohorts' programmes, by strand and module."""
    tenant_id = request.membership.tenant_id
    programmes = list(Programme.objects.filter(
        pk__in=Cohort.objects.filter(tenant_id=tenant_id).values("programme_id")
    ).order_by("title"))
    modules = {p.pk: [m for m in programme_modules(p) if m.kind in STEP_MODULE_KINDS] for p in programmes}
    form = LibraryFilterForm(request.GET or None, programmes=programmes, modules=modules)
    chosen = form.chosen()
    shown = [p for p in programmes if chosen["programme"] in (None, p.pk)]
    wanted = [m for p in shown for m in modules[p.pk]
              if chosen["module"] in (None, m.pk) and chosen["strand"] in (None, m.strand_id)]
    library = selectors.step_library(tenant_id=tenant_id, modules=wanted)
    can_edit = request.membership.role in DELIVERY_PARTNER_ROLES
    sections = []
    for programme in shown:
        strands = {}
        for module in (m for m in wanted if m.programme_id == programme.pk):
            options = library.get(module.pk, [])
            if not options:
                continue
            strand = module.strand
            key = strand.pk if strand else None
            strands.setdefault(key, StrandSteps(strand=strand, modules=[])).modules.append(
                ModuleSteps(module=module, options=[(o, _edit_url(o) if can_edit else None) for o in options])
            )
        ordered = sorted(strands.values(), key=lambda s: (s.strand is None, s.strand.order if s.strand else 0,
                                                          s.strand.code if s.strand else ""))
        sections.append((programme, ordered))
    return render(request, "coaching/mentor/library.html", {
        "form": form, "sections": sections, "several": len(shown) > 1, "can_edit": can_edit,
        "add_url": reverse("admin:coaching_localstep_add") if can_edit else None,
        "count": sum(len(library.get(m.pk, [])) for m in wanted),
    })
