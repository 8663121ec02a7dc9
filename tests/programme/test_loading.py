"""Seeding the programmes from programme/data/*.json: what is created, idempotency, and
bad files refused with a message and nothing written."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from programme.models import (
    Audience,
    CoachingFocusArea,
    DiagnosticQuestion,
    EventTemplate,
    Module,
    ModuleActivity,
    Programme,
    ProgrammeYear,
    Strand,
    Term,
)
from programme.services import (
    PROGRAMME_DATA_DIR,
    ProgrammeError,
    check_programme_data,
    load_all_programmes,
    load_programme,
)

pytestmark = pytest.mark.django_db

PROGRAMME_MODELS = [Programme, ProgrammeYear, Strand, Term, Module, ModuleActivity, EventTemplate, CoachingFocusArea, DiagnosticQuestion]
ACTIVITIES = ["initial_reflection", "watch", "read", "quiz_reflection"]


def ittecf():
    return json.loads((PROGRAMME_DATA_DIR / "ittecf-2026-28.json").read_text(encoding="utf-8"))


def three_strand():
    return json.loads((PROGRAMME_DATA_DIR / "three-strand.json").read_text(encoding="utf-8"))


def snapshot():
    """Every programme row's values (and the history rows), to compare two loads."""
    state = {}
    for model in PROGRAMME_MODELS:
        rows = [model_to_dict(obj) for obj in model.objects.order_by("pk")]
        for row in rows:
            if "suggested_modules" in row:
                row["suggested_modules"] = sorted(m.pk for m in row["suggested_modules"])
        state[model._meta.label] = rows
        state[f"{model._meta.label} history"] = model.history.count()
    return state


def test_seed_creates_both_programmes_and_their_mentor_programmes():
    results = load_all_programmes()
    assert [r.slugs for r in results] == [["ittecf-2026-28", "ittecf-2026-28-mentor"], ["three-strand", "three-strand-mentor"]]
    assert set(Programme.objects.values_list("slug", "audience")) == {
        ("ittecf-2026-28", Audience.ECT), ("ittecf-2026-28-mentor", Audience.MENTOR),
        ("three-strand", Audience.ECT), ("three-strand-mentor", Audience.MENTOR),
    }
    mentor = Programme.objects.get(slug="ittecf-2026-28-mentor")
    assert mentor.ect_programme.slug == "ittecf-2026-28"
    # The 2026-28 mentor programme lasts one year: two conferences and one clinic.
    assert list(mentor.years.values_list("number", flat=True)) == [1]
    assert sorted(mentor.events.values_list("code", "hours")) == [
        ("MENTOR-CLINIC-1", 1.5), ("MENTOR-CONF-1", 6), ("MENTOR-CONF-2", 6),
    ]
    ect = Programme.objects.get(slug="ittecf-2026-28")
    assert ect.modules.count() == 39
    assert list(ect.strands.values_list("code", flat=True)) == ["B", "I", "C", "P"]
    assert list(ect.terms.values_list("number", "theme")) == [
        (1, "Creating the enabling conditions for learning"),
        (2, "Introducing pupils to new knowledge"),
        (3, "Enabling pupils to engage in high quality practice"),
        (4, "Increasing challenge for pupils"),
        (5, "Working in education"),
        (6, "Reflecting, revisiting and embedding good teaching practices"),
    ]
    assert not ect.events.exclude(audience=Audience.ECT).exists()


def test_three_strand_programme_has_b_i_s_modules_with_the_four_activities():
    load_all_programmes(paths=[PROGRAMME_DATA_DIR / "three-strand.json"])
    programme = Programme.objects.get(slug="three-strand")
    for strand, term in (("B", 1), ("I", 2), ("S", 3)):
        modules = list(programme.modules.filter(strand__code=strand, kind=Module.Kind.SELF_STUDY).order_by("order"))
        assert [m.code for m in modules] == [f"{strand}{n}" for n in range(1, 13)]
        assert {m.term.number for m in modules} == {term}  # one strand a term in year 1
        for module in modules:
            assert list(module.activities.values_list("kind", flat=True)) == ACTIVITIES, module.code
    # One module a week: B1-B12 in weeks 1-12.
    assert [(m.start_week, m.end_week) for m in programme.modules.filter(strand__code="B", kind="self_study").order_by("order")] == [
        (w, w) for w in range(1, 13)
    ]
    # Year 2: the diagnostic, the action plan and stretch opening on 1 November.
    year_two = {m.code: m for m in programme.modules.filter(term__year__number=2)}
    assert year_two["Y2-DIAG"].kind == Module.Kind.DIAGNOSTIC
    assert year_two["Y2-PLAN"].kind == Module.Kind.ACTION_PLAN
    stretch = year_two["Y2-STRETCH-B"]
    assert (stretch.kind, stretch.release_month, stretch.release_day, stretch.end_term.number) == (Module.Kind.STRETCH, 11, 1, 6)
    assert programme.diagnostic_questions.count() == 10
    question = programme.diagnostic_questions.get(order=1)
    assert (question.strand.code, sorted(question.suggested_modules.values_list("code", flat=True))) == ("B", ["B2", "B3"])


