"""Every registered ModelAdmin, as delivery-partner staff of tenant A, against objects of
tenant A and tenant B: change list, change, delete, history and autocomplete."""

import pytest
from django.contrib import admin
from django.urls import reverse

from ectalign.admin import TenantScopedAdmin
from ectalign.factory_registry import factories_by_model
from schools.models import DELIVERY_PARTNER_ROLES, Role

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
SCOPED = [(model, ma) for model, ma in REGISTRY if isinstance(ma, TenantScopedAdmin)]
PLATFORM_ONLY = [(model, ma) for model, ma in REGISTRY if not isinstance(ma, TenantScopedAdmin)]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make(model, tenant, world):
    factory = factories_by_model()[model]
    school = world.school_a1 if tenant == world.tenant_a else world.school_b1
    if "school" in {f.name for f in model._meta.fields}:
        return factory(tenant=tenant, school=school)
    return factory(tenant=tenant)


def test_tenant_owned_models_use_the_scoped_admin():
    from ectalign.tenancy import tenant_owned_models

    for model in tenant_owned_models():
        if model in admin.site._registry:
            assert isinstance(admin.site._registry[model], TenantScopedAdmin), model


@pytest.mark.parametrize("role", sorted(DELIVERY_PARTNER_ROLES))
@pytest.mark.parametrize("model,model_admin", SCOPED, ids=[m._meta.label for m, _ in SCOPED])
def test_staff_see_only_their_tenant(world, client_for, model, model_admin, role):
    own = make(model, world.tenant_a, world)
    foreign = make(model, world.tenant_b, world)
    client = client_for(world.user(role))

    changelist = client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    shown = {obj.pk for obj in changelist.context["cl"].result_list}
    assert own.pk in shown and foreign.pk not in shown

    searched = client.get(admin_url(model, "changelist"), {"q": str(foreign.pk)})
    assert foreign.pk not in {obj.pk for obj in searched.context["cl"].result_list}

    assert client.get(admin_url(model, "change", own.pk)).status_code == 200
    assert client.get(admin_url(model, "history", own.pk)).status_code == 200
    for view in ("change", "history"):
        assert client.get(admin_url(model, view, foreign.pk)).status_code == 404, view
    if role in model_admin.delete_roles:
        assert client.get(admin_url(model, "delete", foreign.pk)).status_code == 404
        assert client.post(admin_url(model, "delete", foreign.pk), {"post": "yes"}).status_code == 404
    else:
        # Staff who may not delete get the same 403 for their own objects and foreign ones.
        assert client.get(admin_url(model, "delete", own.pk)).status_code == 403
        assert client.post(admin_url(model, "delete", foreign.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=foreign.pk).exists()


def autocomplete_cases():
    """(source model, field) pairs that use admin autocomplete."""
    for model, model_admin in REGISTRY:
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            yield pytest.param(model, field_name, id=f"{model._meta.label}.{field_name}")


@pytest.mark.parametrize("model,field_name", list(autocomplete_cases()))
def test_autocomplete_offers_only_own_tenant(world, client_for, model, field_name):
    related = model._meta.get_field(field_name).related_model
    make(related, world.tenant_a, world)
    make(related, world.tenant_b, world)
    client = client_for(world.user(Role.DP_STAFF))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    own_ids = set(related.objects.filter(tenant=world.tenant_a).values_list("pk", flat=True))
    foreign_ids = set(related.objects.filter(tenant=world.tenant_b).values_list("pk", flat=True))
    assert own_ids and ids == own_ids
    assert not ids & foreign_ids


@pytest.mark.parametrize("model,model_admin", PLATFORM_ONLY, ids=[m._meta.label for m, _ in PLATFORM_ONLY])
def test_platform_models_are_closed_to_delivery_partner_staff(world, client_for, model, model_admin):
    client = client_for(world.user(Role.DP_ADMIN))
    assert client.get(admin_url(model, "changelist")).status_code == 403


@pytest.mark.parametrize("role", sorted(set(Role.values) - DELIVERY_PARTNER_ROLES))
def test_school_and_programme_roles_cannot_use_the_admin(world, client_for, role):
    client = client_for(world.user(role))
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_anonymous_admin_goes_through_allauth_sign_in(client):
    response = client.get(reverse("admin:index"), follow=False)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_superuser_sees_every_tenant(world, client):
    from ectalign.factories import UserFactory
    from schools.models import School

    root = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(root, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get(admin_url(School, "changelist"))
    assert response.status_code == 200
    assert {world.school_a1.pk, world.school_b1.pk} <= {s.pk for s in response.context["cl"].result_list}


def test_staff_add_a_school_in_their_own_tenant(world, client_for):
    from schools.models import School

    client = client_for(world.user(Role.DP_STAFF))
    response = client.post(admin_url(School, "add"), {
        "urn": "123456", "name": "Willow Infant School", "phase": "primary", "type": "maintained",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert School.objects.get(urn="123456").tenant == world.tenant_a


@pytest.mark.parametrize("urn", ["12345", "1234567", "12a456", ""])
def test_admin_refuses_a_malformed_urn(world, client_for, urn):
    from schools.models import School

    client = client_for(world.user(Role.DP_STAFF))
    response = client.post(admin_url(School, "add"), {
        "urn": urn, "name": "Willow Infant School", "phase": "primary", "type": "maintained",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["urn"]
    assert errors == (["This field is required."] if not urn else [
        "A URN is the school's 6-digit unique reference number, for example 116123. Check it on Get Information about Schools."
    ])
    assert not School.objects.filter(name="Willow Infant School").exists()


def test_admin_refuses_a_duplicate_urn_in_the_tenant(world, client_for):
    from schools.models import School

    client = client_for(world.user(Role.DP_STAFF))
    response = client.post(admin_url(School, "add"), {
        "urn": world.school_a1.urn, "name": "Copy", "phase": "primary", "type": "maintained",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)
    assert not School.objects.filter(name="Copy").exists()


def test_staff_add_a_membership_by_email_without_a_second_account(world, client_for):
    from ectalign.models import User
    from schools.models import Membership

    client = client_for(world.user(Role.DP_STAFF))
    existing = world.user(Role.MENTOR)
    response = client.post(admin_url(Membership, "add"), {
        "email": existing.email.upper(), "full_name": "", "role": Role.INDUCTION_TUTOR, "school": world.school_a2.pk,
        "is_active": "on",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact=existing.email).count() == 1
    assert Membership.objects.filter(user=existing, school=world.school_a2, role=Role.INDUCTION_TUTOR).exists()


@pytest.mark.parametrize("email", ["not-an-email", "a@", "name school@x.org"])
def test_membership_admin_refuses_a_malformed_email(world, client_for, email):
    from schools.models import Membership

    client = client_for(world.user(Role.DP_STAFF))
    before = Membership.objects.count()
    response = client.post(admin_url(Membership, "add"), {
        "email": email, "role": Role.ECT, "school": world.school_a1.pk, "is_active": "on",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Enter an e-mail address in the right form, like name@school.org.uk."
    ]
    assert Membership.objects.count() == before


def test_membership_admin_cannot_pick_another_tenants_school(world, client_for):
    from schools.models import Membership

    client = client_for(world.user(Role.DP_STAFF))
    response = client.post(admin_url(Membership, "add"), {
        "email": "new.person@example.org", "role": Role.ECT, "school": world.school_b1.pk, "is_active": "on",
    })
    assert response.status_code == 200
    assert "school" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user__email="new.person@example.org").exists()
