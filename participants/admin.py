from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from ectalign.admin import TenantScopedAdmin
from ectalign.csv import write_rows
from participants.models import (
    ECT,
    AppropriateBody,
    ECTAtSchool,
    Invitation,
    Mentor,
    MentorAbsence,
    MentorAtSchool,
    Mentorship,
    Onboarding,
    Pause,
    StatusChange,
)


class ECTAtSchoolInline(admin.TabularInline):
    model = ECTAtSchool
    fields = ["school", "started_on", "ended_on"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class MentorshipInline(ECTAtSchoolInline):
    model = Mentorship
    fields = ["mentor", "started_on", "ended_on"]


def _csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    write_rows(response, header, rows)
    return response


@admin.action(description="Export the selected ECTs (CSV)")
def export_ects_csv(modeladmin, request, queryset):
    today = timezone.localdate()
    queryset = queryset.select_related("user", "cohort", "appropriate_body").prefetch_related(
        "school_periods__school", "mentorships__mentor__user"
    )
    rows = []
    for ect in queryset:
        school = next((p.school for p in ect.school_periods.all() if p.covers(today)), None)
        mentor = next((m.mentor.user for m in ect.mentorships.all() if m.covers(today)), None)
        rows.append([
            ect.user.full_name, ect.user.email, ect.trn, ect.induction_start.isoformat(), ect.fte, ect.cohort.name,
            ect.appropriate_body.name if ect.appropriate_body else "", ect.get_training_status_display(),
            school.name if school else "", school.urn if school else "", mentor.full_name if mentor else "",
        ])
    return _csv_response(
        "ects.csv",
        ["full_name", "email", "trn", "induction_start", "fte", "cohort", "appropriate_body", "training_status",
         "school", "urn", "mentor"],
        rows,
    )


@admin.action(description="Export the selected mentors (CSV)")
def export_mentors_csv(modeladmin, request, queryset):
    today = timezone.localdate()
    queryset = queryset.select_related("user", "cohort").prefetch_related("school_periods__school", "mentorships")
    rows = [
        [
            mentor.user.full_name, mentor.user.email, mentor.get_kind_display(), mentor.get_programme_status_display(),
            mentor.get_training_status_display(),
            "; ".join(p.school.name for p in mentor.school_periods.all() if p.covers(today)),
            sum(1 for m in mentor.mentorships.all() if m.covers(today)),
        ]
        for mentor in queryset
    ]
    return _csv_response(
        "mentors.csv",
        ["full_name", "email", "kind", "mentor_programme", "training_status", "schools", "ects_now"],
        rows,
    )


@admin.register(ECT)
class ECTAdmin(TenantScopedAdmin):
    list_display = ["user", "trn", "induction_start", "fte", "cohort", "training_status"]
    list_filter = ["tenant", "cohort", "training_status"]
    search_fields = ["user__full_name", "user__email", "trn"]
    list_select_related = ["user", "cohort"]
    inlines = [ECTAtSchoolInline, MentorshipInline]
    actions = [export_ects_csv]


@admin.register(Mentor)
class MentorAdmin(TenantScopedAdmin):
    list_display = ["user", "kind", "cohort", "programme_status", "training_status"]
    list_filter = ["tenant", "kind", "programme_status", "training_status"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "cohort"]
    actions = [export_mentors_csv]


@admin.register(ECTAtSchool)
class ECTAtSchoolAdmin(TenantScopedAdmin):
    list_display = ["ect", "school", "started_on", "ended_on"]
    list_filter = ["tenant", "school"]
    search_fields = ["ect__user__full_name", "school__name"]
    list_select_related = ["ect__user", "school"]
    autocomplete_fields = ["ect", "school"]


@admin.register(MentorAtSchool)
class MentorAtSchoolAdmin(TenantScopedAdmin):
    list_display = ["mentor", "school", "started_on", "ended_on"]
    list_filter = ["tenant", "school"]
    search_fields = ["mentor__user__full_name", "school__name"]
    list_select_related = ["mentor__user", "school"]
    autocomplete_fields = ["mentor", "school"]


@admin.register(Mentorship)
class MentorshipAdmin(TenantScopedAdmin):
    list_display = ["ect", "mentor", "started_on", "ended_on"]
    list_filter = ["tenant"]
    search_fields = ["ect__user__full_name", "mentor__user__full_name"]
    list_select_related = ["ect__user", "mentor__user"]
    autocomplete_fields = ["ect", "mentor"]


@admin.register(Pause)
class PauseAdmin(TenantScopedAdmin):
    list_display = ["ect", "kind", "starts_on", "ends_on"]
    list_filter = ["tenant", "kind"]
    search_fields = ["ect__user__full_name"]
    list_select_related = ["ect__user"]
    autocomplete_fields = ["ect"]


@admin.register(AppropriateBody)
class AppropriateBodyAdmin(TenantScopedAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(StatusChange)
class StatusChangeAdmin(TenantScopedAdmin):
    list_display = ["__str__", "ect", "mentor", "status", "reason", "on", "recorded_by"]
    list_filter = ["tenant", "status", "reason"]
    search_fields = ["ect__user__full_name", "mentor__user__full_name"]
    list_select_related = ["ect__user", "mentor__user", "recorded_by"]
    autocomplete_fields = ["ect", "mentor"]
    readonly_fields = ["recorded_by"]


@admin.register(MentorAbsence)
class MentorAbsenceAdmin(TenantScopedAdmin):
    list_display = ["mentor", "started_on", "ended_on", "reason"]
    list_filter = ["tenant"]
    search_fields = ["mentor__user__full_name"]
    list_select_related = ["mentor__user"]
    autocomplete_fields = ["mentor"]


@admin.register(Invitation)
class InvitationAdmin(TenantScopedAdmin):
    list_display = ["email", "membership", "sent_at", "expires_at", "times_sent", "accepted_at", "revoked_at"]
    list_filter = ["tenant"]
    search_fields = ["email"]
    list_select_related = ["membership__school", "membership__tenant"]
    exclude = ["token_hash"]
    readonly_fields = ["membership", "email", "invited_by", "sent_at", "expires_at", "times_sent", "accepted_at"]

    def has_add_permission(self, request):
        return False  # invitations are made by registering a person, which also sends the e-mail


@admin.register(Onboarding)
class OnboardingAdmin(TenantScopedAdmin):
    list_display = ["user", "phase", "subject", "working_pattern", "completed_at"]
    list_filter = ["tenant", "phase", "working_pattern"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user"]


# The change-request admin (approve / reject) lives beside its services.
from participants import admin_changes  # noqa: E402, F401
