import json

from django.core.management.base import BaseCommand, CommandError

from programme.models import Programme
from programme.selectors import programme_list, programme_outline


class Command(BaseCommand):
    help = "Print a programme as JSON (strands, terms, modules by week, events, totals of hours), or --list the programmes."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="The programme's slug, for example ittecf-2026-28.")
        parser.add_argument("--list", action="store_true", help="List every programme's slug and title, one per line.")

    def handle(self, *args, slug=None, list=False, **options):
        if list:
            for programme in programme_list():
                self.stdout.write(f"{programme.slug}\t{programme.title}")
            return
        if not slug:
            raise CommandError("Give a programme slug, or --list to see them.")
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            known = ", ".join(programme_list().values_list("slug", flat=True)) or "none (run python manage.py seed_programmes)"
            raise CommandError(f"No programme with slug {slug}. Known: {known}")
        self.stdout.write(json.dumps(programme_outline(programme), indent=2, ensure_ascii=False))
