"""The step library: the lead provider's steps loaded from programme/data/steps/*.json
(programme.services.load_step_libraries / load_step_library), and what a delivery
partner's mentors see of it (coaching.selectors.step_library), with the partner's own
edited, retired and added steps."""

import json

import pytest
from django.forms.models import model_to_dict

from coaching.factories import ActionStepFactory, LocalStepFactory
from coaching.selectors import step_library
from programme.factories import LibraryStepFactory, ModuleFactory, ProgrammeFactory, StrandFactory
from programme.models import STEP_MODULE_KINDS, LibraryStep, Module, StepKind
from programme.services import (
    STEP_DATA_DIR,
    ProgrammeError,
    load_all_programmes,
    load_step_libraries,
    load_step_library,
)
from schools.factories import TenantFactory

pytestmark = pytest.mark.django_db


def library_rows():
    return [model_to_dict(step) for step in LibraryStep.objects.order_by("pk")]


# --- The shipped libraries ------------------------------------------------------------------------


def test_every_step_module_of_both_programmes_has_at_least_three_steps_with_criteria():
    load_all_programmes()
    results = load_step_libraries()
    assert sorted(r.programme for r in results) == ["ittecf-2026-28", "three-strand"]
    for slug in ("ittecf-2026-28", "three-strand"):
        modules = list(
            Module.objects.filter(programme__slug=slug, kind__in=STEP_MODULE_KINDS).prefetch_related("library_steps")
        )
        assert modules, slug
        for module in modules:
            steps = list(module.library_steps.all())
            assert len(steps) >= 3, f"{slug} {module.code} has {len(steps)} steps"
            assert [s.order for s in steps] == list(range(1, len(steps) + 1))
            for step in steps:
                assert step.title.strip() and len(step.title) <= 160
                assert step.criteria, f"{slug} {module.code} “{step.title}” has no success criteria"
                assert step.kind in StepKind.values
                assert step.strand_id == module.strand_id
        # Retrieval weeks, the diagnostic and the action plan carry no steps.
        assert not LibraryStep.objects.filter(module__programme__slug=slug).exclude(
            module__kind__in=STEP_MODULE_KINDS
        ).exists()


