"""``programme_export``: the seeded 2026-28 programme, as the seed's own table and hours grid give it."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programme.services import load_all_programmes

pytestmark = pytest.mark.django_db

# The seed's week table (001, "The learning experience"): (year, weeks, title), in order.
SEED_TABLE = [
    (1, (3, 4), "Positive classroom culture"),
    (1, (5, 6), "Routines and expectations"),
    (1, (7, 8), "Disruption, consistency and relationships"),
    (1, (9, 10), "Curriculum purpose"),
    (1, (11, 12), "Identifying and sequencing knowledge"),
    (1, (13, 13), "Term 1 retrieval questions"),
    (1, (14, 15), "Prior knowledge"),
    (1, (16, 17), "Explanations"),
    (1, (18, 19), "Modelling"),
    (1, (20, 21), "Gaps and misconceptions"),
    (1, (22, 23), "Formative assessment"),
    (1, (24, 25), "Understanding pupil need and inclusion"),
    (1, (26, 26), "Term 2 retrieval questions"),
    (1, (27, 28), "Attention and belonging"),
    (1, (29, 30), "Emotional self regulation"),
    (1, (31, 32), "Practice and scaffolding"),
    (1, (33, 34), "Pair and group talk"),
    (1, (35, 36), "Feedback"),
    (1, (37, 38), "Adapting lessons to meet pupils' needs"),
    (1, (39, 39), "Term 3 retrieval questions"),
    (2, (1, 2), "Promoting deep learning"),
    (2, (3, 4), "Retrieval"),
    (2, (5, 6), "Challenge"),
    (2, (7, 8), "Academic expectations and metacognition"),
    (2, (9, 10), "Independence, effort and perseverance"),
    (2, (11, 12), "Culture of error"),
    (2, (13, 13), "Term 4 retrieval questions"),
    (2, (14, 15), "Pupil development"),
    (2, (16, 17), "Specialist provision"),
    (2, (18, 19), "Pastoral support"),
    (2, (20, 21), "Subject approaches and debates"),
    (2, (22, 23), "Research and criticality"),
    (2, (24, 25), "Taking on additional responsibilities"),
    (2, (27, 28), "Explore (includes Term 6 diagnostic)"),
    (2, (29, 30), "Contextual factors"),
    (2, (31, 32), "Prepare"),
    (2, (33, 34), "Ongoing reflection"),
    (2, (35, 36), "Deliver"),
    (2, (37, 38), "Sustain"),
]


@pytest.fixture
def seeded():
    load_all_programmes()


def export(*args):
    out = StringIO()
    call_command("programme_export", *args, stdout=out)
    return out.getvalue()


def all_modules(outline):
    return [m for term in outline["terms"] for m in term["modules"]]


def all_events(outline):
    return [e for term in outline["terms"] for e in term["events"]]


def test_export_lists_every_module_of_the_seed_table_at_its_weeks(seeded):
    outline = json.loads(export("ittecf-2026-28"))
    modules = all_modules(outline)
    assert [(m["year"], (m["start_week"], m["end_week"]), m["title"]) for m in modules] == SEED_TABLE
    retrieval = [m["code"] for m in modules if m["kind"] == "retrieval"]
    assert retrieval == ["Y1-W13", "Y1-W26", "Y1-W39", "Y2-W13"]  # closing terms 1-4
    assert {m["kind"] for m in modules} == {"self_study", "retrieval"}
    first = modules[0]
    assert {k: first[k] for k in ("code", "title", "strand", "kind", "start_week", "end_week", "year", "term")} == {
        "code": "Y1-W03", "title": "Positive classroom culture", "strand": "B", "kind": "self_study",
        "start_week": 3, "end_week": 4, "year": 1, "term": 1,
    }
    assert [a["kind"] for a in first["activities"]] == ["initial_reflection", "watch", "read", "quiz_reflection"]
    assert [s["code"] for s in outline["strands"]] == ["B", "I", "C", "P"]
    term = outline["terms"][0]
    assert (term["number"], term["year"], term["theme"]) == (1, 1, "Creating the enabling conditions for learning")


def test_export_has_three_conferences_of_6_hours_and_six_clinics_of_90_minutes(seeded):
    outline = json.loads(export("ittecf-2026-28"))
    events = all_events(outline)
    conferences = [(e["number"], e["term"], e["hours"], e["audience"]) for e in events if e["kind"] == "conference"]
    clinics = [(e["number"], e["term"], e["hours"], e["audience"]) for e in events if e["kind"] == "clinic"]
    assert conferences == [(1, 1, 6, "ect"), (2, 2, 6, "ect"), (3, 4, 6, "ect")]
    assert clinics == [(1, 1, 1.5, "ect"), (2, 2, 1.5, "ect"), (3, 3, 1.5, "ect"), (4, 4, 1.5, "ect"), (5, 5, 1.5, "ect"), (6, 6, 1.5, "ect")]


def test_export_totals_are_the_seeds_hours_grid(seeded):
    totals = json.loads(export("ittecf-2026-28"))["totals"]
    assert totals == {
        "conference_hours": 18,
        "clinic_hours": 9,
        "conferences": 3,
        "clinics": 6,
        "self_study_hours": [{"year": 1, "hours": 14}, {"year": 2, "hours": 12}],
        "self_study_hours_total": 26,
    }


def test_export_of_the_mentor_programme(seeded):
    outline = json.loads(export("ittecf-2026-28-mentor"))
    assert outline["audience"] == "mentor"
    assert outline["ect_programme"] == {"slug": "ittecf-2026-28", "title": "ECT Align 2026-28: four-strand ITTECF programme"}
    assert [(e["kind"], e["audience"], e["term"], e["hours"]) for e in all_events(outline)] == [
        ("conference", "mentor", 1, 6), ("conference", "mentor", 2, 6), ("clinic", "mentor", 3, 1.5),
    ]
    assert (outline["totals"]["conference_hours"], outline["totals"]["clinic_hours"]) == (12, 1.5)
    assert outline["totals"]["self_study_hours"] is None


def test_export_of_the_three_strand_programme_states_no_self_study_hours(seeded):
    outline = json.loads(export("three-strand"))
    assert (outline["totals"]["conference_hours"], outline["totals"]["clinic_hours"]) == (18, 9)
    assert outline["totals"]["self_study_hours"] is None and outline["totals"]["self_study_hours_total"] is None
    stretch = next(m for m in all_modules(outline) if m["code"] == "Y2-STRETCH-S")
    assert (stretch["term"], stretch["end_term"], stretch["start_week"], stretch["end_week"], stretch["release_date"]) == (4, 6, 8, 38, "--11-01")
    assert len(outline["diagnostic_questions"]) == 10
    mentor = json.loads(export("three-strand-mentor"))
    assert [m["code"] for m in mentor["unscheduled_modules"]] == [f"M{n}" for n in range(1, 13)]
    assert len(mentor["coaching_focus_areas"]) == 5


def test_list_prints_every_programme_slug_and_title(seeded):
    assert export("--list").splitlines() == [
        "ittecf-2026-28\tECT Align 2026-28: four-strand ITTECF programme",
        "ittecf-2026-28-mentor\tECT Align 2026-28: four-strand ITTECF programme – mentor programme",
        "three-strand\tEarly Career Teachers programme (three-strand, ECF)",
        "three-strand-mentor\tEarly Career Teachers programme (three-strand, ECF) – mentor programme",
    ]


def test_an_unknown_slug_names_the_known_ones(seeded):
    with pytest.raises(CommandError) as error:
        export("ittecf-2024-26")
    assert str(error.value) == (
        "No programme with slug ittecf-2024-26. Known: ittecf-2026-28, ittecf-2026-28-mentor, three-strand, three-strand-mentor"
    )


def test_no_slug_asks_for_one():
    with pytest.raises(CommandError, match="Give a programme slug, or --list"):
        export()
