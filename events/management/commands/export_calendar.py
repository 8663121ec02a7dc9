from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from ectalign.models import User
from ectalign.tenancy import tenant_scope
from events.calendar import person_feed
from schools.models import Membership, Role

# The people with a personal calendar (the roles of the calendar page).
FEED_ROLES = (Role.ECT, Role.MENTOR, Role.INDUCTION_TUTOR)


class Command(BaseCommand):
    help = (
        "Print a person's calendar of conferences and clinics (iCalendar), exactly as their private feed "
        "address serves it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The person's e-mail address.")
        parser.add_argument(
            "--tenant", help="The delivery partner's slug; needed when the person belongs to more than one.",
        )

    def handle(self, *args, email, tenant=None, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody has the e-mail address {email}: check the spelling.")
        # Finding the person's delivery partners crosses tenants on purpose.
        with scopes_disabled():
            memberships = Membership.objects.filter(user=user, is_active=True).select_related("tenant")
            if tenant:
                chosen = {m.tenant for m in memberships if m.tenant.slug == tenant}
                if not chosen:
                    raise CommandError(f"{email} has no active role in a delivery partner with the slug {tenant}.")
            else:
                chosen = {m.tenant for m in memberships if m.role in FEED_ROLES}
                if not chosen:
                    raise CommandError(
                        f"{email} is not an ECT, mentor or induction tutor anywhere: there is no calendar to print.",
                    )
                if len(chosen) > 1:
                    slugs = ", ".join(sorted(t.slug for t in chosen))
                    raise CommandError(
                        f"{email} belongs to several delivery partners ({slugs}): choose one with --tenant.",
                    )
        (chosen_tenant,) = chosen
        with tenant_scope(chosen_tenant.pk):
            body = person_feed(tenant_id=chosen_tenant.pk, user=user)
        self.stdout.write(body.decode("utf-8"), ending="")
