"""Pages for participants: invitations, lists, person pages and pairing."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ectalign.access import role_required
from ectalign.csv import write_rows
from ectalign.tenancy import activate_membership, tenant_scope
from participants import changes, invitations, selectors, services
from participants.filters import filtered_ids
from participants.forms import (
    AccountSetUpForm,
    EndAbsenceForm,
    MentorAbsenceForm,
    PairWithECTForm,
    PairWithMentorForm,
    RegisterECTForm,
    RegisterMentorForm,
    StatusChangeForm,
)
from participants.onboarding import deadlines_for_school
from participants.models import ECT, Invitation, Mentor, TrainingStatus
from participants.selectors import get_ect_for_user, get_mentor_for_user, today
from programme.schedule import long_date
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Membership, Role
from schools.selectors import get_school_for_user

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@never_cache
def accept_invitation(request, token):
    """The link in an invitation e-mail: set up an account (a new person), sign in
    first (an existing account), or confirm (signed in as the invited person)."""
    try:
        opened = invitations.open_link(token=token, user=request.user)
    except invitations.InvitationError as exc:
        status = 404 if "not valid" in str(exc) else 200
        return render(request, "participants/invitation_problem.html", {"problem": str(exc)}, status=status)
    invitation = opened.invitation
    form = None
    if opened.next_step == "set_up":
        form = AccountSetUpForm(
            request.POST or None, user=invitation.membership.user,
            initial={"full_name": invitation.membership.user.full_name},
        )
    if request.method == "POST" and opened.next_step != "sign_in" and (form is None or form.is_valid()):
        with tenant_scope(invitation.tenant_id):
            try:
                membership = invitations.accept(
                    token=token, user=request.user,
                    full_name=form.cleaned_data["full_name"] if form else "",
                    password=form.cleaned_data["password1"] if form else None,
                )
            except invitations.InvitationError as exc:
                return render(request, "participants/invitation_problem.html", {"problem": str(exc)})
        if not request.user.is_authenticated:
            login(request, membership.user, backend=BACKEND)
        activate_membership(request, membership)
        messages.success(request, f"Welcome to ectalign. You are {membership.get_role_display().lower()} at {membership.school.name}.")
        return redirect(_after_acceptance(membership))
    return render(
        request,
        "participants/accept_invitation.html",
        {
            "invitation": invitation,
            "membership": invitation.membership,
            "next_step": opened.next_step,
            "form": form,
            "sign_in_url": f"{reverse('account_login')}?next={request.path}",
        },
    )


def _after_acceptance(membership):
    """New ECTs and mentors go on to their onboarding form."""
    if membership.role in (Role.ECT, Role.MENTOR):
        return reverse("participants:onboarding")
    return reverse("home")


# --- The school's participants --------------------------------------------------------

READERS = SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES
MANAGERS = frozenset({Role.INDUCTION_TUTOR}) | DELIVERY_PARTNER_ROLES


@role_required(*READERS)
def school_participants(request, pk):
    """Everyone's status at a glance, with filters, prompts and the CSV export."""
    school = get_school_for_user(request, pk)
    ect_filter, ect_ids, mentor_ids = filtered_ids(request.GET, school=school)
    rows = selectors.school_roster(school=school, ect_ids=ect_ids, mentor_ids=mentor_ids) if ect_ids is not None else []
    if request.GET.get("format") == "csv":
        return _roster_csv(school, rows)
    all_rows = rows if not request.GET else selectors.school_roster(school=school)
    deadlines = _deadlines(school, rows)
    ects = [r for r in rows if r.kind == "ect"]
    mentors = [r for r in rows if r.kind == "mentor"]
    return render(request, "participants/school_participants.html", {
        "school": school,
        "filter": ect_filter,
        "ects": ects,
        "mentors": mentors,
        "deadlines": deadlines,
        "without_mentor": [r for r in all_rows if r.needs_mentor and r.status != selectors.Status.LEFT],
        "away_prompts": selectors.mentor_away_prompts(all_rows),
        "can_manage": request.membership.role in MANAGERS,
        "filtered": bool(request.GET),
        "csv_query": _with_csv(request),
    })


def _with_csv(request):
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


def _deadlines(school, rows):
    """Each person's onboarding deadline (by user id), for those not yet onboarded."""
    return deadlines_for_school(school=school, people=[r.membership or r.user for r in rows if not r.onboarded])


