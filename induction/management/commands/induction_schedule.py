import json

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from ectalign.models import User
from ectalign.tenancy import tenant_scope
from induction.selectors import schedule_for
from participants.models import ECT


class Command(BaseCommand):
    help = (
        "Print an ECT's statutory induction schedule as JSON: start, expected end, extension in days with "
        "reasons, and each progress review and formal assessment with its due date and status."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The ECT's e-mail address.")
        parser.add_argument("--tenant", help="The delivery partner's slug; needed when the ECT has records in several.")

    def handle(self, *args, email, tenant=None, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody has the e-mail address {email}: check the spelling.")
        # Finding the person's ECT records crosses tenants on purpose.
        with scopes_disabled():
            records = list(ECT.objects.filter(user=user).select_related("tenant"))
        if tenant:
            records = [r for r in records if r.tenant.slug == tenant]
            if not records:
                raise CommandError(f"{email} is not an ECT in a delivery partner with the slug {tenant}.")
        if not records:
            raise CommandError(f"{email} is not an ECT anywhere: there is no statutory schedule to print.")
        if len(records) > 1:
            slugs = ", ".join(sorted(r.tenant.slug for r in records))
            raise CommandError(f"{email} is an ECT in several delivery partners ({slugs}): choose one with --tenant.")
        (ect,) = records
        with tenant_scope(ect.tenant_id):
            schedule = schedule_for(ect)
        body = {"ect": user.full_name, "email": user.email, "tenant": ect.tenant.slug, **schedule.as_json()}
        self.stdout.write(json.dumps(body, indent=2))
