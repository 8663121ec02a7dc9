"""``python manage.py release_time_report --school URN --term TERM --out FILE.pdf``: the
release-time compliance report of one school and term, as the page's PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from ectalign.tenancy import tenant_scope
from reporting import pdf
from reporting.release_time import TERM_EXAMPLE, TermError, TermRef
from schools.models import School


class Command(BaseCommand):
    help = "Write a school's release-time compliance report for a term as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("--school", metavar="URN", required=True, help="the school's 6-digit URN")
        parser.add_argument("--term", metavar="TERM", required=True, help=f"the term: {TERM_EXAMPLE}")
        parser.add_argument("--out", metavar="FILE.pdf", required=True, help="where to write the PDF")
        parser.add_argument("--tenant", metavar="SLUG", help="the delivery partner, when the URN is at several")

    def handle(self, *args, school, term, out, tenant=None, **options):
        try:
            term = TermRef.parse(term)
        except TermError as exc:
            raise CommandError(str(exc)) from None
        school = self._school(school, tenant)
        with tenant_scope(school.tenant_id):
            try:
                report = pdf.school_report(school=school, term=term)
            except TermError as exc:
                raise CommandError(str(exc)) from None
            body = pdf.release_time_pdf(report)
        path = Path(out)
        try:
            path.write_bytes(body)
        except OSError as exc:
            raise CommandError(
                f"Cannot write {out}: {exc.strerror}. Check the folder exists and can be written to."
            ) from None
        self.stdout.write(f"{school.name} (URN {school.urn}), {report.term.label}: {report.summary.line}")
        self.stdout.write(f"Wrote {path} ({len(body) // 1024 or 1} KB).")

    def _school(self, urn, slug):
        urn = urn.strip()
        with scopes_disabled():  # a URN may be a school of several delivery partners
            schools = School.objects.filter(urn=urn).select_related("tenant")
            if slug:
                schools = schools.filter(tenant__slug=slug)
            schools = list(schools)
        if not schools:
            where = f" at the delivery partner {slug}" if slug else ""
            raise CommandError(f"No school has the URN {urn}{where}: check the number (6 digits, for example 116123).")
        if len(schools) > 1:
            slugs = ", ".join(sorted(s.tenant.slug for s in schools))
            raise CommandError(
                f"The URN {urn} is a school of several delivery partners ({slugs}): say which with --tenant SLUG."
            )
        return schools[0]
