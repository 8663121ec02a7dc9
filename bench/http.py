"""``python -m bench --http``: the LARGE tenant served by gunicorn, under load.

Starts gunicorn (2 sync workers, a free port on 127.0.0.1) against the cached bench
database, signs in by creating sessions in-process and sending their cookies, checks
every target answers 200 without a redirect, then loads each target in turn with
``wrk`` (Debian package) or, without it, a small threaded Python load generator. Each
page run is preceded by a baseline run, so every page has a baseline measured next to it.

Settings: BENCH_HTTP_SECONDS (per run, default 5), BENCH_HTTP_CONNECTIONS (default 4),
BENCH_HTTP_PAGES (comma-separated case names; default: every case with a budget),
BENCH_HTTP_TOOL (auto, wrk or python; auto uses wrk when installed).
"""

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from bench import CACHE_DIR, REPO_DIR, RESULTS_FILE, HarnessError, bench_environ
from bench.run import BASELINE_PATH, env_int, log

# Written to bench/.cache/ and passed to gunicorn with -c: each worker opens its SQLite
# connections as the in-process bench does (bench.relax_sqlite_durability) and sees the
# bench's pinned date (bench.pin_today).
GUNICORN_CONFIG = """\
def post_worker_init(worker):
    from bench import pin_today, relax_sqlite_durability

    relax_sqlite_durability()
    pin_today()
"""

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p95_us": %.1f, "p99_us": %.1f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_session(user, membership_id=None):
    """A signed-in session for ``user``, as allauth's sign-in would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from ectalign.security import LOGIN_TIME_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[LOGIN_TIME_KEY] = time.time()
    session.create()
    return session.session_key


def fetch(port, path, cookie=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def wait_until_up(process, port, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(f"gunicorn exited ({process.returncode}):\n{tail(log_path)}")
        try:
            status, _ = fetch(port, BASELINE_PATH, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise HarnessError(f"gunicorn did not answer within {timeout} s:\n{tail(log_path)}")


def tail(path, lines=30):
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run_wrk(wrk, port, path, cookie, seconds, connections, script_path):
    command = [wrk, "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "30s", "-s", script_path]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCHJSON ")), None)
    if line is None:
        raise HarnessError(f"wrk printed no result for {path}:\n{output}")
    data = json.loads(line[len("BENCHJSON "):])
    errors = sum(data["errors"].values())
    return {
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": errors,
    }


def run_python(port, path, cookie, seconds, connections):
    """A small closed-loop load generator: ``connections`` threads, each sending one
    request after another (a new connection each: gunicorn's sync workers close them)."""
    latencies, failures = [], [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, _ = fetch(port, path, cookie)
            except OSError:
                status = 0
            if status == 200:
                mine.append(time.perf_counter() - started)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]

    def pct(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "requests": len(latencies) + failures[0],
        "rps": (len(latencies) + failures[0]) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": failures[0],
    }


def selected_cases():
    from bench.pages import PAGES

    wanted = [name.strip() for name in os.environ.get("BENCH_HTTP_PAGES", "").split(",") if name.strip()]
    if not wanted:
        return [case for case in PAGES if case.budget_ratio is not None]
    unknown = set(wanted) - {case.name for case in PAGES}
    if unknown:
        raise HarnessError(f"BENCH_HTTP_PAGES names unknown cases: {', '.join(sorted(unknown))}")
    return [case for case in PAGES if case.name in wanted]


def main(rebuild=False):
    from bench import configure

    configure()
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django_scopes import scopes_disabled

    from bench.generate import SIZES, ensure_database

    seconds = env_int("BENCH_HTTP_SECONDS", 5)
    connections = env_int("BENCH_HTTP_CONNECTIONS", 4)
    meta = ensure_database(rebuild=rebuild, log=log)
    size = SIZES[-1]
    ctx = meta["contexts"][size]
    cases = selected_cases()
    targets = []  # (name, path, cookie)
    with scopes_disabled():
        for case in cases:
            session_key = make_session(case.user(ctx))
            targets.append((case.name, case.url(ctx), f"{settings.SESSION_COOKIE_NAME}={session_key}"))
    session_keys = [cookie.split("=", 1)[1] for _, _, cookie in targets]
    connection.close()  # gunicorn's workers open their own

    wanted_tool = os.environ.get("BENCH_HTTP_TOOL", "").strip().lower() or "auto"
    if wanted_tool not in ("auto", "wrk", "python"):
        raise HarnessError(f"BENCH_HTTP_TOOL must be auto, wrk or python, not {wanted_tool!r}")
    wrk = shutil.which("wrk") if wanted_tool != "python" else None
    if wanted_tool == "wrk" and not wrk:
        raise HarnessError("BENCH_HTTP_TOOL=wrk but wrk is not installed (apt-get install -y wrk)")
    tool = "wrk" if wrk else "python"
    port = free_port()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    log_path = CACHE_DIR / "gunicorn.log"
    config_path = CACHE_DIR / "gunicorn.conf.py"
    config_path.write_text(GUNICORN_CONFIG, encoding="utf-8")
    environ = bench_environ()
    command = [sys.executable, "-m", "gunicorn", "ectalign.wsgi:application", "-c", str(config_path), "--workers", "2",
               "--no-control-socket", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"]
    log(f"bench: starting gunicorn on 127.0.0.1:{port} (2 workers); load by {tool}, {connections} connections, "
        f"{seconds} s per run")
    results = {"size": size, "tool": tool, "connections": connections, "seconds": seconds, "workers": 2,
               "database": connection.vendor, "pages": []}
    with open(log_path, "w", encoding="utf-8") as log_file, tempfile.NamedTemporaryFile(
        "w", suffix=".lua", delete=False
    ) as script:
        script.write(WRK_SCRIPT)
        script.close()
        process = subprocess.Popen(command, cwd=REPO_DIR, env=environ, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_up(process, port, log_path)
            for name, path, cookie in targets:
                status, location = fetch(port, path, cookie)
                if status != 200:
                    raise HarnessError(f"{name}: GET {path} answered {status} {location} (is the session valid?)")

            def load(path, cookie):
                if wrk:
                    return run_wrk(wrk, port, path, cookie, seconds, connections, script.name)
                return run_python(port, path, cookie, seconds, connections)

            load(BASELINE_PATH, None)  # warm both workers up
            baselines = []
            for name, path, cookie in targets:
                log(f"  {name}")
                base = load(BASELINE_PATH, None)
                page = load(path, cookie)
                baselines.append(base)
                ratio = round(page["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
                results["pages"].append(
                    {"name": name, "url": path, **rounded(page), "baseline": rounded(base), "p50_ratio": ratio}
                )
            results["baseline"] = {key: round(statistics.median(b[key] for b in baselines), 3)
                                   for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.unlink(script.name)
            Session.objects.filter(session_key__in=session_keys).delete()

    results["generated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    try:
        stored = json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    stored["http"] = results
    RESULTS_FILE.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
    print(http_table(results))
    errors = [page["name"] for page in results["pages"] if page["errors"]]
    print(json.dumps({"http_pages": len(results["pages"]), "tool": tool, "errors": errors}), flush=True)
    return 1 if errors else 0


def rounded(run):
    return {key: (round(value, 3) if isinstance(value, float) else value) for key, value in run.items()}


def http_table(results):
    headers = ("target", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "baseline req/s", "baseline p50", "p50 ratio")
    rows = []
    for page in results["pages"]:
        base = page["baseline"]
        rows.append((page["name"], f"{page['rps']:.0f}", f"{page['p50_ms']:.1f}", f"{page['p95_ms']:.1f}",
                     f"{page['p99_ms']:.1f}", str(page["errors"]), f"{base['rps']:.0f}", f"{base['p50_ms']:.1f}",
                     f"{page['p50_ratio']:.1f}x" if page["p50_ratio"] else "-"))
    if "baseline" in results:
        base = results["baseline"]
        rows.insert(0, ("baseline (median)", f"{base['rps']:.0f}", f"{base['p50_ms']:.1f}", f"{base['p95_ms']:.1f}",
                        f"{base['p99_ms']:.1f}", "-", "-", "-", "1.0x"))
    widths = [max(len(row[i]) for row in rows + [headers]) for i in range(len(headers))]

    def line(row):
        cells = zip(row, widths, strict=True)
        return "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(cells))

    title = (f"HTTP, {results['size'].upper()} tenant: gunicorn {results['workers']} workers, {results['tool']}, "
             f"{results['connections']} connections, {results['seconds']} s per run")
    return "\n".join([title, line(headers), "  ".join("-" * w for w in widths)] + [line(row) for row in rows])
