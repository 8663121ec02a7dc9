"""Conferences and clinics as they happen: delivery windows, sessions, bookings,
attendance, catch-up and calendar feeds (DESIGN.md section 6).

The lead provider's event templates (``programme.EventTemplate``) say what happens and
in which term; its delivery windows (global, like the programme) say between which
dates; a delivery partner's sessions say when, where, for how many and with whom.
Participants book one session of each event; attendance is marked per booking; a
missed event sets catch-up for the participant. ``events.services`` writes all of it
and holds the rules; ``events.selectors`` reads it.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned


class DeliveryWindow(models.Model):
    """The dates between which the lead provider lets a conference or clinic run in an
    academic year. Global and read-only to delivery partners, like the programme."""

    event = models.ForeignKey("programme.EventTemplate", on_delete=models.CASCADE, related_name="delivery_windows")
    academic_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2020), MaxValueValidator(2100)],
        help_text="The academic year it starts in, for example 2026 for 2026-27.",
    )
    opens_on = models.DateField()
    closes_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year", "opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["event", "academic_year"], name="delivery_window_once_per_year"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="delivery_window_in_order"),
        ]

    def __str__(self):
        return f"{self.event}: {self.opens_on:%-d %b %Y} to {self.closes_on:%-d %b %Y}"

    def holds(self, day):
        return self.opens_on <= day <= self.closes_on


class LocalGroup(TenantOwned):
    """Schools a delivery partner groups together for face-to-face sessions near them."""

    name = models.CharField(max_length=120)
    schools = models.ManyToManyField("schools.School", blank=True, related_name="local_groups")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="local_group_name_unique")]

    def __str__(self):
        return self.name


class Session(TenantOwned):
    """One sitting of a conference or clinic: when (Europe/London), how, where, for how
    many, who facilitates, and optionally for which local group."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "Face to face"
        ONLINE = "online", "Online"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (not yet open to booking)"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey("programme.EventTemplate", on_delete=models.PROTECT, related_name="sessions")
    academic_year = models.PositiveSmallIntegerField(editable=False, help_text="Taken from the session's date.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=20, choices=Mode.choices)
    venue = models.TextField(blank=True, help_text="For a face-to-face session: the venue's name and address.")
    online_link = models.URLField(
        "online joining link", max_length=500, blank=True,
        help_text="For an online session. Shown only to the people booked on it.",
    )
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2000)])
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_sessions",
    )
    local_group = models.ForeignKey(
        LocalGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions",
        help_text="Leave empty for a session open to every school of the delivery partner.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    changes_close_hours = models.PositiveSmallIntegerField(
        "bookings close (hours before the start)", default=48, validators=[MaxValueValidator(24 * 28)],
        help_text="Booking, moving and cancelling close this many hours before the session starts.",
    )
    catch_up_url = models.URLField(
        "catch-up materials link", max_length=500, blank=True,
        help_text="The recording or materials a participant who missed the event works through.",
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False, help_text="Calendar revision number.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["tenant", "event", "academic_year"], name="session_event_year")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self):
        from django.utils import timezone

        start = timezone.localtime(self.starts_at)
        return f"{self.event.get_kind_display()} {self.event.number}: {self.event.title}, {start:%-d %b %Y %H:%M}"

    @property
    def is_online(self):
        return self.mode == self.Mode.ONLINE

    @property
    def changes_close_at(self):
        import datetime as dt

        return self.starts_at - dt.timedelta(hours=self.changes_close_hours)


class Booking(TenantOwned):
    """A participant's place on a session (or on its waiting list), and their attendance.

    One booking or waiting-list place per participant per event: moving to another
    session cancels this row and makes a new one, so the history stays."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused absence"

    ACTIVE = (Status.BOOKED, Status.WAITING)
    # Marks that mean the participant missed the content, so catch-up is set.
    MISSED = (Attendance.ABSENT, Attendance.EXCUSED)
    ATTENDED = (Attendance.PRESENT, Attendance.LATE)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    event = models.ForeignKey("programme.EventTemplate", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_bookings")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="event_bookings",
        help_text="The participant's school when they booked.",
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    dietary_needs = models.CharField(max_length=300, blank=True)
    access_needs = models.CharField(max_length=300, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField()
    offered_at = models.DateTimeField(
        null=True, blank=True, help_text="When a freed place went to this participant from the waiting list.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["booked_at", "pk"]
        indexes = [
            models.Index(fields=["tenant", "session", "status"], name="booking_session_status"),
            models.Index(fields=["tenant", "school", "status"], name="booking_school_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "event"], condition=Q(status__in=["booked", "waiting"]),
                name="one_active_booking_per_event",
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="booked"), name="attendance_only_for_booked",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.session} ({self.get_status_display().lower()})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def missed(self):
        return self.attendance in self.MISSED


class CatchUp(TenantOwned):
    """The catch-up set for a participant who missed an event: the session's materials
    and a short reflection. Done when the participant submits the reflection."""

    REFLECTION_MIN_CHARS = 40

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_catch_ups")
    event = models.ForeignKey("programme.EventTemplate", on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="catch_ups")
    assigned_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    reflection = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "event"], name="catch_up_once_per_event"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(reflection=""), name="catch_up_done_has_reflection",
            ),
        ]

    def __str__(self):
        return f"Catch-up for {self.event} ({self.user})"

    @property
    def is_done(self):
        return self.completed_at is not None


class CalendarFeed(TenantOwned):
    """A private iCalendar feed address: a person's own events, or (with a school) the
    school's schedule for its induction tutor. The secret token is the only key; revoking
    it (or making a new one) stops the old address at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds",
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    # The secret stays out of the history tables.
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "school"], condition=Q(revoked_at__isnull=True),
                name="one_live_feed_per_person_and_school",
            ),
            models.UniqueConstraint(
                fields=["tenant", "user"], condition=Q(revoked_at__isnull=True, school__isnull=True),
                name="one_live_personal_feed",
            ),
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}" + (f" for {self.school.name}" if self.school_id else "")
