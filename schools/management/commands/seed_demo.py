from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schools.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo delivery partners, schools and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even when DEMO_MODE is off (never in production).")

    def handle(self, *args, force=False, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo never runs in production: demo accounts share a published password.")
        if not (settings.DEMO_MODE or force):
            raise CommandError("Set DEMO_MODE=true (as `make demo` does) or pass --force to seed demo data.")
        accounts = seed_demo()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"{account.role}\t{account.email}\t{account.where}")