def _roster_csv(school, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{school.urn}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a byte-order mark
    write_rows(
        response,
        ["role", "full_name", "email", "status", "year", "mentor", "onboarding", "trn", "fte", "at_school_from", "at_school_until"],
        [
            [
                "ECT" if r.kind == "ect" else "Mentor", r.user.full_name, r.user.email, r.status_label,
                r.year or "", (r.mentor.user.full_name if r.mentor else ""), "complete" if r.onboarded else "not complete",
                getattr(r.record, "trn", ""), getattr(r.record, "fte", ""), r.period.started_on.isoformat(),
                r.period.ended_on.isoformat() if r.period.ended_on else "",
            ]
            for r in rows
        ],
    )
    return response


@role_required(*MANAGERS)
def register_ect(request, pk):
    school = get_school_for_user(request, pk)
    form = RegisterECTForm(request.POST or None, tenant=school.tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ect = services.register_ect(
                actor=request.user, inviter=request.membership, school=school, email=data["email"],
                full_name=data["full_name"], induction_start=data["induction_start"], cohort=data["cohort"],
                fte=data["fte"], trn=data["trn"], phase=data["phase"], subject=data["subject"],
                appropriate_body=data["appropriate_body"],
            )
        except (services.ParticipantError, invitations.InvitationError) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, f"{ect.user} is registered. We have e-mailed them an invitation.")
            return redirect("participants:ect", pk=ect.pk)
    return render(request, "participants/register.html", {"school": school, "form": form, "kind": "ECT"})


@role_required(*MANAGERS)
def register_mentor(request, pk):
    school = get_school_for_user(request, pk)
    form = RegisterMentorForm(request.POST or None, tenant=school.tenant, initial={"kind": Mentor.Kind.NEW})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mentor = services.register_mentor(
                actor=request.user, inviter=request.membership, school=school, email=data["email"],
                full_name=data["full_name"], started_on=data["started_on"], kind=data["kind"], cohort=data["cohort"],
            )
        except (services.ParticipantError, invitations.InvitationError) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, f"{mentor.user} is registered as a mentor. We have e-mailed them an invitation.")
            return redirect("participants:mentor", pk=mentor.pk)
    return render(request, "participants/register.html", {"school": school, "form": form, "kind": "mentor"})


def _add_error(form, exc):
    """Put a service's message beside the field it is about, else above the form."""
    text = str(exc)
    lowered = text.lower()
    for field, words in (("trn", "trn"), ("email", "e-mail"), ("email", "already holds this role")):
        if field in form.fields and words in lowered:
            form.add_error(field, text)
            return
    form.add_error(None, text)


def _membership_of(record, role):
    school = selectors.current_school_of(record)
    if school is None:
        return None
    return Membership.objects.filter(tenant_id=record.tenant_id, user_id=record.user_id, school=school, role=role).first()


def _pending_invitation(membership):
    if membership is None:
        return None
    return membership.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).first()


@role_required(*READERS)
def ect_detail(request, pk, pair_form=None, status_form=None):
    ect = get_ect_for_user(request, pk)
    school = selectors.current_school_of(ect)
    membership = _membership_of(ect, Role.ECT)
    can_manage = request.membership.role in MANAGERS
    mentorship = ect.mentorships.filter(ended_on__isnull=True).select_related("mentor__user").first()
    return render(request, "participants/ect_detail.html", {
        "ect": ect,
        "school": school,
        "mentorship": mentorship,
        "mentorships": ect.mentorships.select_related("mentor__user").order_by("-started_on"),
        "periods": ect.school_periods.select_related("school").order_by("-started_on"),
        "invitation": _pending_invitation(membership),
        "membership": membership,
        "history": selectors.ect_history(ect),
        "can_manage": can_manage,
        "pair_form": pair_form or (PairWithMentorForm(mentors=_school_mentors(school), initial={"starts_on": today()}) if can_manage else None),
        "status_forms": status_form and [status_form] or (_status_forms(ect.training_status, for_mentor=False) if can_manage else []),
        "approval": _approval_kinds(request),
    })


