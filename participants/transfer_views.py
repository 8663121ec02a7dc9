"""Pages for moving ECTs: a transfer within the delivery partner, and the training
record that leaves for another delivery partner (exported here as JSON or PDF,
imported there)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ectalign.access import role_required
from participants import changes, transfers
from participants.forms import date_field
from participants.models import ChangeRequest
from participants.selectors import get_ect_for_user, today, visible_ects
from participants.services import ParticipantError
from programme.models import Cohort
from programme.progress import current_school
from schools.models import DELIVERY_PARTNER_ROLES, SCHOOL_LEADER_ROLES, Role, School

MAX_RECORD_BYTES = 2 * 1024 * 1024


# --- Export ------------------------------------------------------------------------------


def _exportable_ect(request, pk):
    """The ECT whose record the active membership may export: their school's leaders
    and the delivery partner's staff. Mentors see the training but do not export it;
    the ECT has their own pages: 404 for both, as for an ECT out of sight."""
    ect = get_ect_for_user(request, pk)
    if request.membership.role in (Role.MENTOR, Role.ECT):
        raise Http404
    return ect


def _attachment(response, ect, extension):
    name = slugify(ect.user.full_name) or f"ect-{ect.pk}"
    response["Content-Disposition"] = f'attachment; filename="training-record-{name}.{extension}"'
    return response


@never_cache
@require_safe
@login_required
def export_record_json(request, pk):
    ect = _exportable_ect(request, pk)
    body = json.dumps(transfers.export_training_record(ect), indent=2, ensure_ascii=False)
    return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), ect, "json")


@never_cache
@require_safe
@login_required
def export_record_pdf(request, pk):
    ect = _exportable_ect(request, pk)
    return _attachment(HttpResponse(transfers.training_record_pdf(ect), content_type="application/pdf"), ect, "pdf")


# --- Import ------------------------------------------------------------------------------


class _Placement(forms.Form):
    """The school and cohort of this delivery partner the ECT joins."""

    school = forms.ModelChoiceField(label="School the ECT joins", queryset=School.objects.none())
    cohort = forms.ModelChoiceField(
        label="Cohort", queryset=Cohort.objects.none(),
        help_text="Self-study is matched against this cohort's programme.",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(tenant=tenant)
        self.fields["cohort"].queryset = Cohort.objects.filter(tenant=tenant).select_related("programme")
        self.fields["school"].error_messages["invalid_choice"] = "Choose one of your schools from the list."
        self.fields["cohort"].error_messages["invalid_choice"] = "Choose one of your cohorts from the list."


class UploadRecordForm(_Placement):
    record_file = forms.FileField(
        label="Training record file",
        help_text="The .json file the ECT's previous delivery partner exported from the ECT's page.",
        error_messages={"required": "Choose the training record file (.json) to upload."},
    )
    field_order = ["record_file", "school", "cohort"]

    def clean_record_file(self):
        upload = self.cleaned_data["record_file"]
        if upload.size > MAX_RECORD_BYTES:
            raise forms.ValidationError(
                "This file is too big to be a training record: choose the .json file you were sent."
            )
        try:
            self.cleaned_data["data"] = transfers.read_training_record(upload.read())
        except transfers.TrainingRecordError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class ConfirmImportForm(_Placement):
    """The preview's hidden fields: the record itself and the choices, re-checked."""

    record = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].widget = forms.HiddenInput()
        self.fields["cohort"].widget = forms.HiddenInput()


