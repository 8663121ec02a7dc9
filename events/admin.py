"""Admin for delivery partner staff: schedule sessions, bulk-create sessions for a
programme year, publish, registers, attendance, export bookings with dietary and
access needs (CSV, formula-escaped).

Every write goes through ``events.services``: the session form is validated by
``schedule_session`` itself (each refusal shown beside the field it names), the
actions publish, cancel and cancel bookings through their services, and the
bulk-create page calls ``bulk_create_sessions``. Delivery windows are the lead
provider's (global): platform superusers edit them; staff read them on a page of the
session admin. Calendar feeds hold secrets and stay out of the admin.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.forms.models import construct_instance
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ectalign.admin import TenantScopedAdmin
from ectalign.admin_site import is_admin_user
from ectalign.csv import write_rows
from ectalign.models import User
from events import selectors, services
from events.models import Booking, CatchUp, DeliveryWindow, LocalGroup, Session
from events.services import EventError
from programme.models import Audience, Cohort, EventTemplate, Programme
from programme.schedule import academic_year_label, academic_year_of, long_date
from schools.models import Role, Tenant

# Who may facilitate a session (the service checks the same roles).
FACILITATOR_ROLES = (Role.FACILITATOR, Role.DP_STAFF, Role.DP_ADMIN)


def uk_time(moment, pattern="%a %-d %b %Y, %H:%M"):
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def tenant_programme_ids(tenant):
    """The ECT and mentor programmes the tenant's cohorts follow."""
    ids = set()
    for programme_id, mentor_programme_id in Cohort.objects.filter(tenant=tenant).values_list(
        "programme_id", "mentor_programme_id"
    ):
        ids.add(programme_id)
        if mentor_programme_id:
            ids.add(mentor_programme_id)
    return ids


def events_for(request):
    """The conferences and clinics staff may schedule: those of their cohorts' programmes."""
    events = EventTemplate.objects.select_related("programme").order_by("programme__slug", "term__number", "kind",
                                                                         "number")
    if request.user.is_superuser:
        return events
    return events.filter(programme_id__in=tenant_programme_ids(request.tenant))


def event_label(event):
    return f"{services.event_name(event)} ({event.programme.slug})"


# --- Delivery windows (global) --------------------------------------------------------------


@admin.register(DeliveryWindow)
class DeliveryWindowAdmin(SimpleHistoryAdmin):
    """The lead provider's windows: a plain ModelAdmin, so Django's model permissions
    keep editing to platform superusers (as for the programme). Staff read the windows
    on the session admin's "Delivery windows" page."""

    list_display = ["event", "programme", "academic_year", "opens_on", "closes_on"]
    list_filter = ["academic_year", "event__programme", "event__kind"]
    search_fields = ["event__title", "event__code"]
    list_select_related = ["event__programme"]

    @admin.display(description="programme", ordering="event__programme__slug")
    def programme(self, obj):
        return obj.event.programme.slug

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "event" and formfield is not None:
            formfield.queryset = formfield.queryset.select_related("programme")
            formfield.label_from_instance = event_label
        return formfield


# --- Local groups ----------------------------------------------------------------------------


@admin.register(LocalGroup)
class LocalGroupAdmin(TenantScopedAdmin):
    list_display = ["name", "school_count"]
    list_filter = ["tenant"]
    search_fields = ["name", "schools__name"]
    filter_horizontal = ["schools"]  # limited to the tenant's schools by TenantScopedAdmin

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(school_count=Count("schools", distinct=True))

    @admin.display(description="schools", ordering="school_count")
    def school_count(self, obj):
        return obj.school_count


# --- Sessions ----------------------------------------------------------------------------------


class _DryRun(Exception):
    """Rolls back the validating call of the service."""


