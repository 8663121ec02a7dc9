"""The base ModelAdmin for tenant-owned models, and the admin of people."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from ectalign.admin_site import is_admin_user
from ectalign.models import User
from ectalign.tenancy import TenantOwned


class TenantScopedAdmin(SimpleHistoryAdmin):
    """Every ModelAdmin of a tenant-owned model derives from this.

    For delivery-partner staff it filters change lists, change, delete and history
    views, search and autocomplete to their tenant; limits foreign-key choices to the
    tenant; hides the tenant field and sets it before validation. Objects of another
    tenant answer 404. Platform superusers see every tenant.
    """

    delete_roles = frozenset({"dp_admin"})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(tenant=request.tenant)  # explicit, on top of the scope

    # Permissions come from the active membership, not from Django's model perms.
    def has_module_permission(self, request):
        return is_admin_user(request)

    def has_view_permission(self, request, obj=None):
        return is_admin_user(request)

    def has_add_permission(self, request):
        return is_admin_user(request)

    def has_change_permission(self, request, obj=None):
        return is_admin_user(request)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        return is_admin_user(request) and request.membership.role in self.delete_roles

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            exclude.append("tenant")
        return exclude

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if not request.user.is_superuser:
            filters = [f for f in filters if f != "tenant"]
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            related = db_field.related_model
            if issubclass(related, TenantOwned):
                kwargs["queryset"] = related.objects.filter(tenant=request.tenant)
            elif related is User:
                kwargs["queryset"] = User.objects.filter(
                    memberships__tenant=request.tenant
                ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and issubclass(db_field.related_model, TenantOwned):
            kwargs["queryset"] = db_field.related_model.objects.filter(tenant=request.tenant)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser:
            return form
        tenant = request.tenant

        class TenantForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.instance.tenant = tenant

            def _get_validation_exclusions(self):
                # The tenant is set, not typed: validate the constraints that use it.
                exclusions = super()._get_validation_exclusions()
                exclusions.discard("tenant")
                return exclusions

        TenantForm.__name__ = form.__name__
        return TenantForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.tenant = request.tenant
        super().save_model(request, obj, form, change)

    def _require_visible(self, request, object_id):
        """History pages must not fall back to the history of an object outside the
        person's tenant (simple-history shows deleted objects' history otherwise)."""
        if not request.user.is_superuser and self.get_object(request, object_id) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # "Missing" and "another tenant's" must look the same: 404, not a redirect
        # that reveals nothing but differs from other pages.
        raise Http404


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """People are global (one account, several memberships): platform superusers only.
    Delivery-partner staff manage people through memberships."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
