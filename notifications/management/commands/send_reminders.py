"""Run the notification scan synchronously: ``send_reminders [--dry-run] [--now ISO]
[--tenant SLUG]``. Prints each message it would send (dry run) or sent, then ``sent: N``."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ectalign.tenancy import tenant_scope
from notifications import delivery
from notifications.models import Notification
from notifications.rules import london
from notifications.scan import active_tenants, candidates, scan_tenant


class Command(BaseCommand):
    help = "Scan every rule and send the due reminders now (or, with --dry-run, list them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; change nothing")
        parser.add_argument("--now", help="the time to scan at, ISO 8601 (local time if no offset)")
        parser.add_argument("--tenant", help="one delivery partner's slug (default: all active)")

    def handle(self, *args, dry_run=False, now=None, tenant=None, **options):
        moment = self._now(now)
        tenants = active_tenants()
        if tenant:
            tenants = [t for t in tenants if t.slug == tenant]
            if not tenants:
                raise CommandError(f"No active delivery partner with the slug {tenant!r}.")
        sent = 0
        for each in tenants:
            sent += self._dry_run(each, moment) if dry_run else self._send(each, moment)
        self.stdout.write(f"sent: {sent}")

    def _now(self, value):
        if not value:
            return timezone.now()
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--now must be an ISO 8601 date and time, e.g. 2026-10-25T08:00, not {value!r}.")
        return moment if moment.tzinfo else moment.replace(tzinfo=london())

    def _dry_run(self, tenant, moment):
        count = 0
        with tenant_scope(tenant.pk):
            existing = set(Notification.objects.filter(tenant_id=tenant.pk, status__in=[
                Notification.Status.SENT, Notification.Status.SKIPPED, Notification.Status.FAILED,
            ]).values_list("rule", "recipient_id", "subject_key", "occurrence"))
            for rule, item in candidates(tenant, moment):
                if (rule.name, item.recipient_id, item.subject_key, item.occurrence) in existing:
                    continue
                count += 1
                self.stdout.write(f"would send [{tenant.slug}] {rule.name} to user {item.recipient_id} "
                                  f"({item.subject_key}, {item.occurrence})")
        return 0

    def _send(self, tenant, moment):
        result = scan_tenant(tenant, now=moment, queue=False)
        count = 0
        with tenant_scope(tenant.pk):
            for pk in result.due:
                try:
                    outcome = delivery.deliver(pk)
                except Exception as exc:
                    self.stderr.write(f"failed [{tenant.slug}] notification {pk}: {exc}")
                    continue
                if outcome == delivery.Outcome.SENT:
                    count += 1
                    with transaction.atomic():
                        row = Notification.objects.select_related("recipient").get(pk=pk)
                    self.stdout.write(f"sent [{tenant.slug}] {row.rule} to {row.recipient.email}: {row.title}")
                elif outcome == delivery.Outcome.SKIPPED:
                    self.stdout.write(f"skipped [{tenant.slug}] notification {pk}: switched off by the person")
        return count
