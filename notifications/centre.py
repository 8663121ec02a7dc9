"""The notification centre lists every message sent by e-mail: reminders are rows from
the start (``notifications.scan``); the e-mails services send as something happens
(``ectalign.mail.send_email`` with a tenant) are recorded here as sent."""

import uuid

from django.utils import timezone

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


def listed_for(*, tenant, user):
    """The person's messages in the centre of one delivery partner (the one rule, for
    the page and the header's unread count)."""
    if tenant is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(tenant=tenant, recipient=user, status__in=LISTED, due_at__lte=timezone.now())


def mark_read(*, tenant, user, pk=None):
    """Mark one message (``pk``) or all of them read; returns how many changed. A ``pk``
    that is not the person's listed message changes nothing."""
    unread = listed_for(tenant=tenant, user=user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
