"""In-process measurement: every page case at SMALL and at LARGE, against the baseline.

For each case and size: a signed-in ``django.test.Client``, a few warm-up requests, the
SQL queries of one request (``CaptureQueriesContext``, outside the timed requests), then
``BENCH_ITERATIONS`` timed requests. Timed requests are interleaved: every round visits
all (case, size) pairs in a shuffled order, each page request preceded by one request to
the baseline page, so noise on a shared machine falls on the baseline and the pages alike.
"""

import gc
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

from bench import RESULTS_FILE, HarnessError

BASELINE_PATH = "/__bench__/baseline/"


def log(message):
    print(message, file=sys.stderr, flush=True)


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


@dataclass
class Target:
    case: object
    size: str
    url: str
    client: object
    queries: list = field(default_factory=list)  # per counted request
    sql: list = field(default_factory=list)  # of the last counted request
    samples: list = field(default_factory=list)  # (wall seconds, CPU seconds) per timed request


def get(client, url):
    """GET ``url``; return its (wall-clock, thread CPU) time in seconds."""
    wall, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    if response.status_code != 200:
        where = response.get("Location", "")
        raise HarnessError(f"GET {url} answered {response.status_code}{' -> ' + where if where else ''}")
    return wall, cpu


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def wanted_cases():
    return [name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()]


def selected_pages():
    from bench.imports import CASE as IMPORT_CASE
    from bench.pages import PAGES
    from bench.pdfs import CASE as PDF_CASE
    from bench.reminders import CASE as SCAN_CASE

    wanted = wanted_cases()
    if not wanted:
        return list(PAGES)
    unknown = set(wanted) - {case.name for case in PAGES} - {IMPORT_CASE, SCAN_CASE, PDF_CASE}
    if unknown:
        raise HarnessError(f"BENCH_PAGES names unknown cases: {', '.join(sorted(unknown))}")
    return [case for case in PAGES if case.name in wanted]


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def choose_clock():
    """``cpu`` (the request's thread CPU time) when the database runs in-process
    (SQLite): unlike wall-clock time it does not grow when a busy machine preempts the
    bench, which penalises long requests more than the short baseline. ``wall`` when
    the database is another process (PostgreSQL), whose work CPU time would miss."""
    from django.db import connection

    clock = os.environ.get("BENCH_CLOCK", "").strip().lower() or ("cpu" if connection.vendor == "sqlite" else "wall")
    if clock not in CLOCKS:
        raise HarnessError(f"BENCH_CLOCK must be one of {', '.join(CLOCKS)}, not {clock!r}")
    return clock


CLOCKS = ("wall", "cpu")
CLOCK_NAMES = {"wall": "wall-clock time", "cpu": "the request thread's CPU time"}


def measure(contexts, iterations, warmup):
    from django.conf import settings
    from django.test import Client
    from django_scopes import scopes_disabled

    from bench.generate import SIZES

    if not getattr(settings, "BENCH_BASELINE_URL", False):
        raise HarnessError("settings.BENCH_BASELINE_URL is off: the baseline page /__bench__/baseline/ is missing")
    baseline = Target(None, "-", BASELINE_PATH, Client())  # anonymous: one query, a small template
    # For information only: the same page signed in (as the LARGE tenant's ECT) shows
    # what the signed-in frame costs (session, user, memberships, session save).
    with scopes_disabled():
        frame = Target(None, "-", BASELINE_PATH, signed_in_client(contexts[SIZES[-1]].user("ect")))
    targets = []
    for case in selected_pages():
        for size in SIZES:
            ctx = contexts[size]
            with scopes_disabled():
                user = case.user(ctx)
                url = case.url(ctx)
                client = signed_in_client(user)
            targets.append(Target(case, size, url, client))

    log(f"bench: warming up ({warmup} requests per page)")
    for target in [baseline, frame] + targets:
        for _ in range(warmup):
            get(target.client, target.url)
    for target in [baseline, frame] + targets:
        for _ in range(2):
            count, sql = count_queries(target.client, target.url)
            target.queries.append(count)
            target.sql = sql

    log(f"bench: timing {len(targets)} pages x {iterations} rounds, each after a baseline request")
    rng = random.Random(20260101)
    started = time.perf_counter()
    for round_number in range(iterations):
        order = list(targets)
        rng.shuffle(order)
        gc.collect()
        frame.samples.append(get(frame.client, frame.url))
        for target in order:
            baseline.samples.append(get(baseline.client, baseline.url))
            target.samples.append(get(target.client, target.url))
        if (round_number + 1) % 10 == 0:
            log(f"  round {round_number + 1}/{iterations} ({time.perf_counter() - started:.1f} s)")

    for target in [frame] + targets:
        target.client.logout()  # drop the bench's sessions again
    return baseline, frame, targets


