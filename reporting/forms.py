"""Forms of the release-time pages. They read what was typed; ``reporting.services``
decides what may be saved and says why not, and ``add_service_errors`` puts each of its
messages beside the field it names."""

from django import forms

from reporting.release_time import SchoolTerm, TermError, TermRef, find_term
from reporting.services import TermFigures


def _hours(label, *, help_text="", required=False, what="the hours", example="22.5"):
    # Parsing only (a number, at most 2 decimal places): the service checks the bounds and
    # says what to change, so the page and the command refuse alike.
    return forms.DecimalField(
        label=label, help_text=help_text, required=required, decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": f"Enter {what} as a number, for example {example}.",
            "max_decimal_places": f"Enter {what} to at most 2 decimal places, for example {example}.",
            "required": f"Enter {what}, for example {example}.",
        },
    )


class TermChoiceForm(forms.Form):
    """Which term of the school's calendar: ``cleaned_data["term"]`` is the SchoolTerm."""

    term = forms.CharField(
        label="Term", widget=forms.Select, error_messages={"required": "Choose a term of the school's calendar."},
    )

    def __init__(self, *args, terms: list[SchoolTerm], school, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.school = school
        self.fields["term"].widget.choices = [
            (t.ref.slug, f"{t.label} ({t.dates}{', provisional dates' if t.provisional else ''})") for t in terms
        ]

    def clean_term(self):
        try:
            return find_term(self.terms, self.cleaned_data["term"], school=self.school)
        except TermError as exc:
            raise forms.ValidationError(str(exc)) from None


class StandardTimetableForm(forms.Form):
    standard_hours = _hours(
        "Standard timetable, hours a week",
        help_text="The timetabled teaching of a full-time main-pay-range teacher at the school, not counting "
        "PPA time, for example 22.5. One figure for the whole academic year.",
        required=True, what="the standard timetable",
    )


class ECTTermForm(forms.Form):
    """One ECT's figures for the term (prefix ``ect-<id>``, the names the service's
    errors use)."""

    fte = _hours("FTE this term", help_text="1 for full time, 0.6 for three days a week.", what="the FTE",
                 example="0.6")
    teaching_hours = _hours(
        "Teaching hours a week", help_text="Their actual timetabled teaching, not counting PPA time.",
        what="the teaching hours", example="20",
    )
    mentor_hours = _hours(
        "Mentor time, hours a week on average",
        help_text="Time their mentor spent with them: the recommendation is an hour a week in year 1 and an hour "
        "a fortnight (0.5) in year 2. Leave empty if not known yet.",
        what="the mentor time", example="1",
    )

    def __init__(self, data=None, *, ect, row=None, **kwargs):
        self.ect = ect
        self.row = row
        if "initial" not in kwargs:  # shown only while the form is unbound
            record = row.record if row else None
            kwargs["initial"] = {
                "fte": record.fte if record else ect.fte,
                "teaching_hours": record.teaching_hours if record else None,
                "mentor_hours": record.mentor_hours if record else None,
            }
        kwargs.setdefault("prefix", f"ect-{ect.pk}")
        super().__init__(data, **kwargs)

    def figures(self) -> TermFigures:
        data = self.cleaned_data
        return TermFigures(
            ect=self.ect, fte=data.get("fte"), teaching_hours=data.get("teaching_hours"),
            mentor_hours=data.get("mentor_hours"),
        )


class StartBatchForm(forms.Form):
    term = forms.CharField(
        label="Term", widget=forms.Select, help_text="Every school's report for this term, in one ZIP file.",
        error_messages={"required": "Choose a term."},
    )

    def __init__(self, *args, terms: list[TermRef], **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["term"].widget.choices = [(t.slug, t.label) for t in terms]

    def clean_term(self):
        try:
            ref = TermRef.parse(self.cleaned_data["term"])
        except TermError as exc:
            raise forms.ValidationError(str(exc)) from None
        if ref not in self.terms:
            raise forms.ValidationError(f"Choose a term from {self.terms[0].slug} to {self.terms[-1].slug}.")
        return ref


def add_service_errors(forms_, errors):
    """Put each ``ReleaseTimeError`` message beside the field whose input has its name;
    messages for no field go above the first form."""
    placed = set()
    for form in forms_:
        for name in form.fields:
            key = form.add_prefix(name)
            if key in errors:
                for message in errors[key]:
                    form.add_error(name, message)
                placed.add(key)
    for key, messages in errors.items():
        if key not in placed and forms_:
            for message in messages:
                forms_[0].add_error(None, message)

