"""The induction tutor's dashboard (the headteacher reads the same, and the delivery
partner's staff drill down to it): each ECT's and mentor's state this week with its
reasons, what needs action, the term's trend, and one person's detail."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils import timezone

from ectalign import caching
from ectalign.access import role_required
from participants.models import ECT, Mentor
from participants.selectors import programme_year
from reporting import charts, dashboard, engagement
from reporting.dashboard_filters import DashboardFilter
from ectalign.models import User
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES
from schools.selectors import get_school_for_user

DASHBOARD_ROLES = (*SCHOOL_LEADER_ROLES, *DELIVERY_PARTNER_ROLES)


def _current_mentor_ids(facts, on):
    found = {}
    for ect_pk, mentorships in facts.mentorships.items():
        current = next((m for m in reversed(mentorships) if m.covers(on)), None)
        if current:
            found[ect_pk] = current.mentor_id
    return found


@role_required(*DASHBOARD_ROLES)
def school_dashboard(request, pk):
    """The school's week. Its body is computed once per change: kept in the shared cache
    under the tenant's engagement and calendar generations (``ectalign.caching``: any
    tick, coaching log, booking, mark, pairing, pause or status replaces them), the date
    and the filters asked for. Access is checked first."""
    school = get_school_for_user(request, pk)
    on = timezone.localdate()
    query = sorted((k, v) for k, v in request.GET.items() if k in DashboardFilter.base_filters)
    key = ("school-dashboard", school.pk, school.name, on, tuple(query),
           caching.engagement_generation(school.tenant_id), caching.calendar_generation(school.tenant_id))
    body = caching.cached_fragment(key, lambda: _school_body(request, school, on))
    return render(request, "reporting/dashboard/school.html", {
        "school": school, "on": on, "body": mark_safe(body),  # rendered by us
    })


def _school_body(request, school, on):
    start = dashboard.term_start(school, on)
    facts, results = engagement.school_engagement(school, start=start, on=on)
    years = {e.pk: programme_year(e.cohort, on) for e in facts.ects}
    mentor_of = _current_mentor_ids(facts, on)
    people = User.objects.filter(pk__in=[r.user.pk for r in results])
    dashboard_filter = DashboardFilter(request.GET or None, people, school=school, results=results, years=years,
                                       mentor_of=mentor_of)
    rows = dashboard.sort_rows(results)
    filtered = dashboard_filter.is_bound and any(request.GET.get(name) for name in dashboard_filter.filters)
    if filtered:
        shown = set(dashboard_filter.qs.values_list("pk", flat=True))
        rows = [r for r in rows if r.user.pk in shown]
    points = engagement.trend(facts, start=start, weeks=dashboard.week_ends(start, on))
    return render_to_string("reporting/dashboard/_school_body.html", {
        "school": school, "on": on, "start": start, "rows": rows, "total": len(results),
        "filter": dashboard_filter, "filtered": filtered,
        "counts": engagement.level_counts(results),
        "actions": dashboard.actions(school, results),
        "years": years,
        "trend": points,
        "trend_svg": charts.trend_svg(points, title=f"{school.name}: states week by week this term"),
        "level_labels": engagement.LEVEL_LABELS,
        "clear_url": request.path,
    })


def _person(request, pk, model, record_pk):
    school = get_school_for_user(request, pk)
    on = timezone.localdate()
    ects, mentors = engagement.school_people(school, on)
    if model is ECT:
        ects, mentors = ects.filter(pk=record_pk), Mentor.objects.none()
    else:
        ects, mentors = ECT.objects.none(), mentors.filter(pk=record_pk)
    start = dashboard.term_start(school, on)
    facts = engagement.read_facts(tenant_id=school.tenant_id, ects=ects, mentors=mentors, today=on)
    if not (facts.ects or facts.mentors):
        raise Http404
    record = (facts.ects or facts.mentors)[0]
    assess = engagement.assess_ect if model is ECT else engagement.assess_mentor
    result = assess(facts, record, start=start, on=on)
    since_start = assess(facts, record, start=getattr(record, "induction_start", start), on=on)
    weeks = dashboard.week_ends(start, on)
    history = [(day, assess(facts, record, start=start, on=day)) for day in weeks]
    return render(request, "reporting/dashboard/person.html", {
        "school": school, "on": on, "start": start, "result": result, "since_start": since_start,
        "history": history, "level_labels": engagement.LEVEL_LABELS,
        "actions": [dashboard.Action(result, reason, dashboard.cause_url(school, result, reason))
                    for reason in result.sorted_reasons],
    })


@role_required(*DASHBOARD_ROLES)
def ect(request, pk, ect_pk):
    return _person(request, pk, ECT, ect_pk)


@role_required(*DASHBOARD_ROLES)
def mentor(request, pk, mentor_pk):
    return _person(request, pk, Mentor, mentor_pk)


@role_required(*DASHBOARD_ROLES)
def school_dashboard_pdf(request, pk):
    """This week at the school as a PDF (WeasyPrint): the counts, what needs action,
    everyone's state with the reasons, and the term's trend as the same SVG chart."""
    from ectalign.pdf import pdf_response, render_pdf

    school = get_school_for_user(request, pk)
    on = timezone.localdate()
    start = dashboard.term_start(school, on)
    facts, results = engagement.school_engagement(school, start=start, on=on)
    points = engagement.trend(facts, start=start, weeks=dashboard.week_ends(start, on))
    body = render_pdf("reporting/dashboard/pdf.html", {
        "school": school, "on": on, "start": start, "rows": dashboard.sort_rows(results),
        "counts": engagement.level_counts(results), "actions": dashboard.actions(school, results),
        "trend_svg": charts.trend_svg(points, title=f"{school.name}: states week by week this term"),
        "level_labels": engagement.LEVEL_LABELS, "generated": timezone.now(),
    })
    return pdf_response(body, f"dashboard-{school.urn}-{on:%Y-%m-%d}.pdf")
