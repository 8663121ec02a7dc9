"""Reads of schools and their people, with the access rules that govern them."""

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from programme.schedule import (
    SOURCE_DELIVERY_PARTNER,
    SOURCE_SCHOOL,
    TERM_SEASONS,
    Calendar,
    academic_year_of,
    standard_calendar,
)
from schools.models import DELIVERY_PARTNER_ROLES, InsetDay, Membership, Role, School, TermDates


def schools_with_counts(*, tenant):
    return (
        School.objects.filter(tenant=tenant)
        .annotate(
            ect_count=Count("memberships", filter=Q(memberships__role=Role.ECT, memberships__is_active=True)),
            mentor_count=Count("memberships", filter=Q(memberships__role=Role.MENTOR, memberships__is_active=True)),
        )
        .order_by("name")
    )


def school_people(*, school):
    """Everyone who holds a role in the school, grouped by role in display order."""
    order = [Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.MENTOR, Role.ECT]
    members = list(
        Membership.objects.filter(tenant_id=school.tenant_id, school=school, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        {"role": role, "label": role.label, "people": [m.user for m in members if m.role == role]}
        for role in order
    ]


def school_role_counts(*, school):
    """How many people hold each role in the school: {role: count}."""
    rows = (
        Membership.objects.filter(tenant_id=school.tenant_id, school=school, is_active=True)
        .values("role")
        .annotate(n=Count("pk"))
    )
    return {row["role"]: row["n"] for row in rows}


def induction_tutors(*, school):
    return [
        m.user
        for m in Membership.objects.filter(
            tenant_id=school.tenant_id, school=school, role=Role.INDUCTION_TUTOR, is_active=True
        ).select_related("user")
    ]


def get_school_for_user(request, pk):
    """One school the active membership may see, or 404: delivery-partner staff see
    their tenant's schools; induction tutors and headteachers their own school."""
    membership = request.membership
    if membership is None:
        raise Http404
    schools = School.objects.filter(tenant=membership.tenant).select_related("tenant")
    if membership.role in DELIVERY_PARTNER_ROLES:
        pass
    elif membership.is_school_leader:
        schools = schools.filter(pk=membership.school_id)
    else:
        raise Http404
    try:
        return schools.get(pk=pk)
    except School.DoesNotExist:
        raise Http404 from None


# --- Term dates ----------------------------------------------------------------------


def term_date_years(today=None):
    """The academic years whose dates people see and amend: the current and the next."""
    current = academic_year_of(today or timezone.localdate())
    return [current, current + 1]


def _calendars(*, tenant_id, school_id, years):
    """{year: Calendar} for the school (or, with no school, the delivery partner's
    defaults), in two queries whatever the number of years.

    The rule, year by year: the school's own dates when it has all three terms, else the
    delivery partner's default dates when it has all three terms, else the standard
    pattern (``programme.schedule.standard_calendar``, shown as provisional). INSET days
    come with the term dates they were saved with.
    """
    years = sorted(set(years))
    owners = Q(school__isnull=True) if school_id is None else Q(school_id=school_id) | Q(school__isnull=True)
    terms, inset_days = {}, {}
    for row in TermDates.objects.filter(owners, tenant_id=tenant_id, academic_year__in=years):
        terms.setdefault((row.academic_year, row.school_id), []).append(row.as_calendar_term())
    for row in InsetDay.objects.filter(owners, tenant_id=tenant_id, academic_year__in=years):
        inset_days.setdefault((row.academic_year, row.school_id), set()).add(row.date)

    calendars = {}
    for year in years:
        calendars[year] = standard_calendar(year)
        candidates = [(None, SOURCE_DELIVERY_PARTNER)]
        if school_id is not None:
            candidates.insert(0, (school_id, SOURCE_SCHOOL))
        for owner, source in candidates:
            rows = terms.get((year, owner), [])
            if {t.number for t in rows} == set(TERM_SEASONS):
                calendars[year] = Calendar(
                    academic_year=year,
                    terms=tuple(sorted(rows, key=lambda t: t.number)),
                    inset_days=frozenset(inset_days.get((year, owner), ())),
                    source=source,
                )
                break
    return calendars


def calendars_for(*, school, years):
    """The school's calendar for each of several academic years: {year: Calendar}, in a
    constant number of queries."""
    return _calendars(tenant_id=school.tenant_id, school_id=school.pk, years=years)


def calendar_for(*, school, academic_year):
    """The school's calendar for one academic year: its own dates if set, else the
    delivery partner's, else the standard pattern (``source`` says which)."""
    return calendars_for(school=school, years=[academic_year])[academic_year]


def default_calendars_for(*, tenant, years):
    """The delivery partner's default calendar for each year (or the standard pattern
    where it has set none)."""
    return _calendars(tenant_id=tenant.pk, school_id=None, years=years)


def calendar_reader(*, school, first_year, years=5):
    """A ``calendar_for_year`` callable for ``programme.schedule.release_schedule``:
    ``years`` academic years from ``first_year`` are read at once (a full-time induction
    with pauses, or a 0.5 FTE one, fits in five); any later year is read when asked."""
    known = calendars_for(school=school, years=range(first_year, first_year + years))

    def calendar_for_year(academic_year):
        if academic_year not in known:
            known[academic_year] = calendar_for(school=school, academic_year=academic_year)
        return known[academic_year]

    return calendar_for_year


def schools_with_own_term_dates(*, tenant, years):
    """{year: [school, ...]}: the delivery partner's schools that set their own dates."""
    found = {year: [] for year in years}
    rows = (
        TermDates.objects.filter(
            tenant=tenant, school__isnull=False, academic_year__in=years, term=TermDates.Term.AUTUMN
        )
        .select_related("school")
        .order_by("school__name")
    )
    for row in rows:
        found[row.academic_year].append(row.school)
    return found
