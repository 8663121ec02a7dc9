"""The release-time compliance PDF's measurement (issue 8): the LARGE tenant's focus
school (30 ECTs) for the autumn term of 2026-27, rendered by WeasyPrint as the page's
download does (``reporting.pdf``). Budget: a median under 1.5 seconds of wall-clock
time over ``RUNS`` renderings (the first, which loads the fonts, is left out as warm-up).
"""

import statistics
import time

CASE = "release_time_pdf"
BUDGET_SECONDS = 1.5
RUNS = 7
TERM = "2026-autumn"


def measure(contexts, log):
    from django_scopes import scopes_disabled

    from ectalign.tenancy import tenant_scope
    from reporting import pdf
    from schools.models import School

    ctx = contexts["large"]
    with scopes_disabled():
        school = School.objects.get(pk=ctx.focus_school_id)
    log(f"bench: the release-time PDF of {school.name} ({RUNS} renderings after a warm-up)")
    times = []
    with tenant_scope(school.tenant_id):
        for run in range(RUNS + 1):
            started = time.perf_counter()
            report = pdf.school_report(school=school, term=TERM)
            body = pdf.release_time_pdf(report)
            if run:
                times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {
        "name": CASE, "ects": len(report.rows), "bytes": len(body), "median_seconds": round(median, 3),
        "seconds": [round(t, 3) for t in times], "budget_seconds": BUDGET_SECONDS,
        "status": "over_budget" if median > BUDGET_SECONDS else "ok",
    }


def line(entry):
    return (
        f"{entry['name']}: {entry['ects']} ECTs, median {entry['median_seconds']:.2f} s over {len(entry['seconds'])} "
        f"renderings, budget {entry['budget_seconds']} s: {entry['status']}"
    )
