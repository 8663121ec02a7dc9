"""Notifications: every reminder, digest and report a person is sent, as a row.

A row is created by the scan (``notifications.scan``) once per (rule, recipient,
subject, occurrence): the unique key is what makes a second scan, two beat processes, a
worker retry or a replay after a Redis flush send nothing twice. The send task marks
``sent_at`` in the same transaction as its decision to send. Every row sent by e-mail
is also what the in-app notification centre lists.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned


class Kind(models.TextChoices):
    """The preference categories: a person opts out per kind."""

    SIGN_IN = "sign_in", "Sign-in codes and account security"
    INVITATION = "invitation", "Invitations"
    SELF_STUDY = "self_study", "Self-study reminders"
    COACHING = "coaching", "Coaching reminders"
    EVENTS = "events", "Conference and clinic reminders"
    ONBOARDING = "onboarding", "Onboarding reminders"
    PARTICIPANTS = "participants", "Follow-ups about your school's participants"
    CHANGES = "changes", "Change requests awaiting a decision"
    DIGEST = "digest", "Fortnightly digest"
    TUTOR_SUMMARY = "tutor_summary", "Weekly summary for induction tutors"
    REPORTS = "reports", "End-of-term reports"
    STATUTORY = "statutory", "Statutory induction milestones"
    UPDATES = "updates", "Changes to your bookings and records"


# E-mails a person cannot switch off: account e-mails (they could not sign in without
# them) and the message that tells them something was done to their booking or record
# (a confirmation, a cancellation, a new mentor): not reminders, so nothing to opt out of.
ESSENTIAL_KINDS = frozenset({Kind.SIGN_IN, Kind.INVITATION, Kind.UPDATES})


class Notification(TenantOwned):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent: switched off by the person"

    rule = models.CharField(max_length=60)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # What it is about: "<app_label>.<model>:<pk>" or a string key ("digest").
    subject_key = models.CharField(max_length=120)
    # Which occurrence: the due date, the cycle's start, the session's start...
    occurrence = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    title = models.CharField("subject line", max_length=255)
    body = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rule", "recipient", "subject_key", "occurrence"], name="notification_once",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "due_at"], name="notification_due"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.rule} to {self.recipient_id} ({self.occurrence})"

    @property
    def essential(self):
        return self.kind in ESSENTIAL_KINDS


class NotificationPreference(TenantOwned):
    """A person's choice for one kind of message in one delivery partner (absent: on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {'on' if self.enabled else 'off'}"