@role_required(*DELIVERY_PARTNER_ROLES)
def import_record(request):
    """Upload a training record from another delivery partner, choose the school and
    cohort, see what will happen, then confirm."""
    tenant = request.membership.tenant
    if request.method == "POST" and request.POST.get("step") == "confirm":
        form = ConfirmImportForm(request.POST, tenant=tenant)
        if form.is_valid():
            try:
                result = transfers.import_training_record(
                    actor=request.user, membership=request.membership,
                    data=transfers.read_training_record(form.cleaned_data["record"]),
                    school=form.cleaned_data["school"], cohort=form.cleaned_data["cohort"],
                    inviter=request.membership,
                )
            except ParticipantError as exc:
                form = UploadRecordForm(tenant=tenant, initial=form.cleaned_data)
                form.add_error(None, f"Nothing was imported. {exc}")
            else:
                return render(request, "participants/transfers/import_done.html", {"result": result})
        else:
            form = UploadRecordForm(tenant=tenant)
            form.add_error(None, "The preview could not be read back: upload the file again.")
        return render(request, "participants/transfers/import_record.html", {"form": form})

    form = UploadRecordForm(request.POST or None, request.FILES or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["data"]
        try:
            plan = transfers.plan_import(
                membership=request.membership, data=data,
                school=form.cleaned_data["school"], cohort=form.cleaned_data["cohort"],
            )
        except transfers.TrainingRecordError as exc:
            form.add_error("record_file", str(exc))
        except ParticipantError as exc:
            form.add_error(None, str(exc))
        else:
            confirm = ConfirmImportForm(tenant=tenant, initial={
                "record": json.dumps(data, ensure_ascii=False),
                "school": form.cleaned_data["school"].pk, "cohort": form.cleaned_data["cohort"].pk,
            })
            return render(request, "participants/transfers/import_preview.html", {"plan": plan, "confirm": confirm})
    return render(request, "participants/transfers/import_record.html", {"form": form})


# --- Transfer within the delivery partner ------------------------------------------------


class TransferForm(forms.Form):
    school = forms.ModelChoiceField(
        label="School they move to", queryset=School.objects.none(),
        error_messages={
            "required": "Choose the school they move to.", "invalid_choice": "Choose a school from the list.",
        },
    )
    on = date_field("First day at the new school", help_text="Their time at their current school ends the day before.")
    reason = forms.CharField(
        label="Why they are moving", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False,
        help_text="The delivery partner's staff read this before they decide.",
    )

    def __init__(self, *args, tenant, current, reason_needed, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.filter(tenant=tenant)
        if current is not None:
            schools = schools.exclude(pk=current.pk)
        self.fields["school"].queryset = schools
        self.fields["on"].error_messages["required"] = "Enter their first day at the new school."
        if reason_needed:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Say why they are moving."
        else:
            del self.fields["reason"]


@role_required(*DELIVERY_PARTNER_ROLES, *SCHOOL_LEADER_ROLES)
def transfer(request, pk):
    """Move an ECT to another school of the delivery partner, directly or, when the
    delivery partner reserves transfers, as a request its staff decide."""
    ect = get_ect_for_user(request, pk)
    current = current_school(ect, today())
    kind = ChangeRequest.Kind.TRANSFER
    reason_needed = not request.membership.is_delivery_partner and changes.needs_approval(request.tenant, kind)
    form = TransferForm(request.POST or None, tenant=request.tenant, current=current, reason_needed=reason_needed)
    if request.method == "POST" and form.is_valid():
        try:
            done = changes.submit(
                actor=request.user, membership=request.membership, kind=kind, ect=ect,
                details={"school_id": form.cleaned_data["school"].pk, "on": form.cleaned_data["on"].isoformat()},
                reason=form.cleaned_data.get("reason", ""),
            )
        except ParticipantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done.message)
            if visible_ects(request).filter(pk=ect.pk).exists():
                return redirect("participants:ect", pk=ect.pk)
            return redirect("home")
    return render(request, "participants/transfers/transfer.html", {
        "ect": ect, "current": current, "form": form, "reason_needed": reason_needed,
        "back": reverse("participants:ect", kwargs={"pk": ect.pk}),
    })


urlpatterns = [
    path("ects/<int:pk>/training-record.json", export_record_json, name="export_record_json"),
    path("ects/<int:pk>/training-record.pdf", export_record_pdf, name="export_record_pdf"),
    path("ects/<int:pk>/transfer/", transfer, name="transfer"),
    path("import-record/", import_record, name="import_record"),
]
