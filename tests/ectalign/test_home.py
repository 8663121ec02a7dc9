import pytest
from django.urls import reverse

from schools.models import Role

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    Role.DP_ADMIN: "Alpha Delivery Partner",
    Role.DP_STAFF: "Alpha Delivery Partner",
    Role.FACILITATOR: "Your sessions",
    Role.COACH: "Your coaching",
    Role.INDUCTION_TUTOR: "Alder Primary",
    Role.HEADTEACHER: "Alder Primary",
    Role.MENTOR: "Your mentoring",
    Role.ECT: "Your induction",
}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_lands_on_its_home_page(world, client_for, role):
    response = client_for(world.user(role)).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{HOME_HEADINGS[role]}</h1>' in html
    assert Role(role).label in html


def test_delivery_partner_home_lists_only_own_schools(world, client_for):
    html = client_for(world.user(Role.DP_STAFF)).get(reverse("home")).content.decode()
    assert "Alder Primary" in html and "Aspen Academy" in html
    assert "Birch School" not in html


def test_school_leader_home_counts_own_school_only(world, client_for):
    response = client_for(world.user(Role.INDUCTION_TUTOR)).get(reverse("schools:detail", args=[world.school_a1.pk]))
    html = response.content.decode()
    assert "A Early career teacher" in html
    assert "a2-ect@example.org" not in html


def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_mentor_home_shows_changes_at_once(world, client_for):
    """The ECT and mentor home bodies are cached: a new mentee, a new induction tutor
    and a changed name each show on the next view."""
    import datetime as dt

    from participants.models import ECT, ECTAtSchool, Mentor, Mentorship
    from schools.factories import MembershipFactory

    client = client_for(world.user(Role.MENTOR))
    html = client.get(reverse("home")).content.decode()
    assert "A Early career teacher" in html and "A Induction tutor" in html
    newcomer = MembershipFactory(
        user__full_name="Nadia Newcomer", tenant=world.tenant_a, school=world.school_a1, role=Role.ECT
    ).user
    ect = ECT.objects.create(tenant=world.tenant_a, user=newcomer, induction_start=dt.date(2026, 9, 2),
                             cohort=world.ects["own"].cohort)
    ECTAtSchool.objects.create(tenant=world.tenant_a, ect=ect, school=world.school_a1, started_on=dt.date(2026, 9, 2))
    Mentorship.objects.create(tenant=world.tenant_a, ect=ect, mentor=Mentor.objects.get(user=world.user(Role.MENTOR)),
                              started_on=dt.date(2026, 9, 2))
    assert "Nadia Newcomer" in client.get(reverse("home")).content.decode()
    tutor = world.user(Role.INDUCTION_TUTOR)
    tutor.full_name = "Tobias Tutor"
    tutor.save()
    assert "Tobias Tutor" in client.get(reverse("home")).content.decode()
    MembershipFactory(user__full_name="Second Tutor", tenant=world.tenant_a, school=world.school_a1,
                      role=Role.INDUCTION_TUTOR)
    assert "Second Tutor" in client.get(reverse("home")).content.decode()


def test_a_renamed_school_shows_on_cached_pages(world, client_for):
    client = client_for(world.user(Role.MENTOR))
    caption = '<span class="govuk-caption-l">Mentor, {}</span>'
    assert caption.format("Alder Primary") in client.get(reverse("home")).content.decode()
    school = world.school_a1
    school.name = "Alder Primary and Nursery"
    school.save()
    # The caption is in the cached body (the bar above it is always fresh).
    assert caption.format("Alder Primary and Nursery") in client.get(reverse("home")).content.decode()
