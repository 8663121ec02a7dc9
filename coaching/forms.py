"""Forms of the mentor's and the ECT's coaching pages. They read what was typed or
tapped; ``coaching.services`` decides what may be saved and says why not (its messages
go beside the field they name: ``add_service_error``)."""

from django import forms

from coaching.models import Meeting, Observation, Progress
from coaching.selectors import MEETING_MINUTES_EXPECTED, OBSERVATION_MINUTES
from participants.forms import date_field
from programme.models import StepKind

YES_NO = [("yes", "Yes"), ("no", "No")]

# The service names the step's own fields; on the meeting form "kind" is the meeting's.
SERVICE_FIELDS = {"step": "step_source", "kind": "step_kind"}


def add_service_error(form, exc):
    """Show a CoachingError beside the field it names (else above the form)."""
    name = SERVICE_FIELDS.get(exc.field, exc.field)
    form.add_error(name if name in form.fields else None, str(exc))


def _minutes(label, *, initial=None, help_text="", required=True):
    # No bounds here: the service refuses a negative or absurd length with the limits.
    return forms.IntegerField(
        label=label, initial=initial, required=required, help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the length as a whole number of minutes, like 15.",
                        "required": "Enter how long it lasted, in minutes."},
    )


def _text(label, *, rows=3, help_text="", required=False):
    return forms.CharField(
        label=label, required=required, help_text=help_text, strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _date(label, **kwargs):
    field = date_field(label, **kwargs)
    field.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}, for example 2 September 2026."
    return field


def step_choices(library):
    """A ``step_library`` result as <optgroup>s: one per module ("B2 Routines"), in
    programme order."""
    groups = sorted((options for options in library.values() if options),
                    key=lambda options: (options[0].module.order, options[0].module.code))
    return [("", "Choose a step"), *(
        (f"{options[0].module.code} {options[0].module.title}", [(o.key, o.title) for o in options])
        for options in groups
    )]


def module_choices(modules):
    return [("", "Choose a module"), *((str(m.pk), f"{m.code} {m.title}") for m in modules)]


class ObservationForm(forms.Form):
    """A 15-minute drop-in, logged in under a minute: defaults for everything but what
    was seen."""

    observed_on = _date("Date of the observation")
    minutes = _minutes("Length in minutes", initial=OBSERVATION_MINUTES,
                       help_text=f"About {OBSERVATION_MINUTES} minutes is usual.")
    mode = forms.ChoiceField(label="How did you observe?", choices=Observation.Mode.choices,
                             initial=Observation.Mode.IN_PERSON, widget=forms.RadioSelect)
    progress = forms.ChoiceField(label="Progress toward the step", choices=Progress.choices, required=False,
                                 widget=forms.RadioSelect)
    seen = _text("What did you see?", rows=4, help_text="One or two sentences are enough. The ECT can read this.")
    notes = _text("Notes (optional)", rows=2)

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step is None:
            del self.fields["progress"]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "observed_on": data["observed_on"], "minutes": data["minutes"], "mode": data["mode"],
            "progress": data.get("progress", ""), "seen": data["seen"], "notes": data["notes"],
        }


class WrittenStepFields(forms.Form):
    """A step written here (by the mentor, or proposed by the ECT): the module it comes
    from, its title, success criteria and kind."""

    module = forms.CharField(label="Module the step comes from", required=False, widget=forms.Select)
    title = forms.CharField(label="The step", required=False,
                            help_text="In a few words, for example “Narrate the positive”.")
    criteria = _text("Success criteria", rows=4, help_text="One per line: what you will see when it is done well.")
    step_kind = forms.ChoiceField(label="Kind of step", choices=StepKind.choices, initial=StepKind.PERFORMANCE,
                                  widget=forms.RadioSelect)
    library_step = forms.CharField(label="Step from the library", required=False, widget=forms.Select)

    def set_step_options(self, *, library, modules, all_modules):
        """Offer the steps and modules reached so far; accept any module of the programme
        so that the service can refuse an unreached one with the list of reached ones."""
        self.fields["library_step"].widget.choices = step_choices(library)
        self.fields["module"].widget.choices = module_choices(modules)
        self.modules_by_pk = {str(m.pk): m for m in all_modules}

    def written_step(self, source, key=""):
        from coaching.services import StepChoice

        data = self.cleaned_data
        if source == "library":
            return StepChoice(source="library", key=data.get("library_step", ""))
        return StepChoice(
            source=source, key=key, module=self.modules_by_pk.get(data.get("module") or ""),
            title=data.get("title", ""), criteria=data.get("criteria", ""), kind=data.get("step_kind") or "",
        )


