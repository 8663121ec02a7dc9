"""Forms of the onboarding and monitoring pages. They only collect what was typed: the
rules (and their messages) are ``participants.onboarding``'s, so the page shows every
problem at once and the service refuses the same things."""

from django import forms

from participants import onboarding
from participants.models import Onboarding, Phase
from schools.models import Role


def _radios(label, choices, hint=""):
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect, help_text=hint)


class ServiceErrorsMixin:
    def add_service_errors(self, errors):
        """Put each of the service's messages beside its field, once."""
        for key, messages in errors.items():
            field = key if key in self.fields else None
            if field is not None and field in self.errors:
                continue
            for message in messages:
                self.add_error(field, message)


class MonitoringForm(ServiceErrorsMixin, forms.Form):
    """The four equality monitoring questions, each with “Prefer not to say”."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in onboarding.QUESTIONS:
            self.fields[question.field] = _radios(question.text, question.choices.choices, question.hint)

    @property
    def monitoring_fields(self):
        return [self[question.field] for question in onboarding.QUESTIONS]

    def monitoring_answers(self):
        return {question.field: self.cleaned_data.get(question.field, "") for question in onboarding.QUESTIONS}

    def clean(self):
        cleaned = super().clean()
        self.add_service_errors(onboarding.monitoring_problems(self.monitoring_answers()))
        return cleaned


class OnboardingForm(MonitoringForm):
    """The onboarding form of an ECT or a mentor (a mentor is not asked for an FTE)."""

    SECTIONS = {
        "teaching": ("phase", "subject", "working_pattern", "fte"),
        "survey": ("confidence", "hopes"),
    }

    phase = _radios("Which phase do you teach?", Phase.choices)
    subject = forms.CharField(
        label="Which subject do you teach?", required=False,
        help_text="For example Mathematics, or General primary.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
    )
    working_pattern = _radios("Do you work full time or part time?", Onboarding.WorkingPattern.choices)
    fte = forms.CharField(
        label="If you work part time: your FTE (full-time equivalent)", required=False,
        help_text="For example 0.6 if you work 3 days a week, or 0.8 for 4 days. Your programme is spread "
        "over more weeks to match.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )
    confidence = _radios(
        "How confident do you feel about starting the programme? (optional)", Onboarding.Confidence.choices
    )
    hopes = forms.CharField(
        label="What do you hope to get from the programme? (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    terms_accepted = forms.BooleanField(label="I accept these terms", required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if membership.role != Role.ECT:
            del self.fields["fte"]
        # The monitoring questions come after the survey on the page; order the fields
        # as the page shows them, so the error summary follows the page.
        order = [*self.SECTIONS["teaching"], *(q.field for q in onboarding.QUESTIONS), *self.SECTIONS["survey"],
                 "terms_accepted"]
        self.order_fields(order)

    def section(self, name):
        return [self[field] for field in self.SECTIONS[name] if field in self.fields]

    @property
    def teaching_fields(self):
        return self.section("teaching")

    @property
    def survey_fields(self):
        return self.section("survey")

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "phase": data.get("phase", ""),
            "subject": data.get("subject", ""),
            "working_pattern": data.get("working_pattern", ""),
            "fte": data.get("fte"),
            "terms_accepted": bool(data.get("terms_accepted")),
            "confidence": data.get("confidence", ""),
            "hopes": data.get("hopes", ""),
            "monitoring": self.monitoring_answers(),
        }

    def clean(self):
        cleaned = forms.Form.clean(self)
        self.add_service_errors(onboarding.onboarding_problems(membership=self.membership, **self.service_kwargs()))
        return cleaned
