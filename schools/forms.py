"""Forms of the schools app: a year's term dates (three terms with their half-terms, and
the INSET days) in one form, so the whole year is checked and saved together."""

import datetime
import re

from django import forms

from programme.schedule import TERM_SEASONS, CalendarTerm, academic_year_label
from schools.models import INSET_DAYS_FIELD, term_field_name

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]
INSET_SEPARATORS = re.compile(r"[\n,;]+")

TERM_FIELD_LABELS = {
    "starts_on": "First day",
    "ends_on": "Last day",
    "half_term_starts_on": "Half-term: first day",
    "half_term_ends_on": "Half-term: last day",
}
TERM_FIELD_WORDS = {
    "starts_on": "first day",
    "ends_on": "last day",
    "half_term_starts_on": "half-term's first day",
    "half_term_ends_on": "half-term's last day",
}


def parse_date(text):
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class TermDatesForm(forms.Form):
    """A year's term dates. Field names match the keys of ``TermDatesError.errors``, so
    ``add_service_errors`` puts each of the service's messages beside its field."""

    inset_days = forms.CharField(
        label="INSET days",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One date per line, for example 1/9/2026. Training days without pupils are not teaching days.",
    )

    def __init__(self, *args, academic_year, calendar=None, **kwargs):
        if calendar is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(calendar)
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year
        inset = self.fields.pop(INSET_DAYS_FIELD)
        for number, season in TERM_SEASONS.items():
            for name, label in TERM_FIELD_LABELS.items():
                words = f"the {season} term's {TERM_FIELD_WORDS[name]}" if not name.startswith("half") else (
                    f"the {season} {TERM_FIELD_WORDS[name]}"
                )
                self.fields[term_field_name(number, name)] = forms.DateField(
                    label=label,
                    required=not name.startswith("half_term"),
                    input_formats=DATE_INPUT_FORMATS,
                    widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input--width-10"}),
                    error_messages={
                        "required": f"Enter {words}.",
                        "invalid": f"Enter {words} as a date, for example 2/9/{academic_year}.",
                    },
                )
        self.fields[INSET_DAYS_FIELD] = inset

    @staticmethod
    def initial_from(calendar):
        initial = {}
        for term in calendar.terms:
            for name in TERM_FIELD_LABELS:
                initial[term_field_name(term.number, name)] = getattr(term, name)
        initial[INSET_DAYS_FIELD] = "\n".join(f"{d.day}/{d.month}/{d.year}" for d in calendar.inset_days_in_order)
        return initial

    @property
    def label(self):
        return academic_year_label(self.academic_year)

    def fieldsets(self):
        """The fields term by term, for the template: [{"legend", "fields"}]."""
        return [
            {
                "legend": f"{season.capitalize()} term",
                "fields": [self[term_field_name(number, name)] for name in TERM_FIELD_LABELS],
            }
            for number, season in TERM_SEASONS.items()
        ]

    def clean_inset_days(self):
        days, unreadable = [], []
        for text in INSET_SEPARATORS.split(self.cleaned_data.get(INSET_DAYS_FIELD, "")):
            text = text.strip()
            if not text:
                continue
            day = parse_date(text)
            if day is None:
                unreadable.append(text)
            else:
                days.append(day)
        if unreadable:
            quoted = ", ".join(f"“{t}”" for t in unreadable)
            raise forms.ValidationError(
                f"{quoted} {'is not a date' if len(unreadable) == 1 else 'are not dates'}: "
                f"write each INSET day as day/month/year, for example 1/9/{self.academic_year}."
            )
        return sorted(set(days))

    def terms(self):
        data = self.cleaned_data
        return [
            CalendarTerm(
                number=number,
                starts_on=data[term_field_name(number, "starts_on")],
                ends_on=data[term_field_name(number, "ends_on")],
                half_term_starts_on=data.get(term_field_name(number, "half_term_starts_on")),
                half_term_ends_on=data.get(term_field_name(number, "half_term_ends_on")),
            )
            for number in TERM_SEASONS
        ]

    def add_service_errors(self, errors):
        for field_name, messages in errors.items():
            for message in messages:
                self.add_error(field_name if field_name in self.fields else None, message)


class TermDatesActionForm(forms.Form):
    """Which year a posted term-dates form is for, and whether it saves or resets."""

    SAVE, RESET = "save", "reset"

    academic_year = forms.TypedChoiceField(coerce=int, choices=())
    action = forms.ChoiceField(choices=[(SAVE, "Save"), (RESET, "Reset")])

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = [(y, academic_year_label(y)) for y in years]