def test_the_shipped_files_pass_the_same_check_before_anything_is_saved():
    load_all_programmes()
    for path in sorted(STEP_DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["programme"] == path.stem
        # Steps are bite-sized: a handful of criteria each.
        for code, steps in data["steps"].items():
            for step in steps:
                assert 1 <= len([c for c in step["success_criteria"] if c.strip()]) <= 8, (code, step["title"])


def test_loading_the_shipped_libraries_twice_changes_nothing():
    load_all_programmes()
    first = load_step_libraries()
    assert all(r.created > 0 for r in first)
    before = library_rows()
    versions = LibraryStep.history.count()
    again = load_step_libraries()
    assert [(r.created, r.updated, r.removed) for r in again] == [(0, 0, 0), (0, 0, 0)]
    assert all(r.describe().endswith(": unchanged.") for r in again)
    assert library_rows() == before
    assert LibraryStep.history.count() == versions


# --- Loading, with small in-test data ---------------------------------------------------------------


@pytest.fixture
def small_programme():
    programme = ProgrammeFactory(slug="small-steps", title="Small programme")
    strand = StrandFactory(programme=programme, code="B", name="Behaviour")
    modules = {
        code: ModuleFactory(term__year__programme=programme, programme=programme, strand=strand, code=code)
        for code in ("B1", "B2")
    }
    return programme, modules


def step(title, *criteria, kind="performance"):
    return {"title": title, "success_criteria": list(criteria) or ["Does it once, calmly"], "kind": kind}


def small_data(**steps):
    return {"programme": "small-steps", "steps": steps}


def test_a_library_is_loaded_by_module_in_order(small_programme):
    _, modules = small_programme
    result = load_step_library(small_data(
        B1=[
            step("Narrate the positive", "Names two pupils", "  ", "Warm tone"),
            step("Plan the entry routine", kind="task"),
        ],
        B2=[step("Use the attention signal", kind="both")],
    ))
    assert (result.created, result.updated, result.removed) == (3, 0, 0)
    b1 = list(modules["B1"].library_steps.order_by("order"))
    assert [(s.order, s.title, s.kind) for s in b1] == [
        (1, "Narrate the positive", "performance"), (2, "Plan the entry routine", "task"),
    ]
    assert b1[0].criteria == ["Names two pupils", "Warm tone"]  # blank lines dropped
    assert b1[0].strand == modules["B1"].strand


def test_loading_the_same_library_twice_changes_nothing(small_programme):
    data = small_data(B1=[step("Narrate the positive"), step("Plan the entry routine")])
    load_step_library(data)
    before = library_rows()
    result = load_step_library(data)
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert library_rows() == before


def test_a_changed_file_updates_in_place_and_removes_steps_no_longer_there(small_programme):
    load_step_library(small_data(B1=[step("Narrate the positive"), step("Plan the entry routine")]))
    first = LibraryStep.objects.get(order=1)
    result = load_step_library(small_data(B1=[step("Narrate the positive, twice", "Names four pupils")]))
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    kept = LibraryStep.objects.get()
    assert kept.pk == first.pk
    assert (kept.title, kept.criteria) == ("Narrate the positive, twice", ["Names four pupils"])


def test_a_step_an_ect_was_set_is_kept_when_the_file_drops_it(small_programme):
    _, modules = small_programme
    load_step_library(small_data(B1=[step("Narrate the positive"), step("Plan the entry routine")]))
    used = LibraryStep.objects.get(order=2)
    ActionStepFactory(module=modules["B1"], library_step=used, title=used.title)
    result = load_step_library(small_data(B1=[step("Narrate the positive")]))
    assert result.removed == 0
    assert LibraryStep.objects.filter(pk=used.pk).exists()


def test_a_file_naming_an_unknown_module_is_refused_and_nothing_is_saved(small_programme):
    load_step_library(small_data(B1=[step("Narrate the positive")]))
    before = library_rows()
    with pytest.raises(ProgrammeError) as caught:
        load_step_library(small_data(
            B1=[step("Narrate the positive, changed")], B2=[step("Use the attention signal")], Z9=[step("Anything")],
        ))
    assert "steps for module Z9: the programme has no such module" in caught.value.problems
    assert "nothing was saved" in str(caught.value)
    assert library_rows() == before  # not even the good parts of the file


@pytest.mark.parametrize("bad, problem", [
    (step("", "A criterion"), "module B1, step 1: a title of 1 to 160 characters is needed"),
    (step("x" * 161), "module B1, step 1: a title of 1 to 160 characters is needed"),
    ({"title": "No criteria", "success_criteria": ["  "], "kind": "task"},
     "module B1, step 1: at least one success criterion is needed"),
    (step("A made-up kind", kind="assessment"), "module B1, step 1: kind must be one of both, performance, task"),
])
def test_a_file_with_a_bad_step_is_refused_with_the_problem_named(small_programme, bad, problem):
    with pytest.raises(ProgrammeError) as caught:
        load_step_library(small_data(B1=[bad], B2=[step("Use the attention signal")]))
    assert problem in caught.value.problems
    assert LibraryStep.objects.count() == 0


def test_criteria_written_as_one_string_are_refused_not_split_into_letters(small_programme):
    with pytest.raises(ProgrammeError) as caught:
        load_step_library(small_data(B1=[{"title": "Narrate the positive", "success_criteria": "Names two pupils",
                                          "kind": "performance"}]))
    assert "module B1, step 1: success_criteria must be a list of lines of text" in caught.value.problems
    assert LibraryStep.objects.count() == 0


def test_steps_for_a_retrieval_week_are_refused(small_programme):
    programme, _ = small_programme
    ModuleFactory(term__year__programme=programme, programme=programme, code="R1", kind=Module.Kind.RETRIEVAL)
    with pytest.raises(ProgrammeError) as caught:
        load_step_library(small_data(B1=[step("Narrate the positive")], R1=[step("Recall last week's routine")]))
    assert "steps for module R1: a retrieval module carries no steps" in caught.value.problems
    assert LibraryStep.objects.count() == 0


def test_a_title_used_twice_in_a_module_is_refused(small_programme):
    with pytest.raises(ProgrammeError) as caught:
        load_step_library(small_data(B1=[step("Narrate the positive"), step("Narrate the positive")]))
    assert "module B1, step 2: the title 'Narrate the positive' is used twice in the module" in caught.value.problems
    assert LibraryStep.objects.count() == 0


def test_a_library_for_a_programme_not_loaded_is_refused():
    with pytest.raises(ProgrammeError, match="load the programme first"):
        load_step_library({"programme": "no-such-programme", "steps": {}})


def test_a_file_that_is_not_json_is_refused(tmp_path, small_programme):
    broken = tmp_path / "small-steps.json"
    broken.write_text('{"programme": "small-steps", "steps": {', encoding="utf-8")
    with pytest.raises(ProgrammeError, match="small-steps.json could not be read as JSON"):
        load_step_libraries(paths=[broken])
    assert LibraryStep.objects.count() == 0


# --- What a delivery partner's mentors see ------------------------------------------------------------


@pytest.fixture
def library_for_two_tenants(small_programme):
    _, modules = small_programme
    b1 = modules["B1"]
    steps = [
        LibraryStepFactory(module=b1, order=1, title="Narrate the positive"),
        LibraryStepFactory(module=b1, order=2, title="Use the attention signal"),
        LibraryStepFactory(module=b1, order=3, title="Plan the entry routine", kind=StepKind.TASK),
    ]
    return TenantFactory(slug="steps-a"), TenantFactory(slug="steps-b"), modules, steps


def titles(options):
    return [o.title for o in options]


def test_every_tenant_sees_the_library_in_order(library_for_two_tenants):
    tenant_a, _, modules, steps = library_for_two_tenants
    found = step_library(tenant_id=tenant_a.pk, modules=[modules["B1"], modules["B2"]])
    options = found[modules["B1"].pk]
    assert titles(options) == ["Narrate the positive", "Use the attention signal", "Plan the entry routine"]
    assert [o.key for o in options] == [f"L{s.pk}" for s in steps]
    assert options[2].kind_label == "Task-based"
    assert options[0].criteria == tuple(steps[0].criteria)
    assert modules["B2"].pk not in found  # a module with no steps offers none


def test_a_tenants_edited_copy_replaces_the_library_step_for_that_tenant_only(library_for_two_tenants):
    tenant_a, tenant_b, modules, steps = library_for_two_tenants
    b1 = modules["B1"]
    LocalStepFactory(
        tenant=tenant_a, module=b1, replaces=steps[1], title="Use our 3-2-1 countdown",
        success_criteria="Counts down once\nWaits for silence before speaking",
    )
    seen_by_a = step_library(tenant_id=tenant_a.pk, modules=[b1])[b1.pk]
    assert "Use the attention signal" not in titles(seen_by_a)
    copy = next(o for o in seen_by_a if o.title == "Use our 3-2-1 countdown")
    assert copy.key.startswith("T")
    assert copy.criteria == ("Counts down once", "Waits for silence before speaking")
    assert copy.library_step_id == steps[1].pk
    seen_by_b = step_library(tenant_id=tenant_b.pk, modules=[b1])[b1.pk]
    assert titles(seen_by_b) == ["Narrate the positive", "Use the attention signal", "Plan the entry routine"]


def test_a_tenants_own_step_is_added_and_a_retired_one_is_hidden(library_for_two_tenants):
    tenant_a, tenant_b, modules, steps = library_for_two_tenants
    b1 = modules["B1"]
    LocalStepFactory(tenant=tenant_a, module=b1, title="Greet every pupil at the door")
    LocalStepFactory(tenant=tenant_a, module=b1, title="An old step of ours", retired=True)
    # Retiring a library step: a local copy that replaces it, retired.
    LocalStepFactory(tenant=tenant_a, module=b1, replaces=steps[2], title=steps[2].title, retired=True)
    seen_by_a = titles(step_library(tenant_id=tenant_a.pk, modules=[b1])[b1.pk])
    assert seen_by_a == ["Narrate the positive", "Use the attention signal", "Greet every pupil at the door"]
    seen_by_b = titles(step_library(tenant_id=tenant_b.pk, modules=[b1])[b1.pk])
    assert "Plan the entry routine" in seen_by_b
    assert "Greet every pupil at the door" not in seen_by_b
