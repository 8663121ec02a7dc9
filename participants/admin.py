from django.contrib import admin

from ectalign.admin import TenantScopedAdmin
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


@admin.register(ECT)
class ECTAdmin(TenantScopedAdmin):
    list_display = ["user", "trn", "induction_start", "fte", "cohort", "training_status"]
    list_filter = ["tenant", "cohort", "training_status"]
    search_fields = ["user__full_name", "user__email", "trn"]
    list_select_related = ["user", "cohort"]
    inlines = [ECTAtSchoolInline, MentorshipInline]


@admin.register(Mentor)
class MentorAdmin(TenantScopedAdmin):
    list_display = ["user", "kind", "cohort", "programme_status", "training_status"]
    list_filter = ["tenant", "kind", "programme_status", "training_status"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "cohort"]


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
