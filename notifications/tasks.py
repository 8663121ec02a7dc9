"""Celery tasks (thin): send one row, scan one tenant, scan every tenant (beat)."""

from ectalign.celery import app
from ectalign.tasks import CrossTenantTask, TenantTask
from notifications import delivery, scan

RETRY_BACKOFF_SECONDS = 60  # doubled at each retry, capped below the Redis visibility timeout
RETRY_BACKOFF_MAX = 1800


@app.task(base=TenantTask, bind=True, name="notifications.send", acks_late=True,
          max_retries=delivery.MAX_ATTEMPTS - 1)
def send_notification(self, notification_id, *, tenant_id):
    try:
        return delivery.deliver(notification_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            return delivery.Outcome.FAILED
        countdown = min(RETRY_BACKOFF_SECONDS * 2 ** self.request.retries, RETRY_BACKOFF_MAX)
        raise self.retry(exc=exc, countdown=countdown)


@app.task(base=TenantTask, name="notifications.scan_tenant", acks_late=True)
def scan_tenant(*, tenant_id):
    from schools.models import Tenant

    result = scan.scan_tenant(Tenant.objects.get(pk=tenant_id))
    return {"created": result.created, "due": len(result.due)}


@app.task(base=CrossTenantTask, name="notifications.scan_everywhere")
def scan_everywhere():
    """Beat, every 15 minutes: one scan task per active tenant."""
    for tenant in scan.active_tenants():
        scan_tenant.delay(tenant_id=tenant.pk)
