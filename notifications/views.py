"""The notification centre, preferences and the public one-click unsubscribe.

The centre lists the person's notifications in the active delivery partner (the
request's scope), everything e-mailed included. Unsubscribe needs no sign-in: the
signed token names the person, the delivery partner and one kind.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ectalign.tenancy import tenant_scope
from notifications import centre as centre_rules
from notifications import preferences
from notifications.models import Kind

PER_PAGE = 50


def _mine(request):
    return centre_rules.listed_for(tenant=request.tenant, user=request.user)


@login_required
def centre(request):
    page = Paginator(_mine(request).order_by("-due_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/centre.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def mark_read(request, pk):
    updated = centre_rules.mark_read(tenant=request.tenant, user=request.user, pk=pk)
    if not updated and not _mine(request).filter(pk=pk).exists():
        raise Http404
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request):
    centre_rules.mark_read(tenant=request.tenant, user=request.user)
    messages.success(request, "All your notifications are marked as read.")
    return redirect("notifications:centre")


@login_required
@require_http_methods(["GET", "POST"])
def preference_page(request):
    if request.tenant is None:
        raise Http404
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        for kind, _label, _enabled, essential in preferences.preferences_of(
            tenant_id=request.tenant.pk, user_id=request.user.pk
        ):
            if not essential:
                preferences.set_preference(tenant_id=request.tenant.pk, user_id=request.user.pk, kind=kind,
                                           enabled=kind in wanted)
        messages.success(request, "Your choices are saved.")
        return redirect("notifications:preferences")
    rows = preferences.preferences_of(tenant_id=request.tenant.pk, user_id=request.user.pk)
    return render(request, "notifications/preferences.html", {"rows": rows})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs with no session and no token of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = preferences.read_token(token)
    if found is None:
        raise Http404
    tenant_id, user_id, kind = found
    if kind in preferences.ESSENTIAL_KINDS:
        raise Http404
    label = Kind(kind).label
    if request.method == "POST":
        with tenant_scope(tenant_id):
            preferences.set_preference(tenant_id=tenant_id, user_id=user_id, kind=kind, enabled=False)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
