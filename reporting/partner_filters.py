"""The filters and sorting of the delivery partner's reports (django-filter).

The filters narrow the snapshots before they are grouped (cohort, phase and type of
school, the school's name); the state filter and the sort apply to the groups (SQL
``HAVING`` and ``ORDER BY`` on the aggregates), so the whole table stays one query.
The period (this term, or since the start) chooses which counts are summed."""

import django_filters
from django.db.models import F

from programme.models import Cohort
from reporting import partner_reports
from reporting.models import EngagementSnapshot
from schools.models import School

RED, AMBER, CLEAR = "red", "amber", "clear"
# The types of school, shortly enough for a select on a phone.
TYPE_CHOICES = [
    (value, {School.Type.INDEPENDENT: "Independent (not funded)"}.get(value, label))
    for value, label in School.Type.choices
]
STATES = [(RED, "Anyone to act on now"), (AMBER, "Anyone to check"), (CLEAR, "Nobody to act on or check")]


class SortFilter(django_filters.OrderingFilter):
    """``?sort=column`` (``-column`` for descending), by a column's parameter name.
    Rows without a figure (no ECTs, nothing expected yet) come last either way; rows
    with the same figure follow the ``tiebreak`` (the name)."""

    def __init__(self, *args, tiebreak=(), **kwargs):
        self.tiebreak = tuple(tiebreak)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        ordering = []
        for param in value or ():
            descending = param.startswith("-")
            field = self.param_map.get(param.lstrip("-"))
            if field in partner_reports.PERCENTS:
                qs = partner_reports.with_percent(qs, field)
            if field:
                ordering.append(F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True))
        return qs.order_by(*ordering, *self.tiebreak)


def _columns(name_field, name_param, *extra):
    return (
        (name_field, name_param), *extra, ("ects", "ects"), ("mentors", "mentors"),
        ("on_track_percent", "on_track"), ("red", "red"), ("amber", "amber"),
        ("self_study_percent", "self_study"), ("coaching_percent", "coaching"),
        ("attendance_percent", "attendance"), ("catch_up", "catch_up"), ("release_percent", "release"),
        ("onboarding_percent", "onboarding"),
    )


class _ReportFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(
        label="Phase", field_name="school__phase", choices=School.Phase.choices, empty_label="Any phase"
    )
    type = django_filters.ChoiceFilter(
        label="Type of school", field_name="school__type", choices=TYPE_CHOICES, empty_label="Any type"
    )
    q = django_filters.CharFilter(label="School name", field_name="school__name", lookup_expr="icontains")
    state = django_filters.ChoiceFilter(label="State", choices=STATES, empty_label="Any state", method="unchanged")
    period = django_filters.ChoiceFilter(
        label="Figures for", choices=list(partner_reports.PERIODS.items()), empty_label=None, method="unchanged"
    )

    # Applied to the snapshots before they are grouped, in this order.
    ROW_FILTERS = ("phase", "type", "q")

    class Meta:
        model = EngagementSnapshot
        fields = []

    def __init__(self, data=None, queryset=None, *, tenant_id, **kwargs):
        self.tenant_id = tenant_id
        super().__init__(data, queryset, **kwargs)
        sort = self.data.get("sort") if self.data is not None else None
        if sort and sort not in dict(self.filters["sort"].extra["choices"]):
            # A sort that is not a column (an old or edited link): the default order,
            # not an error about a field nobody sees.
            self.data = self.data.copy()
            self.data.pop("sort")

    def unchanged(self, queryset, name, value):
        return queryset  # applied by filter_queryset, after grouping

    @property
    def chosen_period(self):
        self.errors  # noqa: B018 (validates the form: cleaned_data)
        value = self.form.cleaned_data.get("period")
        return value if value in partner_reports.PERIODS else partner_reports.TERM

    @property
    def chosen_sort(self):
        """The sort asked for (a parameter name, "-" first when descending), if valid."""
        self.errors  # noqa: B018
        value = self.form.cleaned_data.get("sort")
        return value[0] if value else ""

    def group(self, rows, period):
        raise NotImplementedError

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        rows = queryset
        for name in self.ROW_FILTERS:
            rows = self.filters[name].filter(rows, data.get(name))
        groups = self.group(rows, self.chosen_period)
        state = data.get("state")
        if state == RED:
            groups = groups.filter(red__gt=0)
        elif state == AMBER:
            groups = groups.filter(amber__gt=0)
        elif state == CLEAR:
            groups = groups.filter(red=0, amber=0)
        return self.filters["sort"].filter(groups, data.get("sort"))


class SchoolReportFilter(_ReportFilter):
    cohort = django_filters.ModelChoiceFilter(
        label="Cohort", queryset=Cohort.objects.none(), empty_label="Every cohort", field_name="cohort"
    )
    sort = SortFilter(fields=_columns("school_name", "school"), tiebreak=("school_name", "school_id"))

    ROW_FILTERS = ("cohort", "phase", "type", "q")

    class Meta(_ReportFilter.Meta):
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["cohort"].queryset = Cohort.objects.filter(tenant_id=self.tenant_id).order_by(
            "-start_year", "name"
        )
        # Ordered as the form shows them.
        self.form.order_fields(["cohort", "phase", "type", "q", "state", "period", "sort"])

    def group(self, rows, period):
        return partner_reports.by_school(rows, period=period)


class CohortReportFilter(_ReportFilter):
    sort = SortFilter(
        fields=_columns("cohort_name", "cohort", ("schools", "schools")),
        tiebreak=(F("cohort_start_year").desc(nulls_last=True), F("cohort_name").asc(nulls_last=True), "cohort_id"),
    )

    class Meta(_ReportFilter.Meta):
        fields = []

    def group(self, rows, period):
        return partner_reports.by_cohort(rows, period=period)
