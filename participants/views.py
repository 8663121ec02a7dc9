"""Pages for participants: invitations, lists, person pages and pairing."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from ectalign.tenancy import activate_membership, tenant_scope
from participants import invitations
from participants.forms import AccountSetUpForm

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
    from schools.models import Role

    if membership.role in (Role.ECT, Role.MENTOR):
        try:
            return reverse("participants:onboarding")
        except Exception:  # the onboarding page lands with its own work
            return reverse("home")
    return reverse("home")