@role_required(*READERS)
def mentor_detail(request, pk, pair_form=None, status_form=None, absence_form=None):
    mentor = get_mentor_for_user(request, pk)
    school = _school_in_view(request, mentor)
    membership = _membership_of(mentor, Role.MENTOR)
    can_manage = request.membership.role in MANAGERS
    absences = list(mentor.absences.all())
    open_absence = next((a for a in absences if a.ended_on is None), None)
    return render(request, "participants/mentor_detail.html", {
        "mentor": mentor,
        "school": school,
        "mentees": selectors.current_mentorships(mentor_user=mentor.user, tenant=mentor.tenant),
        "periods": mentor.school_periods.select_related("school").order_by("-started_on"),
        "absences": absences,
        "open_absence": open_absence,
        "away_too_long": open_absence is not None and selectors.away_too_long(open_absence, today()),
        "invitation": _pending_invitation(membership),
        "membership": membership,
        "history": selectors.mentor_history(mentor),
        "can_manage": can_manage,
        "pair_form": pair_form or (PairWithECTForm(ects=_school_ects(school), initial={"starts_on": today()}) if can_manage else None),
        "status_forms": status_form and [status_form] or (_status_forms(mentor.training_status, for_mentor=True) if can_manage else []),
        "absence_form": absence_form or (MentorAbsenceForm() if can_manage else None),
        "end_absence_form": EndAbsenceForm(initial={"ended_on": today()}) if can_manage and open_absence else None,
        "approval": _approval_kinds(request),
    })


def _school_in_view(request, mentor):
    if request.membership.school_id:
        return request.membership.school
    return selectors.current_school_of(mentor)


def _school_mentors(school):
    if school is None:
        return Mentor.objects.none()
    on = today()
    return (
        Mentor.objects.filter(tenant_id=school.tenant_id, school_periods__school=school, school_periods__started_on__lte=on)
        .exclude(school_periods__ended_on__lt=on)
        .exclude(training_status=TrainingStatus.WITHDRAWN)
        .select_related("user").distinct().order_by("user__full_name")
    )


def _school_ects(school):
    if school is None:
        return ECT.objects.none()
    return selectors.ects_at_school(school=school).exclude(training_status=TrainingStatus.WITHDRAWN)


def _status_forms(current, *, for_mentor):
    """A form for each move the status may make now (``services.ALLOWED_MOVES``)."""
    allowed = services.ALLOWED_MOVES[TrainingStatus(current)]
    return [
        StatusChangeForm(action=action, for_mentor=for_mentor, prefix=action, initial={"action": action, "on": today()})
        for action, status in StatusChangeForm.ACTIONS.items()
        if status in allowed
    ]


def _approval_kinds(request):
    """The kinds of change this person must ask the delivery partner to approve."""
    if request.membership.role in DELIVERY_PARTNER_ROLES:
        return set()
    return set(request.tenant.changes_needing_approval or [])


@require_POST
@role_required(*MANAGERS)
def pair_ect(request, pk):
    """From the ECT's page: pair them with a mentor of their school."""
    ect = get_ect_for_user(request, pk)
    school = selectors.current_school_of(ect)
    form = PairWithMentorForm(request.POST, mentors=_school_mentors(school))
    if form.is_valid():
        mentor = form.cleaned_data["mentor"]
        if _change(request, form, kind="change_mentor", ect=ect, details={
            "mentor_id": mentor.pk, "starts_on": form.cleaned_data["starts_on"].isoformat(),
        }, done=f"{mentor.user} mentors {ect.user} from {long_date(form.cleaned_data['starts_on'])}."):
            return redirect("participants:ect", pk=ect.pk)
    return ect_detail(request, pk, pair_form=form)


@require_POST
@role_required(*MANAGERS)
def pair_mentor(request, pk):
    """From the mentor's page: give them an ECT of their school to mentor."""
    mentor = get_mentor_for_user(request, pk)
    school = _school_in_view(request, mentor)
    form = PairWithECTForm(request.POST, ects=_school_ects(school))
    if form.is_valid():
        ect = form.cleaned_data["ect"]
        if _change(request, form, kind="change_mentor", ect=ect, details={
            "mentor_id": mentor.pk, "starts_on": form.cleaned_data["starts_on"].isoformat(),
        }, done=f"{mentor.user} mentors {ect.user} from {long_date(form.cleaned_data['starts_on'])}."):
            return redirect("participants:mentor", pk=mentor.pk)
    return mentor_detail(request, pk, pair_form=form)


def _change(request, form, *, kind, done, ect=None, mentor=None, details):
    """Make a change from a valid form directly, or ask for it, as the delivery partner
    allows (``changes.submit``); put any refusal above the form. True when done (applied
    or requested)."""
    try:
        result = changes.submit(
            actor=request.user, membership=request.membership, kind=kind, ect=ect, mentor=mentor,
            details=details, reason=form.cleaned_data.get("reason", ""),
        )
    except services.ParticipantError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, result.message if result.requested else done)
    return True


