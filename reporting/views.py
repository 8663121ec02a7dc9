"""Release-time pages: the school's page for a term (induction tutor, headteacher, the
delivery partner's staff), the induction tutor's recording forms, the compliance PDF,
and the delivery partner's batches of reports across its schools.

Views are thin: ``reporting.release_time`` reads and computes, ``reporting.services``
writes and refuses, ``schools.selectors.get_school_for_user`` decides which school a
person may open (404 for any other).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from ectalign.access import role_required
from participants.models import ECT, ECTAtSchool
from programme.schedule import TERM_SEASONS, academic_year_of, standard_calendar
from reporting import pdf, selectors, services
from reporting.forms import ECTTermForm, StandardTimetableForm, StartBatchForm, TermChoiceForm, add_service_errors
from reporting.release_time import (
    MAX_MENTOR_HOURS,
    MAX_TIMETABLE_HOURS,
    TermRef,
    current_term,
    reportable_years,
    school_release_time,
    school_terms,
)
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role, School
from schools.selectors import get_school_for_user

READERS = SCHOOL_LEADER_ROLES | DELIVERY_PARTNER_ROLES
# The school records its own figures; the headteacher and the delivery partner's staff read them.
RECORDERS = frozenset({Role.INDUCTION_TUTOR})


def _chosen_term(request, school):
    """The term asked for with ``?term=2026-autumn`` (else the current term) and the
    term form; the term is None when the one asked for is not in the school's calendar
    (the form then says why, beside the field)."""
    terms = school_terms(school=school)
    if "term" in request.GET:
        form = TermChoiceForm(request.GET, terms=terms, school=school)
        return (form.cleaned_data["term"] if form.is_valid() else None), form
    term = current_term(terms)
    return term, TermChoiceForm(initial={"term": term.ref.slug}, terms=terms, school=school)


def _page_url(name, school, term, *args):
    return f"{reverse(name, args=[school.pk, *args])}?{urlencode({'term': term.ref.slug})}"


@role_required(*READERS)
@require_safe
def release_time(request, pk):
    """Each ECT's entitlement, provision, shortfall and mentor time for a term."""
    school = get_school_for_user(request, pk)
    term, term_form = _chosen_term(request, school)
    report = school_release_time(school=school, term=term) if term else None
    return render(request, "reporting/release_time.html", {
        "school": school,
        "term_form": term_form,
        "report": report,
        "can_record": request.membership.role in RECORDERS,
        **(pdf.report_context(report) if report else {}),
    })


@role_required(*READERS)
@require_safe
def release_time_pdf(request, pk):
    """The compliance report as a PDF; a term not in the school's calendar sends the
    person back to the page, which says what to choose."""
    school = get_school_for_user(request, pk)
    term, _ = _chosen_term(request, school)
    if term is None:
        return redirect(f"{reverse('reporting:release_time', args=[school.pk])}?{request.GET.urlencode()}")
    report = school_release_time(school=school, term=term)
    response = HttpResponse(pdf.release_time_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.report_filename(report)}"'
    return response


@role_required(*RECORDERS)
@require_http_methods(["GET", "POST"])
def record(request, pk):
    """The induction tutor records the standard timetable and every ECT's figures for a
    term, on one page (each ECT a fieldset: it reads down a phone)."""
    school = get_school_for_user(request, pk)
    term, term_form = _chosen_term(request, school)
    if term is None:
        return render(request, "reporting/record.html", {"school": school, "term_form": term_form, "term": None})
    report = school_release_time(school=school, term=term)
    data = request.POST if request.method == "POST" else None
    standard_form = StandardTimetableForm(
        data, initial={"standard_hours": report.standard.hours if report.standard else None}
    )
    ect_forms = [ECTTermForm(data, ect=row.ect, row=row) for row in report.rows]
    # Every form is checked (not only up to the first with a problem), so all the
    # messages show at once.
    if request.method == "POST" and all([form.is_valid() for form in (standard_form, *ect_forms)]):
        try:
            services.record_term(
                actor=request.user, school=school, term=term.ref,
                standard_hours=standard_form.cleaned_data["standard_hours"],
                figures=[f.figures() for f in ect_forms],
            )
        except services.ReleaseTimeError as exc:
            add_service_errors([standard_form, *ect_forms], exc.errors)
        else:
            messages.success(request, f"{school.name}'s release-time figures for the {term.label.lower()} are saved.")
            return redirect(_page_url("reporting:release_time", school, term))
    return render(request, "reporting/record.html", {
        "school": school,
        "term_form": term_form,
        "term": term,
        "report": report,
        "standard_form": standard_form,
        "items": list(zip(report.rows, ect_forms)),
        "forms": [standard_form, *ect_forms],
        "has_errors": any(form.errors for form in (standard_form, *ect_forms)),
        "max_hours": MAX_TIMETABLE_HOURS,
        "max_mentor_hours": MAX_MENTOR_HOURS,
    })


