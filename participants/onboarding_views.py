"""Pages for onboarding and the equality monitoring answers: the participant's own
form, their own answers (see, change, withdraw), and the delivery partner's counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache

from ectalign.access import role_required
from participants import onboarding
from participants.onboarding import OnboardingError
from participants.onboarding_forms import MonitoringForm, OnboardingForm
from programme.schedule import long_date
from schools.models import DELIVERY_PARTNER_ROLES, Role


@never_cache
@role_required(Role.ECT, Role.MENTOR)
def onboarding_form(request):
    """The ECT's or mentor's onboarding form, due by the end of the second teaching
    week of their school's autumn term; it can be changed after."""
    membership = request.membership
    form = OnboardingForm(request.POST or None, membership=membership, initial=(
        None if request.method == "POST" else onboarding.onboarding_initial(user=request.user, membership=membership)
    ))
    if request.method == "POST" and form.is_valid():
        try:
            onboarding.submit_onboarding(user=request.user, membership=membership, **form.service_kwargs())
        except OnboardingError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request, "Your onboarding is complete. You can change your answers at any time on the onboarding page."
            )
            return redirect("home")
    return render(request, "participants/onboarding/form.html", {
        "form": form,
        "membership": membership,
        "deadline": onboarding.deadline_for(user=request.user, membership=membership),
        "saved": onboarding.onboarding_for(user=request.user, tenant=request.tenant),
    })


@never_cache
@login_required
def my_monitoring(request):
    """The person's own monitoring answers: nobody else ever sees them."""
    answers = onboarding.my_monitoring(request.user)
    form = MonitoringForm(request.POST or None, initial=(
        {q.field: getattr(answers, q.field) for q in onboarding.QUESTIONS} if answers and request.method != "POST"
        else None
    ))
    if request.method == "POST" and form.is_valid():
        try:
            onboarding.save_monitoring(user=request.user, answers=form.monitoring_answers())
        except OnboardingError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Your monitoring answers are saved. Only you can see them.")
            return redirect("participants:my_monitoring")
    return render(request, "participants/onboarding/my_monitoring.html", {
        "form": form,
        "answers": answers,
        "rows": onboarding.monitoring_display(answers),
        "updated_on": long_date(answers.updated_at.date()) if answers else "",
    })


@never_cache
@login_required
def withdraw_monitoring(request):
    """Ask to confirm (GET), then delete the person's answers (POST)."""
    if request.method == "POST":
        if onboarding.withdraw_monitoring(user=request.user):
            messages.success(
                request, "Your monitoring answers are deleted. You can answer again on this page whenever you like."
            )
        else:
            messages.info(request, "You had no monitoring answers to withdraw.")
        return redirect("participants:my_monitoring")
    return render(request, "participants/onboarding/withdraw_monitoring.html", {
        "answers": onboarding.my_monitoring(request.user),
    })


@role_required(*DELIVERY_PARTNER_ROLES)
def monitoring_summary(request):
    """Counts of the monitoring answers of the delivery partner's ECTs and mentors,
    with small numbers suppressed."""
    return render(request, "participants/onboarding/monitoring_summary.html", {
        "summary": onboarding.monitoring_summary(tenant=request.tenant),
        "small_number": onboarding.SMALL_NUMBER,
        "not_shown": onboarding.NOT_SHOWN,
    })


urlpatterns = [
    path("onboarding/", onboarding_form, name="onboarding"),
    path("my-monitoring/", my_monitoring, name="my_monitoring"),
    path("my-monitoring/withdraw/", withdraw_monitoring, name="withdraw_monitoring"),
    path("monitoring-summary/", monitoring_summary, name="monitoring_summary"),
]
