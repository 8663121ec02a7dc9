"""Reads of statutory induction records, with the one visibility rule.

Only the ECT, the induction tutor and the headteacher of the ECT's school see these
records (DESIGN.md section 3). Mentors (even of this ECT), coaches, facilitators and the
delivery partner's staff get the same answer as for a record that does not exist: 404.
There is no Appropriate Body liaison role yet; when a tenant enables one, it is added
here and nowhere else.
"""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from induction.models import FormalAssessment, ProgressReview, StatutoryAbsence, WorkingPattern
from induction.schedule import AbsenceFact, compute_schedule
from participants.models import ECT, ECTAtSchool
from schools.models import SCHOOL_LEADER_ROLES, Role
from schools.selectors import CalendarBook, calendar_reader

RECORD_MODELS = {"review": ProgressReview, "assessment": FormalAssessment}


def today():
    return timezone.localdate()


def statutory_ects(request, on=None):
    """The ECTs whose statutory records the active membership may see."""
    membership = request.membership
    if membership is None or not request.user.is_authenticated:
        return ECT.objects.none()
    ects = ECT.objects.filter(tenant=membership.tenant)
    if membership.role == Role.ECT:
        return ects.filter(user=request.user)
    if membership.role in SCHOOL_LEADER_ROLES:
        return school_ects(school_id=membership.school_id, tenant=membership.tenant, on=on)
    return ECT.objects.none()


def _at_school_on(on):
    """A period at a school covering ``on``."""
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def school_ects(*, school_id, tenant, on=None):
    """The ECTs at the school on ``on`` (one who moved here is listed; their earlier,
    ended period at another school does not hide them)."""
    on = on or today()
    return ECT.objects.filter(
        tenant=tenant, pk__in=ECTAtSchool.objects.filter(_at_school_on(on), tenant=tenant, school_id=school_id)
        .values("ect_id"),
    )


def is_school_leader(request):
    return request.membership is not None and request.membership.role in SCHOOL_LEADER_ROLES


def get_statutory_ect(request, pk, *, leaders_only=False):
    """One ECT whose statutory records the active membership may see, or 404."""
    if leaders_only and not is_school_leader(request):
        raise Http404
    try:
        return statutory_ects(request).select_related("user", "appropriate_body").get(pk=pk)
    except ECT.DoesNotExist:
        raise Http404 from None


def get_school_for_leader(request, pk):
    """The leader's own school, or 404 (for every other role and every other school)."""
    if not is_school_leader(request) or request.membership.school_id != pk:
        raise Http404
    return request.membership.school


def get_record(request, kind, pk):
    """A progress review or formal assessment the active membership may see, or 404.
    The ECT sees their own records once shared with them."""
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise Http404
    ects = statutory_ects(request)
    if request.membership is None:
        raise Http404
    records = model.objects.filter(tenant=request.membership.tenant, ect__in=ects)
    if request.membership and request.membership.role == Role.ECT:
        records = records.filter(shared_at__isnull=False)
    try:
        return records.select_related("ect__user", "author").get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def school_of(ect, on=None):
    on = on or today()
    period = (
        ect.school_periods.filter(started_on__lte=on).exclude(ended_on__lt=on).select_related("school").first()
        or ect.school_periods.select_related("school").order_by("-started_on").first()
    )
    return period.school if period else None


def schedule_for(ect, *, school=None, on=None, records=None, calendar_for_year=None, facts=None):
    """The computed statutory schedule of one ECT, from its facts and its school's terms.
    A list passes ``records``, ``facts`` (patterns, absences) and one ``calendar_for_year``
    read once for the school, so it costs no queries per ECT."""
    on = on or today()
    if calendar_for_year is None:
        school = school or school_of(ect, on)
        if school is None:
            from programme.schedule import standard_calendar

            calendar_for_year = standard_calendar
        else:
            calendar_for_year = calendar_reader(school=school)
    patterns, absence_rows = facts if facts is not None else (working_patterns(ect), absences(ect))
    reviews, assessments = records if records is not None else (
        list(ProgressReview.objects.filter(tenant_id=ect.tenant_id, ect=ect)),
        list(FormalAssessment.objects.filter(tenant_id=ect.tenant_id, ect=ect)),
    )
    return compute_schedule(
        start=ect.induction_start,
        base_fte=ect.fte,
        calendar_for_year=calendar_for_year,
        changes=[(w.starts_on, w.fte) for w in patterns],
        absences=[absence_fact(a) for a in absence_rows],
        reviews=reviews,
        assessments=assessments,
        today=on,
    )


