"""Forms of the participants pages. They check what a person typed; the services
decide what may change."""

from django import forms
from django.contrib.auth import password_validation


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
