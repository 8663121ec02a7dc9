"""Writes for delivery partners, schools and memberships."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from programme.schedule import CalendarTerm, academic_year_label
from schools.models import InsetDay, Membership, Role, TermDates, term_dates_problems


class SchoolsError(Exception):
    """A change to schools or memberships that cannot be made, with a message a
    person can act on."""


@transaction.atomic
def add_membership(*, actor, tenant, email, role, school=None, full_name="", is_active=True):
    """Give a person (created if new, by e-mail) a role in the tenant. An existing
    account gets a new membership, never a second account. ``is_active=False`` holds the
    membership until the person accepts their invitation."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    elif full_name and not user.full_name:
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
    if school is not None and school.tenant_id != tenant.pk:
        raise SchoolsError("That school belongs to another delivery partner.")
    existing = Membership.objects.filter(user=user, tenant=tenant, school=school, role=role)
    if existing.exists():
        where = school.name if school is not None else tenant.name
        raise SchoolsError(
            f"{email} already holds this role ({Role(role).label.lower()}) at {where}: "
            "find them in the list instead of adding them again."
        )
    membership = Membership(user=user, tenant=tenant, school=school, role=role, is_active=is_active)
    try:
        # The user, tenant and school are in hand and the duplicate was checked above;
        # clean() checks the school matches the tenant and the role.
        membership.full_clean(exclude=["user", "tenant", "school"], validate_constraints=False)
    except ValidationError as exc:
        raise SchoolsError(" ".join(exc.messages)) from exc
    membership.save()
    return membership


class TermDatesError(SchoolsError):
    """Term dates that cannot be saved. ``errors`` maps each field name
    (``autumn_starts_on``, ..., ``inset_days``) to its messages, so a form can show
    each message beside the date to change."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


def _calendar_term(term):
    if isinstance(term, CalendarTerm):
        return term
    return CalendarTerm(
        number=term["term"],
        starts_on=term["starts_on"],
        ends_on=term["ends_on"],
        half_term_starts_on=term.get("half_term_starts_on"),
        half_term_ends_on=term.get("half_term_ends_on"),
    )


def _check_owner(tenant, school):
    if school is not None and school.tenant_id != tenant.pk:
        raise SchoolsError("That school belongs to another delivery partner.")


@transaction.atomic
def set_term_dates(*, actor, tenant, school=None, academic_year, terms, inset_days=()):
    """Save a whole academic year's term dates (all three terms, with their half-terms)
    and INSET days, for a school or, with ``school=None``, as the delivery partner's
    default. Nothing is saved unless every date passes: ``TermDatesError`` says what to
    change, field by field. ``terms`` holds ``CalendarTerm`` objects or mappings with
    ``term``, ``starts_on``, ``ends_on``, ``half_term_starts_on``, ``half_term_ends_on``.

    Rows are updated in place (not deleted and re-made) so each term keeps one history.
    """
    _check_owner(tenant, school)
    terms = [_calendar_term(t) for t in terms]
    inset_days = sorted(set(inset_days))
    problems = term_dates_problems(academic_year=academic_year, terms=terms, inset_days=inset_days)
    if problems:
        raise TermDatesError(problems)

    owner = {"tenant": tenant, "school": school, "academic_year": academic_year}
    existing = {row.term: row for row in TermDates.objects.select_for_update().filter(**owner)}
    rows = []
    for term in terms:
        row = existing.get(term.number) or TermDates(term=term.number, **owner)
        values = {
            "starts_on": term.starts_on,
            "ends_on": term.ends_on,
            "half_term_starts_on": term.half_term_starts_on,
            "half_term_ends_on": term.half_term_ends_on,
        }
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row._history_user = actor
            row.save()
        rows.append(row)

    kept = set(inset_days)
    for day in InsetDay.objects.filter(**owner):
        if day.date in kept:
            kept.discard(day.date)
        else:
            day._history_user = actor
            day.delete()
    for date in sorted(kept):
        day = InsetDay(date=date, **owner)
        day._history_user = actor
        day.save()
    return rows


@transaction.atomic
def reset_term_dates(*, actor, tenant, school=None, academic_year):
    """Remove a school's own dates for the year, so it follows the delivery partner's
    again (or, with ``school=None``, remove the delivery partner's defaults, so its
    schools follow the standard pattern). Returns how many terms were removed."""
    _check_owner(tenant, school)
    owner = {"tenant": tenant, "school": school, "academic_year": academic_year}
    removed = 0
    for row in [*TermDates.objects.filter(**owner), *InsetDay.objects.filter(**owner)]:
        row._history_user = actor
        row.delete()
        removed += isinstance(row, TermDates)
    if not removed:
        whose = "This school has" if school is not None else "The delivery partner has"
        raise SchoolsError(f"{whose} no dates of its own for {academic_year_label(academic_year)}: nothing to reset.")
    return removed
