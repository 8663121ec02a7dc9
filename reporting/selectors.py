"""Reads of release-time report batches, with the access rule that governs them. The
release-time rules and a school's figures are read from ``reporting.release_time``."""

from django.http import Http404

from reporting.models import ReleaseTimeBatch
from schools.models import DELIVERY_PARTNER_ROLES

RECENT_BATCHES = 10


def _batches(tenant_id):
    # The ZIP itself is read only by the download.
    return ReleaseTimeBatch.objects.filter(tenant_id=tenant_id).defer("content").select_related("requested_by")


def recent_batches(*, tenant):
    return list(_batches(tenant.pk)[:RECENT_BATCHES])


def get_batch_for_user(request, pk, *, with_content=False):
    """A batch of the active membership's delivery partner (its staff only), or 404 for
    both "missing" and "not yours"."""
    membership = request.membership
    if membership is None or membership.role not in DELIVERY_PARTNER_ROLES:
        raise Http404
    batches = ReleaseTimeBatch.objects.filter(tenant_id=membership.tenant_id) if with_content else (
        _batches(membership.tenant_id)
    )
    try:
        return batches.get(pk=pk)
    except ReleaseTimeBatch.DoesNotExist:
        raise Http404 from None
