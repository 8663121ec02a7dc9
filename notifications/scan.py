"""The scan: evaluate every rule for a tenant at ``now``, insert the missing rows, and
queue a send task for every due, unsent row once the transaction commits.

Idempotent by construction: rows are inserted with ``bulk_create(ignore_conflicts=True)``
on the unique key (rule, recipient, subject, occurrence), so a second scan, two beat
processes or a replay insert nothing twice; the send task re-reads its row under a lock
and sends only a row not yet sent. Re-queuing every due, unsent row on each scan is the
re-sweep that makes a Redis flush or a worker restart lose nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ectalign import caching
from ectalign.mail import render_email
from ectalign.tenancy import tenant_scope
from notifications.models import Notification
from notifications.rules import RULES, TenantData, in_window

log = logging.getLogger(__name__)

# A row still unsent this long after it was due is given up (status failed) by the sweep.
GIVE_UP_AFTER = dt.timedelta(days=7)
# Rows per INSERT statement (SQLite lowers it to its 999-parameter limit).
INSERT_BATCH = 500


@dataclass
class ScanResult:
    tenant_id: int
    created: int = 0
    due: list = field(default_factory=list)  # ids of due, unsent rows


def candidates(tenant, now, rules=RULES):
    """[(rule, Item)] due by ``now`` and inside each rule's window."""
    data = TenantData(tenant, now)
    found = []
    for rule in rules:
        for item in rule.collect(data, now):
            if in_window(item.due_at, now, rule.window):
                found.append((rule, item))
    return found


def scan_tenant(tenant, *, now=None, queue=True, rules=RULES):
    """Insert this tenant's due rows and (after commit) queue their sending."""
    now = now or timezone.now()
    result = ScanResult(tenant.pk)
    with tenant_scope(tenant.pk), transaction.atomic():
        found = candidates(tenant, now, rules)
        existing = set(
            Notification.objects.filter(
                tenant_id=tenant.pk, rule__in={r.name for r, _ in found},
                recipient_id__in={i.recipient_id for _, i in found}, occurrence__in={i.occurrence for _, i in found},
            ).values_list("rule", "recipient_id", "subject_key", "occurrence")
        ) if found else set()
        rows = []
        for rule, item in found:
            key = (rule.name, item.recipient_id, item.subject_key, item.occurrence)
            if key in existing:
                continue
            existing.add(key)
            title, body = render_email(f"notifications/{rule.template}", {"rule": rule, **item.context})
            rows.append(Notification(
                tenant_id=tenant.pk, rule=rule.name, kind=rule.kind, recipient_id=item.recipient_id,
                subject_key=item.subject_key, occurrence=item.occurrence, due_at=item.due_at, title=title, body=body,
            ))
        if rows:
            last = Notification.objects.filter(tenant_id=tenant.pk).order_by("-pk").values_list("pk", flat=True).first()
            Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=INSERT_BATCH)
            result.created = Notification.objects.filter(tenant_id=tenant.pk, pk__gt=last or 0).count()
            changed = {row.recipient_id for row in rows}
        else:
            changed = set()
        pending = Notification.objects.filter(
            tenant_id=tenant.pk, status=Notification.Status.PENDING, sent_at__isnull=True, due_at__lte=now
        )
        stale = pending.filter(due_at__lt=now - GIVE_UP_AFTER)
        changed |= set(stale.values_list("recipient_id", flat=True))
        stale.update(status=Notification.Status.FAILED, last_error="Not sent within 7 days of being due: given up.")
        caching.notifications_changed(changed)  # bulk_create and update send no signals
        result.due = list(pending.filter(due_at__gte=now - GIVE_UP_AFTER).order_by("due_at", "pk")
                          .values_list("pk", flat=True))
        if queue and result.due:
            ids, tenant_id = list(result.due), tenant.pk
            transaction.on_commit(lambda: queue_sends(ids, tenant_id=tenant_id))
    return result


def queue_sends(ids, *, tenant_id):
    from notifications.tasks import send_notification

    for pk in ids:
        try:
            send_notification.delay(pk, tenant_id=tenant_id)
        except Exception:  # broker down, or an eager run's failure: the row stays pending
            log.exception("Could not queue notification %s: the next scan's sweep will.", pk)


def active_tenants():
    from django_scopes import scopes_disabled

    from schools.models import Tenant

    with scopes_disabled():
        return list(Tenant.objects.filter(is_active=True).order_by("pk"))
