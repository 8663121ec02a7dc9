"""The induction tutor's participant list, person pages, pairing, status changes and
mentor absences, through the pages."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.factories import OnboardingFactory
from participants.models import ChangeRequest, ECT, ECTAtSchool, Mentor, Mentorship, Pause, TrainingStatus
from schools.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def tutor(world, client_for):
    return client_for(world.user("induction_tutor"))


def _register_ect(world, cohort, email, name, **extra):
    return services.register_ect(
        actor=None, school=world.school_a1, email=email, full_name=name, induction_start=dt.date(2026, 9, 2),
        cohort=cohort, **extra,
    )


def _register_mentor(world, email, name, school=None):
    return services.register_mentor(
        actor=None, school=school or world.school_a1, email=email, full_name=name, started_on=dt.date(2026, 9, 1)
    )


def _statuses(response):
    return {row.user.full_name: row.status_label for row in response.context["ects"] + response.context["mentors"]}


def test_the_list_shows_each_persons_status_at_a_glance(world, tutor, cohort, django_capture_on_commit_callbacks):
    invited = services.register_ect(
        actor=None, inviter=world.memberships["induction_tutor"], school=world.school_a1, email="inv@example.org",
        full_name="Ivy Invited", induction_start=dt.date(2026, 9, 2), cohort=cohort,
    )
    onboarding = _register_ect(world, cohort, "onb@example.org", "Olu Onboarding")
    active = _register_ect(world, cohort, "act@example.org", "Ada Active")
    OnboardingFactory(tenant=world.tenant_a, user=active.user)
    deferred = _register_ect(world, cohort, "def@example.org", "Dev Deferred")
    services.change_status(actor=None, ect=deferred, status="deferred", reason="career_break", on=TODAY)
    left = _register_ect(world, cohort, "left@example.org", "Lee Left")
    ECTAtSchool.objects.filter(ect=left).update(ended_on=TODAY - dt.timedelta(days=1))

    response = tutor.get(reverse("participants:school", args=[world.school_a1.pk]))
    statuses = _statuses(response)
    assert statuses["Ivy Invited"] == "Invited"
    assert statuses["Olu Onboarding"] == "Onboarding incomplete"
    assert statuses["Ada Active"] == "Active"
    assert statuses["Dev Deferred"] == "Deferred"
    assert statuses["Lee Left"] == "Left the school"
    page = response.content.decode()
    assert "Ivy Invited</a> has no mentor." in page
    assert "Lee Left</a> has no mentor." not in page
    # The sibling school's ECT is not listed.
    assert world.ects["sibling"].user.full_name not in page
    assert invited.pk and onboarding.pk


def test_each_status_filter_agrees_with_the_status_shown(world, tutor, cohort):
    _register_ect(world, cohort, "onb@example.org", "Olu Onboarding")
    done = _register_ect(world, cohort, "act@example.org", "Ada Active")
    OnboardingFactory(tenant=world.tenant_a, user=done.user)
    url = reverse("participants:school", args=[world.school_a1.pk])
    for status, label in [("onboarding", "Onboarding incomplete"), ("active", "Active")]:
        shown = _statuses(tutor.get(url, {"status": status}))
        assert shown and set(shown.values()) == {label}
    assert set(_statuses(tutor.get(url, {"onboarding": "done"}))) == {"Ada Active"}


def test_filters_by_mentor_and_year(world, tutor, cohort):
    mentor = _register_mentor(world, "m1@example.org", "Mo Mentor")
    paired = _register_ect(world, cohort, "p@example.org", "Pat Paired")
    services.assign_mentor(actor=None, ect=paired, mentor=mentor, starts_on=dt.date(2026, 9, 2))
    _register_ect(world, cohort, "u@example.org", "Una Unpaired")
    url = reverse("participants:school", args=[world.school_a1.pk])
    response = tutor.get(url, {"mentor": mentor.pk})
    assert [r.user.full_name for r in response.context["ects"]] == ["Pat Paired"]
    assert [r.user.full_name for r in response.context["mentors"]] == ["Mo Mentor"]
    year = TODAY.year - cohort.start_year + (1 if TODAY.month >= 9 else 0)
    other_year = 2 if year == 1 else 1
    assert "Pat Paired" not in _statuses(tutor.get(url, {"year": other_year}))
    # A mentor of another school cannot be chosen as a filter.
    outsider = _register_mentor(world, "m2@example.org", "Sam Sibling", school=world.school_a2)
    response = tutor.get(url, {"mentor": outsider.pk})
    assert "Select a valid choice" in response.content.decode()


def test_the_csv_export_lists_the_filtered_people_with_formulas_escaped(world, tutor, cohort):
    _register_ect(world, cohort, "f@example.org", "=HYPERLINK(evil)")
    response = tutor.get(reverse("participants:school", args=[world.school_a1.pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["role", "full_name", "email", "status"]
    names = [r[1] for r in rows[1:]]
    assert "'=HYPERLINK(evil)" in names
    assert world.ects["sibling"].user.full_name not in names


def test_pairing_from_the_ect_page_then_changing_mentor_keeps_both_in_the_history(
    world, tutor, cohort, django_capture_on_commit_callbacks
):
    ect = _register_ect(world, cohort, "n@example.org", "Nia New")
    first = _register_mentor(world, "m1@example.org", "Mo First")
    second = _register_mentor(world, "m2@example.org", "Max Second")
    url = reverse("participants:pair_ect", args=[ect.pk])
    tutor.post(url, {"mentor": first.pk, "starts_on": "2026-09-07"})
    with django_capture_on_commit_callbacks(execute=True):
        response = tutor.post(url, {"mentor": second.pk, "starts_on": "2027-01-04"})
    assert response.status_code == 302
    assert list(Mentorship.objects.filter(ect=ect).order_by("started_on").values_list("mentor", "started_on", "ended_on")) == [
        (first.pk, dt.date(2026, 9, 7), dt.date(2027, 1, 3)),
        (second.pk, dt.date(2027, 1, 4), None),
    ]
    # The ECT and both mentors are told, once each.
    assert sorted(m.to[0] for m in mail.outbox) == ["m1@example.org", "m2@example.org", "n@example.org"]
    page = tutor.get(reverse("participants:ect", args=[ect.pk])).content.decode()
    assert "Mentored by Mo First from this date" in page
    assert "Last day mentored by Mo First" in page
    assert "Mentored by Max Second from this date" in page


def test_pairing_from_the_mentor_page(world, tutor, cohort):
    ect = _register_ect(world, cohort, "n@example.org", "Nia New")
    mentor = _register_mentor(world, "m1@example.org", "Mo First")
    response = tutor.post(reverse("participants:pair_mentor", args=[mentor.pk]), {"ect": ect.pk, "starts_on": "2026-09-07"})
    assert response.status_code == 302
    assert Mentorship.objects.get(ect=ect).mentor == mentor


def test_a_mentor_cannot_be_paired_with_themselves_nor_across_schools(world, tutor, cohort):
    ect = _register_ect(world, cohort, "self@example.org", "Sol Self")
    himself = _register_mentor(world, "self@example.org", "Sol Self")
    response = tutor.post(reverse("participants:pair_ect", args=[ect.pk]), {"mentor": himself.pk, "starts_on": "2026-09-07"})
    assert "cannot mentor themselves" in response.content.decode()
    elsewhere = _register_mentor(world, "far@example.org", "Far Away", school=world.school_a2)
    response = tutor.post(reverse("participants:pair_ect", args=[ect.pk]), {"mentor": elsewhere.pk, "starts_on": "2026-09-07"})
    assert "Select a valid choice" in response.content.decode()
    assert not Mentorship.objects.filter(ect=ect).exists()


def test_deferring_and_resuming_pause_expectations_with_history(world, tutor, cohort, django_capture_on_commit_callbacks):
    ect = _register_ect(world, cohort, "d@example.org", "Dev Deferred")
    status_url = reverse("participants:ect_status", args=[ect.pk])
    with django_capture_on_commit_callbacks(execute=True):
        tutor.post(status_url, {"action_name": "defer", "defer-action": "defer", "defer-reason_code": "bereavement", "defer-on": "2027-01-11"})
    ect.refresh_from_db()
    assert ect.training_status == TrainingStatus.DEFERRED
    assert Pause.objects.get(ect=ect, kind=Pause.Kind.DEFERRAL).ends_on is None
    assert [m.to for m in mail.outbox] == [["d@example.org"]]
    tutor.post(status_url, {"action_name": "resume", "resume-action": "resume", "resume-on": "2027-02-01"})
    ect.refresh_from_db()
    assert ect.training_status == TrainingStatus.ACTIVE
    assert Pause.objects.get(ect=ect, kind=Pause.Kind.DEFERRAL).ends_on == dt.date(2027, 1, 31)
    page = tutor.get(reverse("participants:ect", args=[ect.pk])).content.decode()
    assert "Deferred: bereavement" in page and "Active: training resumed" in page


def test_a_resumption_dated_before_the_deferral_is_refused_beside_the_form(world, tutor, cohort):
    ect = _register_ect(world, cohort, "d@example.org", "Dev Deferred")
    services.change_status(actor=None, ect=ect, status="deferred", reason="career_break", on=dt.date(2027, 1, 11))
    response = tutor.post(reverse("participants:ect_status", args=[ect.pk]),
                          {"action_name": "resume", "resume-action": "resume", "resume-on": "2027-01-04"})
    assert "must take effect on or after that date" in response.content.decode()
    ect.refresh_from_db()
    assert ect.training_status == TrainingStatus.DEFERRED


def test_a_reserved_change_becomes_a_request_and_changes_nothing_yet(world, tutor, cohort):
    world.tenant_a.changes_needing_approval = ["withdraw"]
    world.tenant_a.save()
    ect = _register_ect(world, cohort, "w@example.org", "Wyn Withdrawing")
    url = reverse("participants:ect_status", args=[ect.pk])
    data = {"action_name": "withdraw", "withdraw-action": "withdraw", "withdraw-reason_code": "left_profession", "withdraw-on": "2027-04-01"}
    response = tutor.post(url, data)
    assert "Say why" in response.content.decode()
    response = tutor.post(url, {**data, "withdraw-reason": "Leaving teaching at Easter."})
    assert response.status_code == 302
    ect.refresh_from_db()
    assert ect.training_status == TrainingStatus.ACTIVE
    assert ChangeRequest.objects.get(ect=ect).state == ChangeRequest.State.PENDING


def test_a_mentor_away_more_than_three_weeks_prompts_the_tutor(world, tutor, cohort):
    mentor = _register_mentor(world, "m@example.org", "Mo Away")
    ect = _register_ect(world, cohort, "e@example.org", "Eve Mentee")
    services.assign_mentor(actor=None, ect=ect, mentor=mentor, starts_on=dt.date(2026, 9, 2))
    url = reverse("participants:mentor_absence", args=[mentor.pk])
    tutor.post(url, {"started_on": (TODAY - dt.timedelta(days=10)).isoformat()})
    roster = tutor.get(reverse("participants:school", args=[world.school_a1.pk]))
    assert not roster.context["away_prompts"]  # ten days: not yet
    mentor.absences.update(started_on=TODAY - dt.timedelta(days=22))
    roster = tutor.get(reverse("participants:school", args=[world.school_a1.pk]))
    assert "more than three weeks: pair" in roster.content.decode()
    assert "more than three weeks" in tutor.get(reverse("participants:mentor", args=[mentor.pk])).content.decode()
    # An overlapping absence is refused with a message; nothing is added.
    response = tutor.post(url, {"started_on": TODAY.isoformat()})
    assert "overlaps the absence" in response.content.decode()
    assert mentor.absences.count() == 1
    tutor.post(reverse("participants:end_mentor_absence", args=[mentor.pk]), {"ended_on": TODAY.isoformat()})
    assert mentor.absences.get().ended_on == TODAY


def test_registering_through_the_form_shows_problems_beside_the_field(world, tutor, cohort):
    _register_ect(world, cohort, "taken@example.org", "Tay Taken", trn="1234567")
    url = reverse("participants:register_ect", args=[world.school_a1.pk])
    base = {"full_name": "New Person", "email": "new@example.org", "induction_start": "2026-09-02", "fte": "1.0", "cohort": cohort.pk}
    response = tutor.post(url, {**base, "trn": "12"})
    assert "has 5 to 7 digits" in response.content.decode()
    response = tutor.post(url, {**base, "trn": "123 4567"})
    assert "TRN 1234567 already belongs to Tay Taken" in response.content.decode()
    response = tutor.post(url, {**base, "email": "not-an-address"})
    assert "Enter an e-mail address" in response.content.decode()
    assert not ECT.objects.filter(user__email="new@example.org").exists()
    response = tutor.post(url, {**base, "trn": "7654321"})
    assert response.status_code == 302
    assert ECT.objects.get(user__email="new@example.org").trn == "7654321"


def test_the_headteacher_reads_the_list_but_cannot_change_it(world, client_for, cohort):
    head = client_for(world.user(Role.HEADTEACHER))
    ect = _register_ect(world, cohort, "n@example.org", "Nia New")
    assert head.get(reverse("participants:school", args=[world.school_a1.pk])).status_code == 200
    page = head.get(reverse("participants:ect", args=[ect.pk])).content.decode()
    assert "Change mentor" not in page and "Pair with a mentor" not in page
    assert head.post(reverse("participants:pair_ect", args=[ect.pk]), {}).status_code == 403
    assert Mentor.objects.filter(user__email="n@example.org").count() == 0