class SessionForm(forms.ModelForm):
    """The session's facts, validated by ``services.schedule_session`` itself: the
    service runs once inside a savepoint that is rolled back, so a refusal shows beside
    the field it names and nothing is written; the admin's save then runs it for real."""

    # Set by SessionAdmin.get_form.
    actor = None
    request_tenant = None

    # No Meta here: SessionAdmin's fieldsets choose the fields, and its form factory
    # builds them with the tenant's choices (building them at import would query outside
    # any tenant scope).

    def session_tenant(self):
        if self.instance.pk:
            return self.instance.tenant
        return self.request_tenant or self.cleaned_data.get("tenant")

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "actor": self.actor,
            "tenant": self.session_tenant(),
            "session": self.instance if self.instance.pk else None,
            "event": data["event"],
            "starts_at": data.get("starts_at"),
            "ends_at": data.get("ends_at"),
            "mode": data["mode"],
            "capacity": data.get("capacity"),
            "venue": data.get("venue", ""),
            "online_link": data.get("online_link", ""),
            "facilitators": list(data.get("facilitators") or []),
            "local_group": data.get("local_group"),
            "changes_close_hours": data["changes_close_hours"],
            "catch_up_url": data.get("catch_up_url", ""),
        }

    def _post_clean(self):
        # Instead of the model's validation: the service is the one place of the rules.
        if self._errors:
            return
        if self.session_tenant() is None:
            self.add_error("tenant", "Choose the delivery partner the session belongs to.")
            return
        construct_instance(self, self.instance, self._meta.fields)
        try:
            with transaction.atomic():
                services.schedule_session(**self.service_arguments())
                raise _DryRun
        except _DryRun:
            pass
        except EventError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))


