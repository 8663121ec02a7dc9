"""The admin for delivery-partner staff, scoped to their tenant, and for platform
superusers across tenants. Sign-in goes through allauth (rate limits, MFA)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse


def is_admin_user(request):
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    membership = getattr(request, "membership", None)
    return bool(membership and membership.is_delivery_partner)


class EctalignAdminSite(admin.AdminSite):
    site_header = "ectalign administration"
    site_title = "ectalign admin"
    index_title = "Delivery partner administration"

    def has_permission(self, request):
        return is_admin_user(request)

    def login(self, request, extra_context=None):
        """The admin has no sign-in form of its own: allauth's applies its rate limits
        and asks for the second factor."""
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(next_url)
            raise PermissionDenied("Your active role cannot use the admin. Switch to a delivery partner role.")
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
