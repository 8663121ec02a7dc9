"""The filters of the school's participant list (django-filter). Status comes from
``selectors.with_status``, the same rule the list shows, so a filter and the status
beside a name never disagree."""

import django_filters
from django.db.models import Q

from participants.models import ECT, Mentor, Mentorship
from participants.selectors import Status, today, with_status
from programme.schedule import academic_year_of
from schools.models import Role


class ParticipantFilter(django_filters.FilterSet):
    """Filters for the ECTs; ``mentors_of`` narrows the mentor table to match."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=Status.CHOICES, empty_label="Any status", field_name="roster_status"
    )
    year = django_filters.ChoiceFilter(
        label="Year of the programme", choices=[(1, "Year 1"), (2, "Year 2")], empty_label="Either year",
        method="filter_year",
    )
    mentor = django_filters.ModelChoiceFilter(
        label="Mentor", queryset=Mentor.objects.none(), empty_label="Any mentor", method="filter_mentor",
    )
    onboarding = django_filters.ChoiceFilter(
        label="Onboarding", choices=[("done", "Complete"), ("todo", "Not complete")], empty_label="Any",
        method="filter_onboarding",
    )

    class Meta:
        model = ECT
        fields = []

    def __init__(self, data=None, queryset=None, *, school, on=None, **kwargs):
        self.school, self.on = school, on or today()
        super().__init__(data, queryset, **kwargs)
        self.filters["mentor"].queryset = Mentor.objects.filter(
            tenant_id=school.tenant_id, school_periods__school=school
        ).select_related("user").distinct().order_by("user__full_name")

    def filter_year(self, queryset, name, value):
        if self.queryset.model is not ECT:
            return queryset.filter(
                mentorships__in=self._open_mentorships().filter(ect__cohort__start_year=self._start_year(value))
            ).distinct()
        return queryset.filter(cohort__start_year=self._start_year(value))

    def filter_mentor(self, queryset, name, value):
        if self.queryset.model is not ECT:
            return queryset.filter(pk=value.pk)
        return queryset.filter(mentorships__in=self._open_mentorships().filter(mentor=value)).distinct()

    def filter_onboarding(self, queryset, name, value):
        return queryset.filter(onboarded=(value == "done"))

    def _start_year(self, year):
        return academic_year_of(self.on) - int(year) + 1

    def _open_mentorships(self):
        return Mentorship.objects.filter(tenant_id=self.school.tenant_id, started_on__lte=self.on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=self.on)
        )


def filtered_ids(data, *, school, on=None):
    """The ECT and mentor ids at the school that match the filters, and the bound filter
    (for its form). Mentors are filtered by status, onboarding, mentor and year (the
    mentors of ECTs in that year)."""
    on = on or today()
    ects = with_status(
        ECT.objects.filter(tenant_id=school.tenant_id, school_periods__school=school).distinct(),
        school=school, role=Role.ECT, on=on,
    )
    mentors = with_status(
        Mentor.objects.filter(tenant_id=school.tenant_id, school_periods__school=school).distinct(),
        school=school, role=Role.MENTOR, on=on,
    )
    ect_filter = ParticipantFilter(data, ects, school=school, on=on)
    mentor_filter = ParticipantFilter(data, mentors, school=school, on=on)
    if not ect_filter.is_valid():
        return ect_filter, None, None
    return ect_filter, set(ect_filter.qs.values_list("pk", flat=True)), set(mentor_filter.qs.values_list("pk", flat=True))
