"""The filters of the coaching overview and of one ECT's coaching record (django-filter).

The overview filters on what ``coaching_states`` computed (the year, the current
mentor, the flags), so a filter and the row it narrows to never disagree: the
filters pick ECT ids from the states, and the table shows the same states.
"""

import django_filters
from django import forms
from django.db.models import Q

from coaching.models import ActionStep, Meeting, Observation
from participants.models import ECT, Mentor
from participants.selectors import today
from programme.models import Strand
from programme.schedule import long_date

# The kinds of quality flag ``coaching.selectors._flags`` raises, as a filter offers them.
FLAG_KINDS = [
    ("repeat", "Step set 3 or more times in a row"),
    ("unreached", "Step from a module not yet reached"),
    ("missed", "Cycles missed"),
    ("short_meeting", "Last meeting shorter than expected"),
]
YEARS = [(1, "Year 1"), (2, "Year 2")]


class CoachingOverviewFilter(django_filters.FilterSet):
    """Narrows the overview's ECTs; ``states`` are their ``CoachingState`` by ECT id."""

    year = django_filters.ChoiceFilter(
        label="Year of the programme", choices=YEARS, empty_label="Either year", method="filter_year"
    )
    mentor = django_filters.ModelChoiceFilter(
        label="Mentor", queryset=Mentor.objects.none(), empty_label="Any mentor", method="filter_mentor"
    )
    flag = django_filters.ChoiceFilter(
        label="Flag", choices=FLAG_KINDS, empty_label="Any or none", method="filter_flag"
    )

    class Meta:
        model = ECT
        fields = []

    def __init__(self, data=None, queryset=None, *, school, states, **kwargs):
        self.states = states
        super().__init__(data, queryset, **kwargs)
        # The mentors of the ECTs listed (a mentor may be based at another school).
        mentor_ids = {s.mentorship.mentor_id for s in states.values() if s.mentorship}
        self.filters["mentor"].queryset = (
            Mentor.objects.filter(tenant_id=school.tenant_id, pk__in=mentor_ids)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.filters["mentor"].field.label_from_instance = lambda m: m.user.full_name or m.user.email

    def _ids(self, test):
        return [pk for pk, state in self.states.items() if test(state)]

    def filter_year(self, queryset, name, value):
        return queryset.filter(pk__in=self._ids(lambda s: s.year == int(value)))

    def filter_mentor(self, queryset, name, value):
        return queryset.filter(
            pk__in=self._ids(lambda s: s.mentorship is not None and s.mentorship.mentor_id == value.pk)
        )

    def filter_flag(self, queryset, name, value):
        return queryset.filter(pk__in=self._ids(lambda s: any(f.code == value for f in s.flags)))


class PeriodForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and start > today():
            self.add_error(
                "from", f"The period starts after today ({long_date(today())}): choose a start date on or before today."
            )
        elif start and end and end < start:
            self.add_error(
                "to", f"The end of the period ({long_date(end)}) is before its start ({long_date(start)}): "
                "choose an end date on or after the start."
            )
        return data


DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input--width-10"})
DATE_ERRORS = {"invalid": "Enter a real date, for example 2 September 2026."}


class _RecordFilter(django_filters.FilterSet):
    """Strand and period, for one kind of log in the record: subclasses name the
    date field and the step fields that carry the strand."""

    date_field = None
    strand_fields = ()

    strand = django_filters.ModelChoiceFilter(
        label="Strand", queryset=Strand.objects.none(), empty_label="All strands", method="filter_strand"
    )
    period_from = django_filters.DateFilter(
        label="From", method="filter_from", widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    period_to = django_filters.DateFilter(
        label="To", method="filter_to", widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )

    class Meta:
        form = PeriodForm
        fields = []

    @classmethod
    def get_filters(cls):
        # "from" is a Python keyword: the period's bounds are declared as period_from and
        # period_to, and read from the query string as "from" and "to".
        names = {"period_from": "from", "period_to": "to"}
        return {names.get(name, name): f for name, f in super().get_filters().items()}

    def __init__(self, data=None, queryset=None, *, ect, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["strand"].queryset = Strand.objects.filter(programme_id=ect.cohort.programme_id).order_by("code")
        self.filters["strand"].field.label_from_instance = lambda s: f"{s.code}: {s.name}"

    def filter_strand(self, queryset, name, value):
        match = Q()
        for field in self.strand_fields:
            match |= Q(**{field: value})
        return queryset.filter(match)

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})


class ObservationFilter(_RecordFilter):
    date_field = "observed_on"
    strand_fields = ("step__strand",)

    class Meta(_RecordFilter.Meta):
        model = Observation


class MeetingFilter(_RecordFilter):
    """A meeting belongs to the strands of the step it reviewed and the step it set."""

    date_field = "met_on"
    strand_fields = ("step__strand", "previous_step__strand")

    class Meta(_RecordFilter.Meta):
        model = Meeting


class StepFilter(_RecordFilter):
    date_field = "set_on"
    strand_fields = ("strand",)

    class Meta(_RecordFilter.Meta):
        model = ActionStep


def record_filters(data, *, ect):
    """The record's three filters over the ECT's observations, meetings and steps, bound
    to the same query string; the first one's form is the one shown."""
    tenant = {"tenant_id": ect.tenant_id, "ect": ect}
    return (
        ObservationFilter(data, Observation.objects.filter(**tenant), ect=ect),
        MeetingFilter(data, Meeting.objects.filter(**tenant), ect=ect),
        StepFilter(data, ActionStep.objects.filter(**tenant), ect=ect),
    )
