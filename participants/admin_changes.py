"""Admin for change requests: delivery partner staff read each request and approve or
reject it (``participants.changes``); the delivery partner's admins choose which kinds
of change need approval. Requests are made only by ``changes.submit``: no add, no
edit, no delete here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ectalign.admin import TenantScopedAdmin
from participants import changes
from participants.models import ChangeRequest
from participants.services import ParticipantError
from schools.models import Role


class ApprovalSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Changes an induction tutor or headteacher must ask you for",
        choices=ChangeRequest.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Ticked changes become requests that your staff approve or reject here; the others are made at once "
            "by the school. Your own staff's changes never need approval."
        ),
    )


@admin.register(ChangeRequest)
class ChangeRequestAdmin(TenantScopedAdmin):
    list_display = ["__str__", "school", "state", "requested_by", "requested_at", "decided_at"]
    list_filter = ["tenant", "state", "kind", ("school", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["ect__user__full_name", "mentor__user__full_name", "school__name"]
    list_select_related = ["ect__user", "mentor__user", "school", "requested_by"]
    fields = [
        "participant", "kind", "what", "reason", "school", "requested_by", "requested_at",
        "state", "decided_by", "decided_at", "decision_note",
    ]
    readonly_fields = fields
    delete_roles = frozenset()  # a request is a record of what was asked and decided: it stays
    change_form_template = "admin/participants/changerequest/change_form.html"
    change_list_template = "admin/participants/changerequest/change_list.html"

    # Made by changes.submit, decided through decide_view: never added or edited here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="participant")
    def participant(self, obj):
        if obj.ect_id:
            return f"{obj.ect} (ECT)"
        return f"{obj.mentor} (mentor)"

    @admin.display(description="what is asked")
    def what(self, obj):
        return changes.describe(obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("approval-settings/", self.admin_site.admin_view(self.settings_view), name="%s_%s_settings" % info),
            path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view), name="%s_%s_decide" % info),
            *super().get_urls(),
        ]

    def _url(self, view, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "decide_url": self._url("decide", object_id)}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_choose_settings": self._may_choose_settings(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def decide_view(self, request, object_id):
        """Approve or reject one request (POST from its page)."""
        return require_POST(self._decide)(request, object_id)

    def _decide(self, request, object_id):
        change_request = self.get_object(request, unquote(object_id))
        if change_request is None:
            raise Http404
        if not self.has_view_permission(request, change_request):
            raise PermissionDenied
        decision, note = request.POST.get("decision"), request.POST.get("decision_note", "")
        try:
            if decision == "approve":
                changes.approve(actor=request.user, change_request=change_request, note=note)
            elif decision == "reject":
                changes.reject(actor=request.user, change_request=change_request, note=note)
            else:
                raise ParticipantError("Choose Approve or Reject.")
        except ParticipantError as exc:
            self.message_user(request, f"Nothing was changed. {exc}", messages.ERROR)
            return redirect(self._url("change", change_request.pk))
        verb = "Approved and applied" if decision == "approve" else "Rejected"
        self.message_user(
            request, f"{verb}: {change_request}. {change_request.requested_by or 'The requester'} has been e-mailed.",
            messages.SUCCESS,
        )
        return redirect(self._url("changelist"))

    def _may_choose_settings(self, request):
        membership = getattr(request, "membership", None)
        return membership is not None and membership.role == Role.DP_ADMIN

    def settings_view(self, request):
        """The delivery partner's admins choose which kinds of change need approval."""
        if not self._may_choose_settings(request):
            raise PermissionDenied("Only the delivery partner's admins choose which changes need approval.")
        tenant = request.membership.tenant
        form = ApprovalSettingsForm(
            request.POST or None, initial={"kinds": list(tenant.changes_needing_approval or [])}
        )
        if request.method == "POST" and form.is_valid():
            try:
                changes.set_changes_needing_approval(
                    actor=request.user, tenant=tenant, kinds=form.cleaned_data["kinds"]
                )
            except ParticipantError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, "Saved: schools see the new choice at once.", messages.SUCCESS)
                return redirect(self._url("changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Which changes need approval",
            "form": form,
            "tenant": tenant,
        }
        return TemplateResponse(request, "admin/participants/changerequest/approval_settings.html", context)