def median_ms(target, clock):
    return statistics.median(sample[CLOCKS.index(clock)] for sample in target.samples) * 1000


def timing(target, baseline):
    """Median (and p90) milliseconds and ratio to the baseline, on both clocks."""
    out = {}
    for clock in CLOCKS:
        values = [sample[CLOCKS.index(clock)] for sample in target.samples]
        median = statistics.median(values) * 1000
        out[clock] = {
            "median_ms": round(median, 3),
            "p90_ms": round(quantile(values, 0.9) * 1000, 3),
            "ratio": round(median / median_ms(baseline, clock), 2),
        }
    return out


def summarise(baseline, frame, targets, clock, iterations, warmup, meta):
    pages = []
    over_budget, query_growth = [], []
    cases = []
    for target in targets:
        if target.case not in cases:
            cases.append(target.case)
    for case in cases:
        by_size = {t.size: t for t in targets if t.case is case}
        small, large = by_size["small"], by_size["large"]
        queries = {size: max(t.queries) for size, t in by_size.items()}
        times = {size: timing(t, baseline) for size, t in by_size.items()}
        ratio = {size: times[size][clock]["ratio"] for size in by_size}
        grows = queries["large"] > queries["small"]
        over = case.budget_ratio is not None and ratio["large"] > case.budget_ratio
        problems = []
        if over:
            over_budget.append(case.name)
            problems.append("over_budget")
        if grows:
            query_growth.append(case.name)
            problems.append("query_growth")
        status = " ".join(problems) if problems else ("ok" if case.budget_ratio is not None else "reported")
        entry = {
            "name": case.name,
            "scope": case.scope,
            "url": {"small": small.url, "large": large.url},
            "queries": queries,
            "queries_stable": all(len(set(t.queries)) == 1 for t in by_size.values()),
            "median_ms": {size: times[size][clock]["median_ms"] for size in by_size},
            "ratio": ratio,
            "budget_ratio": case.budget_ratio,
            "status": status,
            "times": times,
        }
        if grows:
            entry["sql"] = {"small": small.sql, "large": large.sql}
        pages.append(entry)
    summary = {"pages": len(pages), "over_budget": over_budget, "query_growth": query_growth}
    base_times, frame_times = timing(baseline, baseline), timing(frame, baseline)
    return {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "clock": clock,
        "iterations": iterations,
        "warmup": warmup,
        "database": {"vendor": _vendor(), "key": meta["key"], "build_seconds": meta["build_seconds"]},
        "tenants": {size: {"counts": ctx.counts} for size, ctx in meta["contexts"].items()},
        "baseline": {
            "url": BASELINE_PATH,
            "median_ms": base_times[clock]["median_ms"],
            "samples": len(baseline.samples),
            "queries": max(baseline.queries),
            "times": base_times,
            "signed_in": {
                "note": "the baseline page signed in as the LARGE tenant's ECT: the cost of the signed-in frame",
                "median_ms": frame_times[clock]["median_ms"],
                "ratio": frame_times[clock]["ratio"],
                "samples": len(frame.samples),
                "queries": max(frame.queries),
                "times": frame_times,
            },
        },
        "pages": pages,
        "summary": summary,
    }


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _vendor():
    from django.db import connection

    return connection.vendor


def table(results):
    headers = ("page", "scope", "queries S/L", "median ms S", "median ms L", "ratio L", "budget", "status")
    base = results["baseline"]
    rows = [
        ("baseline (anonymous)", "-", f"{base['queries']}/{base['queries']}", f"{base['median_ms']:.2f}",
         f"{base['median_ms']:.2f}", "1.0x", "-", "-"),
        ("baseline (signed in)", "-", f"{base['signed_in']['queries']}/{base['signed_in']['queries']}",
         f"{base['signed_in']['median_ms']:.2f}", f"{base['signed_in']['median_ms']:.2f}",
         f"{base['signed_in']['ratio']:.1f}x", "-", "info"),
    ]
    for page in results["pages"]:
        budget = "-" if page["budget_ratio"] is None else f"<={page['budget_ratio']:g}x"
        rows.append(
            (
                page["name"],
                page["scope"],
                f"{page['queries']['small']}/{page['queries']['large']}",
                f"{page['median_ms']['small']:.2f}",
                f"{page['median_ms']['large']:.2f}",
                f"{page['ratio']['large']:.1f}x",
                budget,
                page["status"],
            )
        )
    widths = [max(len(str(row[i])) for row in rows + [headers]) for i in range(len(headers))]
    numeric = {2, 3, 4, 5}

    def line(row):
        cells = [
            str(cell).rjust(width) if i in numeric else str(cell).ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)


