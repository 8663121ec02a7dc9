"""Admin for change requests: delivery partner staff approve or reject them."""

from django.contrib import admin

from ectalign.admin import TenantScopedAdmin
from participants.models import ChangeRequest


@admin.register(ChangeRequest)
class ChangeRequestAdmin(TenantScopedAdmin):
    list_display = ["__str__", "school", "state", "requested_by", "requested_at", "decided_at"]
    list_filter = ["tenant", "state", "kind"]
    search_fields = ["ect__user__full_name", "mentor__user__full_name", "school__name"]
    list_select_related = ["ect__user", "mentor__user", "school", "requested_by"]
    autocomplete_fields = ["ect", "mentor", "school"]