class BookingInline(admin.TabularInline):
    """The session's bookings, read-only: bookings are made by the participants, their
    induction tutors or staff on the booking pages, and marked on the register."""

    model = Booking
    fk_name = "session"
    fields = ["participant", "school", "status", "dietary_needs", "access_needs", "attendance", "booked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["status", "user__full_name"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user", "school")
        if not request.user.is_superuser:
            queryset = queryset.filter(tenant=request.tenant)
        return queryset

    @admin.display(description="participant")
    def participant(self, obj):
        return f"{obj.user.full_name} <{obj.user.email}>" if obj.user.full_name else obj.user.email

    # Permissions come from the active membership, as in TenantScopedAdmin.
    def has_view_permission(self, request, obj=None):
        return is_admin_user(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheets read the file as UTF-8
    write_rows(response, header, rows)
    return response


BOOKINGS_CSV_HEADER = [
    "event", "session_start", "mode", "venue", "participant", "email", "role", "school", "status",
    "dietary_needs", "access_needs", "attendance",
]


def bookings_csv_rows(sessions):
    """One row per active booking (booked or on the waiting list) of the sessions, by
    session, then booked before waiting, then name. Two queries, whatever the size."""
    bookings = (
        Booking.objects.filter(session__in=sessions, status__in=Booking.ACTIVE)
        .select_related("user", "school", "session__event")
        .order_by("session__starts_at", "session_id", "status", "user__full_name", "user__email")
    )
    rows = []
    for booking in bookings:
        session = booking.session
        rows.append([
            services.event_name(session.event), uk_time(session.starts_at, "%Y-%m-%d %H:%M"),
            session.get_mode_display(), session.venue if not session.is_online else "Online",
            booking.user.full_name, booking.user.email,
            "ECT" if session.event.audience == Audience.ECT else "Mentor",
            booking.school.name if booking.school else "", booking.get_status_display(),
            booking.dietary_needs, booking.access_needs, booking.get_attendance_display(),
        ])
    return rows


def _each(modeladmin, request, items, write, *, done, refused):
    """Apply ``write(item)`` (a service call) to each item, then say how many were done
    (``done(n)``) and, one message each, which were refused and why (``refused``)."""
    count, errors = 0, []
    for item in items:
        try:
            write(item)
            count += 1
        except EventError as error:
            errors.append(f"{item}: {error}")
    if count:
        modeladmin.message_user(request, done(count), messages.SUCCESS)
    for message in errors:
        modeladmin.message_user(request, f"{refused} {message}", messages.ERROR)


@admin.action(description="Publish the selected sessions (open them to booking)")
def publish_sessions(modeladmin, request, queryset):
    _each(modeladmin, request, queryset.select_related("tenant", "event"),
          lambda session: services.publish_session(actor=request.user, session=session),
          done=lambda n: f"Published {n} session{pluralize(n)}: open to booking now.", refused="Not published.")


@admin.action(description="Cancel the selected sessions (their bookings are cancelled and people told)")
def cancel_sessions(modeladmin, request, queryset):
    """Asks first: cancelling e-mails everyone booked and cannot be undone."""
    sessions = list(queryset.select_related("tenant", "event"))
    if request.POST.get("confirm") != "yes":
        counts = dict(
            Booking.objects.filter(session__in=sessions, status__in=Booking.ACTIVE)
            .values_list("session_id").annotate(n=Count("pk"))
        )
        context = {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.opts,
            "title": "Cancel these sessions?",
            "sessions": [(s, counts.get(s.pk, 0)) for s in sessions],
            "action": "cancel_sessions",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/session/cancel_confirmation.html", context)
    _each(modeladmin, request, sessions, lambda session: services.cancel_session(actor=request.user, session=session),
          done=lambda n: f"Cancelled {n} session{pluralize(n)}: the people booked have been e-mailed.",
          refused="Not cancelled.")
    return None


@admin.action(description="Export the bookings of the selected sessions (CSV, with dietary and access needs)")
def export_bookings_csv(modeladmin, request, queryset):
    return _csv_response("session-bookings.csv", BOOKINGS_CSV_HEADER, bookings_csv_rows(queryset.order_by()))


class BulkCreateForm(forms.Form):
    tenant = forms.ModelChoiceField(label="Delivery partner", queryset=Tenant.objects.order_by("name"))
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), help_text="The programmes your cohorts follow (ECT and mentor).",
    )
    programme_year = forms.TypedChoiceField(
        label="Programme year", choices=[(1, "Year 1"), (2, "Year 2")], coerce=int,
        help_text="Which year of the programme's conferences and clinics to schedule.",
    )
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int, choices=())
    copies = forms.IntegerField(
        label="Sessions of each event", initial=1,
        help_text="Each is made as a draft on the first Wednesday of the event's delivery window, to adjust and publish.",
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        if request.tenant is not None:
            del self.fields["tenant"]
            self.fields["programme"].queryset = Programme.objects.filter(
                pk__in=tenant_programme_ids(request.tenant)
            ).order_by("audience", "slug")
        else:  # a platform superuser without a delivery partner role
            self.fields["programme"].queryset = Programme.objects.order_by("audience", "slug")
        this_year = academic_year_of(timezone.localdate())
        years = range(this_year - 1, this_year + 3)
        self.fields["academic_year"].choices = [(year, academic_year_label(year)) for year in years]
        self.fields["academic_year"].initial = this_year


@admin.register(Session)
class SessionAdmin(TenantScopedAdmin):
    form = SessionForm
    list_display = [
        "event_name", "start", "mode", "local_group", "booked", "waiting", "status", "register_link",
    ]
    list_display_links = ["event_name", "start"]
    list_filter = ["tenant", "event__kind", "status", "academic_year", "mode", "event__audience"]
    search_fields = ["event__title", "event__code", "venue"]
    list_select_related = ["event", "local_group"]
    ordering = ["starts_at", "pk"]
    readonly_fields = ["status", "academic_year", "delivery_window", "booked", "waiting", "register_link"]
    inlines = [BookingInline]
    actions = [publish_sessions, cancel_sessions, export_bookings_csv]
    # Sessions are cancelled (which tells the people booked), never deleted.
    delete_roles = frozenset()
    save_as = False
    change_list_template = "admin/events/session/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            booked_count=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED), distinct=True),
            waiting_count=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING), distinct=True),
        )

    def get_fieldsets(self, request, obj=None):
        facts = ["event", "starts_at", "ends_at", "mode", "venue", "online_link", "capacity", "local_group"]
        if request.user.is_superuser and obj is None:
            facts.insert(0, "tenant")
        fieldsets = [
            (None, {"fields": facts}),
            ("Who runs it", {"fields": ["facilitators"]}),
            ("Booking and catch-up", {"fields": ["changes_close_hours", "catch_up_url"]}),
        ]
        if obj is not None:
            fieldsets.insert(0, ("Status", {"fields": [
                "status", "academic_year", "delivery_window", "booked", "waiting", "register_link",
            ]}))
        return fieldsets

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # A cancelled session stays as a record: schedule a new one instead.
        if obj is not None and obj.status == Session.Status.CANCELLED:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RequestSessionForm(form):
            actor = request.user
            request_tenant = None if request.user.is_superuser else request.tenant

        RequestSessionForm.__name__ = form.__name__
        return RequestSessionForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event":
            kwargs["queryset"] = events_for(request)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "event" and formfield is not None:
            formfield.label_from_instance = event_label
        return formfield

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("online_link", "catch_up_url"):
            kwargs["assume_scheme"] = "https"  # a link typed without its scheme is a secure one
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "facilitators":
            people = User.objects.filter(memberships__role__in=FACILITATOR_ROLES, memberships__is_active=True)
            if not request.user.is_superuser:
                people = people.filter(memberships__tenant=request.tenant)
            kwargs["queryset"] = User.objects.filter(pk__in=people.values("pk")).order_by("full_name", "email")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """The service validated the form in a dry run; now it writes."""
        saved = services.schedule_session(**form.service_arguments())
        for model_field in Session._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(saved, model_field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The service set the facilitators; the bookings inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- Columns -------------------------------------------------------------------------

    @admin.display(description="event", ordering="event__title")
    def event_name(self, obj):
        return services.event_name(obj.event)

    @admin.display(description="start (UK time)", ordering="starts_at")
    def start(self, obj):
        return uk_time(obj.starts_at)

    @admin.display(description="booked / capacity", ordering="booked_count")
    def booked(self, obj):
        booked = getattr(obj, "booked_count", None)
        if booked is None:
            booked = obj.bookings.filter(status=Booking.Status.BOOKED).count()
        return f"{booked} / {obj.capacity}"

    @admin.display(description="waiting list", ordering="waiting_count")
    def waiting(self, obj):
        waiting = getattr(obj, "waiting_count", None)
        if waiting is None:
            waiting = obj.bookings.filter(status=Booking.Status.WAITING).count()
        return waiting

    @admin.display(description="register")
    def register_link(self, obj):
        if obj is None or obj.pk is None or obj.status == Session.Status.DRAFT:
            return "-"
        try:
            url = reverse("events:register", args=[obj.pk])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">Register</a>', url)

    @admin.display(description="delivery window")
    def delivery_window(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        window = selectors.delivery_window(obj.event, obj.academic_year)
        if window is None:
            return f"None set for {academic_year_label(obj.academic_year)}"
        return f"{long_date(window.opens_on)} to {long_date(window.closes_on)}"

    # --- Pages of their own -----------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("bulk-create/", self.admin_site.admin_view(self.bulk_create_view), name="%s_%s_bulk_create" % info),
            path("delivery-windows/", self.admin_site.admin_view(self.delivery_windows_view),
                 name="%s_%s_delivery_windows" % info),
            *super().get_urls(),
        ]

    def _url(self, view):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}")

    def _page(self, request, template, title, **context):
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.opts, "title": title, **context,
        })

    def bulk_create_view(self, request):
        """Draft sessions for every conference and clinic of one programme year."""
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = BulkCreateForm(request.POST or None, request=request)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = services.bulk_create_sessions(
                    actor=request.user, tenant=request.tenant or data["tenant"], programme=data["programme"],
                    academic_year=data["academic_year"], programme_year=data["programme_year"],
                    copies=data["copies"],
                )
            except EventError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                drafts = f"{self._url('changelist')}?status__exact=draft&academic_year__exact={data['academic_year']}"
                self.message_user(request, format_html(
                    'Made {} draft session{} of {} year {} for {}: set their dates, venues and facilitators, then '
                    'publish them. <a href="{}">See the draft sessions</a>.',
                    len(created), "" if len(created) == 1 else "s", data["programme"], data["programme_year"],
                    academic_year_label(data["academic_year"]), drafts,
                ), messages.SUCCESS)
                return redirect(drafts)
        return self._page(request, "admin/events/session/bulk_create.html", "Bulk-create sessions", form=form)

    def delivery_windows_view(self, request):
        """The lead provider's delivery windows for the tenant's programmes, read-only."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = academic_year_of(timezone.localdate())
        windows = DeliveryWindow.objects.filter(academic_year=year).select_related("event__programme", "event__term")
        if not request.user.is_superuser:
            windows = windows.filter(event__programme_id__in=tenant_programme_ids(request.tenant))
        windows = windows.order_by("event__programme__audience", "event__programme__slug", "opens_on",
                                   "event__kind", "event__number")
        return self._page(
            request, "admin/events/session/delivery_windows.html", f"Delivery windows {academic_year_label(year)}",
            windows=windows, year=year, year_label=academic_year_label(year),
            previous_year=year - 1, next_year=year + 1,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "bulk_create_url": self._url("bulk_create") if self.has_add_permission(request) else None,
            "delivery_windows_url": self._url("delivery_windows"),
        }
        return super().changelist_view(request, extra_context=extra_context)


# --- Bookings and catch-up (read-only) ---------------------------------------------------------


@admin.action(description="Cancel the selected bookings (a freed place goes to the waiting list)")
def cancel_bookings(modeladmin, request, queryset):
    _each(modeladmin, request, queryset.select_related("session", "user"),
          lambda booking: services.cancel_booking(actor=request.user, booking=booking),
          done=lambda n: f"Cancelled {n} booking{pluralize(n)}.", refused="Not cancelled.")


class ReadOnlyAdmin(TenantScopedAdmin):
    """Rows written by the services only: listed and read here, never added, edited or
    deleted (deleting would erase a record of attendance)."""

    delete_roles = frozenset()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["participant", "event_name", "session_start", "school", "status", "attendance",
                    "dietary_needs", "access_needs", "booked_at"]
    list_filter = ["tenant", "status", "attendance", "event__kind", "event__audience", "session__academic_year",
                   ("school", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__full_name", "user__email", "event__title", "school__name"]
    list_select_related = ["user", "school", "event", "session"]
    actions = [cancel_bookings]

    @admin.display(description="participant", ordering="user__full_name")
    def participant(self, obj):
        return obj.user.full_name or obj.user.email

    @admin.display(description="event", ordering="event__title")
    def event_name(self, obj):
        return services.event_name(obj.event)

    @admin.display(description="session (UK time)", ordering="session__starts_at")
    def session_start(self, obj):
        return uk_time(obj.session.starts_at)


@admin.register(CatchUp)
class CatchUpAdmin(ReadOnlyAdmin):
    list_display = ["participant", "event_name", "assigned_at", "completed_at"]
    list_filter = ["tenant", ("completed_at", admin.EmptyFieldListFilter), "event__kind", "event__audience"]
    search_fields = ["user__full_name", "user__email", "event__title"]
    list_select_related = ["user", "event"]

    @admin.display(description="participant", ordering="user__full_name")
    def participant(self, obj):
        return obj.user.full_name or obj.user.email

    @admin.display(description="event", ordering="event__title")
    def event_name(self, obj):
        return services.event_name(obj.event)
