"""Sending e-mail from services: rendered from templates, sent after the transaction
commits (so a rolled-back change sends nothing), never from inside a half-written one.

Every message is plain text from ``templates/emails/<name>.txt``; the first line of
the rendered template is the subject.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string


def render_email(template, context):
    text = render_to_string(f"emails/{template}.txt", {"site_url": settings.SITE_URL, **context})
    subject, _, body = text.lstrip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_email(*, to, template, context, tenant_id=None):
    """Queue one e-mail to ``to`` (an address) for when the current transaction commits.
    With ``tenant_id``, the message is also listed in the person's notification centre
    (in the same transaction), so one lost to a junk folder is still there. Invitations
    pass none: their link is a secret, and their reader has no account yet."""
    subject, body = render_email(template, context)
    message = EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    if tenant_id is not None:
        from notifications.centre import record_sent

        record_sent(tenant_id=tenant_id, email=to, template=template, title=subject, body=body)
    transaction.on_commit(message.send)
