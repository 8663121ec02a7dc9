"""Importing a school's ECTs and mentors from a spreadsheet (CSV): upload, preview,
confirm. Stateless: the preview page carries the file's text in a hidden field, and
confirming reads and checks it again (``participants.importing``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ectalign.access import role_required
from participants import importing
from schools.models import DELIVERY_PARTNER_ROLES, Role
from schools.selectors import get_school_for_user

# Who imports: the school's induction tutor, and the delivery partner's staff for any
# school of theirs (the school itself comes through get_school_for_user: 404 otherwise).
IMPORTERS = frozenset({Role.INDUCTION_TUTOR, *DELIVERY_PARTNER_ROLES})

TEXT_FIELD = "text"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        allow_empty_file=True,  # the import says "the file is empty" in its own words
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=f"A CSV file of up to 2 MB and {importing.MAX_ROWS:,} people, with a header row.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(importing.TOO_LARGE_MESSAGE)
        return upload


def _csv_response(text, filename):
    # A byte-order mark tells Excel the file is UTF-8, so accented names survive.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_template(request):
    """The template: the header row and an example row for an ECT and a mentor."""
    return _csv_response(importing.template_csv(), "ectalign-import-template.csv")


def _upload_page(request, school, form, status=200):
    return render(
        request, "participants/import/upload.html",
        {"school": school, "form": form, "columns": importing.COLUMN_HELP, "max_rows": importing.MAX_ROWS},
        status=status,
    )


def _preview_page(request, school, preview, form=None):
    return render(
        request, "participants/import/preview.html",
        {"school": school, "preview": preview, "form": form or UploadForm(), "text_field": TEXT_FIELD},
    )


@role_required(*IMPORTERS)
def import_participants(request, pk):
    """Upload a file, see what it would do, then confirm."""
    school = get_school_for_user(request, pk)
    if request.method != "POST":
        return _upload_page(request, school, UploadForm())
    if TEXT_FIELD in request.POST:
        return _confirm(request, school)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, school, form)
    try:
        preview = importing.preview(school=school, data=form.cleaned_data["file"].read(), inviter=request.membership)
    except importing.ImportProblem as problem:
        for message in problem.messages:
            form.add_error("file", message)
        return _upload_page(request, school, form)
    return _preview_page(request, school, preview)


def _confirm(request, school):
    try:
        result = importing.apply(
            actor=request.user, school=school, data=request.POST[TEXT_FIELD], inviter=request.membership
        )
    except importing.ImportProblem as problem:
        form = UploadForm()
        for message in problem.messages:
            form.add_error("file", message)
        return _upload_page(request, school, form)
    except importing.ImportRefused as refused:
        return _preview_page(request, school, refused.preview)
    people = "person" if result.invited == 1 else "people"
    messages.success(
        request,
        f"Imported: {result.created} new, {result.changed} changed. Invitations sent to {result.invited} {people}.",
    )
    return redirect("schools:detail", pk=school.pk)


@role_required(*IMPORTERS)
@require_POST
def import_errors(request, pk):
    """The file's rows with a column saying what to fix in each."""
    school = get_school_for_user(request, pk)
    try:
        preview = importing.preview(school=school, data=request.POST.get(TEXT_FIELD, ""), inviter=request.membership)
        text = preview.error_file()
    except importing.ImportProblem as problem:
        text = importing.problem_file(problem)
    return _csv_response(text, f"ectalign-import-{school.urn}-to-fix.csv")


urlpatterns = [
    path("import/template.csv", import_template, name="import_template"),
    path("schools/<int:pk>/import/", import_participants, name="import"),
    path("schools/<int:pk>/import/errors.csv", import_errors, name="import_errors"),
]
