"""The CSV import's measurement (bench/README.md, "The import"): a generated file of
1,000 new people for the LARGE tenant's focus school, read and applied as the upload
page does (preview, then apply with the induction tutor as inviter), inside a
transaction that is rolled back, so the cached database does not change.

Budget: 10 seconds of wall-clock time for the whole apply (it reads and checks the file
again before writing), on the bench database.
"""

import io
import time

from bench import HarnessError

CASE = "import_1000_rows"
ROWS = 1000
MENTORS = 200  # and 800 ECTs, each paired with one of them (four ECTs per mentor)
BUDGET_SECONDS = 10
COHORT = "September 2026"  # the generator's year-1 cohort (bench/generate.py COHORTS)


class _RolledBack(Exception):
    """Raised inside the measured transaction to undo it."""


def import_file(rows=ROWS, mentors=MENTORS):
    """The generated CSV (bytes): ``mentors`` mentors, then ECTs paired with them in turn."""
    from ectalign.csv import write_rows
    from participants.importing import TEMPLATE_HEADER

    def ect(i):
        mentor = f"import.mentor{i % mentors}@focus.bench.ectalign.test"
        return ("ect", f"Imported ECT {i}", f"import.ect{i}@focus.bench.ectalign.test", f"{8000000 + i}",
                "02/09/2026", "1.0" if i % 10 else "0.6", "Primary", "", "", COHORT, "", mentor)

    def mentor(i):
        return ("mentor", f"Imported Mentor {i}", f"import.mentor{i}@focus.bench.ectalign.test", "", "", "", "",
                "", "", COHORT, "new", "")

    out = io.StringIO()
    write_rows(out, TEMPLATE_HEADER, [mentor(i) for i in range(mentors)] + [ect(i) for i in range(rows - mentors)])
    return out.getvalue().encode("utf-8")


def measure(contexts, log):
    """Preview and apply the file in the LARGE tenant's focus school; return the case's
    results (both clocks, seconds)."""
    from django.db import transaction
    from django_scopes import scopes_disabled

    from ectalign.tenancy import tenant_scope
    from participants import importing
    from schools.models import Membership, Role, School

    ctx = contexts["large"]
    with scopes_disabled():
        school = School.objects.select_related("tenant").get(pk=ctx.focus_school_id)
        tutor = Membership.objects.select_related("user", "tenant", "school").get(
            user_id=ctx.users["induction_tutor"], school=school, role=Role.INDUCTION_TUTOR
        )
    data = import_file()
    # The upload page runs in a web process whose URLs are loaded; so does `make bench`
    # after the pages. Run alone, the first reverse() inside the import would load them.
    from django.urls import get_resolver

    get_resolver().url_patterns
    log(f"bench: importing {ROWS:,} rows into {school.name} (rolled back afterwards)")
    with tenant_scope(school.tenant_id):
        started, cpu = time.perf_counter(), time.thread_time()
        preview = importing.preview(school=school, data=data, inviter=tutor)
        preview_wall, preview_cpu = time.perf_counter() - started, time.thread_time() - cpu
        if preview.has_errors:
            row, error = preview.errors[0]
            raise HarnessError(
                f"the generated import file has errors: row {row.number}, {error.column}: {error.message}"
            )
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            with transaction.atomic():
                result = importing.apply(actor=tutor.user, school=school, data=data, inviter=tutor)
                apply_wall, apply_cpu = time.perf_counter() - started, time.thread_time() - cpu
                raise _RolledBack
        except _RolledBack:
            pass
    if result.created != ROWS:
        raise HarnessError(f"the import created {result.created} people, not {ROWS}")
    over = apply_wall > BUDGET_SECONDS
    return {
        "name": CASE,
        "rows": ROWS,
        "created": result.created,
        "invited": result.invited,
        "school": school.name,
        "seconds": {"wall": round(apply_wall, 2), "cpu": round(apply_cpu, 2)},
        "preview_seconds": {"wall": round(preview_wall, 2), "cpu": round(preview_cpu, 2)},
        "budget_seconds": BUDGET_SECONDS,
        "status": "over_budget" if over else "ok",
    }


def line(entry):
    """One line for the bench's output."""
    return (
        f"{entry['name']}: {entry['rows']:,} new people (preview {entry['preview_seconds']['wall']:.2f} s), "
        f"apply {entry['seconds']['wall']:.2f} s wall-clock ({entry['seconds']['cpu']:.2f} s CPU), "
        f"budget {entry['budget_seconds']} s: {entry['status']}"
    )
