from django.core.management.base import BaseCommand, CommandError

from programme.services import ProgrammeError, load_all_programmes, load_step_libraries


class Command(BaseCommand):
    help = (
        "Create or update the programme templates from programme/data/*.json and their step "
        "libraries from programme/data/steps/*.json (idempotent; "
        "safe on every deployment: a file unchanged since it was last loaded is skipped)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Apply every file even when unchanged since last loaded (undoes admin edits to seeded fields).",
        )

    def handle(self, *args, force=False, **options):
        try:
            results = load_all_programmes(force=force)
            results += load_step_libraries()
        except ProgrammeError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            self.stdout.write(result.describe())
