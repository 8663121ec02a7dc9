"""Shared helpers for the notification tests."""

import datetime as dt
import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from notifications.rules import local_at

# A Monday in the autumn term of the world's ECT (started 2 September 2026): their one
# module is overdue, two coaching cycles are missed and the digest and summary are due.
MONDAY = local_at(dt.date(2026, 9, 14), dt.time(9, 0))


class FlakyBackend(LocmemBackend):
    """The SMTP side failing once (the first message of a test), then delivering."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]