class MeetingForm(WrittenStepFields):
    """A coaching meeting: the praise on the previous step, the step for the next cycle
    (repeat, library, the ECT's proposal, written here) and how it was practised."""

    REPEAT, LIBRARY, PROPOSAL, OWN, KEEP = "repeat", "library", "proposal", "own", "keep"

    met_on = _date("Date of the meeting")
    minutes = _minutes(
        "Length in minutes", initial=MEETING_MINUTES_EXPECTED,
        help_text=f"At least {MEETING_MINUTES_EXPECTED} minutes is expected (about 30 of instructional coaching). "
                  "A shorter meeting can still be logged.",
    )
    kind = forms.ChoiceField(label="Kind of coaching this cycle", choices=Meeting.Kind.choices,
                             initial=Meeting.Kind.INSTRUCTIONAL, widget=forms.RadioSelect,
                             help_text="Your school may choose pastoral coaching for a cycle.")
    instructional_minutes = _minutes("Minutes of instructional coaching (optional)", required=False)
    praise = _text("Praise and feedback on the previous step", rows=4)
    step_source = forms.ChoiceField(label="Step for the next cycle", required=False, widget=forms.RadioSelect)
    # Set by the "Edit the proposal" link: the step written here is the ECT's proposal, edited.
    from_proposal = forms.BooleanField(required=False, widget=forms.HiddenInput)
    modelled = forms.ChoiceField(label="Did you model the step?", choices=YES_NO, required=False,
                                 widget=forms.RadioSelect)
    practice_rounds = forms.IntegerField(
        label="Practice rounds", initial=3, required=False,
        help_text="Practise more than once, with feedback after each round.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the number of practice rounds, like 3."},
    )
    pastoral_notes = _text("Pastoral notes (optional)", rows=3)
    ect_reflections = _text("The ECT’s reflections (optional)", rows=3,
                            help_text="The ECT can add or change these later from their own page.")

    field_order = [
        "met_on", "minutes", "kind", "instructional_minutes", "praise", "step_source", "library_step", "module",
        "title", "criteria", "step_kind", "from_proposal", "modelled", "practice_rounds", "pastoral_notes",
        "ect_reflections",
    ]

    def __init__(self, *args, ect_name, previous=None, proposal=None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        choices = []
        if editing is not None and editing.step_id:
            choices.append((self.KEEP, f"Keep the step set in this meeting: “{editing.step.title}”"))
        elif editing is not None:
            choices.append((self.KEEP, "Keep the current step (no new step was set in this meeting)"))
        if previous is not None:
            word = "previous" if editing is not None else "current"
            choices.append((self.REPEAT, f"Repeat the {word} step: “{previous.title}”"))
        choices.append((self.LIBRARY, "Choose from the step library"))
        if proposal is not None:
            choices.append((self.PROPOSAL, f"Accept {ect_name}’s proposal: “{proposal.title}”"))
        choices.append((self.OWN, "Write a step"))
        if editing is None:
            choices.append((self.KEEP, "No new step: a pastoral cycle (the current step carries on)"))
        self.fields["step_source"].choices = choices
        self.fields["ect_reflections"].label = f"{ect_name}’s reflections (optional)"

    def clean_modelled(self):
        return _yes_no(self.cleaned_data.get("modelled"))

    def clean(self):
        data = super().clean()
        # Every section is on the page (it works without JavaScript): a step chosen or
        # written without ticking its radio still says what the mentor meant.
        if not data.get("step_source"):
            if data.get("library_step"):
                data["step_source"] = self.LIBRARY
            elif (data.get("title") or "").strip() or (data.get("criteria") or "").strip():
                data["step_source"] = self.OWN
        return data

    def step_choice(self):
        """The StepChoice for the service (None when no way was chosen: the service
        keeps the step of a pastoral cycle and asks for one otherwise)."""
        from coaching.services import StepChoice

        source = self.cleaned_data.get("step_source") or ""
        if not source:
            return None
        if source in (self.KEEP, self.REPEAT, self.PROPOSAL):
            return StepChoice(source=source)
        if source == self.OWN and self.proposal is not None and self.cleaned_data.get("from_proposal"):
            return self.written_step("own", key="from-proposal")
        return self.written_step(source)

    @property
    def editing_proposal(self):
        """The written step is the ECT's proposal being edited (the link's prefill)."""
        return self.proposal is not None and str(self["from_proposal"].value()) in ("True", "true", "1", "on")

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "met_on": data["met_on"], "minutes": data["minutes"], "kind": data["kind"],
            "instructional_minutes": data.get("instructional_minutes"), "praise": data["praise"],
            "step": self.step_choice(), "modelled": bool(data.get("modelled")),
            "practice_rounds": data["practice_rounds"] if data.get("practice_rounds") is not None else 0,
            "pastoral_notes": data["pastoral_notes"], "ect_reflections": data["ect_reflections"],
        }


