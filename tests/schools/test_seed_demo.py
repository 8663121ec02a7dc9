import pytest
from django.core.management import CommandError, call_command

from ectalign.models import User
from schools.demo import DEMO_PASSWORD
from schools.models import Membership, Role, School, Tenant

pytestmark = pytest.mark.django_db


def seed(capsys, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    return capsys.readouterr().out


def counts():
    return (Tenant.objects.count(), School.objects.count(), User.objects.count(), Membership.objects.count())


def test_seed_demo_builds_two_tenants_and_every_role(capsys, settings):
    out = seed(capsys, settings)
    first, second = Tenant.objects.order_by("pk")
    assert School.objects.filter(tenant=first).count() >= 4
    assert School.objects.filter(tenant=second).count() == 1
    for school in School.objects.filter(tenant=first):
        roles = set(Membership.objects.filter(school=school).values_list("role", flat=True))
        assert {Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.MENTOR, Role.ECT} <= roles
    lines = [line.split("\t") for line in out.splitlines()[1:]]
    assert DEMO_PASSWORD in out.splitlines()[0]
    assert {role for role, _, _ in lines} == {Role(r).label for r in Role.values}
    for role, email, where in lines:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


def test_seed_demo_is_idempotent(capsys, settings):
    first_out = seed(capsys, settings)
    before = counts()
    second_out = seed(capsys, settings)
    assert counts() == before
    assert first_out == second_out


def test_seed_demo_refuses_without_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("seed_demo")
    assert Tenant.objects.count() == 0


def test_readme_lists_every_demo_account(capsys, settings):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    out = seed(capsys, settings)
    for line in out.splitlines()[1:]:
        role, email, where = line.split("\t")
        assert f"| {email} | {where} |" in readme, f"README is missing the demo account {email}"
    assert DEMO_PASSWORD in readme


def test_the_demo_has_release_time_figures_with_a_shortfall_and_missing_data(db):
    """Each school's 2026-27 standard timetable and its ECTs' autumn figures, written
    through the services: a shortfall (ect2) and missing figures (ect4) to show."""
    import datetime as dt
    from decimal import Decimal

    from django_scopes import scopes_disabled

    from reporting.release_time import find_term, school_release_time, school_terms
    from schools.demo import seed_demo
    from schools.models import School

    with scopes_disabled():
        seed_demo()
        school = School.objects.get(urn="900001")
        terms = school_terms(school=school, today=dt.date(2026, 12, 1))
        report = school_release_time(school=school, term=find_term(terms, "2026-autumn", school=school))
    rows = {row.ect.user.email.split(".")[0]: row.figures for row in report.rows}
    assert rows["ect2"].shortfall == Decimal("0.75")
    assert rows["ect1"].shortfall == 0
    assert rows["ect4"].teaching_hours is None and "teaching hours" in rows["ect4"].missing
