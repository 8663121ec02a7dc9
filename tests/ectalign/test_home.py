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
