from django import forms

from induction.models import TEACHERS_STANDARDS, FormalAssessment, Judgement, StatutoryAbsence
from participants.forms import date_field


def _date(label, **kwargs):
    field = date_field(label, **kwargs)
    field.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}, for example 2 September 2026."
    return field


def _text(label, *, required=True, help_text="", rows=4):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}),
                           error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}."})


def add_service_error(form, exc):
    """Show an InductionError beside the field it names (else above the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


class WorkingPatternForm(forms.Form):
    starts_on = _date("Date the working pattern changes")
    fte = forms.CharField(label="Working pattern (FTE)", help_text="1.0 for full time, 0.5 for half time.",
                          widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
                          error_messages={"required": "Enter the working pattern, for example 0.6."})
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of absence", choices=StatutoryAbsence.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the kind of absence."})
    starts_on = _date("First day absent")
    ends_on = _date("Last day absent", help_text="The expected last day while the absence lasts.")
    extends_induction = forms.BooleanField(
        label="The ECT asked for this statutory maternity leave to extend their induction", required=False,
        help_text="Statutory maternity leave extends induction only when the ECT asks.",
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)


YES_NO = [("yes", "Yes"), ("no", "No")]


class ProgressReviewForm(forms.Form):
    term = forms.TypedChoiceField(label="Which review", coerce=int, error_messages={"required": "Choose the review."})
    held_on = _date("Date held")
    on_track = forms.ChoiceField(label="Is the ECT on track to meet the Teachers' Standards?", choices=YES_NO,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "Say whether the ECT is on track."})
    evidence_summary = _text("Evidence summary", help_text="The evidence the review looked at, briefly.")
    agreed_targets = _text("Agreed targets")
    support_plan = _text("Support plan", required=False, help_text="Required when the ECT is not on track.")

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [("", "Choose the review"), *terms]


def _judgement(label):
    return forms.ChoiceField(label=label, choices=Judgement.choices, widget=forms.RadioSelect,
                             error_messages={"required": f"Choose a judgement for {label}."})


class FormalAssessmentForm(forms.Form):
    which = forms.TypedChoiceField(label="Which assessment", coerce=int, choices=FormalAssessment.Which.choices,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": "Choose which formal assessment this is."})
    held_on = _date("Date of the assessment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in TEACHERS_STANDARDS:
            self.fields[name] = _judgement(label)
        self.fields["overall"] = _judgement("Overall judgement")
        self.fields["summary"] = _text("Summary")

    def judgement_fields(self):
        return [self[name] for name, _ in TEACHERS_STANDARDS] + [self["overall"]]


class AcknowledgeForm(forms.Form):
    comment = _text("Your comment (optional)", required=False, rows=3)