def main(rebuild=False):
    from bench import configure

    configure()
    from bench.generate import ensure_database

    iterations = env_int("BENCH_ITERATIONS", 40)
    warmup = env_int("BENCH_WARMUP", 5)
    if iterations < 1 or warmup < 0:
        raise HarnessError("BENCH_ITERATIONS must be at least 1 and BENCH_WARMUP at least 0")
    meta = ensure_database(rebuild=rebuild, log=log)
    clock = choose_clock()
    if selected_pages():
        baseline, frame, targets = measure(meta["contexts"], iterations, warmup)
        results = summarise(baseline, frame, targets, clock, iterations, warmup, meta)
    else:  # BENCH_PAGES names only the import
        results = {"pages": [], "summary": {"pages": 0, "over_budget": [], "query_growth": []}}
    imported = measure_import(meta, results)  # after the pages: its writes (rolled back) reset page caches
    scanned = measure_scan(meta, results)
    rendered = measure_pdf(meta, results)
    previous = _read_results()
    if "http" in previous:
        results["http"] = previous["http"]  # keep the last `--http` numbers beside these
    RESULTS_FILE.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    summary = results["summary"]
    if results["pages"]:
        print(table(results))
        other = "wall" if clock == "cpu" else "cpu"
        print(f"Times are {CLOCK_NAMES[clock]} (BENCH_CLOCK={clock}): medians of {iterations} requests per page and "
              f"size; the baseline's of {results['baseline']['samples']}. All numbers: bench/{RESULTS_FILE.name}.")
        print(f"For comparison, ratios at LARGE by {CLOCK_NAMES[other]}: "
              + ", ".join(f"{p['name']} {p['times']['large'][other]['ratio']:.1f}x" for p in results["pages"]) + ".")
    if imported is not None:
        from bench import imports

        print(imports.line(imported))
    if scanned is not None:
        from bench import reminders

        print(reminders.line(scanned))
    if rendered is not None:
        from bench import pdfs

        print(pdfs.line(rendered))
    for page in results["pages"]:
        if "query_growth" in page["status"]:
            print(f"{page['name']}: {page['queries']['small']} queries at SMALL, {page['queries']['large']} at LARGE "
                  f"(the SQL of both is in {RESULTS_FILE.name})")
    print(json.dumps(summary), flush=True)
    return 1 if summary["over_budget"] or summary["query_growth"] else 0


def measure_import(meta, results):
    """The CSV import of 1,000 rows (bench/imports.py), unless BENCH_PAGES leaves it out:
    its wall-clock seconds go in the summary, and its name in ``over_budget`` when slow."""
    from bench import imports

    wanted = wanted_cases()
    if wanted and imports.CASE not in wanted:
        return None
    entry = imports.measure(meta["contexts"], log)
    results["imports"] = [entry]
    results["summary"][f"{imports.CASE}_seconds"] = entry["seconds"]["wall"]
    if entry["status"] == "over_budget":
        results["summary"]["over_budget"].append(entry["name"])
    return entry


def measure_scan(meta, results):
    """The reminder scan at both sizes (bench/reminders.py), unless BENCH_PAGES leaves it
    out: its LARGE wall-clock seconds go in the summary; its name in ``over_budget`` when
    slow, in ``query_growth`` when LARGE makes more queries than SMALL."""
    from bench import reminders

    wanted = wanted_cases()
    if wanted and reminders.CASE not in wanted:
        return None
    entry = reminders.measure(meta["contexts"], log)
    results["reminder_scan"] = entry
    results["summary"][f"{reminders.CASE}_seconds"] = entry["sizes"]["large"]["seconds"]["wall"]
    if "over_budget" in entry["status"]:
        results["summary"]["over_budget"].append(entry["name"])
    if "query_growth" in entry["status"]:
        results["summary"]["query_growth"].append(entry["name"])
    return entry


def measure_pdf(meta, results):
    """The school's release-time PDF (bench/pdfs.py), unless BENCH_PAGES leaves it out."""
    from bench import pdfs

    wanted = wanted_cases()
    if wanted and pdfs.CASE not in wanted:
        return None
    entry = pdfs.measure(meta["contexts"], log)
    results["release_time_pdf"] = entry
    results["summary"][f"{pdfs.CASE}_median_seconds"] = entry["median_seconds"]
    if entry["status"] == "over_budget":
        results["summary"]["over_budget"].append(entry["name"])
    return entry


def _read_results():
    try:
        return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
