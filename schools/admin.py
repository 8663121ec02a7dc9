from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ectalign.admin import TenantScopedAdmin
from schools import services
from schools.models import InsetDay, Membership, School, TermDates, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    """Delivery partners themselves: platform superusers only (Django permissions)."""

    list_display = ["name", "kind", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "is_active"]
    readonly_fields = ["user"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(School)
class SchoolAdmin(TenantScopedAdmin):
    list_display = ["name", "urn", "phase", "type"]
    list_filter = ["tenant", "phase", "type"]
    search_fields = ["name", "urn"]
    inlines = [MembershipInline]


class MembershipAddForm(forms.ModelForm):
    email = forms.CharField(label="E-mail address", help_text="The person's work e-mail. An existing account gets this role as well; no second account is made.")
    full_name = forms.CharField(label="Full name", required=False)

    class Meta:
        model = Membership
        fields = ["role", "is_active"]  # the school field is added by the admin, scoped to the tenant

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError("Enter an e-mail address in the right form, like name@school.org.uk.") from None
        return email.lower()

    def clean(self):
        cleaned = super().clean()
        email, role, school = cleaned.get("email"), cleaned.get("role"), cleaned.get("school")
        tenant = self.instance.tenant if self.instance.tenant_id else cleaned.get("tenant")
        if email and role and tenant:
            duplicate = Membership.objects.filter(
                tenant=tenant, user__email__iexact=email, role=role, school=school
            ).exists()
            if duplicate:
                raise ValidationError("This person already holds this role here: edit that membership instead.")
        return cleaned


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "role", "school", "is_active"]
    list_filter = ["tenant", "role", "is_active", "school"]
    search_fields = ["user__email", "user__full_name", "school__name", "school__urn"]
    autocomplete_fields = ["school"]
    list_select_related = ["user", "school", "tenant"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MembershipAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            fields = ["email", "full_name", "role", "school", "is_active"]
            return (["tenant"] if request.user.is_superuser else []) + fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        tenant = obj.tenant if request.user.is_superuser else request.tenant
        created = services.add_membership(
            actor=request.user,
            tenant=tenant,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data.get("full_name", ""),
            role=obj.role,
            school=obj.school,
        )
        obj.pk = created.pk
        obj.user = created.user


@admin.register(TermDates)
class TermDatesAdmin(TenantScopedAdmin):
    """Single terms, for corrections. People set a whole year at once on the term-dates
    pages (``schools.services.set_term_dates``); the same rules apply here."""

    list_display = ["__str__", "academic_year", "term", "school", "starts_on", "ends_on"]
    list_filter = ["tenant", "academic_year", "term"]
    search_fields = ["school__name", "school__urn"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]


@admin.register(InsetDay)
class InsetDayAdmin(TenantScopedAdmin):
    list_display = ["date", "academic_year", "school"]
    list_filter = ["tenant", "academic_year"]
    search_fields = ["school__name", "school__urn"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
