"""Celery tasks of the engagement snapshots: thin, taking ids; the work is in
``reporting.snapshots``. ``refresh_engagement_everywhere`` runs every night from Celery
beat (``CELERY_BEAT_SCHEDULE`` in ectalign/settings.py) and queues one
``refresh_engagement`` per active delivery partner, each in its own tenant's scope."""

from ectalign.celery import app
from ectalign.tasks import CrossTenantTask, TenantTask


@app.task(base=TenantTask, name="reporting.refresh_engagement")
def refresh_engagement(refresh_id=None, *, tenant_id):
    """Record the delivery partner's engagement snapshots for today: the run
    ``refresh_id`` ("Refresh now"), or a new one (the nightly run)."""
    from reporting.snapshots import create_refresh, run_refresh

    if refresh_id is None:
        refresh_id = create_refresh(tenant_id=tenant_id).pk
    refresh = run_refresh(refresh_id=refresh_id, tenant_id=tenant_id)
    return refresh.status if refresh is not None else None


@app.task(base=CrossTenantTask, name="reporting.refresh_engagement_everywhere")
def refresh_engagement_everywhere():
    """Queue the refresh of every active delivery partner (each runs in its own scope)."""
    from schools.models import Tenant

    tenant_ids = list(Tenant.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        refresh_engagement.delay(tenant_id=tenant_id)
    return len(tenant_ids)
