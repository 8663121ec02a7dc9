"""Programme templates are global: plain ModelAdmins, so Django's model permissions keep
them to platform superusers (delivery-partner staff get 403). Cohorts belong to a
delivery partner and use the tenant-scoped admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from ectalign.admin import TenantScopedAdmin
from programme.models import (
    Audience,
    CoachingFocusArea,
    Cohort,
    DiagnosticQuestion,
    EventTemplate,
    LibraryStep,
    Module,
    ModuleActivity,
    Programme,
    ProgrammeYear,
    Strand,
    Term,
)


class ProgrammePartChoices:
    """Foreign keys to a programme's parts (years, strands, terms, modules) offer only
    the parts of the programme being edited; on an add page, where the programme is
    not chosen yet, every programme's parts are offered, labelled with its slug."""

    part_models = (ProgrammeYear, Strand, Term, Module)

    def edited_programme_id(self, request):
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if not object_id:
            return None
        if self.model is Programme or getattr(self, "parent_model", None) is Programme:
            return object_id
        return self.model.objects.filter(pk=object_id).values_list("programme_id", flat=True).first()

    def _limit(self, db_field, request, kwargs):
        related = db_field.related_model
        if related not in self.part_models:
            return None
        programme_id = self.edited_programme_id(request)
        queryset = related.objects.select_related("programme")
        kwargs["queryset"] = queryset.filter(programme_id=programme_id) if programme_id else queryset
        return programme_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        programme_id = self._limit(db_field, request, kwargs)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.related_model in self.part_models and not programme_id:
            formfield.label_from_instance = lambda obj: f"{obj.programme.slug}: {obj}"
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        programme_id = self._limit(db_field, request, kwargs)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.related_model in self.part_models and not programme_id:
            formfield.label_from_instance = lambda obj: f"{obj.programme.slug}: {obj}"
        return formfield


class ProgrammeYearInline(admin.TabularInline):
    model = ProgrammeYear
    extra = 0


class StrandInline(admin.TabularInline):
    model = Strand
    extra = 0


class TermInline(ProgrammePartChoices, admin.TabularInline):
    model = Term
    extra = 0
    fields = ["number", "year", "season", "theme", "theme_inferred", "start_week", "end_week"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "audience", "lead_provider", "version"]
    list_filter = ["audience", "lead_provider"]
    search_fields = ["title", "slug", "lead_provider"]
    readonly_fields = ["source_checksum"]
    inlines = [ProgrammeYearInline, StrandInline, TermInline]
    list_select_related = ["ect_programme"]


class ModuleActivityInline(admin.TabularInline):
    model = ModuleActivity
    extra = 0


@admin.register(Module)
class ModuleAdmin(ProgrammePartChoices, SimpleHistoryAdmin):
    list_display = ["code", "title", "programme", "strand", "kind", "term", "start_week", "end_week"]
    list_filter = ["programme", "kind", "strand_inferred", "weeks_inferred"]
    search_fields = ["code", "title"]
    list_select_related = ["programme", "strand", "term"]
    inlines = [ModuleActivityInline]
    fieldsets = (
        (None, {"fields": ("programme", "code", "title", "title_inferred", "summary", "kind", "order")}),
        ("Strand", {"fields": ("strand", "strand_inferred")}),
        ("Place in the calendar", {"fields": (
            "term", "end_term", "start_week", "end_week", "weeks_inferred", "release_month", "release_day",
            "concurrent", "includes_diagnostic",
        )}),
    )


@admin.register(EventTemplate)
class EventTemplateAdmin(ProgrammePartChoices, SimpleHistoryAdmin):
    list_display = ["code", "title", "programme", "kind", "audience", "term", "hours"]
    list_filter = ["programme", "kind", "audience"]
    search_fields = ["code", "title"]
    list_select_related = ["programme", "term"]


@admin.register(LibraryStep)
class LibraryStepAdmin(SimpleHistoryAdmin):
    list_display = ["title", "module", "order", "kind", "strand"]
    list_filter = ["kind", "module__programme"]
    search_fields = ["title", "module__code", "module__title"]
    list_select_related = ["module", "strand"]


@admin.register(CoachingFocusArea)
class CoachingFocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "code", "programme", "order"]
    list_filter = ["programme"]
    list_select_related = ["programme"]


class DiagnosticQuestionForm(forms.ModelForm):
    class Meta:
        model = DiagnosticQuestion
        fields = ["programme", "order", "strand", "text", "inferred", "suggested_modules"]

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        modules = cleaned.get("suggested_modules") or []
        foreign = [m.code for m in modules if programme and m.programme_id != programme.pk]
        if foreign:
            raise ValidationError({
                "suggested_modules": f"Modules {', '.join(foreign)} belong to another programme: "
                f"choose modules of {programme}."
            })
        return cleaned


@admin.register(DiagnosticQuestion)
class DiagnosticQuestionAdmin(ProgrammePartChoices, SimpleHistoryAdmin):
    form = DiagnosticQuestionForm
    list_display = ["order", "text", "strand", "programme"]
    list_filter = ["programme"]
    list_select_related = ["programme", "strand"]
    filter_horizontal = ["suggested_modules"]


@admin.register(Cohort)
class CohortAdmin(TenantScopedAdmin):
    list_display = ["name", "start_year", "programme", "mentor_programme"]
    list_filter = ["tenant", "start_year", "programme"]
    search_fields = ["name"]
    list_select_related = ["programme", "mentor_programme", "tenant"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only programmes of the right audience; the model's clean() explains a
        # wrong choice made any other way.
        if db_field.name == "programme":
            kwargs["queryset"] = Programme.objects.filter(audience=Audience.ECT)
        elif db_field.name == "mentor_programme":
            kwargs["queryset"] = Programme.objects.filter(audience=Audience.MENTOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
