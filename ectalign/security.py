"""Session lifetime, MFA for admin users, and no-store caching of personal pages."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_TIME_KEY = "signed_in_at"
RENEWED_KEY = "renewed_at"


class SessionLifetimeMiddleware:
    """End a session ``SESSION_ABSOLUTE_LIFETIME_SECONDS`` after sign-in, however
    active it has been, and renew the idle timeout (the session's expiry) while the
    person works, writing the renewal at most every ``SESSION_RENEW_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            now = time.time()
            if started is None:
                request.session[LOGIN_TIME_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_LIFETIME_SECONDS:
                logout(request)
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            if now - request.session.get(RENEWED_KEY, 0) > settings.SESSION_RENEW_SECONDS:
                request.session[RENEWED_KEY] = now  # saving resets the expiry to the idle timeout
        return self.get_response(request)


def needs_mfa(user, memberships):
    """Platform superusers and delivery-partner staff must use TOTP outside demo mode."""
    if not settings.REQUIRE_STAFF_MFA or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or any(m.is_delivery_partner for m in memberships)


class StaffMFAMiddleware:
    """Send admin users without an authenticator app to set one up before they reach
    the admin. allauth then asks for the code at every sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and needs_mfa(
            request.user, getattr(request, "memberships", [])
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in person carry personal data: never keep them in a
    shared or browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response
