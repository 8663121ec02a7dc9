"""Statutory induction pages: the school's list, an ECT's timeline, the records, their
PDFs and the Appropriate Body export.

Every page answers 404 to anyone who is not the ECT, the induction tutor or the
headteacher of the ECT's school (``induction.selectors``): a mentor learns nothing, not
even that the page exists. Coaching records never appear here.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ectalign.csv import write_rows
from induction import pdf, selectors, services
from induction.forms import (
    AbsenceForm,
    AcknowledgeForm,
    FormalAssessmentForm,
    ProgressReviewForm,
    WorkingPatternForm,
    add_service_error,
)
from induction.models import TEACHERS_STANDARDS

from schools.models import Role


def _timeline_url(ect):
    return reverse("induction:ect", args=[ect.pk])


@login_required
def school(request, pk):
    school = selectors.get_school_for_leader(request, pk)
    rows = selectors.school_rows(school=school)
    return render(request, "induction/school.html", {"school": school, "rows": rows})


@login_required
def school_export_csv(request, pk):
    school = selectors.get_school_for_leader(request, pk)
    rows = selectors.school_rows(school=school)
    out = io.StringIO()
    write_rows(out, pdf.EXPORT_HEADER, pdf.export_rows(rows))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{pdf.export_filename(school, "csv")}"'
    return response


@login_required
def school_export_pdf(request, pk):
    school = selectors.get_school_for_leader(request, pk)
    rows = selectors.school_rows(school=school)
    response = HttpResponse(pdf.school_pdf(school, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.export_filename(school, "pdf")}"'
    return response


def _timeline_context(ect, *, shared_only):
    reviews, assessments = selectors.records_of(ect, shared_only=shared_only)
    all_records = selectors.records_of(ect) if shared_only else (reviews, assessments)
    schedule = selectors.schedule_for(ect, records=all_records)
    return {
        "ect": ect,
        "school": selectors.school_of(ect),
        "schedule": schedule,
        "working_patterns": selectors.working_patterns(ect),
        "absences": selectors.absences(ect),
        "reviews": reviews,
        "assessments": assessments,
    }


@login_required
def ect(request, pk):
    ect = selectors.get_statutory_ect(request, pk, leaders_only=True)
    context = _timeline_context(ect, shared_only=False)
    return render(request, "induction/timeline.html", {**context, "leader": True})


@login_required
def mine(request):
    if request.membership is None or request.membership.role != Role.ECT:
        raise Http404
    ect = selectors.statutory_ects(request).select_related("user", "appropriate_body").first()
    if ect is None:
        raise Http404
    context = _timeline_context(ect, shared_only=True)
    return render(request, "induction/timeline.html", {**context, "leader": False})


def _form_page(request, *, form, ect, template, save, extra=None):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.InductionError as exc:
            add_service_error(form, exc)
        else:
            return redirect(_timeline_url(ect))
    return render(request, template, {"form": form, "ect": ect, **(extra or {})})


@login_required
def working_pattern(request, pk):
    ect = selectors.get_statutory_ect(request, pk, leaders_only=True)
    form = WorkingPatternForm(request.POST or None)

    def save(data):
        services.change_working_pattern(actor=request.user, ect=ect, starts_on=data["starts_on"], fte=data["fte"],
                                        note=data["note"])
        messages.success(request, "Working pattern saved.")

    return _form_page(request, form=form, ect=ect, template="induction/working_pattern_form.html", save=save)


@login_required
def add_absence(request, pk):
    ect = selectors.get_statutory_ect(request, pk, leaders_only=True)
    form = AbsenceForm(request.POST or None)

    def save(data):
        services.record_absence(actor=request.user, ect=ect, kind=data["kind"], starts_on=data["starts_on"],
                                ends_on=data["ends_on"], extends_induction=data["extends_induction"], note=data["note"])
        messages.success(request, "Absence recorded.")

    return _form_page(request, form=form, ect=ect, template="induction/absence_form.html", save=save)


def _review_terms(ect):
    schedule = selectors.schedule_for(ect)
    return [(i.number, f"Term {i.number} (due {i.due_on.day} {i.due_on:%B %Y})") for i in schedule.reviews]


def _review_form(request, ect, review=None):
    initial = None
    if review is not None:
        initial = {"term": review.term, "held_on": review.held_on, "on_track": "yes" if review.on_track else "no",
                   "evidence_summary": review.evidence_summary, "agreed_targets": review.agreed_targets,
                   "support_plan": review.support_plan}
    form = ProgressReviewForm(request.POST or None, initial=initial, terms=_review_terms(ect))

    def save(data):
        saved = services.record_progress_review(
            actor=request.user, ect=ect, term=data["term"], held_on=data["held_on"], on_track=data["on_track"] == "yes",
            evidence_summary=data["evidence_summary"], agreed_targets=data["agreed_targets"],
            support_plan=data["support_plan"], review=review,
        )
        messages.success(request, "Progress review saved. Share it with the ECT when it is ready.")
        return saved

    return form, save


def _assessment_form(request, ect, assessment=None):
    initial = None
    if assessment is not None:
        initial = {name: getattr(assessment, name) for name in services.JUDGEMENT_FIELDS}
        initial.update(which=assessment.which, held_on=assessment.held_on, summary=assessment.summary)
    form = FormalAssessmentForm(request.POST or None, initial=initial)

    def save(data):
        saved = services.record_formal_assessment(
            actor=request.user, ect=ect, which=data["which"], held_on=data["held_on"],
            judgements={name: data[name] for name in services.JUDGEMENT_FIELDS}, summary=data["summary"],
            assessment=assessment,
        )
        messages.success(request, "Formal assessment saved. Share it with the ECT when it is ready.")
        return saved

    return form, save


FORMS = {"review": (_review_form, "induction/review_form.html"),
         "assessment": (_assessment_form, "induction/assessment_form.html")}


@login_required
def new_record(request, pk, kind):
    if kind not in FORMS:
        raise Http404
    ect = selectors.get_statutory_ect(request, pk, leaders_only=True)
    make_form, template = FORMS[kind]
    form, save = make_form(request, ect)
    return _form_page(request, form=form, ect=ect, template=template, save=save, extra={"editing": False})


@login_required
def edit_record(request, kind, pk):
    if not selectors.is_school_leader(request):
        raise Http404
    record = selectors.get_record(request, kind, pk)
    make_form, template = FORMS[kind]
    form, save = make_form(request, record.ect, record)
    return _form_page(request, form=form, ect=record.ect, template=template, save=save,
                      extra={"editing": True, "record": record})


@login_required
def record(request, kind, pk):
    record = selectors.get_record(request, kind, pk)
    is_ect = request.membership.role == Role.ECT
    return render(request, "induction/record.html", {
        "record": record, "kind": kind, "ect": record.ect, "is_ect": is_ect,
        "can_acknowledge": is_ect and record.acknowledged_at is None,
        "form": AcknowledgeForm() if is_ect else None,
        "standards": TEACHERS_STANDARDS,
    })


@login_required
@require_POST
def share_record(request, kind, pk):
    if not selectors.is_school_leader(request):
        raise Http404
    record = selectors.get_record(request, kind, pk)
    try:
        services.share_record(actor=request.user, record=record)
    except services.InductionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Shared with {record.ect.user.get_full_name()}.")
    return redirect("induction:record", kind=kind, pk=record.pk)


@login_required
@require_POST
def acknowledge_record(request, kind, pk):
    if request.membership is None or request.membership.role != Role.ECT:
        raise Http404
    record = selectors.get_record(request, kind, pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge_record(actor=request.user, record=record, comment=form.cleaned_data["comment"])
        except services.InductionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Thank you: you have acknowledged this record.")
    return redirect("induction:record", kind=kind, pk=record.pk)


@login_required
def record_pdf(request, kind, pk):
    record = selectors.get_record(request, kind, pk)
    response = HttpResponse(pdf.record_pdf(record, school=selectors.school_of(record.ect)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.record_filename(record)}"'
    return response



