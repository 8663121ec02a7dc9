"""The notification centre lists every message sent by e-mail: reminders are rows from
the start (``notifications.scan``); the e-mails services send as something happens
(``ectalign.mail.send_email`` with a tenant) are recorded here as sent."""

import uuid

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from ectalign import caching
from notifications.models import Kind, Notification


def record_sent(*, tenant_id, email, template, title, body):
    """List an e-mail sent to ``email`` in its person's centre; nothing when no person
    has that address (a message to an outside address)."""
    from ectalign.models import User

    user = User.objects.filter(email__iexact=email).only("pk").first()
    if user is None:
        return None
    now = timezone.now()
    return Notification.objects.create(
        tenant_id=tenant_id, rule=f"email:{template}", kind=Kind.UPDATES, recipient=user,
        subject_key=f"email:{template}", occurrence=uuid.uuid4().hex, due_at=now,
        status=Notification.Status.SENT, sent_at=now, title=title, body=body,
    )


# What the centre lists: messages sent (or switched off, or still to go) whose time has come.
LISTED = (Notification.Status.SENT, Notification.Status.SKIPPED, Notification.Status.PENDING)


def listed_for(*, tenant, user, now=None):
    """The person's messages in the centre of one delivery partner (the one rule, for
    the page and the header's unread count)."""
    if tenant is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(
        tenant=tenant, recipient=user, status__in=LISTED, due_at__lte=now or timezone.now()
    )


UNREAD_TIMEOUT = 24 * 60 * 60


def unread_count(*, tenant, user, now=None):
    """How many of the person's listed messages are unread (the header shows it on every
    page). Kept in the shared cache until one of their messages changes
    (``caching.notifications_changed``) or the next of their pending ones falls due and
    joins the list."""
    if tenant is None or not user.is_authenticated:
        return 0
    now = now or timezone.now()
    key = f"unread:{tenant.pk}:{user.pk}:{caching.notifications_generation(user.pk)}"
    found = cache.get(key)
    if found is not None and (found[1] is None or now < found[1]):
        return found[0]
    count = listed_for(tenant=tenant, user=user, now=now).filter(read_at__isnull=True).count()
    next_due = Notification.objects.filter(
        tenant=tenant, recipient=user, status=Notification.Status.PENDING, due_at__gt=now
    ).aggregate(next_due=Min("due_at"))["next_due"]
    cache.set(key, (count, next_due), UNREAD_TIMEOUT)
    return count


def mark_read(*, tenant, user, pk=None):
    """Mark one message (``pk``) or all of them read; returns how many changed. A ``pk``
    that is not the person's listed message changes nothing."""
    unread = listed_for(tenant=tenant, user=user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    changed = unread.update(read_at=timezone.now())
    if changed:
        caching.notifications_changed([user.pk])
    return changed
