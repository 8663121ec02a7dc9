"""Work in progress."""

from django.http import Http404


def my_events(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def choose_session(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def session_detail(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def cancel_booking(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def catch_up(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def my_schedule_pdf(request, *args, **kwargs):  # replaced by the real view
    raise Http404
