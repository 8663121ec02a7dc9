"""Forms of the events pages. They read what was chosen or typed; ``events.services``
decides what may be saved and says why not (``add_service_error`` puts its message
beside the field it names)."""

from django import forms
from django.utils import timezone

from events.models import Booking, CatchUp, Session
from events.services import MAX_NEEDS_CHARS


def add_service_error(form, exc):
    """Show an EventError beside the field it names (else above the form)."""
    name = exc.field if exc.field in form.fields else None
    form.add_error(name, str(exc))


def session_label(session, *, now, full, current=False):
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    where = "Online" if session.is_online else f"Face to face: {session.venue}"
    text = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M} · {where}"
    if session.local_group_id:
        text += f" · {session.local_group.name}"
    if current:
        return f"{text} · your booking"
    left = session.capacity - session.booked_count
    if full:
        return f"{text} · Full: join the waiting list ({session.waiting_count} waiting)"
    return f"{text} · {left} place{'s' if left != 1 else ''} left"


class ChooseSessionForm(forms.Form):
    """One radio per session: "S<id>" books it, "W<id>" joins a full one's waiting list.
    A participant moving a booking chooses among sessions with room."""

    session = forms.ChoiceField(
        label="Choose a session", widget=forms.RadioSelect,
        error_messages={"required": "Choose a session.", "invalid_choice": "Choose one of the sessions listed."},
    )
    dietary_needs = forms.CharField(
        label="Dietary needs (optional)", required=False, max_length=MAX_NEEDS_CHARS,
        help_text="For face-to-face sessions, where lunch or refreshments are served. For example: vegetarian, nut allergy.",
        error_messages={"max_length": f"Keep this to {MAX_NEEDS_CHARS} characters."},
    )
    access_needs = forms.CharField(
        label="Access needs (optional)", required=False, max_length=MAX_NEEDS_CHARS,
        help_text="For face-to-face sessions: anything the venue should arrange, such as step-free access or a hearing loop.",
        error_messages={"max_length": f"Keep this to {MAX_NEEDS_CHARS} characters."},
    )

    def __init__(self, *args, sessions, current=None, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        choices = []
        self.closed = []
        for session in sessions:
            if current and session.pk == current.session_id:
                continue
            if now >= session.changes_close_at:
                self.closed.append(session)
                continue
            full = session.booked_count >= session.capacity
            if full and current:
                continue  # a move takes a free place; the waiting list is for first bookings
            choices.append((f"{'W' if full else 'S'}{session.pk}", session_label(session, now=now, full=full)))
        self.fields["session"].choices = choices
        if current:
            self.fields["dietary_needs"].initial = current.dietary_needs
            self.fields["access_needs"].initial = current.access_needs
            self.fields["session"].label = "Move to another session"
        self.in_person = any(s.mode == Session.Mode.IN_PERSON for s in sessions)
        if not self.in_person:
            del self.fields["dietary_needs"]
            del self.fields["access_needs"]

    def chosen(self):
        value = self.cleaned_data["session"]
        return self.sessions[int(value[1:])], value.startswith("W")

    @property
    def has_choices(self):
        return bool(self.fields["session"].choices)

    def clean(self):
        data = super().clean()
        data.setdefault("dietary_needs", "")
        data.setdefault("access_needs", "")
        return data


class CatchUpForm(forms.Form):
    reflection = forms.CharField(
        label="Your reflection",
        help_text=(
            "What did you take from the materials, and what will you try in your classroom? "
            f"At least {CatchUp.REFLECTION_MIN_CHARS} characters."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your reflection to complete the catch-up."},
    )




class RegisterForm(forms.Form):
    """One radio group per booked person: present, late, absent or excused."""

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.bookings = bookings
        for booking in bookings:
            self.fields[f"mark_{booking.pk}"] = forms.ChoiceField(
                label=booking.user.full_name or booking.user.email, required=False,
                choices=Booking.Attendance.choices, widget=forms.RadioSelect, initial=booking.attendance or None,
            )

    def rows(self):
        return [(booking, self[f"mark_{booking.pk}"]) for booking in self.bookings]

    def marks(self):
        return {
            booking.pk: self.cleaned_data[f"mark_{booking.pk}"]
            for booking in self.bookings if self.cleaned_data.get(f"mark_{booking.pk}")
        }