def _ect_of_school(school, ect_pk):
    """An ECT who has been at the school (at any time), or 404: an ECT of another school
    or delivery partner answers as one that does not exist."""
    periods = ECTAtSchool.objects.filter(tenant_id=school.tenant_id, school=school, ect_id=ect_pk)
    try:
        return (
            ECT.objects.filter(tenant_id=school.tenant_id, pk=ect_pk, pk__in=periods.values("ect_id"))
            .select_related("user", "cohort__programme")
            .get()
        )
    except ECT.DoesNotExist:
        raise Http404 from None


@role_required(*RECORDERS)
@require_http_methods(["GET", "POST"])
def record_ect(request, pk, ect_pk):
    """One ECT's figures for a term: the "Change" link of the release-time page."""
    school = get_school_for_user(request, pk)
    ect = _ect_of_school(school, ect_pk)
    term, term_form = _chosen_term(request, school)
    context = {"school": school, "ect": ect, "term_form": term_form, "term": term}
    if term is None:
        return render(request, "reporting/record_ect.html", context)
    row = school_release_time(school=school, term=term).row_by_ect.get(ect.pk)
    if row is None:
        context["not_here"] = True
        return render(request, "reporting/record_ect.html", context)
    form = ECTTermForm(request.POST if request.method == "POST" else None, ect=ect, row=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_ect_term(actor=request.user, school=school, term=term.ref, figures=form.figures())
        except services.ReleaseTimeError as exc:
            add_service_errors([form], exc.errors)
        else:
            messages.success(
                request, f"{ect.user.get_full_name()}'s figures for the {term.label.lower()} are saved."
            )
            return redirect(_page_url("reporting:release_time", school, term))
    context.update({"row": row, "form": form, "figures": row.figures})
    return render(request, "reporting/record_ect.html", context)


# --- The delivery partner's batches -------------------------------------------------------


def _batch_terms():
    """The terms a batch may be made for: those of the schools' calendars (every school
    has three a year, on its own dates)."""
    return [TermRef(year, number) for year in reportable_years() for number in TERM_SEASONS]


def _standard_current_term():
    today = timezone.localdate()
    calendar = standard_calendar(academic_year_of(today))
    term = next((t for t in calendar.terms if today <= t.ends_on), calendar.terms[-1])
    return TermRef(calendar.academic_year, term.number)


@role_required(*DELIVERY_PARTNER_ROLES)
@require_http_methods(["GET", "POST"])
def batches(request):
    """Start the reports of every school for a term, and see the recent batches."""
    terms = _batch_terms()
    if request.method == "POST":
        form = StartBatchForm(request.POST, terms=terms)
        if form.is_valid():
            batch = services.start_release_time_batch(
                actor=request.user, tenant=request.tenant, term=form.cleaned_data["term"]
            )
            return redirect("reporting:batch_detail", batch.pk)
    else:
        form = StartBatchForm(initial={"term": _standard_current_term().slug}, terms=terms)
    schools = School.objects.filter(tenant=request.tenant).order_by("name")
    return render(request, "reporting/batches.html", {
        "form": form,
        "batches": selectors.recent_batches(tenant=request.tenant),
        "schools": schools,
    })


@role_required(*DELIVERY_PARTNER_ROLES)
@require_safe
def batch_detail(request, pk):
    """A batch's progress (the page checks again by itself while it runs) and download."""
    batch = selectors.get_batch_for_user(request, pk)
    context = {"batch": batch, "term": TermRef(batch.academic_year, batch.term)}
    if request.htmx:
        return render(request, "reporting/includes/batch_progress.html", context)
    return render(request, "reporting/batch_detail.html", context)


@role_required(*DELIVERY_PARTNER_ROLES)
@require_safe
def batch_download(request, pk):
    batch = selectors.get_batch_for_user(request, pk, with_content=True)
    if batch.status != batch.Status.DONE or not batch.content:
        messages.error(request, "These reports are not ready yet: download them when the page says they are ready.")
        return redirect("reporting:batch_detail", batch.pk)
    response = HttpResponse(bytes(batch.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    return response
