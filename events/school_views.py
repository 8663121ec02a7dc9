"""Work in progress."""

from django.http import Http404


def school_schedule(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def school_schedule_pdf(request, *args, **kwargs):  # replaced by the real view
    raise Http404

def book_for(request, *args, **kwargs):  # replaced by the real view
    raise Http404
