"""The benchmark harness (``python -m bench``; see bench/README.md).

Importing this package has no side effects. ``configure()`` points Django at the bench
database (the cached SQLite file under ``bench/.cache/``, or ``BENCH_DATABASE_URL``)
and calls ``django.setup()``; it must run before anything imports a model.
"""

import datetime
import hashlib
import os
import re
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
CACHE_DB = CACHE_DIR / "bench.sqlite3"
RESULTS_FILE = BENCH_DIR / "results.json"
SETTINGS_MODULE = "ectalign.settings_test"

# The bench's "today". Self-study pages show where each ECT is against the release
# schedule on the current date, so measurements (and the completions the generator
# makes) would drift with the calendar. The generator builds its data as of this day and
# every measured request (in-process, and in gunicorn's workers) sees it as
# ``django.utils.timezone.localdate()`` (``pin_today``). A Monday in the autumn term:
# year-1 ECTs are in week 12 of year 1, year-2 ECTs (full time) in week 13 of year 2.
TODAY = datetime.date(2026, 11, 23)

class HarnessError(RuntimeError):
    """The bench could not measure (a page did not answer 200, a bad setting)."""


# What the cached database is built from. A change to any of these files (or to the
# Django version, or to TODAY) rebuilds the cache on the next run. Migrations are
# included so a feature issue's new models never meet a stale schema.
KEY_SOURCES = (
    "bench/generate.py",
    "ectalign/factories.py",
    "schools/factories.py",
    "participants/factories.py",
    "programme/factories.py",
    # The completions follow the real programmes and the release-schedule rule.
    "programme/schedule.py",
    "programme/data/*.json",
    # Coaching histories follow the cycles rule and the step libraries.
    "coaching/factories.py",
    "coaching/cycles.py",
    "coaching/history.py",
    # Sessions sit in the standard delivery windows; rows come from the events factories.
    "events/windows.py",
    "events/factories.py",
    "programme/data/steps/*.json",
    # The engagement snapshots (issue #8) follow the engagement selector and release time.
    "reporting/snapshots.py",
    "reporting/engagement.py",
    "reporting/release_time.py",
)


def database_url():
    """The bench database: ``BENCH_DATABASE_URL`` if set, else the cached SQLite file."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{CACHE_DB}"  # CACHE_DB is absolute: sqlite:////abs/path


def generator_version():
    """``GENERATOR_VERSION`` from bench/generate.py, read without importing it (the
    key is needed before Django is set up, and generate.py imports models)."""
    text = (BENCH_DIR / "generate.py").read_text(encoding="utf-8")
    match = re.search(r"^GENERATOR_VERSION\s*=\s*(\d+)", text, re.MULTILINE)
    if not match:
        raise RuntimeError("bench/generate.py must define GENERATOR_VERSION = <int>")
    return int(match.group(1))


def cache_key():
    """``v<GENERATOR_VERSION>-<hash of the generator's sources and every migration>``."""
    import django

    digest = hashlib.sha256(f"django {django.__version__}\ntoday {TODAY.isoformat()}\n".encode())
    files = []
    for name in KEY_SOURCES:
        files += sorted(REPO_DIR.glob(name)) if "*" in name else [REPO_DIR / name]
    files += sorted(REPO_DIR.glob("*/migrations/*.py"))
    for path in files:
        digest.update(str(path.relative_to(REPO_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return f"v{generator_version()}-{digest.hexdigest()[:16]}"


def bench_environ():
    """The environment the bench runs Django with (in-process and for gunicorn)."""
    environ = dict(os.environ)
    environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    environ["DATABASE_URL"] = database_url()
    # Measure what production runs: no debug-mode query logging or debug templates.
    environ["DEBUG"] = "false"
    environ.setdefault("LOG_LEVEL", "WARNING")
    return environ


def configure():
    """Point Django at the bench database and set it up (once per process)."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update(bench_environ())
    if str(REPO_DIR) not in sys.path:
        sys.path.insert(0, str(REPO_DIR))
    django.setup()
    relax_sqlite_durability()
    pin_today()


def pin_today():
    """Make ``django.utils.timezone.localdate()`` answer ``TODAY`` (called with no
    value; a given datetime is still converted as before). Code that reads the date as
    ``timezone.localdate()`` (the project's convention) sees the pinned day; the clock
    itself (``timezone.now()``: sessions, ``completed_at`` of new ticks) is not moved."""
    from django.utils import timezone

    original = getattr(timezone.localdate, "bench_original", timezone.localdate)

    def localdate(value=None, timezone=None):
        if value is None:
            return TODAY
        return original(value, timezone)

    localdate.bench_original = original
    timezone.localdate = localdate


def relax_sqlite_durability():
    """Open every SQLite connection with ``PRAGMA synchronous = OFF``.

    Every signed-in page writes its session (SESSION_SAVE_EVERY_REQUEST), and on this
    project's shared machines one fsync costs anywhere from 1 to 20 ms: with durable
    commits the bench would measure the disk, not the app. The bench database is a
    throwaway, so it skips the fsync (commits still happen, in the OS cache). Set
    ``BENCH_FSYNC=true`` to measure with durable commits. No effect on PostgreSQL."""
    if os.environ.get("BENCH_FSYNC", "").strip().lower() in ("1", "true", "yes", "on"):
        return
    from django.db.backends.signals import connection_created

    connection_created.connect(_synchronous_off, dispatch_uid="bench-synchronous-off")


def _synchronous_off(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
