"""Delivery partner staff edit and extend the step library for their schools (their own
copies of the lead provider's steps, and steps of their own), set which coach coaches
which mentor, and read the coaching-for-mentors log."""

from django import forms
from django.contrib import admin

from coaching.models import CoachAssignment, LocalStep, MentorCoachingSession
from ectalign.admin import TenantScopedAdmin
from ectalign.models import User
from schools.models import Role


class LocalStepForm(forms.ModelForm):
    class Meta:
        model = LocalStep
        fields = ["module", "replaces", "title", "success_criteria", "kind", "strand", "retired"]

    def clean(self):
        cleaned = super().clean()
        module, replaces, strand = cleaned.get("module"), cleaned.get("replaces"), cleaned.get("strand")
        if module and module.kind not in ("self_study", "stretch"):
            self.add_error("module", "Steps belong to self-study or stretch modules: choose one of those.")
        if module and replaces and replaces.module_id != module.pk:
            self.add_error("replaces", f"That library step belongs to {replaces.module}: choose a step of {module}.")
        if module and strand and strand.programme_id != module.programme_id:
            self.add_error("strand", "Choose a strand of the module's own programme.")
        if not [line for line in (cleaned.get("success_criteria") or "").splitlines() if line.strip()]:
            self.add_error("success_criteria", "Give at least one success criterion, one per line.")
        return cleaned


@admin.register(LocalStep)
class LocalStepAdmin(TenantScopedAdmin):
    form = LocalStepForm
    list_display = ["title", "module", "kind", "replaces", "retired"]
    list_filter = ["kind", "retired", "module__programme"]
    search_fields = ["title", "module__code", "module__title"]
    list_select_related = ["module", "replaces"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "module":
            from programme.models import Module

            kwargs["queryset"] = Module.objects.filter(kind__in=("self_study", "stretch")).select_related("programme")
        elif db_field.name == "replaces":
            from programme.models import LibraryStep

            kwargs["queryset"] = LibraryStep.objects.select_related("module")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(TenantScopedAdmin):
    fields = ["coach", "mentor", "started_on", "ended_on"]
    list_display = ["coach", "mentor", "started_on", "ended_on"]
    search_fields = ["coach__email", "coach__full_name", "mentor__user__full_name", "mentor__user__email"]
    list_select_related = ["coach", "mentor__user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "coach" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(
                memberships__tenant=request.tenant, memberships__role=Role.COACH, memberships__is_active=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MentorCoachingSession)
class MentorCoachingSessionAdmin(TenantScopedAdmin):
    list_display = ["held_on", "coach", "mentor", "focus_area", "minutes"]
    list_filter = ["focus_area"]
    search_fields = ["coach__full_name", "coach__email", "mentor__user__full_name", "mentor__user__email"]
    list_select_related = ["coach", "mentor__user", "focus_area"]
    date_hierarchy = "held_on"
