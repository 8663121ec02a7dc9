"""Sending one notification row: at most once.

``deliver`` re-reads the row under ``select_for_update(skip_locked=True)`` inside a
transaction, sends nothing for a row already sent (or being sent by another worker),
checks the person's preference (essential kinds always go), sends the e-mail, and marks
``sent_at`` in the same transaction as that decision: a retry after a success finds the
row sent and sends nothing. A failed send records the attempt and the error and leaves
the row pending for the task's retry (or the next scan's sweep) until ``MAX_ATTEMPTS``.

The one gap no database can close: if the SMTP server accepted the message and the
commit after it failed, a retry sends it again (at-least-once at the SMTP boundary).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.preferences import is_enabled, unsubscribe_url
from notifications.rules import RULES_BY_NAME

MAX_ATTEMPTS = 5


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"  # switched off by the person
    NOTHING = "nothing"  # already sent, failed, locked by another worker, or missing
    FAILED = "failed"  # this attempt failed (the row says whether it will be retried)


def build_message(notification):
    headers = {}
    body = notification.body
    if not notification.essential:
        link = unsubscribe_url(tenant_id=notification.tenant_id, user_id=notification.recipient_id,
                               kind=notification.kind)
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        body = f"{body}\nTo stop these e-mails ({notification.get_kind_display().lower()}), open:\n{link}\n"
    message = EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{notification.title}", body=body,
        from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient.email], headers=headers,
    )
    rule = RULES_BY_NAME.get(notification.rule)
    if rule is not None and rule.attach is not None:
        for filename, content, mimetype in rule.attach(notification):
            message.attach(filename, content, mimetype)
    return message


def deliver(notification_id, *, now=None):
    """Send one row if it is still to be sent. Returns an ``Outcome``; re-raises a send
    failure (after recording it) so the task can retry."""
    error = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, status=Notification.Status.PENDING, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return Outcome.NOTHING
        if not is_enabled(tenant_id=notification.tenant_id, user_id=notification.recipient_id,
                          kind=notification.kind):
            notification.status = Notification.Status.SKIPPED
            notification.save(update_fields=["status"])
            return Outcome.SKIPPED
        notification.attempts += 1
        try:
            build_message(notification).send()
        except Exception as exc:  # the SMTP side: recorded, then raised for the retry
            error = exc
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
        else:
            notification.sent_at = now or timezone.now()
            notification.status = Notification.Status.SENT
            notification.save(update_fields=["attempts", "sent_at", "status"])
    if error is not None:
        raise error
    return Outcome.SENT
