"""Forms of the participants pages. They check what a person typed; the services
decide what may change."""

from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from participants.models import ECT, AppropriateBody, Mentor, Phase, StatusChange, TrainingStatus, normalise_trn
from participants.services import REASONS_FOR
from programme.models import Cohort


class AccountSetUpForm(forms.Form):
    """A new person's name and password, when they accept their invitation."""

    full_name = forms.CharField(label="Your full name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. A few unrelated words are easy to remember and hard to guess.",
    )
    password2 = forms.CharField(
        label="Type the password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError("The two passwords are different: type the same password twice.")
        if second:
            password_validation.validate_password(second, self.user)
        return second


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter a real date, for example 2 September 2026."},
        **kwargs,
    )


class RegisterECTForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="E-mail address", help_text="The invitation goes here; it becomes their sign-in.",
        error_messages={"invalid": "Enter an e-mail address, like name@school.org.uk."},
    )
    trn = forms.CharField(label="Teacher reference number (TRN)", required=False, max_length=20, help_text="5 to 7 digits.")
    induction_start = date_field("Induction start date")
    fte = forms.DecimalField(
        label="Working pattern (FTE)", min_value=Decimal("0.1"), max_value=Decimal("1"), decimal_places=2,
        initial=Decimal("1.00"), help_text="1.0 for full time, 0.6 for three days a week.",
        error_messages={
            "min_value": "Enter an FTE between 0.1 and 1.0.", "max_value": "Enter an FTE between 0.1 and 1.0.",
            "invalid": "Enter an FTE as a number, like 1.0 or 0.6.",
        },
    )
    cohort = forms.ModelChoiceField(label="Cohort", queryset=Cohort.objects.none())
    appropriate_body = forms.ModelChoiceField(label="Appropriate Body", queryset=AppropriateBody.objects.none(), required=False)
    phase = forms.ChoiceField(label="Phase", choices=[("", "Not known yet"), *Phase.choices], required=False)
    subject = forms.CharField(label="Subject", max_length=100, required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(tenant=tenant)
        self.fields["appropriate_body"].queryset = AppropriateBody.objects.filter(tenant=tenant)

    def clean_trn(self):
        raw = self.cleaned_data["trn"]
        if not raw.strip():
            return ""
        try:
            return normalise_trn(raw)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class RegisterMentorForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="E-mail address", help_text="The invitation goes here; it becomes their sign-in.",
        error_messages={"invalid": "Enter an e-mail address, like name@school.org.uk."},
    )
    kind = forms.ChoiceField(label="Kind of mentor", choices=Mentor.Kind.choices, widget=forms.RadioSelect)
    started_on = date_field("Mentoring at this school from")
    cohort = forms.ModelChoiceField(
        label="Mentor programme of", queryset=Cohort.objects.none(), required=False,
        help_text="The cohort whose mentor programme they follow.",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(tenant=tenant)


class PairWithMentorForm(forms.Form):
    """From the ECT's page: choose their mentor."""

    mentor = forms.ModelChoiceField(label="Mentor", queryset=Mentor.objects.none(), empty_label="Choose a mentor")
    starts_on = date_field("Mentoring from")
    reason = forms.CharField(
        label="Reason for the change", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when your delivery partner approves changes of mentor.",
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda m: m.user.full_name or m.user.email


class PairWithECTForm(forms.Form):
    """From the mentor's page: choose an ECT for them to mentor."""

    ect = forms.ModelChoiceField(label="ECT", queryset=ECT.objects.none(), empty_label="Choose an ECT")
    starts_on = date_field("Mentoring from")
    reason = PairWithMentorForm.base_fields["reason"]

    def __init__(self, *args, ects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ect"].queryset = ects
        self.fields["ect"].label_from_instance = lambda e: e.user.full_name or e.user.email


class StatusChangeForm(forms.Form):
    """Defer, resume or withdraw."""

    ACTIONS = {
        "defer": TrainingStatus.DEFERRED,
        "resume": TrainingStatus.ACTIVE,
        "withdraw": TrainingStatus.WITHDRAWN,
    }

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(label="Reason", choices=StatusChange.Reason.choices, required=False)
    on = date_field("With effect from")
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)
    reason = forms.CharField(
        label="Why (for the delivery partner)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Needed when your delivery partner approves this change.",
    )

    def __init__(self, *args, action=None, for_mentor=False, **kwargs):
        super().__init__(*args, **kwargs)
        action = action or self.data.get(self.add_prefix("action")) or "defer"
        if action in self.ACTIONS:
            status = self.ACTIONS[action]
            reasons = [r for r in REASONS_FOR[status]
                       if not (r == StatusChange.Reason.NO_LONGER_MENTOR and not for_mentor)]
            self.fields["reason_code"].choices = [(r.value, r.label) for r in reasons]
            self.fields["reason_code"].required = action != "resume"
            self.fields["action"].initial = action
            if action == "resume":
                del self.fields["reason_code"]


class MentorAbsenceForm(forms.Form):
    started_on = date_field("Away from")
    ended_on = date_field("Back on (the last day away)", required=False, help_text="Leave empty if not known yet.")
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("started_on") and data.get("ended_on") and data["ended_on"] < data["started_on"]:
            self.add_error("ended_on", "The last day away must be on or after the first.")
        return data


class EndAbsenceForm(forms.Form):
    ended_on = date_field("Last day away")
