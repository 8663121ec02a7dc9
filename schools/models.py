"""Delivery partners (the tenants), their schools and people's memberships."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ectalign.tenancy import TenantOwned

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
