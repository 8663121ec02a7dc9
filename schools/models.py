"""Delivery partners (the tenants), their schools and people's memberships."""

import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned
from programme.schedule import (  # a pure module: no models, so no import cycle
    TERM_SEASONS,
    CalendarTerm,
    academic_year_bounds,
    academic_year_label,
    academic_year_of,
    long_date,
)

URN_PATTERN = re.compile(r"^\d{6}$")
URN_MESSAGE = (
    "A URN is the school's 6-digit unique reference number, for example 116123. "
    "Check it on Get Information about Schools."
)
urn_validator = RegexValidator(URN_PATTERN, URN_MESSAGE)


class URNField(models.CharField):
    """A school's 6-digit URN: one clear message for every wrong form (too short, too
    long, letters), instead of a generic length error."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 6
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        return [urn_validator]

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": None, **kwargs})


class Tenant(models.Model):
    """A delivery partner: a local authority's improvement service, a teaching school
    hub or another organisation that delivers the programme to its schools."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        TEACHING_SCHOOL_HUB = "teaching_school_hub", "Teaching school hub"
        OTHER = "other", "Other organisation"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    is_active = models.BooleanField(default=True)
    changes_needing_approval = models.JSONField(
        default=list, blank=True,
        help_text=(
            "The kinds of change an induction tutor must ask for (a change request the delivery "
            "partner's staff approve) instead of making directly, for example "
            '["change_programme", "withdraw", "transfer"].'
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "delivery partner"

    def __str__(self):
        return self.name


class School(TenantOwned):
    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"
        POST_16 = "post_16", "16 plus"

    class Type(models.TextChoices):
        MAINTAINED = "maintained", "Local-authority maintained"
        ACADEMY = "academy", "Academy or free school"
        INDEPENDENT_FUNDED = "independent_funded", "Independent (funded)"
        INDEPENDENT = "independent", "Independent (not funded, charged per participant)"
        OTHER = "other", "Other"

    urn = URNField(
        "URN",
        help_text="6 digits, for example 116123.",
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=30, choices=Phase.choices)
    type = models.CharField(max_length=30, choices=Type.choices, default=Type.MAINTAINED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "urn"], name="school_urn_unique_per_tenant"),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    @property
    def is_funded(self):
        return self.type != self.Type.INDEPENDENT


class Role(models.TextChoices):
    DP_ADMIN = "dp_admin", "Delivery partner admin"
    DP_STAFF = "dp_staff", "Delivery partner staff"
    FACILITATOR = "facilitator", "Facilitator"
    COACH = "coach", "Coach"
    INDUCTION_TUTOR = "induction_tutor", "Induction tutor"
    HEADTEACHER = "headteacher", "Headteacher"
    MENTOR = "mentor", "Mentor"
    ECT = "ect", "Early career teacher"


# Roles that work across the delivery partner (no school) and roles held in one school.
DELIVERY_PARTNER_ROLES = frozenset({Role.DP_ADMIN, Role.DP_STAFF})
TENANT_ROLES = frozenset({Role.DP_ADMIN, Role.DP_STAFF, Role.FACILITATOR, Role.COACH})
SCHOOL_ROLES = frozenset({Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.MENTOR, Role.ECT})
SCHOOL_LEADER_ROLES = frozenset({Role.INDUCTION_TUTOR, Role.HEADTEACHER})


class Membership(TenantOwned):
    """A person's role in a delivery partner, and for school roles in one school.
    A person may hold several; the active one is chosen explicitly."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__full_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tenant", "school", "role"], name="membership_unique_with_school"
            ),
            models.UniqueConstraint(
                fields=["user", "tenant", "role"],
                condition=Q(school__isnull=True),
                name="membership_unique_without_school",
            ),
            models.CheckConstraint(
                condition=(Q(role__in=sorted(SCHOOL_ROLES)) & Q(school__isnull=False))
                | (Q(role__in=sorted(TENANT_ROLES)) & Q(school__isnull=True)),
                name="membership_school_matches_role",
            ),
        ]

    def __str__(self):
        where = self.school.name if self.school_id else self.tenant.name
        return f"{self.get_role_display()}, {where}"

    def clean(self):
        super().clean()
        if self.role in SCHOOL_ROLES and not self.school_id:
            raise ValidationError({"school": f"Choose the school where this person is {self.get_role_display().lower()}."})
        if self.role in TENANT_ROLES and self.school_id:
            raise ValidationError({"school": f"A {self.get_role_display().lower()} works across the delivery partner: leave the school empty."})
        if self.school_id and self.tenant_id and self.school.tenant_id != self.tenant_id:
            raise ValidationError({"school": "This school belongs to another delivery partner."})

    @property
    def is_delivery_partner(self):
        return self.role in DELIVERY_PARTNER_ROLES

    @property
    def is_school_leader(self):
        return self.role in SCHOOL_LEADER_ROLES


# --- Term dates ----------------------------------------------------------------------
#
# Programme weeks are teaching weeks (DESIGN.md section 4), so every release date rests
# on a school's calendar. The delivery partner sets default dates for each academic year
# (rows with no school); a school may amend its own. ``schools.selectors.calendar_for``
# reads them (school, else delivery partner, else the standard pattern) and
# ``programme.schedule`` maps the programme onto them.

TERM_DATE_FIELDS = ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")
INSET_DAYS_FIELD = "inset_days"


def term_field_name(term_number, field_name):
    """The name a term's date goes by in forms and error dicts: ``autumn_starts_on``."""
    return f"{TERM_SEASONS[term_number]}_{field_name}"


def _span(first, last):
    return f"{long_date(first)} to {long_date(last)}"


def term_dates_problems(*, academic_year, terms, inset_days=(), require_all_terms=True):
    """Why a year's term dates cannot be saved, as {field name: [messages]}; empty when
    they can. Field names are ``term_field_name(term, field)`` or ``"inset_days"``, so a
    form shows each message beside the date to change.

    The rules: each term's first day is on or before its last; every date is inside the
    academic year (1 August to 31 July); the terms run autumn, spring, summer without
    overlapping; a half-term has both days, in order, inside its own term; INSET days
    are weekdays inside a term, outside its half-term.
    """
    problems = {}

    def add(key, message):
        problems.setdefault(key, []).append(message)

    first_day, last_day = academic_year_bounds(academic_year)
    year_label = academic_year_label(academic_year)
    by_number = {}
    for term in terms:
        if term.number in by_number:
            add(term_field_name(term.number, "starts_on"), f"The {term.name} is given twice: enter each term once.")
        by_number[term.number] = term
    if require_all_terms:
        for number, season in TERM_SEASONS.items():
            if number not in by_number:
                add(term_field_name(number, "starts_on"), f"Enter the first and last day of the {season} term.")

    sound = {}  # terms whose own dates are in order, for the checks between terms
    for number in sorted(by_number):
        term = by_number[number]
        name = term.name
        own_problem = False
        for field_name, day, what in (
            ("starts_on", term.starts_on, "first day"),
            ("ends_on", term.ends_on, "last day"),
        ):
            if not first_day <= day <= last_day:
                own_problem = True
                add(
                    term_field_name(number, field_name),
                    f"The {name}'s {what}, {long_date(day)}, is outside the {year_label} academic year: "
                    f"choose a date from {_span(first_day, last_day)}.",
                )
        if term.ends_on < term.starts_on:
            own_problem = True
            add(
                term_field_name(number, "ends_on"),
                f"The {name}'s last day, {long_date(term.ends_on)}, is before its first day, "
                f"{long_date(term.starts_on)}: change the last day to a date after the first.",
            )
        if not own_problem:
            sound[number] = term

        half_start, half_end = term.half_term_starts_on, term.half_term_ends_on
        season = TERM_SEASONS[number]
        if (half_start is None) != (half_end is None):
            missing = "half_term_ends_on" if half_end is None else "half_term_starts_on"
            add(
                term_field_name(number, missing),
                f"Enter both the first and last day of the {season} half-term, or leave both empty.",
            )
        elif half_start is not None:
            if half_end < half_start:
                add(
                    term_field_name(number, "half_term_ends_on"),
                    f"The {season} half-term's last day, {long_date(half_end)}, is before its first day, "
                    f"{long_date(half_start)}: change the last day to a date after the first.",
                )
            elif not own_problem:
                for field_name, day, what in (
                    ("half_term_starts_on", half_start, "first day"),
                    ("half_term_ends_on", half_end, "last day"),
                ):
                    if not term.holds(day):
                        add(
                            term_field_name(number, field_name),
                            f"The {season} half-term's {what}, {long_date(day)}, is outside the {name} "
                            f"({_span(term.starts_on, term.ends_on)}): the half-term falls inside its term, "
                            "so choose a day inside it or correct the term's dates.",
                        )

    ordered = [sound[n] for n in sorted(sound)]
    for earlier, later in zip(ordered, ordered[1:]):
        if later.starts_on <= earlier.ends_on:
            add(
                term_field_name(later.number, "starts_on"),
                f"The {later.name} starts on {long_date(later.starts_on)}, before the {earlier.name} ends on "
                f"{long_date(earlier.ends_on)}: terms run in order without overlapping, so choose a first day "
                f"after {long_date(earlier.ends_on)}.",
            )

    for day in sorted(set(inset_days)):
        if not first_day <= day <= last_day:
            message = f"The INSET day {long_date(day)} is outside the {year_label} academic year."
        elif day.weekday() >= 5:
            message = f"The INSET day {long_date(day)} is a {day:%A}: INSET days are school days."
        else:
            term = next((t for t in sound.values() if t.holds(day)), None)
            if term is None and len(sound) < len(by_number):
                continue  # a term's own dates are wrong: judge the INSET days once they are fixed
            if term is None:
                message = f"The INSET day {long_date(day)} is not in a term: INSET days fall inside a term."
            elif term.in_half_term(day):
                message = (
                    f"The INSET day {long_date(day)} is in the {term.season} half-term: INSET days are school days."
                )
            else:
                continue
        add(INSET_DAYS_FIELD, f"{message} Remove it or correct the date.")
    return problems


class TermDates(TenantOwned):
    """One term's dates in one academic year: a school's own, or (with no school) the
    delivery partner's default for its schools. A year's three terms are saved together
    by ``schools.services.set_term_dates``."""

    class Term(models.IntegerChoices):
        AUTUMN = 1, "Autumn"
        SPRING = 2, "Spring"
        SUMMER = 3, "Summer"

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="term_dates",
        help_text="Empty for the delivery partner's default dates.",
    )
    academic_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The calendar year it starts in: 2026 for 2026 to 2027.",
    )
    term = models.PositiveSmallIntegerField(choices=Term.choices)
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    half_term_starts_on = models.DateField("half-term: first day", null=True, blank=True)
    half_term_ends_on = models.DateField("half-term: last day", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year", "term"]
        verbose_name = "term dates"
        verbose_name_plural = "term dates"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "school", "academic_year", "term"], name="term_dates_unique_with_school"
            ),
            # NULLs are distinct in a unique index: the delivery partner's defaults need
            # their own constraint.
            models.UniqueConstraint(
                fields=["tenant", "academic_year", "term"],
                condition=Q(school__isnull=True),
                name="term_dates_unique_default",
            ),
            models.CheckConstraint(condition=Q(term__in=[1, 2, 3]), name="term_dates_term_known"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_dates_in_order"),
            models.CheckConstraint(
                condition=Q(half_term_starts_on__isnull=True, half_term_ends_on__isnull=True)
                | Q(
                    half_term_starts_on__isnull=False,
                    half_term_ends_on__isnull=False,
                    half_term_ends_on__gte=F("half_term_starts_on"),
                ),
                name="term_dates_half_term_complete",
            ),
        ]

    def __str__(self):
        owner = self.school.name if self.school_id else "delivery partner default"
        return f"{self.get_term_display()} term {academic_year_label(self.academic_year)}, {owner}"

    def as_calendar_term(self):
        return CalendarTerm(
            self.term, self.starts_on, self.ends_on, self.half_term_starts_on, self.half_term_ends_on
        )

    def clean(self):
        """Admin edits of one row: the same rules as the service, against the other
        terms of the same set."""
        super().clean()
        if self.school_id and self.tenant_id and self.school.tenant_id != self.tenant_id:
            raise ValidationError({"school": "This school belongs to another delivery partner."})
        if None in (self.academic_year, self.term, self.starts_on, self.ends_on):
            return
        others = []
        if self.tenant_id:
            others = [
                row.as_calendar_term()
                for row in TermDates.objects.filter(
                    tenant_id=self.tenant_id, school_id=self.school_id, academic_year=self.academic_year
                ).exclude(term=self.term).exclude(pk=self.pk)
            ]
        problems = term_dates_problems(
            academic_year=self.academic_year, terms=[self.as_calendar_term(), *others], require_all_terms=False
        )
        errors = {}
        for key, messages in problems.items():
            own = next((f for f in TERM_DATE_FIELDS if key == term_field_name(self.term, f)), None)
            errors.setdefault(own or NON_FIELD_ERRORS, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class InsetDay(TenantOwned):
    """A school's training day (no pupils, so not a teaching day), or with no school a
    delivery partner's default one. Saved with the year's term dates."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="inset_days",
        help_text="Empty for the delivery partner's default dates.",
    )
    academic_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The calendar year it starts in: 2026 for 2026 to 2027.",
    )
    date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = "INSET day"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "school", "date"], name="inset_day_unique_with_school"),
            models.UniqueConstraint(
                fields=["tenant", "date"], condition=Q(school__isnull=True), name="inset_day_unique_default"
            ),
        ]

    def __str__(self):
        owner = self.school.name if self.school_id else "delivery partner default"
        return f"INSET day {long_date(self.date)}, {owner}"

    def clean(self):
        super().clean()
        if self.school_id and self.tenant_id and self.school.tenant_id != self.tenant_id:
            raise ValidationError({"school": "This school belongs to another delivery partner."})
        if self.date is None:
            return
        if self.academic_year is not None and academic_year_of(self.date) != self.academic_year:
            raise ValidationError({
                "academic_year": f"{long_date(self.date)} is in the {academic_year_label(academic_year_of(self.date))} "
                f"academic year: enter {academic_year_of(self.date)}."
            })
        terms = []
        if self.tenant_id:
            terms = [
                row.as_calendar_term()
                for row in TermDates.objects.filter(
                    tenant_id=self.tenant_id, school_id=self.school_id, academic_year=academic_year_of(self.date)
                )
            ]
        if terms:
            problems = term_dates_problems(
                academic_year=academic_year_of(self.date), terms=terms, inset_days=[self.date], require_all_terms=False
            )
            if INSET_DAYS_FIELD in problems:
                raise ValidationError({"date": problems[INSET_DAYS_FIELD]})
        elif self.date.weekday() >= 5:
            raise ValidationError({"date": f"{long_date(self.date)} is a {self.date:%A}: INSET days are school days."})
