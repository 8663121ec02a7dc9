"""The public programme overview pages and the admin of programmes and cohorts.

The pages are reached through ``tests/programme/urls_for_tests.py`` (the project's URLs
plus ``programmes/``) until ``ectalign/urls.py`` includes ``programme.urls``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ectalign.factories import UserFactory
from programme.factories import (
    CohortFactory,
    DiagnosticQuestionFactory,
    EventTemplateFactory,
    ModuleActivityFactory,
    ModuleFactory,
    ProgrammeFactory,
    ProgrammeYearFactory,
    StrandFactory,
    TermFactory,
)
from programme.models import Cohort, EventTemplate, Module, Programme
from programme.services import load_all_programmes
from schools.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.programme.urls_for_tests")]


@pytest.fixture
def seeded():
    load_all_programmes()


def test_the_list_shows_every_programme(seeded, client):
    response = client.get(reverse("programme:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for programme in Programme.objects.all():
        assert programme.title in html
        assert reverse("programme:detail", kwargs={"slug": programme.slug}) in html
    assert '<th scope="col" class="govuk-table__header">Programme</th>' in html
    assert "Programmes (4)</caption>" in html


def test_the_overview_shows_modules_by_week_events_and_totals(seeded, client):
    response = client.get(reverse("programme:detail", kwargs={"slug": "ittecf-2026-28"}))
    assert response.status_code == 200
    html = response.content.decode()
    for title in ["Positive classroom culture", "Term 1 retrieval questions", "Adapting lessons to meet pupils&#x27; needs", "Sustain"]:
        assert title in html
    assert "Term 1: Creating the enabling conditions for learning" in html
    assert "Conference 1: Enabling conditions for the ECT programme" in html
    assert "18 hours (3 conferences)" in html
    assert "9 hours (6 clinics)" in html
    assert "26 hours (14 in year 1, 12 in year 2)" in html
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Term 1 modules</caption>' in html
    assert '<div class="app-table-wrap" role="region" aria-label="Term 1 modules" tabindex="0">' in html
    assert 'href="/programmes/ittecf-2026-28-mentor/"' in html  # its mentor programme


def test_the_mentor_overview_shows_modules_without_weeks_and_coaching_focus_areas(seeded, client):
    html = client.get(reverse("programme:detail", kwargs={"slug": "three-strand-mentor"})).content.decode()
    assert "Feedback - cycle of practice and feedback" in html
    assert "Coaching for mentors: focus areas" in html and "Analysing the gap" in html
    assert "Providing challenge" in html  # clinic 2, in year 2
    assert "Not stated by the lead provider" in html


def test_the_overview_is_public_and_the_same_for_signed_in_people(seeded, client, world, client_for):
    url = reverse("programme:detail", kwargs={"slug": "three-strand"})
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    signed_in = client_for(world.user(Role.ECT)).get(url)
    assert signed_in.status_code == 200
    assert "Opens on 1 November" in signed_in.content.decode()


def test_an_unknown_programme_is_404(seeded, client):
    assert client.get(reverse("programme:detail", kwargs={"slug": "ittecf-2024-26"})).status_code == 404


def build_programme(modules_per_term):
    """A two-term programme with modules (each with activities), events and diagnostic questions."""
    programme = ProgrammeFactory()
    year = ProgrammeYearFactory(programme=programme, number=1, weeks=39, self_study_hours=14)
    strand = StrandFactory(programme=programme)
    for number, (start, end) in enumerate([(1, 13), (14, 26)], start=1):
        term = TermFactory(programme=programme, year=year, number=number, start_week=start, end_week=end)
        for i in range(modules_per_term):
            week = start + i % (end - start + 1)
            module = ModuleFactory(term=term, strand=strand, start_week=week, end_week=week)
            for order in (1, 2):
                ModuleActivityFactory(module=module, order=order)
            question = DiagnosticQuestionFactory(programme=programme, strand=strand)
            question.suggested_modules.add(module)
        EventTemplateFactory(term=term, kind=EventTemplate.Kind.CONFERENCE, hours=6)
        EventTemplateFactory(term=term, kind=EventTemplate.Kind.CLINIC, hours=1.5)
    return programme


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_overview_runs_the_same_number_of_queries_however_many_modules(client):
    small = build_programme(modules_per_term=2)
    large = build_programme(modules_per_term=12)
    assert Module.objects.filter(programme=large).count() == 24
    small_count = count_queries(client, reverse("programme:detail", kwargs={"slug": small.slug}))
    large_count = count_queries(client, reverse("programme:detail", kwargs={"slug": large.slug}))
    assert small_count == large_count
    assert large_count <= 12


def test_the_list_runs_the_same_number_of_queries_however_many_programmes(client):
    build_programme(modules_per_term=1)
    few = count_queries(client, reverse("programme:list"))
    for _ in range(5):
        build_programme(modules_per_term=2)
    assert count_queries(client, reverse("programme:list")) == few


# --- The admin ---------------------------------------------------------------------------


PROGRAMME_ADMIN_PAGES = [
    "admin:programme_programme_changelist",
    "admin:programme_module_changelist",
    "admin:programme_eventtemplate_changelist",
    "admin:programme_diagnosticquestion_changelist",
    "admin:programme_coachingfocusarea_changelist",
]


@pytest.mark.parametrize("role", [Role.DP_STAFF, Role.DP_ADMIN])
@pytest.mark.parametrize("page", PROGRAMME_ADMIN_PAGES)
def test_delivery_partner_staff_cannot_edit_programmes_in_the_admin(seeded, world, client_for, role, page):
    client = client_for(world.user(role))
    assert client.get(reverse(page)).status_code == 403
    programme = Programme.objects.get(slug="ittecf-2026-28")
    assert client.get(reverse("admin:programme_programme_change", args=[programme.pk])).status_code == 403
    response = client.post(reverse("admin:programme_programme_change", args=[programme.pk]), {"title": "Changed"})
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.title == "ECT Align 2026-28: four-strand ITTECF programme"


def test_a_platform_superuser_edits_programmes_in_the_admin(seeded, client):
    root = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(root, backend="allauth.account.auth_backends.AuthenticationBackend")
    programme = Programme.objects.get(slug="ittecf-2026-28")
    module = programme.modules.get(code="Y1-W35")
    for url in [
        reverse("admin:programme_programme_changelist"),
        reverse("admin:programme_programme_change", args=[programme.pk]),
        reverse("admin:programme_module_changelist"),
        reverse("admin:programme_module_change", args=[module.pk]),
        reverse("admin:programme_module_add"),
        reverse("admin:programme_eventtemplate_changelist"),
        reverse("admin:programme_diagnosticquestion_changelist"),
        reverse("admin:programme_coachingfocusarea_changelist"),
    ]:
        assert client.get(url).status_code == 200, url
    # A module's term and strand are offered from its own programme only.
    form = client.get(reverse("admin:programme_module_change", args=[module.pk])).context["adminform"].form
    assert {t.programme_id for t in form.fields["term"].queryset} == {programme.pk}
    assert {s.programme_id for s in form.fields["strand"].queryset} == {programme.pk}


def test_cohort_admin_shows_only_the_delivery_partners_cohorts(world, client_for):
    own = CohortFactory(tenant=world.tenant_a, name="Alpha September 2026")
    foreign = CohortFactory(tenant=world.tenant_b, name="Beta September 2026")
    client = client_for(world.user(Role.DP_STAFF))
    response = client.get(reverse("admin:programme_cohort_changelist"))
    assert response.status_code == 200
    shown = {c.pk for c in response.context["cl"].result_list}
    assert own.pk in shown and foreign.pk not in shown
    assert all(c.tenant_id == world.tenant_a.pk for c in response.context["cl"].result_list)
    assert client.get(reverse("admin:programme_cohort_change", args=[foreign.pk])).status_code == 404


def test_cohort_admin_offers_only_programmes_of_the_right_audience(seeded, world, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    form = client.get(reverse("admin:programme_cohort_add")).context["adminform"].form
    offered = set(form.fields["programme"].queryset.values_list("audience", flat=True))
    assert offered == {"ect"} and {"ittecf-2026-28", "three-strand"} <= set(form.fields["programme"].queryset.values_list("slug", flat=True))
    offered = set(form.fields["mentor_programme"].queryset.values_list("audience", flat=True))
    assert offered == {"mentor"} and {"ittecf-2026-28-mentor", "three-strand-mentor"} <= set(form.fields["mentor_programme"].queryset.values_list("slug", flat=True))

    ect = Programme.objects.get(slug="ittecf-2026-28")
    mentor = Programme.objects.get(slug="ittecf-2026-28-mentor")
    refused = client.post(reverse("admin:programme_cohort_add"), {"name": "September 2026", "start_year": 2026, "programme": mentor.pk})
    assert refused.status_code == 200
    assert "programme" in refused.context["adminform"].form.errors
    assert not Cohort.objects.filter(name="September 2026").exists()

    saved = client.post(reverse("admin:programme_cohort_add"), {
        "name": "September 2026", "start_year": 2026, "programme": ect.pk, "mentor_programme": mentor.pk,
    })
    assert saved.status_code == 302
    cohort = Cohort.objects.get(name="September 2026")
    assert (cohort.tenant, cohort.programme, cohort.mentor_programme) == (world.tenant_a, ect, mentor)