def test_three_strand_mentor_programme_has_12_modules_and_5_coaching_focus_areas():
    load_all_programmes(paths=[PROGRAMME_DATA_DIR / "three-strand.json"])
    mentor = Programme.objects.get(slug="three-strand-mentor")
    assert mentor.audience == Audience.MENTOR
    assert list(mentor.modules.values_list("code", flat=True)) == [f"M{n}" for n in range(1, 13)]
    assert mentor.modules.get(code="M4").title == "Observe - setting steps"
    assert not mentor.modules.filter(term__isnull=False).exists()  # no weeks in the handbook
    assert list(mentor.coaching_focus_areas.values_list("title", flat=True)) == [
        "Selecting appropriate steps", "Sharing the model", "Sharing the step", "Deliberate practice", "Analysing the gap",
    ]
    # Two years of mentor events: conference 1, clinic 1, conference 2, then clinic 2 in year 2.
    assert list(mentor.events.order_by("term__number").values_list("code", "term__number")) == [
        ("MENTOR-CONF-1", 1), ("MENTOR-CLINIC-1", 2), ("MENTOR-CONF-2", 3), ("MENTOR-CLINIC-2", 4),
    ]


def test_loading_twice_changes_nothing():
    load_all_programmes()
    before = snapshot()

    again = load_all_programmes()
    assert all(r.skipped and not r.changed for r in again)
    assert snapshot() == before

    # Even when forced through every row, nothing is created or updated.
    forced = load_all_programmes(force=True)
    assert [r.describe() for r in forced] == [
        "ittecf-2026-28 and ittecf-2026-28-mentor: nothing to change",
        "three-strand and three-strand-mentor: nothing to change",
    ]
    assert snapshot() == before


def test_a_changed_file_updates_only_what_changed():
    data = ittecf()
    load_programme(data)
    data["modules"][0]["title"] = "Positive classroom culture (revised)"
    data["events"][1]["hours"] = 2
    data["totals"]["clinic_hours"] = 9.5
    result = load_programme(data)
    assert dict(result.updated) == {Module: 1, EventTemplate: 1, Programme: 2}  # + the file fingerprint of both rows
    assert not result.created
    assert Module.objects.get(programme__slug="ittecf-2026-28", code="Y1-W03").title == "Positive classroom culture (revised)"
    assert EventTemplate.objects.get(programme__slug="ittecf-2026-28", code="ECT-CLINIC-1").hours == 2


def test_an_unchanged_file_keeps_corrections_made_in_the_admin():
    load_programme(ittecf())
    module = Module.objects.get(programme__slug="ittecf-2026-28", code="Y1-W35")
    module.strand = Strand.objects.get(programme=module.programme, code="I")  # the README's alternative
    module.save()
    out = StringIO()
    call_command("seed_programmes", stdout=out)
    assert "ittecf-2026-28 and ittecf-2026-28-mentor: unchanged since last loaded" in out.getvalue()
    module.refresh_from_db()
    assert module.strand.code == "I"


def test_seed_programmes_command_says_what_it_created_then_that_nothing_changed():
    out = StringIO()
    call_command("seed_programmes", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "ittecf-2026-28 and ittecf-2026-28-mentor: created 2 programmes, 3 programme years, 4 strands, 9 terms, "
        "39 modules, 144 module activities, 12 event templates"
    )
    assert lines[1].startswith("three-strand and three-strand-mentor: created 2 programmes")
    assert "53 modules" in lines[1] and "5 coaching focus areas" in lines[1] and "10 diagnostic questions" in lines[1]
    assert "updated" not in lines[1]
    assert lines[2] == "Step library of ittecf-2026-28: 142 created, 0 updated, 0 removed."
    assert lines[3] == "Step library of three-strand: 153 created, 0 updated, 0 removed."
    out = StringIO()
    call_command("seed_programmes", stdout=out)
    assert out.getvalue().splitlines() == [
        "ittecf-2026-28 and ittecf-2026-28-mentor: unchanged since last loaded",
        "three-strand and three-strand-mentor: unchanged since last loaded",
        "Step library of ittecf-2026-28: unchanged.",
        "Step library of three-strand: unchanged.",
    ]


