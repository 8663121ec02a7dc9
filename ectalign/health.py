"""/healthz: the state of the database, the cache/broker and migrations."""

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def check_database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}


def check_migrations():
    """Every migration of the project must be recorded as applied (a missing record
    anywhere in the graph counts, not only at the leaves)."""
    loader = MigrationExecutor(connections[DEFAULT_DB_ALIAS]).loader
    pending = sorted(f"{app}.{name}" for app, name in set(loader.graph.nodes) - set(loader.applied_migrations))
    return {"ok": not pending, "unapplied": pending}


def check_cache():
    cache.set("healthz", "ok", 10)
    ok = cache.get("healthz") == "ok"
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from ectalign.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"ok": True, "mode": "broker"}


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "broker": check_broker,
}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a failing dependency is the answer, not a crash
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": results}, status=200 if healthy else 503)
