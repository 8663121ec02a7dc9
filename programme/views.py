"""The public, read-only programme overview: the list of programmes and one programme's
outline (the same outline the ``programme_export`` command prints)."""

from django.shortcuts import render

from programme import selectors


def programme_list(request):
    return render(request, "programme/programme_list.html", {"programmes": selectors.programme_list()})


def programme_detail(request, slug):
    programme = selectors.get_programme(slug)
    return render(
        request,
        "programme/programme_detail.html",
        {"programme": programme, "outline": selectors.programme_outline(programme)},
    )