def test_the_shipped_files_have_no_problems():
    assert check_programme_data(ittecf()) == []
    assert check_programme_data(three_strand()) == []


def test_a_module_outside_its_terms_weeks_is_refused_and_nothing_is_written():
    data = ittecf()
    module = next(m for m in data["modules"] if m["code"] == "Y1-W11")
    module["end_week"] = 14
    with pytest.raises(ProgrammeError) as error:
        load_programme(data)
    assert error.value.problems == [(
        "Module Y1-W11 (Identifying and sequencing knowledge) is placed in weeks 11-14 but term 1 runs from week 1 "
        "to week 13: move the module inside the term or choose the term that holds those weeks."
    )]
    assert str(error.value).startswith("Programme ittecf-2026-28 was not loaded (nothing was saved):")
    for model in PROGRAMME_MODELS:
        assert not model.objects.exists(), model


def test_a_bad_file_leaves_the_loaded_programme_as_it_was():
    load_programme(ittecf())
    before = snapshot()
    data = ittecf()
    data["title"] = "A new title"
    data["modules"][-1]["start_week"] = 26  # "Sustain" moved into term 5's weeks but left in term 6
    with pytest.raises(ProgrammeError, match=r"Module Y2-W37 \(Sustain\) is placed in weeks 26-38 but term 6 runs from week 27"):
        load_programme(data, force=True)
    assert snapshot() == before


def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(EventTemplate, "save", fail)  # events are written after strands, terms and modules
    with pytest.raises(RuntimeError):
        load_programme(ittecf())
    for model in PROGRAMME_MODELS:
        assert not model.objects.exists(), model


def _move(path, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key] if not isinstance(key, str) or not key.startswith("code=") else next(
                m for m in target if m.get("code") == key[5:]
            )
        target[path[-1]] = value
    return mutate


@pytest.mark.parametrize("mutate,message", [
    (_move(["modules", "code=Y1-W03", "strand"], "X"), "Module Y1-W03 (Positive classroom culture) is in strand X, which the file does not list: use one of B, C, I, P."),
    (_move(["terms", 5, "end_week"], 40), "Term 6 runs to week 40 but year 2 has 38 weeks: end the term by week 38 or lengthen the year."),
    (_move(["modules", "code=Y1-W05", "start_week"], 4), "Module Y1-W03 (Positive classroom culture) and Module Y1-W05 (Routines and expectations) both take week 4 of year 1"),
    (_move(["events", 0, "hours"], 5), "The ECT conferences add up to 17 h but the totals say 18 h: correct an event's hours or the total."),
    (_move(["events", 1, "half_term"], "spring_1"), "Event ECT-CLINIC-1 (High expectations) is in half-term 'spring_1' but term 1 is the autumn term"),
    (_move(["modules", "code=Y1-W03", "kind"], "lecture"), "Module Y1-W03 (Positive classroom culture) is of kind 'lecture'"),
    (_move(["modules", "code=Y1-W03", "term"], 9), "Module Y1-W03 (Positive classroom culture) is in term 9, which the file does not list"),
])
def test_the_loader_names_what_is_wrong(mutate, message):
    data = ittecf()
    mutate(data)
    with pytest.raises(ProgrammeError) as error:
        load_programme(data)
    assert any(p.startswith(message) for p in error.value.problems), error.value.problems
    assert not Programme.objects.exists()


def test_diagnostic_questions_must_suggest_real_modules():
    data = three_strand()
    data["diagnostic"]["questions"][0]["suggests_modules"] = ["B2", "B99"]
    assert check_programme_data(data) == [
        "Diagnostic question 1 suggests modules B99, which the file does not list: correct the codes."
    ]


def test_the_seed_command_reports_a_bad_file_as_a_command_error(tmp_path, monkeypatch):
    data = ittecf()
    data["modules"][0]["end_week"] = 99
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr("programme.services.PROGRAMME_DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match="Module Y1-W03 \\(Positive classroom culture\\) is placed in weeks 3-99"):
        call_command("seed_programmes", stdout=StringIO())
    assert not Programme.objects.exists()


def test_the_mentor_programme_is_the_ect_files_mentor_part_only():
    data = copy.deepcopy(ittecf())
    data["mentor_modules"] = []
    data["coaching_focus_areas"] = []
    data["events"] = [e for e in data["events"] if e["audience"] == "ect"]
    data["totals"]["mentor"] = {}
    result = load_programme(data)
    assert result.slugs == ["ittecf-2026-28"]
    assert not Programme.objects.filter(audience=Audience.MENTOR).exists()
