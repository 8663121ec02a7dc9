"""Reads of statutory induction records, with the one visibility rule.

Only the ECT, the induction tutor and the headteacher of the ECT's school see these
records (DESIGN.md section 3). Mentors (even of this ECT), coaches, facilitators and the
delivery partner's staff get the same answer as for a record that does not exist: 404.
There is no Appropriate Body liaison role yet; when a tenant enables one, it is added
here and nowhere else.
"""

from django.http import Http404
from django.utils import timezone

from induction.models import FormalAssessment, ProgressReview, StatutoryAbsence, WorkingPattern
from induction.schedule import AbsenceFact, compute_schedule
from participants.models import ECT
from programme.schedule import academic_year_of
from schools.models import SCHOOL_LEADER_ROLES, Role
from schools.selectors import calendar_reader

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


def school_ects(*, school_id, tenant, on=None):
    on = on or today()
    return (
        ECT.objects.filter(tenant=tenant, school_periods__school_id=school_id, school_periods__started_on__lte=on)
        .exclude(school_periods__ended_on__lt=on)
        .distinct()
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
            calendar_for_year = calendar_reader(school=school, first_year=academic_year_of(ect.induction_start))
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
    """Each ECT of the school with their schedule (for the list and the exports)."""
    on = on or today()
    ects = list(school_ects(school_id=school.pk, tenant=school.tenant, on=on).select_related("user", "appropriate_body")
                .order_by("user__full_name"))
    reviews, assessments, patterns, absence_rows = {}, {}, {}, {}
    for r in ProgressReview.objects.filter(tenant_id=school.tenant_id, ect__in=ects):
        reviews.setdefault(r.ect_id, []).append(r)
    for a in FormalAssessment.objects.filter(tenant_id=school.tenant_id, ect__in=ects):
        assessments.setdefault(a.ect_id, []).append(a)
    for w in WorkingPattern.objects.filter(tenant_id=school.tenant_id, ect__in=ects).order_by("starts_on"):
        patterns.setdefault(w.ect_id, []).append(w)
    for a in StatutoryAbsence.objects.filter(tenant_id=school.tenant_id, ect__in=ects).order_by("starts_on"):
        absence_rows.setdefault(a.ect_id, []).append(a)
    first_year = min((academic_year_of(e.induction_start) for e in ects), default=academic_year_of(on))
    calendar_for_year = calendar_reader(school=school, first_year=first_year)
    return [
        (ect, schedule_for(ect, on=on, calendar_for_year=calendar_for_year,
                           records=(reviews.get(ect.pk, []), assessments.get(ect.pk, [])),
                           facts=(patterns.get(ect.pk, []), absence_rows.get(ect.pk, []))))
        for ect in ects
    ]


def statutory_items_needing_attention(*, school, on=None):
    """[(ect, item)] for the school's progress reviews and formal assessments that are due
    (within ``schedule.DUE_SOON_DAYS``) or overdue: what a reminder to the induction tutor
    names. Reads the same schedule as the pages, in a constant number of queries."""
    from induction.schedule import DUE, OVERDUE

    return [
        (ect, item)
        for ect, schedule in school_rows(school=school, on=on)
        for item in schedule.items
        if item.status in (DUE, OVERDUE)
    ]
