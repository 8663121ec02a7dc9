"""The delivery partner's reports (its staff only): schools and cohorts compared, each
table filterable, sortable and downloadable as CSV; "Refresh now" with its progress;
the equality monitoring counts as CSV.

Views are thin: the figures come from ``reporting.partner_reports`` (sums over the
engagement snapshots, one query a table), the filters from ``reporting.partner_filters``,
the runs of the job from ``reporting.snapshots``. Everything is read for the active
membership's delivery partner alone."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from ectalign import caching
from ectalign.access import role_required
from ectalign.csv import write_rows
from participants import onboarding
from reporting import partner_reports, partner_tables, snapshots
from reporting.models import EngagementRefresh, EngagementSnapshot
from reporting.partner_filters import CohortReportFilter, SchoolReportFilter
from schools.models import DELIVERY_PARTNER_ROLES, School

REPORT_ROLES = DELIVERY_PARTNER_ROLES

# The columns of each table: (sort parameter, heading, numeric?).
SCHOOL_COLUMNS = [
    ("school", "School", False),
    ("ects", "ECTs", True),
    ("mentors", "Mentors", True),
    ("on_track", "On track", True),
    ("red", "Act now", True),
    ("amber", "Check", True),
    ("self_study", "Self-study done", True),
    ("coaching", "Coaching cycles logged", True),
    ("attendance", "Events attended", True),
    ("catch_up", "Catch-up to do", True),
    ("release", "Release time within the ceiling", True),
    ("onboarding", "Onboarded", True),
]
COHORT_COLUMNS = [("cohort", "Cohort", False), ("schools", "Schools", True), *SCHOOL_COLUMNS[1:]]

CSV_HEADER = [
    "ects", "mentors", "on_track_percent", "act_now", "check", "on_track", "paused",
    "self_study_done", "self_study_expected", "self_study_percent",
    "coaching_cycles_logged", "coaching_cycles_expected", "coaching_regularity_percent",
    "observations", "steps_recorded", "events_attended", "events_expected", "attendance_percent",
    "catch_up_outstanding", "release_time_within", "release_time_shortfall", "release_time_missing",
    "release_time_within_percent", "mentor_time_below_recommendation", "onboarded", "onboarding_percent",
]


def _csv_figures(f):
    return [
        f.ects, f.mentors, f.on_track_percent, f.red, f.amber, f.green, f.paused,
        f.self_study_done, f.self_study_expected, f.self_study_percent,
        f.cycles_logged, f.cycles_expected, f.coaching_percent,
        f.observations, f.steps_recorded, f.events_attended, f.events_expected, f.attendance_percent,
        f.catch_up, f.release_within, f.release_shortfall, f.release_missing,
        f.release_percent, f.mentor_time_below, f.onboarded, f.onboarding_percent,
    ]


def _csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 with a byte-order mark
    write_rows(response, header, rows)  # formula-escaped (ectalign.csv)
    return response


def _sort_links(request, columns, current):
    """Each column's heading with the link that sorts by it (ascending first, then
    descending) and its ``aria-sort`` state, the filters kept."""
    links = []
    for param, label, numeric in columns:
        if current == param:
            state, target = "ascending", f"-{param}"
        elif current == f"-{param}":
            state, target = "descending", param
        else:
            state, target = "none", param
        query = request.GET.copy()
        query["sort"] = target
        query.pop("format", None)
        links.append({"label": label, "url": f"?{query.urlencode()}", "state": state, "numeric": numeric})
    return links


def _csv_query(request):
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


HEADINGS = {"schools": "Schools compared", "cohorts": "Cohorts compared"}


def _status(tenant_id, run, shown=None):
    """The status line's context: the latest run, whether one is going now, and whether
    newer figures are ready than those on the page (``shown``: the run it shows)."""
    refresh = snapshots.latest_refresh(tenant_id=tenant_id)
    return {
        "refresh": refresh,
        "run": run,
        "refreshing": snapshots.is_running(refresh),
        "shown": (run.pk if run is not None else "") if shown is None else shown,
        "newer": shown is not None and run is not None and str(run.pk) != shown,
    }


def _totals(table, figures, report_filter):
    """Everyone together, each person once: the sum of the cohort table's rows (a cohort
    table counts each person once, and every person has one cohort or none). Not shown
    when the state filter leaves some cohorts out, nor on the schools table, where a
    mentor of several schools counts at each (its sum would count them twice)."""
    if table != "cohorts" or report_filter.form.cleaned_data.get("state"):
        return None
    return partner_reports.Figures(**{
        name: sum(getattr(f, name) for f in figures) for name in partner_reports.Figures.FIELDS
    })


def _report(request, *, filter_class, figures_of, row_html, columns, template, table):
    tenant = request.tenant
    run = partner_reports.report_run(tenant_id=tenant.pk)
    rows = (
        partner_reports.snapshots(tenant_id=tenant.pk, on=run.on) if run is not None
        else EngagementSnapshot.objects.none()
    )
    report_filter = filter_class(request.GET, rows, tenant_id=tenant.pk)
    period = report_filter.chosen_period
    if request.GET.get("format") == "csv":
        return _csv(tenant, run, table, [figures_of(row) for row in report_filter.qs], period)

    def compute():
        figures = [figures_of(row) for row in report_filter.qs]
        # One string: a template loop over 300 rows costs more than the rows themselves.
        body = "".join(f'<tr class="govuk-table__row">{row}</tr>' for row in row_html(figures))
        return {"figures": figures, "body": body}

    if run is None:
        found = compute()
    else:
        # The figures change only when a run finishes, so the table is kept per run (and
        # per filters and sort): names and numbers alike are those of the run's figures.
        query = sorted((k, v) for k, v in request.GET.items() if k in report_filter.filters)
        found = caching.cached_fragment(("partner-report", table, tenant.pk, run.pk, tuple(query)), compute)
    figures = found["figures"]
    filtered = any(request.GET.get(name) for name in report_filter.filters if name not in ("sort", "period"))
    return render(request, template, {
        **_status(tenant.pk, run),
        "heading": HEADINGS[table],
        "table": table,
        "row_noun": table[:-1],
        "totals": _totals(table, figures, report_filter),
        "filter": report_filter,
        "rows": figures,
        "table_body": mark_safe(found["body"]),  # built by us: every name escaped
        "filtered": filtered,
        "period": period,
        "period_label": partner_reports.PERIODS[period],
        "columns": _sort_links(request, columns, report_filter.chosen_sort),
        "csv_query": _csv_query(request),
        "clear_url": request.path,
    })


def _csv(tenant, run, table, figures, period):
    day = run.on.isoformat() if run else "none"
    about = [run.on.isoformat() if run else "", partner_reports.PERIODS[period]]
    if table == "schools":
        header = ["school", "urn", "phase", "type", *CSV_HEADER, "day_judged", "period"]
        rows = [
            [f.name, f.urn, School.Phase(f.phase).label if f.phase else "", School.Type(f.type).label if f.type else "",
             *_csv_figures(f), *about]
            for f in figures
        ]
    else:
        header = ["cohort", "schools", *CSV_HEADER, "day_judged", "period"]
        rows = [[f.name, f.schools, *_csv_figures(f), *about] for f in figures]
    return _csv_response(f"engagement-by-{table[:-1]}-{tenant.slug}-{day}.csv", header, rows)


@role_required(*REPORT_ROLES)
@require_safe
def schools(request):
    """Every school of the delivery partner side by side, each linked to its dashboard."""
    return _report(
        request, filter_class=SchoolReportFilter, figures_of=partner_reports.school_figures,
        row_html=partner_tables.school_rows, columns=SCHOOL_COLUMNS, template="reporting/partner/schools.html",
        table="schools",
    )


@role_required(*REPORT_ROLES)
@require_safe
def cohorts(request):
    """The same figures by cohort, each person counted once."""
    return _report(
        request, filter_class=CohortReportFilter, figures_of=partner_reports.cohort_figures,
        row_html=partner_tables.cohort_rows, columns=COHORT_COLUMNS, template="reporting/partner/cohorts.html",
        table="cohorts",
    )


@role_required(*REPORT_ROLES)
@require_POST
def refresh(request):
    """"Refresh now": work the figures out again (in the background), unless a run is
    already going; back to the report, which shows its progress."""
    run, started = snapshots.start_refresh(actor=request.user, tenant_id=request.tenant.pk)
    run.refresh_from_db()  # in eager mode the job has run already
    if run.status == EngagementRefresh.Status.DONE:
        messages.success(request, "The figures are up to date.")
    elif run.status == EngagementRefresh.Status.FAILED:
        messages.error(request, run.error)
    elif started:
        messages.info(request, "The figures are being worked out: the page shows how far it has got. You can leave it "
                               "and come back.")
    else:
        messages.info(request, "The figures are already being worked out: the page shows how far it has got.")
    back = "partner_reports:cohorts" if request.POST.get("next") == "cohorts" else "partner_reports:schools"
    return redirect(back)


@role_required(*REPORT_ROLES)
@require_safe
def refresh_status(request):
    """The status line and progress of the latest run (the fragment the report's page
    fetches again while a run is going)."""
    run = partner_reports.report_run(tenant_id=request.tenant.pk)
    table = "cohorts" if request.GET.get("table") == "cohorts" else "schools"
    return render(request, "reporting/partner/_refresh.html", {
        **_status(request.tenant.pk, run, shown=request.GET.get("shown", "")),
        "table": table,
        "report_url": reverse(f"partner_reports:{table}"),
    })


@role_required(*REPORT_ROLES)
@require_safe
def monitoring_csv(request):
    """The equality monitoring counts as the summary page shows them: small numbers
    already suppressed by ``participants.onboarding.monitoring_summary`` (the one rule)."""
    summary = onboarding.monitoring_summary(tenant=request.tenant)
    rows = [["People who answered", "", summary.respondents]]
    for item in summary.questions:
        rows += [[item.question.text, answer, count] for answer, count in item.rows]
    return _csv_response(
        f"equality-monitoring-{request.tenant.slug}.csv", ["question", "answer", "people"], rows
    )
