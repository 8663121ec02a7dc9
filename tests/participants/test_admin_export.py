"""Delivery partner staff export their tenant's participants from the admin."""

import csv
import io

import pytest
from django.urls import reverse

from participants.models import ECT, Mentor
from schools.models import Role

pytestmark = pytest.mark.django_db


def _export(client, url, action, pks):
    response = client.post(url, {"action": action, "_selected_action": pks})
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_staff_export_ects_of_their_tenant_only(world, client_for):
    client = client_for(world.user(Role.DP_ADMIN))
    ects = list(ECT.objects.values_list("pk", flat=True))  # includes tenant B's ECT
    rows = _export(client, reverse("admin:participants_ect_changelist"), "export_ects_csv", ects)
    assert rows[0][:3] == ["full_name", "email", "trn"]
    emails = {r[1] for r in rows[1:]}
    assert world.ects["own"].user.email in emails and world.ects["sibling"].user.email in emails
    assert world.ects["other"].user.email not in emails
    own = next(r for r in rows[1:] if r[1] == world.ects["own"].user.email)
    assert own[-3:] == ["Alder Primary", "111111", world.user(Role.MENTOR).full_name]


def test_staff_export_mentors(world, client_for):
    client = client_for(world.user(Role.DP_STAFF))
    rows = _export(client, reverse("admin:participants_mentor_changelist"), "export_mentors_csv",
                   list(Mentor.objects.values_list("pk", flat=True)))
    assert [r[1] for r in rows[1:]] == [world.user(Role.MENTOR).email]
    assert rows[1][-2:] == ["Alder Primary", "1"]
