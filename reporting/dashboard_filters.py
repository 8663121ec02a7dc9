"""The dashboard's filters (django-filter): by year of the programme (or mentors), by
mentor and by state. They filter on what the engagement selector computed, so a
filter and the row it narrows to never disagree."""

import django_filters

from ectalign.models import User
from participants.models import Mentor
from reporting import engagement

GROUPS = [("1", "ECTs in year 1"), ("2", "ECTs in year 2"), ("mentors", "Mentors")]
LEVELS = [(level, engagement.LEVEL_LABELS[level]) for level in
          (engagement.RED, engagement.AMBER, engagement.GREEN, engagement.PAUSED)]


class DashboardFilter(django_filters.FilterSet):
    group = django_filters.ChoiceFilter(label="Who", choices=GROUPS, empty_label="Everyone", method="filter_group")
    mentor = django_filters.ModelChoiceFilter(
        label="Mentor", queryset=Mentor.objects.none(), empty_label="Any mentor", method="filter_mentor"
    )
    state = django_filters.ChoiceFilter(label="State", choices=LEVELS, empty_label="Any state", method="filter_state")

    class Meta:
        model = User
        fields = []

    def __init__(self, data=None, queryset=None, *, school, results, years, mentor_of, **kwargs):
        self.results, self.years, self.mentor_of = results, years, mentor_of
        super().__init__(data, queryset, **kwargs)
        self.filters["mentor"].queryset = (
            Mentor.objects.filter(tenant_id=school.tenant_id, pk__in=[r.record.pk for r in results if r.kind == "mentor"])
            .select_related("user").order_by("user__full_name")
        )
        self.filters["mentor"].field.label_from_instance = lambda m: m.user.full_name or m.user.email

    def _users(self, test):
        return [r.user.pk for r in self.results if test(r)]

    def filter_group(self, queryset, name, value):
        if value == "mentors":
            return queryset.filter(pk__in=self._users(lambda r: r.kind == "mentor"))
        return queryset.filter(pk__in=self._users(lambda r: r.kind == "ect" and self.years.get(r.record.pk) == int(value)))

    def filter_mentor(self, queryset, name, value):
        return queryset.filter(pk__in=self._users(
            lambda r: (r.kind == "mentor" and r.record.pk == value.pk)
            or (r.kind == "ect" and self.mentor_of.get(r.record.pk) == value.pk)
        ))

    def filter_state(self, queryset, name, value):
        return queryset.filter(pk__in=self._users(lambda r: r.level == value))
