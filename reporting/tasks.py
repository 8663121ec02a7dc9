"""Celery tasks of reporting: thin, taking ids; the work is in ``reporting.services``."""

from ectalign.celery import app
from ectalign.tasks import TenantTask


@app.task(base=TenantTask, name="reporting.render_release_time_batch")
def render_release_time_batch(batch_id, *, tenant_id):
    """Every school's release-time PDF for the batch's term, into one ZIP on the batch."""
    from reporting.services import run_release_time_batch

    batch = run_release_time_batch(batch_id=batch_id, tenant_id=tenant_id)
    return batch.status if batch is not None else None
