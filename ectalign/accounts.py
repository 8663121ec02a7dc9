"""allauth adapter: no open sign-up; people arrive by invitation."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ectalign.security import LOGIN_TIME_KEY


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    # Django rotates the session key at sign-in (cycle_key); start the absolute
    # lifetime clock on the new session.
    import time

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = time.time()
