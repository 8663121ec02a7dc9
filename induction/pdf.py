"""PDFs (WeasyPrint) of a statutory record and of the school's Appropriate Body export,
and the export's CSV rows. The schedule comes from ``induction.schedule`` only."""

from django.template.loader import render_to_string
from django.utils.text import slugify

from induction.models import TEACHERS_STANDARDS

STATUTORY_NOTICE = (
    "Statutory induction record. Confidential to the ECT, the induction tutor, the headteacher "
    "and the Appropriate Body."
)


def _pdf(template, context):
    from weasyprint import HTML

    return HTML(string=render_to_string(template, {**context, "notice": STATUTORY_NOTICE})).write_pdf()


def record_pdf(record, *, school):
    return _pdf("induction/pdf/record.html", {"record": record, "ect": record.ect, "school": school,
                                              "standards": TEACHERS_STANDARDS})


def record_filename(record):
    name = slugify(record.ect.user.full_name) or f"ect-{record.ect_id}"
    if record.kind == "review":
        return f"progress-review-term-{record.term}-{name}.pdf"
    return f"formal-assessment-{record.which}-{name}.pdf"


def school_pdf(school, rows):
    return _pdf("induction/pdf/school.html", {"school": school, "rows": rows})


def export_filename(school, ext):
    return f"statutory-induction-{slugify(school.name)}.{ext}"


EXPORT_HEADER = [
    "ECT", "TRN", "Appropriate Body", "Induction start", "FTE now", "FTE terms served", "Expected end",
    "Extension (days)", "Item", "Induction term", "Due", "Status", "Held on", "Outcome", "Shared", "Acknowledged",
]


def export_rows(rows):
    """One line per review and assessment of each ECT (formula-escaped by ectalign.csv)."""
    for ect, schedule in rows:
        for item in schedule.items:
            rec = item.record
            yield [
                ect.user.full_name, ect.trn, ect.appropriate_body or "", schedule.start.isoformat(),
                f"{float(schedule.fte_now):g}", schedule.terms_served_display, schedule.expected_end.isoformat(),
                schedule.extension.days, item.title, item.term, item.due_on.isoformat(), item.status_label,
                rec.held_on.isoformat() if rec else "", rec.judgement if rec else "",
                rec.shared_at.date().isoformat() if rec and rec.shared_at else "",
                rec.acknowledged_at.date().isoformat() if rec and rec.acknowledged_at else "",
            ]
