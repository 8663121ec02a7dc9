"""The tenancy core: scoped managers, the request scope, membership switching, tasks."""

import pytest
from django.test import RequestFactory
from django_scopes import ScopeError, scopes_disabled

from ectalign.tenancy import TenancyMiddleware, tenant_owned_models, tenant_scope
from schools.models import Membership, Role, School

pytestmark = pytest.mark.django_db


def test_every_tenant_owned_model_refuses_an_unscoped_query(world, scoped):
    models = tenant_owned_models()
    assert {School, Membership} <= set(models)
    for model in models:
        with pytest.raises(ScopeError):
            list(model.objects.all())
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()


def test_a_tenant_scope_reads_only_that_tenant(world, scoped):
    with tenant_scope(world.tenant_a.pk):
        assert set(School.objects.values_list("name", flat=True)) == {"Alder Primary", "Aspen Academy"}
        assert not School.objects.filter(pk=world.school_b1.pk).exists()


def test_no_tenant_scope_reads_nothing(world, scoped):
    with tenant_scope(None):
        assert School.objects.count() == 0


def test_cross_tenant_work_must_say_so(world, scoped):
    with scopes_disabled():
        assert School.objects.count() == 3


def test_middleware_runs_the_view_inside_the_active_tenant(world, scoped):
    request = RequestFactory().get("/")
    request.user = world.user(Role.DP_STAFF)
    request.session = {}
    seen = {}

    def view(req):
        seen["schools"] = set(School.objects.values_list("name", flat=True))
        seen["tenant"] = req.tenant
        return None

    TenancyMiddleware(view)(request)
    assert seen["tenant"] == world.tenant_a
    assert seen["schools"] == {"Alder Primary", "Aspen Academy"}


def test_switching_membership_changes_tenant_and_role(world, client_for):
    from schools.factories import MembershipFactory

    person = world.user(Role.INDUCTION_TUTOR)
    other = MembershipFactory(user=person, tenant=world.tenant_b, school=world.school_b1, role=Role.MENTOR)
    client = client_for(person)
    assert "Alder Primary" in client.get("/").content.decode()
    response = client.post("/switch-role/", {"membership": other.pk}, follow=True)
    html = response.content.decode()
    assert "You are now working as mentor, Birch School." in html
    assert "Your mentoring" in html
    # The active membership decides what is visible: tenant A's school is now foreign.
    assert client.get(f"/schools/{world.school_a1.pk}/").status_code == 404


def test_switching_to_someone_elses_membership_is_404(world, client_for):
    client = client_for(world.user(Role.ECT))
    response = client.post("/switch-role/", {"membership": world.memberships[Role.MENTOR].pk})
    assert response.status_code == 404
    assert client.post("/switch-role/", {"membership": "not-a-number"}).status_code == 404


def test_an_inactive_membership_gives_no_access(world, client_for):
    membership = world.memberships[Role.INDUCTION_TUTOR]
    membership.is_active = False
    membership.save()
    client = client_for(membership.user)
    assert "You do not have a role yet" in client.get("/").content.decode()
    assert client.get(f"/schools/{world.school_a1.pk}/").status_code == 404


def test_membership_refuses_a_school_of_another_tenant(world):
    from django.core.exceptions import ValidationError

    membership = Membership(user=world.user(Role.ECT), tenant=world.tenant_a, school=world.school_b1, role=Role.MENTOR)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["school"] == ["This school belongs to another delivery partner."]


def test_school_roles_need_a_school_and_tenant_roles_none(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Choose the school where this person is mentor"):
        Membership(user=world.user(Role.ECT), tenant=world.tenant_a, role=Role.MENTOR).full_clean()
    with pytest.raises(ValidationError, match="leave the school empty"):
        Membership(user=world.user(Role.ECT), tenant=world.tenant_a, school=world.school_a1, role=Role.COACH).full_clean()
