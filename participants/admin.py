from django.contrib import admin

from ectalign.admin import TenantScopedAdmin
from participants.models import ECT, ECTAtSchool, Mentor, MentorAtSchool, Mentorship, Pause


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
    list_display = ["user", "trn", "induction_start", "fte", "cohort"]
    list_filter = ["tenant", "cohort"]
    search_fields = ["user__full_name", "user__email", "trn"]
    list_select_related = ["user", "cohort"]
    inlines = [ECTAtSchoolInline, MentorshipInline]


@admin.register(Mentor)
class MentorAdmin(TenantScopedAdmin):
    list_display = ["user", "kind", "cohort"]
    list_filter = ["tenant", "kind"]
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
