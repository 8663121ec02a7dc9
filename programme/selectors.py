"""Reads of programmes: the list, one programme by slug, and its outline.

``programme_outline`` is the one description of a programme that both the
``programme_export`` command (as JSON) and the public overview page show, so the two
never disagree. It runs a fixed number of queries, whatever the number of modules.
"""

import calendar
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.http import Http404

from programme.models import (
    DiagnosticQuestion,
    EventTemplate,
    Module,
    ModuleActivity,
    Programme,
)


def programme_list():
    """Every programme by slug (so each mentor programme follows its ECT programme), with
    the number of modules and events."""
    return (
        Programme.objects.annotate(
            module_count=Count("modules", distinct=True), event_count=Count("events", distinct=True)
        )
        .select_related("ect_programme")
        .order_by("slug")
    )


def get_programme(slug):
    """One programme by slug, or 404. Programmes are global and public: no tenant check."""
    try:
        return Programme.objects.get(slug=slug)
    except Programme.DoesNotExist:
        raise Http404(f"No programme with slug {slug}.") from None


def _number(value):
    """Hours as a plain number: 6 rather than 6.00, 1.5 rather than 1.50."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _weeks_text(start, end):
    return f"{start}" if start == end else f"{start}-{end}"


def programme_outline(programme):
    """A programme as plain data (JSON-ready): strands, years, terms with their themes,
    modules placed by week, events and the totals of hours by kind.

    Conference and clinic hours are added up from the events; self-study hours are the
    totals the lead provider states per year (modules carry no hours)."""
    years = list(programme.years.order_by("number"))
    strands = list(programme.strands.order_by("order", "code"))
    terms = list(programme.terms.select_related("year").order_by("number"))
    modules = list(
        Module.objects.filter(programme=programme)
        .select_related("strand", "term__year", "end_term__year")
        .prefetch_related(Prefetch("activities", ModuleActivity.objects.order_by("order")))
        .order_by("order", "code")
    )
    events = list(
        EventTemplate.objects.filter(programme=programme)
        .select_related("term__year")
        .order_by("term__number", "half_term", "kind", "number")
    )
    focus_areas = list(programme.coaching_focus_areas.order_by("order", "code"))
    questions = list(
        DiagnosticQuestion.objects.filter(programme=programme)
        .select_related("strand")
        .prefetch_related(Prefetch("suggested_modules", Module.objects.order_by("order", "code")))
        .order_by("order")
    )
    companions = list(programme.mentor_programmes.order_by("slug")) if not programme.is_mentor_programme else []
    ect_programme = (
        Programme.objects.filter(pk=programme.ect_programme_id).first() if programme.ect_programme_id else None
    )

    modules_by_term = {}
    unscheduled = []
    for module in modules:
        row = _module_outline(module)
        if module.term_id:
            modules_by_term.setdefault(module.term_id, []).append(row)
        else:
            unscheduled.append(row)
    events_by_term = {}
    for event in events:
        events_by_term.setdefault(event.term_id, []).append(_event_outline(event))

    self_study = [
        {"year": y.number, "hours": _number(y.self_study_hours)} for y in years if y.self_study_hours is not None
    ]
    totals = {
        "conference_hours": _number(sum((e.hours for e in events if e.kind == EventTemplate.Kind.CONFERENCE), Decimal(0))),
        "clinic_hours": _number(sum((e.hours for e in events if e.kind == EventTemplate.Kind.CLINIC), Decimal(0))),
        "conferences": sum(1 for e in events if e.kind == EventTemplate.Kind.CONFERENCE),
        "clinics": sum(1 for e in events if e.kind == EventTemplate.Kind.CLINIC),
        "self_study_hours": self_study or None,
        "self_study_hours_total": _number(sum(Decimal(str(s["hours"])) for s in self_study)) if self_study else None,
    }

    return {
        "slug": programme.slug,
        "title": programme.title,
        "audience": programme.audience,
        "audience_label": programme.get_audience_display(),
        "lead_provider": programme.lead_provider,
        "version": programme.version,
        "version_inferred": programme.version_inferred,
        "source": programme.source,
        "ect_programme": {"slug": ect_programme.slug, "title": ect_programme.title} if ect_programme else None,
        "mentor_programmes": [{"slug": p.slug, "title": p.title} for p in companions],
        "strands": [{"code": s.code, "name": s.name} for s in strands],
        "years": [
            {"number": y.number, "weeks": y.weeks, "self_study_hours": _number(y.self_study_hours)} for y in years
        ],
        "terms": [
            {
                "number": t.number,
                "year": t.year.number,
                "season": t.season,
                "season_label": t.get_season_display(),
                "theme": t.theme,
                "theme_inferred": t.theme_inferred,
                "start_week": t.start_week,
                "end_week": t.end_week,
                "weeks": _weeks_text(t.start_week, t.end_week),
                "modules": modules_by_term.get(t.pk, []),
                "events": events_by_term.get(t.pk, []),
            }
            for t in terms
        ],
        "unscheduled_modules": unscheduled,
        "coaching_focus_areas": [
            {"code": a.code, "title": a.title, "description": a.description} for a in focus_areas
        ],
        "diagnostic_questions": [
            {
                "number": q.order,
                "strand": q.strand.code if q.strand_id else None,
                "strand_name": q.strand.name if q.strand_id else None,
                "text": q.text,
                "suggests_modules": [m.code for m in q.suggested_modules.all()],
            }
            for q in questions
        ],
        "totals": totals,
    }


def _module_outline(module):
    last = module.end_term or module.term
    release = (
        f"{module.release_day} {calendar.month_name[module.release_month]}"
        if module.release_month and module.release_day else None
    )
    return {
        "code": module.code,
        "title": module.title,
        "strand": module.strand.code if module.strand_id else None,
        "strand_name": module.strand.name if module.strand_id else None,
        "strand_inferred": module.strand_inferred,
        "kind": module.kind,
        "kind_label": module.get_kind_display(),
        "year": module.term.year.number if module.term_id else None,
        "term": module.term.number if module.term_id else None,
        "end_term": module.end_term.number if module.end_term_id else None,
        "start_week": module.start_week,
        "end_week": module.end_week,
        "end_year": last.year.number if last else None,
        "weeks": _weeks_text(module.start_week, module.end_week) if module.term_id else None,
        "release_date": f"--{module.release_month:02d}-{module.release_day:02d}" if release else None,
        "release_date_label": release,
        "summary": module.summary,
        "activities": [{"kind": a.kind, "title": a.title} for a in module.activities.all()],
    }


def _event_outline(event):
    return {
        "code": event.code,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "number": event.number,
        "title": event.title,
        "audience": event.audience,
        "audience_label": event.get_audience_display(),
        "year": event.term.year.number,
        "term": event.term.number,
        "half_term": event.half_term or None,
        "half_term_label": event.get_half_term_display() if event.half_term else None,
        "hours": _number(event.hours),
        "hours_inferred": event.hours_inferred,
    }
