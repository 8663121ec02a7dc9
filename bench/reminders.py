"""The reminder scan's measurement (issue 9): ``notifications.scan.scan_tenant`` for the
SMALL and the LARGE tenant on the pinned date (``bench.TODAY`` at 08:00 UK time, when
the day's reminders fall due), inside a transaction that is rolled back, so the cached
database does not change. Budget: 30 seconds of wall-clock time at LARGE; the number of
SQL queries is reported at both sizes and must not grow with the participants.

The new rows are written by one bulk insert, which the database driver sends in batches
(``notifications.scan.INSERT_BATCH`` rows; SQLite's 999-parameter limit makes its
batches about 66 rows): a statement per batch of reminders written, not per participant.
Those statements are counted apart (``insert_batches``) and the growth check is on the
other queries, the reads and the sweep.
"""

import datetime as dt
import time

from bench import TODAY

CASE = "reminder_scan"
BUDGET_SECONDS = 30


class _RolledBack(Exception):
    pass


def measure(contexts, log):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from notifications.scan import scan_tenant
    from schools.models import Tenant

    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(8, 0)))
    found = {}
    for size in ("small", "large"):
        with scopes_disabled():
            tenant = Tenant.objects.get(pk=contexts[size].tenant_id)
        log(f"bench: the reminder scan of the {size.upper()} tenant (rolled back afterwards)")
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                started, cpu = time.perf_counter(), time.thread_time()
                result = scan_tenant(tenant, now=now, queue=False)
                seconds = {"wall": round(time.perf_counter() - started, 2), "cpu": round(time.thread_time() - cpu, 2)}
                inserts = sum(1 for q in queries.captured_queries if _is_insert(q["sql"]))
                found[size] = {
                    "seconds": seconds, "created": result.created,
                    "queries": len(queries.captured_queries) - inserts, "insert_batches": inserts,
                }
                raise _RolledBack
        except _RolledBack:
            pass
    over = found["large"]["seconds"]["wall"] > BUDGET_SECONDS
    growth = found["large"]["queries"] > found["small"]["queries"]
    status = ", ".join(name for name, bad in (("over_budget", over), ("query_growth", growth)) if bad) or "ok"
    return {"name": CASE, "sizes": found, "budget_seconds": BUDGET_SECONDS, "status": status}


def _is_insert(sql):
    return sql.lstrip().upper().startswith("INSERT") and "notifications_notification" in sql


def line(entry):
    small, large = entry["sizes"]["small"], entry["sizes"]["large"]
    return (
        f"{entry['name']}: SMALL {small['seconds']['wall']:.2f} s, {small['queries']} queries, {small['created']:,} rows "
        f"({small['insert_batches']} insert batches); "
        f"LARGE {large['seconds']['wall']:.2f} s wall-clock ({large['seconds']['cpu']:.2f} s CPU), "
        f"{large['queries']} queries, {large['created']:,} rows ({large['insert_batches']} insert batches); "
        f"budget {entry['budget_seconds']} s: {entry['status']}"
    )
