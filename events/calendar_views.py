"""Calendar pages: per-session .ics downloads, the private feed addresses page and the
feeds themselves (built by ``events.calendar``)."""

from django.http import Http404


def session_ics(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def calendar_settings(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def feed(request, *args, **kwargs):  # replaced by the real view
    raise Http404
