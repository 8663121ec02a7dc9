"""Work in progress."""

from django.http import Http404


def my_sessions(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def register(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def register_pdf(request, *args, **kwargs):  # replaced by the real view
    raise Http404