STATUS_KINDS = {"defer": "defer", "resume": "resume", "withdraw": "withdraw"}


def _status_details(form):
    data = form.cleaned_data
    details = {"on": data["on"].isoformat(), "note": data.get("note", "")}
    if data.get("reason_code"):
        details["reason"] = data["reason_code"]
    return details


@require_POST
@role_required(*MANAGERS)
def ect_status(request, pk):
    ect = get_ect_for_user(request, pk)
    action = request.POST.get("action_name", "")
    form = StatusChangeForm(request.POST, action=action, for_mentor=False, prefix=action)
    if action in STATUS_KINDS and form.is_valid():
        if _change(request, form, kind=STATUS_KINDS[action], ect=ect, details=_status_details(form),
                   done=f"{ect.user}’s training status is changed."):
            return redirect("participants:ect", pk=ect.pk)
    return ect_detail(request, pk, status_form=form)


@require_POST
@role_required(*MANAGERS)
def mentor_status(request, pk):
    mentor = get_mentor_for_user(request, pk)
    action = request.POST.get("action_name", "")
    form = StatusChangeForm(request.POST, action=action, for_mentor=True, prefix=action)
    if action in STATUS_KINDS and form.is_valid():
        if _change(request, form, kind=STATUS_KINDS[action], mentor=mentor, details=_status_details(form),
                   done=f"{mentor.user}’s training status is changed."):
            return redirect("participants:mentor", pk=mentor.pk)
    return mentor_detail(request, pk, status_form=form)


@require_POST
@role_required(*MANAGERS)
def mentor_absence(request, pk):
    mentor = get_mentor_for_user(request, pk)
    form = MentorAbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.record_mentor_absence(actor=request.user, mentor=mentor, **form.cleaned_data)
        except services.ParticipantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{mentor.user}’s absence is recorded.")
            return redirect("participants:mentor", pk=mentor.pk)
    return mentor_detail(request, pk, absence_form=form)


@require_POST
@role_required(*MANAGERS)
def end_mentor_absence(request, pk):
    mentor = get_mentor_for_user(request, pk)
    absence = mentor.absences.filter(ended_on__isnull=True).first()
    form = EndAbsenceForm(request.POST)
    if absence is None:
        messages.error(request, f"{mentor.user} has no open absence to end.")
    elif form.is_valid():
        try:
            services.end_mentor_absence(actor=request.user, absence=absence, ended_on=form.cleaned_data["ended_on"])
        except services.ParticipantError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{mentor.user} is back: the absence ends on {long_date(form.cleaned_data['ended_on'])}.")
    else:
        messages.error(request, "Enter the last day away as a real date, for example 5 February 2027.")
    return redirect("participants:mentor", pk=mentor.pk)


def _invitation_for(request, pk):
    """A pending invitation of a person the active membership may manage, else 404."""
    invitation = (
        Invitation.objects.filter(tenant=request.tenant, pk=pk).select_related("membership__user", "membership__school").first()
    )
    if invitation is None or not invitations.can_invite(request.membership, invitation.membership):
        raise Http404
    return invitation


def _person_page(invitation):
    membership = invitation.membership
    if membership.role == Role.ECT:
        ect = ECT.objects.filter(tenant_id=membership.tenant_id, user_id=membership.user_id).first()
        if ect:
            return redirect("participants:ect", pk=ect.pk)
    if membership.role == Role.MENTOR:
        mentor = Mentor.objects.filter(tenant_id=membership.tenant_id, user_id=membership.user_id).first()
        if mentor:
            return redirect("participants:mentor", pk=mentor.pk)
    return redirect("participants:school", pk=membership.school_id)


@require_POST
@role_required(*MANAGERS)
def resend_invitation(request, pk):
    invitation = _invitation_for(request, pk)
    try:
        invitations.resend(inviter=request.membership, invitation=invitation)
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"We have sent the invitation to {invitation.email} again. The earlier link no longer works.")
    return _person_page(invitation)


@require_POST
@role_required(*MANAGERS)
def revoke_invitation(request, pk):
    invitation = _invitation_for(request, pk)
    try:
        invitations.revoke(inviter=request.membership, invitation=invitation)
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn: its link no longer works.")
    return _person_page(invitation)
