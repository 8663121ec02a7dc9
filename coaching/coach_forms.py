"""The coach's form for a coaching-for-mentors session. It reads what was typed;
``coaching.services.log_mentor_session`` decides whether it may be saved."""

from django import forms

from participants.forms import date_field
from programme.models import CoachingFocusArea


class MentorSessionForm(forms.Form):
    held_on = date_field("Date of the session")
    minutes = forms.IntegerField(
        label="Length in minutes", initial=60,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how long the session lasted, in minutes.",
            "invalid": "Enter the length as a whole number of minutes, like 60.",
        },
    )
    focus_area = forms.ModelChoiceField(
        label="Focus of the session", queryset=CoachingFocusArea.objects.none(), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": "Choose the focus of the session."},
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you worked on together.",
    )
    next_step = forms.CharField(
        label="The mentor's next step", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One thing to do before your next session, in a sentence.",
        error_messages={"required": "Write the mentor's next step, in a sentence."},
    )

    def __init__(self, *args, focus_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = "Enter the date of the session."
        self.fields["focus_area"].queryset = CoachingFocusArea.objects.filter(
            pk__in=[a.pk for a in focus_areas]
        ).order_by("order", "title")
        self.fields["focus_area"].label_from_instance = lambda area: area.title
