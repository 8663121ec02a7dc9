from django.core.management.base import BaseCommand, CommandError

from events.windows import ensure_delivery_windows


class Command(BaseCommand):
    help = (
        "Add the standard delivery window (the event's half-term, or its term) of every conference and clinic "
        "for the academic years given, where none is set. Windows already set are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int, help="Academic years by their first year, e.g. 2026 2027.")

    def handle(self, *args, years, **options):
        for year in years:
            if not 2020 <= year <= 2100:
                raise CommandError(f"{year} is not an academic year: give its first calendar year, e.g. 2026.")
        made = ensure_delivery_windows(years)
        self.stdout.write(f"delivery windows added: {made}")
