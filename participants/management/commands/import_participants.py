"""``python manage.py import_participants FILE --school URN``: the CSV import of the
upload page, from the command line (participants/importing.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django_scopes import scopes_disabled

from ectalign.tenancy import tenant_scope
from participants import importing
from schools.models import DELIVERY_PARTNER_ROLES, Membership, Role, School


class Command(BaseCommand):
    help = (
        "Register a school's ECTs and mentors from a CSV file: all of it, or nothing when any row has a problem. "
        f"Columns: {', '.join(importing.COLUMNS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the CSV file")
        parser.add_argument("--school", metavar="URN", help="the school's 6-digit URN")
        parser.add_argument("--tenant", metavar="SLUG", help="the delivery partner, when the URN is at several")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
        parser.add_argument(
            "--invite-from", metavar="EMAIL",
            help="an induction tutor of the school or delivery partner staff: each new person is e-mailed an "
            "invitation from them (without it, access is active at once and no invitations are sent)",
        )
        parser.add_argument("--template", action="store_true", help="print the header row of the file and stop")

    def handle(self, *args, file=None, school=None, tenant=None, dry_run=False, invite_from=None, template=False,
               **options):
        if template:
            self.stdout.write(",".join(importing.TEMPLATE_HEADER))
            return
        if not file:
            raise CommandError("Give the CSV file to import (or --template for its header row).")
        if not school:
            raise CommandError("Give the school's URN with --school URN.")
        school = self._school(school, tenant)
        data = self._read(file)
        with tenant_scope(school.tenant_id):
            inviter = self._inviter(school, invite_from) if invite_from else None
            self.stdout.write(f"{school.name} (URN {school.urn}), {school.tenant.name}")
            try:
                if dry_run:
                    preview = importing.preview(school=school, data=data, inviter=inviter)
                else:
                    result = importing.apply(
                        actor=inviter.user if inviter else None, school=school, data=data, inviter=inviter
                    )
                    preview = result.preview
            except importing.ImportProblem as problem:
                raise CommandError(f"{file}: {problem} Nothing was imported.") from None
            except importing.ImportRefused as refused:
                preview = refused.preview
        self._report(preview)
        if preview.has_errors:
            for row, error in preview.errors:
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"Row {row.number}{column}: {error.message}")
            count = len(preview.rows_with_errors)
            raise CommandError(
                f"{count} row{'s' if count != 1 else ''} to fix: nothing was imported. Correct the file and run again."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            invited = f"Invitations sent to {result.invited}." if inviter else "No invitations sent (no --invite-from)."
            self.stdout.write(f"Imported: {result.created} new, {result.changed} changed. {invited}")

    def _school(self, urn, slug):
        with scopes_disabled():  # a URN may be a school of several delivery partners
            schools = School.objects.filter(urn=urn.strip()).select_related("tenant")
            if slug:
                schools = schools.filter(tenant__slug=slug)
            schools = list(schools)
        if not schools:
            where = f" at the delivery partner {slug}" if slug else ""
            raise CommandError(f"No school has the URN {urn}{where}: check the number.")
        if len(schools) > 1:
            slugs = ", ".join(sorted(s.tenant.slug for s in schools))
            raise CommandError(
                f"The URN {urn} is a school of several delivery partners ({slugs}): say which with --tenant SLUG."
            )
        return schools[0]

    def _read(self, file):
        try:
            with Path(file).open("rb") as handle:
                return handle.read(importing.MAX_BYTES + 1)  # enough to tell that it is too large
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None

    def _inviter(self, school, email):
        """The membership the invitations come from: an induction tutor of the school, or
        delivery partner staff of its tenant."""
        memberships = (
            Membership.objects.filter(tenant=school.tenant, user__email__iexact=email.strip(), is_active=True)
            .filter(Q(role=Role.INDUCTION_TUTOR, school=school) | Q(role__in=DELIVERY_PARTNER_ROLES))
            .select_related("user", "school", "tenant")
            .order_by("role")
        )
        inviter = sorted(memberships, key=lambda m: m.role != Role.INDUCTION_TUTOR)
        if not inviter:
            raise CommandError(
                f"{email} is neither an induction tutor of {school.name} nor staff of {school.tenant.name}: "
                "give one of theirs with --invite-from."
            )
        return inviter[0]

    def _report(self, preview):
        for row in preview.rows:
            if row.action in (importing.CREATE, importing.CHANGE):
                what = "new" if row.action == importing.CREATE else "change"
                details = f": {'; '.join(row.changes)}" if row.changes else ""
                self.stdout.write(f"Row {row.number}: {what} {row.role_label} {row.full_name} <{row.email}>{details}")
        self.stdout.write(
            f"{len(preview.to_create)} to create, {len(preview.to_change)} to change, "
            f"{len(preview.unchanged)} unchanged, {len(preview.rows_with_errors)} with problems."
        )