def working_patterns(ect):
    return list(WorkingPattern.objects.filter(tenant_id=ect.tenant_id, ect=ect).order_by("starts_on"))


def absences(ect):
    return list(StatutoryAbsence.objects.filter(tenant_id=ect.tenant_id, ect=ect).order_by("starts_on"))


def absence_fact(absence):
    return AbsenceFact(kind=absence.kind, starts_on=absence.starts_on, ends_on=absence.ends_on,
                       extends_induction=absence.extends_induction, label=absence.get_kind_display())


def records_of(ect, *, shared_only=False):
    reviews = ProgressReview.objects.filter(tenant_id=ect.tenant_id, ect=ect).select_related("author")
    assessments = FormalAssessment.objects.filter(tenant_id=ect.tenant_id, ect=ect).select_related("author")
    if shared_only:
        reviews, assessments = reviews.filter(shared_at__isnull=False), assessments.filter(shared_at__isnull=False)
    return list(reviews), list(assessments)


def school_rows(*, school, on=None):
    """Each ECT of the school with their schedule (for the list and the exports), in a
    constant number of queries."""
    on = on or today()
    ects = list(school_ects(school_id=school.pk, tenant=school.tenant_id, on=on)
                .select_related("user", "appropriate_body").order_by("user__full_name"))
    return [(ect, schedule) for ect, _, schedule in _schedules(
        [(ect, school.pk) for ect in ects], tenant_id=school.tenant_id, on=on, ect_ids=[e.pk for e in ects],
    )]


def tenant_rows(*, tenant_id, on=None):
    """[(ect, school id, schedule)] for every ECT at one of the delivery partner's schools
    on ``on``, in a constant number of queries whatever the number of schools (for jobs
    such as the reminders)."""
    on = on or today()
    periods = (
        ECTAtSchool.objects.filter(_at_school_on(on), tenant_id=tenant_id)
        .select_related("ect__user").order_by("ect__user__full_name", "ect_id", "-started_on")
    )
    seen, ects = set(), []
    for period in periods:
        if period.ect_id not in seen:  # two periods overlapping a day: the later start
            seen.add(period.ect_id)
            ects.append((period.ect, period.school_id))
    return _schedules(ects, tenant_id=tenant_id, on=on, ect_ids=None)


def _schedules(ects, *, tenant_id, on, ect_ids):
    """[(ect, school id, schedule)] for [(ect, school id)]: the records and facts read in
    four queries (of ``ect_ids``, or of the whole tenant), the calendars in two."""
    by_ect = {"reviews": {}, "assessments": {}, "patterns": {}, "absences": {}}
    for name, model, order in (("reviews", ProgressReview, "pk"), ("assessments", FormalAssessment, "pk"),
                               ("patterns", WorkingPattern, "starts_on"), ("absences", StatutoryAbsence, "starts_on")):
        rows = model.objects.filter(tenant_id=tenant_id)
        if ect_ids is not None:
            rows = rows.filter(ect_id__in=ect_ids)
        for row in rows.order_by(order):
            by_ect[name].setdefault(row.ect_id, []).append(row)
    book = CalendarBook(tenant_id=tenant_id, school_ids={school_id for _, school_id in ects})
    return [
        (ect, school_id, schedule_for(
            ect, on=on, calendar_for_year=book.reader(school_id),
            records=(by_ect["reviews"].get(ect.pk, []), by_ect["assessments"].get(ect.pk, [])),
            facts=(by_ect["patterns"].get(ect.pk, []), by_ect["absences"].get(ect.pk, [])),
        ))
        for ect, school_id in ects
    ]


def statutory_items_needing_attention(*, school, on=None):
    """[(ect, item)] for the school's progress reviews and formal assessments that are due
    (within ``schedule.DUE_SOON_DAYS``) or overdue: what a reminder to the induction tutor
    names. Reads the same schedule as the pages, in a constant number of queries."""
    return [(ect, item) for ect, schedule in school_rows(school=school, on=on) for item in needing_attention(schedule)]


def needing_attention(schedule):
    """The schedule's items that are due soon or overdue."""
    from induction.schedule import DUE, OVERDUE

    return [item for item in schedule.items if item.status in (DUE, OVERDUE)]