class ProposeStepForm(WrittenStepFields):
    """A year-2 ECT proposes the step for their next cycle."""

    LIBRARY, OWN = "library", "own"

    step_source = forms.ChoiceField(
        label="Your step", choices=[(LIBRARY, "Choose from the step library"), (OWN, "Write your own step")],
        initial=LIBRARY, widget=forms.RadioSelect,
        error_messages={"required": "Choose a step from the library or write your own."},
    )
    why = _text("Why this step? (optional)", rows=3,
                help_text="What you noticed in your teaching that this step would help with.")

    field_order = ["step_source", "library_step", "module", "title", "criteria", "step_kind", "why"]

    def step_choice(self):
        return self.written_step(self.cleaned_data["step_source"])


class ReflectionForm(forms.Form):
    text = _text("Your reflections on the meeting", rows=6,
                 help_text="What went well, what you will try next. Your mentor can read these.")


class LibraryFilterForm(forms.Form):
    """The step library's filters: a GET form of three selects."""

    programme = forms.TypedChoiceField(label="Programme", required=False, coerce=int, empty_value=None)
    strand = forms.TypedChoiceField(label="Strand", required=False, coerce=int, empty_value=None)
    module = forms.TypedChoiceField(label="Module", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, programmes, modules, **kwargs):
        super().__init__(*args, **kwargs)
        several = len(programmes) > 1
        strands, module_choices_ = {}, []
        for programme in programmes:
            for module in modules[programme.pk]:
                if module.strand_id and module.strand_id not in strands:
                    label = module.strand.name + (f" ({programme.title})" if several else "")
                    strands[module.strand_id] = (module.strand.order, module.strand.code, label)
                module_choices_.append((module.pk, f"{module.code} {module.title}"))
        self.fields["programme"].choices = [("", "All programmes"), *((p.pk, p.title) for p in programmes)]
        self.fields["strand"].choices = [("", "All strands"), *(
            (pk, label) for pk, (_, _, label) in sorted(strands.items(), key=lambda item: item[1][:2])
        )]
        self.fields["module"].choices = [("", "All modules"), *module_choices_]

    def chosen(self):
        """{"programme": pk or None, "strand": ..., "module": ...}: what to show."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {name: data.get(name) for name in ("programme", "strand", "module")}
