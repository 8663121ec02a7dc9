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


class CalendarBook:
    """The term dates and INSET days of some of a delivery partner's schools (``school_ids``;
    None for all of them) and its defaults, read in two queries whatever the number of
    schools or years; each school's calendars are then assembled in memory.

    The rule, year by year: the school's own dates when it has all three terms, else the
    delivery partner's default dates when it has all three terms, else the standard
    pattern (``programme.schedule.standard_calendar``, shown as provisional). INSET days
    come with the term dates they were saved with. ``school_id`` None stands for the
    delivery partner's defaults.
    """

    def __init__(self, *, tenant_id, school_ids=None, years=None):
        self.tenant_id = tenant_id
        self.school_ids = None if school_ids is None else sorted({pk for pk in school_ids if pk is not None})
        self.years = None if years is None else frozenset(years)
        self._rows = None  # read on first use: a batch whose results are all cached reads nothing
        self._readers = {}

    def _read(self):
        if self._rows is None:
            owners = Q() if self.school_ids is None else Q(school__isnull=True) | Q(school_id__in=self.school_ids)
            in_years = Q() if self.years is None else Q(academic_year__in=sorted(self.years))
            terms, inset_days = {}, {}
            for row in TermDates.objects.filter(owners, in_years, tenant_id=self.tenant_id):
                terms.setdefault((row.academic_year, row.school_id), []).append(row.as_calendar_term())
            for row in InsetDay.objects.filter(owners, in_years, tenant_id=self.tenant_id):
                inset_days.setdefault((row.academic_year, row.school_id), set()).add(row.date)
            self._rows = terms, inset_days
            self._years_of = {}
            for year, owner in terms:
                self._years_of.setdefault(owner, set()).add(year)
        return self._rows

    def _own(self, year, owner):
        """The owner's complete calendar for the year, or None."""
        terms, inset_days = self._read()
        rows = terms.get((year, owner), [])
        if {t.number for t in rows} != set(TERM_SEASONS):
            return None
        return Calendar(
            academic_year=year,
            terms=tuple(sorted(rows, key=lambda t: t.number)),
            inset_days=frozenset(inset_days.get((year, owner), ())),
            source=SOURCE_DELIVERY_PARTNER if owner is None else SOURCE_SCHOOL,
        )

    def calendar(self, school_id, year):
        if self.years is not None and year not in self.years:
            raise KeyError(f"{year} was not read into this calendar book")
        if self.school_ids is not None and school_id is not None and school_id not in self.school_ids:
            raise KeyError(f"school {school_id} was not read into this calendar book")
        found = self._own(year, school_id) if school_id is not None else None
        return found or self._own(year, None) or standard_calendar(year)

    def calendars(self, school_id, years):
        """{year: Calendar} for the school (or, with None, the delivery partner's defaults)."""
        return {year: self.calendar(school_id, year) for year in sorted(set(years))}

    def signature(self, school_id):
        """What makes the school's calendars differ from the delivery partner's defaults:
        its own complete years. Schools with equal signatures have equal calendars in
        every year, so what is computed from one school's calendars holds for the other."""
        if school_id is None:
            return ()
        self._read()
        years = sorted(self._years_of.get(school_id, ()))
        return tuple((year, own) for year in years if (own := self._own(year, school_id)) is not None)

    def reader(self, school_id):
        """A ``calendar_for_year`` callable for the school; schools with the same
        signature share one reader (and what is memoised on it)."""
        signature = self.signature(school_id)
        if signature not in self._readers:
            self._readers[signature] = CalendarReader(self, school_id, signature)
        return self._readers[signature]


class CalendarReader:
    """``calendar_for_year(academic_year) -> Calendar`` for one school (or every school
    with its signature), from a ``CalendarBook``. ``memo`` holds pure computations made
    from these calendars, for callers that batch many people at the same school."""

    def __init__(self, book, school_id, signature):
        self.book, self.school_id, self.signature = book, school_id, signature
        self._known = {}
        self.memo = {}

    def __call__(self, academic_year):
        if academic_year not in self._known:
            self._known[academic_year] = self.book.calendar(self.school_id, academic_year)
        return self._known[academic_year]


def calendars_for(*, school, years):
    """The school's calendar for each of several academic years: {year: Calendar}, in a
    constant number of queries."""
    return CalendarBook(tenant_id=school.tenant_id, school_ids=[school.pk], years=years).calendars(school.pk, years)


def calendar_for(*, school, academic_year):
    """The school's calendar for one academic year: its own dates if set, else the
    delivery partner's, else the standard pattern (``source`` says which)."""
    return calendars_for(school=school, years=[academic_year])[academic_year]


def default_calendars_for(*, tenant, years):
    """The delivery partner's default calendar for each year (or the standard pattern
    where it has set none)."""
    return CalendarBook(tenant_id=tenant.pk, school_ids=[], years=years).calendars(None, years)


def calendar_reader(*, school):
    """A ``calendar_for_year`` callable for one school (``programme.schedule.release_schedule``
    and the other schedules): its term dates for every year, read at once in two queries."""
    return CalendarBook(tenant_id=school.tenant_id, school_ids=[school.pk]).reader(school.pk)


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
