"""Transfers within a delivery partner, and the training record that leaves for another."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import services, transfers
from participants.models import (
    ECT,
    ChangeRequest,
    ECTAtSchool,
    Invitation,
    MentorAtSchool,
    Mentorship,
    MonitoringAnswers,
)
from participants.services import ParticipantError
from programme.factories import ActivityCompletionFactory, CohortFactory, ModuleActivityFactory
from programme.models import ActivityCompletion, ModuleActivity
from schools.factories import MembershipFactory
from schools.models import Membership, Role
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

MOVE_ON = dt.date(2027, 1, 11)


@pytest.fixture
def a2_tutor(world):
    return MembershipFactory(
        tenant=world.tenant_a, school=world.school_a2, role=Role.INDUCTION_TUTOR, user__email="a2-tutor@example.org"
    ).user


def at(day, hour):
    return dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def completions(world):
    """The own ECT has done two activities of the world programme's module, and one of
    a module of another programme."""
    ect = world.ects["own"]
    activities = list(ModuleActivity.objects.filter(module=world.module).order_by("order"))
    def tick(activity, when):
        return ActivityCompletionFactory(tenant=world.tenant_a, user=ect.user, activity=activity, completed_at=when)

    done = [tick(activities[0], at(dt.date(2026, 9, 10), 16)), tick(activities[1], at(dt.date(2026, 9, 12), 8))]
    tick(ModuleActivityFactory(module__title="Module elsewhere", title="Read elsewhere"), at(dt.date(2026, 9, 20), 9))
    return done


def importer(world):
    return Membership.objects.select_related("tenant").get(user=world.outsiders[Role.DP_ADMIN], tenant=world.tenant_b)


# --- Within the delivery partner ------------------------------------------------------------------


def test_a_transfer_keeps_both_periods_closes_the_mentorship_and_moves_the_membership(
    world, a2_tutor, django_capture_on_commit_callbacks
):
    ect = world.ects["own"]
    with django_capture_on_commit_callbacks(execute=True):
        transfers.transfer_ect(actor=world.user(Role.DP_STAFF), ect=ect, to_school=world.school_a2, on=MOVE_ON)
    periods = list(ect.school_periods.order_by("started_on").values_list("school__name", "started_on", "ended_on"))
    assert periods == [
        ("Alder Primary", dt.date(2026, 9, 2), dt.date(2027, 1, 10)),
        ("Aspen Academy", MOVE_ON, None),
    ]
    mentorship = Mentorship.objects.get(ect=ect)
    assert (mentorship.started_on, mentorship.ended_on) == (dt.date(2026, 9, 2), dt.date(2027, 1, 10))
    memberships = {m.school.name: m.is_active for m in Membership.objects.filter(user=ect.user, role=Role.ECT)}
    assert memberships == {"Alder Primary": False, "Aspen Academy": True}
    # The ECT and the induction tutors of both schools are told, once each.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [ect.user.email, world.user(Role.INDUCTION_TUTOR).email, a2_tutor.email]
    )
    to_ect = next(m for m in mail.outbox if m.to == [ect.user.email])
    assert "Aspen Academy" in to_ect.subject and "11 January 2027" in to_ect.subject
    assert "ends on 10 January 2027" in to_ect.body


def test_a_mentor_who_also_mentors_at_the_new_school_keeps_mentoring(world):
    ect = world.ects["own"]
    mentor = Mentorship.objects.get(ect=ect).mentor
    MentorAtSchool.objects.create(
        tenant=world.tenant_a, mentor=mentor, school=world.school_a2, started_on=dt.date(2026, 9, 1)
    )
    transfers.transfer_ect(actor=None, ect=ect, to_school=world.school_a2, on=MOVE_ON)
    assert Mentorship.objects.get(ect=ect).ended_on is None


def test_an_inactive_membership_at_the_new_school_is_switched_back_on(world):
    ect = world.ects["own"]
    old = MembershipFactory(
        user=ect.user, tenant=world.tenant_a, school=world.school_a2, role=Role.ECT, is_active=False
    )
    transfers.transfer_ect(actor=None, ect=ect, to_school=world.school_a2, on=MOVE_ON)
    old.refresh_from_db()
    assert old.is_active
    assert Membership.objects.filter(user=ect.user, school=world.school_a2).count() == 1


def test_a_pending_invitation_to_the_old_school_is_withdrawn(world):
    tutor = Membership.objects.get(user=world.user(Role.INDUCTION_TUTOR), role=Role.INDUCTION_TUTOR)
    ect = services.register_ect(
        actor=tutor.user, school=world.school_a1, email="invited@example.org", full_name="Ivy Invited",
        induction_start=dt.date(2026, 9, 2), cohort=CohortFactory(tenant=world.tenant_a), inviter=tutor,
    )
    transfers.transfer_ect(actor=None, ect=ect, to_school=world.school_a2, on=MOVE_ON)
    assert not Invitation.objects.get(membership__school=world.school_a1, email="invited@example.org").is_pending


def _snapshot(world):
    return (
        list(ECTAtSchool.objects.order_by("pk").values_list("pk", "school", "started_on", "ended_on")),
        list(Mentorship.objects.order_by("pk").values_list("pk", "ended_on")),
        list(Membership.objects.order_by("pk").values_list("pk", "school", "is_active")),
    )


@pytest.mark.parametrize("where,on,message", [
    ("other", MOVE_ON, "belongs to another delivery partner"),
    ("own", MOVE_ON, "already at Alder Primary"),
    ("sibling", dt.date(2026, 9, 1), "choose a date after that"),
    ("sibling", dt.date(2026, 9, 2), "choose a date after that"),
])
def test_a_transfer_that_cannot_be_made_is_refused_and_writes_nothing(
    world, where, on, message, django_capture_on_commit_callbacks
):
    school = {"own": world.school_a1, "sibling": world.school_a2, "other": world.school_b1}[where]
    before = _snapshot(world)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ParticipantError, match=message):
            transfers.transfer_ect(actor=None, ect=world.ects["own"], to_school=school, on=on)
    assert _snapshot(world) == before
    assert mail.outbox == []


# --- Export -----------------------------------------------------------------------------


def test_the_export_holds_the_training_record_and_nothing_else(world, completions):
    ect = world.ects["own"]
    MonitoringAnswers.objects.create(
        user=ect.user, gender_identity="zz-gender", sexual_orientation="zz-orientation", ethnicity="zz-ethnicity",
        transgender="zz-trans",
    )
    services.change_status(
        actor=None, ect=ect, status="deferred", reason="career_break", on=dt.date(2026, 12, 1), note="private note"
    )
    record = transfers.export_training_record(ect)
    text = json.dumps(record)
    assert (record["format"], record["version"]) == ("ectalign-training-record", 1)
    assert record["person"] == {"full_name": "A Early career teacher", "email": "a-ect@example.org", "trn": ""}
    assert record["programme"]["slug"] == "world-programme"
    assert record["school_periods"] == [
        {"school": "Alder Primary", "urn": "111111", "started_on": "2026-09-02", "ended_on": None}
    ]
    assert record["mentorships"] == [{"role": "mentor", "started_on": "2026-09-02", "ended_on": None}]
    assert record["pauses"] == [{"kind": "deferral", "starts_on": "2026-12-01", "ends_on": None}]
    assert record["status_changes"] == [{"status": "deferred", "reason": "career_break", "on": "2026-12-01"}]
    assert [
        (c["module_code"], c["module_title"], c["activity_order"], c["activity_title"])
        for c in record["completions"] if c["programme"] == "world-programme"
    ] == [
        (world.module.code, "Routines and expectations", 1, "Initial reflection"),
        (world.module.code, "Routines and expectations", 2, "Content to watch"),
    ]
    # No mentor's name, no monitoring answers, no notes, nothing of coaching or assessment.
    for absent in ("A Mentor", "a-mentor@example.org", "zz-", "private note", "coaching", "monitoring", "assessment"):
        assert absent not in text, absent
    assert set(record) == {
        "format", "version", "exported_at", "exported_by", "person", "induction", "programme", "school_periods",
        "mentorships", "pauses", "status_changes", "completions", "checksum",
    }


def test_the_export_reimports_into_another_delivery_partner_with_the_same_completions(
    world, completions, django_capture_on_commit_callbacks
):
    ect = world.ects["own"]
    data = json.loads(json.dumps(transfers.export_training_record(ect)))  # as read back from the file
    membership = importer(world)
    with django_capture_on_commit_callbacks(execute=True):
        result = transfers.import_training_record(
            actor=membership.user, membership=membership, data=data, school=world.school_b1,
            cohort=world.ects["other"].cohort, inviter=membership,
        )
    imported = result.ect
    assert (imported.tenant, imported.user, imported.induction_start) == (world.tenant_b, ect.user, ect.induction_start)
    period = imported.school_periods.get()
    # Their time at the receiving school starts on the day of the import, not at induction.
    assert (period.school, period.started_on) == (world.school_b1, max(ect.induction_start, timezone.localdate()))

    def done(tenant):
        return set(
            ActivityCompletion.objects.filter(tenant=tenant, user=ect.user, activity__module__programme=world.programme)
            .values_list("activity_id", "completed_at")
        )

    assert done(world.tenant_b) == done(world.tenant_a) and len(done(world.tenant_b)) == 2
    assert result.recorded == 2
    [(unmatched, why)] = result.unmatched
    assert unmatched.module_title == "Module elsewhere" and "another programme" in why
    # The ECT is invited to the new delivery partner; tenant A's record is untouched.
    membership_b = Membership.objects.get(user=ect.user, tenant=world.tenant_b)
    assert not membership_b.is_active
    assert [m.to for m in mail.outbox] == [[ect.user.email]]
    assert ECT.objects.get(pk=ect.pk).tenant == world.tenant_a


@pytest.mark.parametrize("spoil,message", [
    (lambda d: {**d, "person": {**d["person"], "full_name": "Someone Else"}}, "changed since it was exported"),
    (lambda d: {**d, "checksum": "0" * 64}, "changed since it was exported"),
    (lambda d: {**d, "format": "something-else"}, "not a training record exported from ectalign"),
    (lambda d: [d], "not a training record exported from ectalign"),
    (lambda d: {**d, "version": 2}, "newer version of ectalign"),
    (lambda d: {**d, "version": "one"}, "incomplete or damaged"),
])
def test_a_wrong_or_tampered_record_is_refused_and_nothing_is_written(world, completions, spoil, message):
    data = spoil(json.loads(json.dumps(transfers.export_training_record(world.ects["own"]))))
    membership = importer(world)
    before = (ECT.objects.count(), Membership.objects.count(), ActivityCompletion.objects.count())
    with pytest.raises(ParticipantError, match=message):
        transfers.import_training_record(
            actor=membership.user, membership=membership, data=data, school=world.school_b1,
            cohort=world.ects["other"].cohort,
        )
    assert (ECT.objects.count(), Membership.objects.count(), ActivityCompletion.objects.count()) == before


@pytest.mark.parametrize("raw,message", [(b"\xff\xfe\x00", "not a training record"), (b"%PDF-1.7", "not JSON")])
def test_a_file_that_is_not_json_is_refused(raw, message):
    with pytest.raises(transfers.TrainingRecordError, match=message):
        transfers.read_training_record(raw)


def test_an_import_that_fails_part_way_writes_nothing(world, completions):
    ect = world.ects["own"]
    ect.trn = "1234567"
    ect.save()
    world.ects["other"].trn = "1234567"  # the TRN is taken at the receiving delivery partner
    world.ects["other"].save()
    data = json.loads(json.dumps(transfers.export_training_record(ect)))
    membership = importer(world)
    before = (ECT.objects.count(), Membership.objects.count(), ActivityCompletion.objects.count())
    with pytest.raises(ParticipantError, match="TRN 1234567 already belongs to"):
        transfers.import_training_record(
            actor=membership.user, membership=membership, data=data, school=world.school_b1,
            cohort=world.ects["other"].cohort,
        )
    assert (ECT.objects.count(), Membership.objects.count(), ActivityCompletion.objects.count()) == before


def test_only_the_receiving_partners_own_school_and_cohort_are_accepted(world, completions):
    data = transfers.export_training_record(world.ects["own"])
    membership = importer(world)
    for school, cohort in ((world.school_a1, world.ects["other"].cohort), (world.school_b1, world.ects["own"].cohort)):
        with pytest.raises(ParticipantError, match="your own schools and cohorts"):
            transfers.plan_import(membership=membership, data=data, school=school, cohort=cohort)
    tutor = Membership.objects.get(user=world.outsiders[Role.INDUCTION_TUTOR])
    with pytest.raises(ParticipantError, match="delivery partner's staff"):
        transfers.plan_import(membership=tutor, data=data, school=world.school_b1, cohort=world.ects["other"].cohort)


def _pdf_text(content):
    return pdf_text(content, layout=True)


def test_the_pdf_shows_the_ect_and_their_programme(world, completions, client_for):
    response = client_for(world.user(Role.INDUCTION_TUTOR)).get(
        reverse("participants:export_record_pdf", kwargs={"pk": world.ects["own"].pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="training-record-a-early-career-teacher.pdf"'
    text = _pdf_text(response.content)
    assert "A Early career teacher" in text
    assert "World programme" in text
    assert "Alder Primary" in text and "2 September 2026" in text
    assert "Routines and expectations" in text
    assert "A Mentor" not in text


def test_the_json_export_downloads_as_a_file(world, completions, client_for):
    response = client_for(world.user(Role.DP_STAFF)).get(
        reverse("participants:export_record_json", kwargs={"pk": world.ects["own"].pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="training-record-a-early-career-teacher.json"'
    record = json.loads(response.content)
    assert record["person"]["email"] == "a-ect@example.org"
    transfers.check_training_record(record)  # the downloaded file reads back


# --- The pages ------------------------------------------------------------------------------


def test_the_import_page_previews_then_imports(world, completions, client_for, django_capture_on_commit_callbacks):
    body = json.dumps(transfers.export_training_record(world.ects["own"]), indent=2).encode()
    client = client_for(world.outsiders[Role.DP_ADMIN])
    url = reverse("participants:import_record")
    cohort = world.ects["other"].cohort
    page = client.get(url)
    assert page.status_code == 200
    assert "Birch School" in page.content.decode() and "Alder Primary" not in page.content.decode()

    preview = client.post(url, {
        "record_file": SimpleUploadedFile("training-record.json", body, "application/json"),
        "school": world.school_b1.pk, "cohort": cohort.pk,
    })
    text = preview.content.decode()
    assert "Check before you import" in text
    assert "2 completed activities will be recorded" in text
    assert "Module elsewhere" in text
    assert not ECT.objects.filter(tenant=world.tenant_b, user=world.ects["own"].user).exists()

    confirm = preview.context["confirm"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"step": "confirm", **{name: confirm[name].value() for name in confirm.fields}})
    assert "Training record imported" in done.content.decode()
    imported = ECT.objects.get(tenant=world.tenant_b, user=world.ects["own"].user)
    assert ActivityCompletion.objects.filter(tenant=world.tenant_b, user=imported.user).count() == 2
    assert len(mail.outbox) == 1  # the invitation


def test_the_import_page_refuses_a_tampered_file_with_a_message(world, completions, client_for):
    record = transfers.export_training_record(world.ects["own"])
    record["completions"].append({**record["completions"][0], "activity_order": 3})
    client = client_for(world.outsiders[Role.DP_STAFF])
    response = client.post(reverse("participants:import_record"), {
        "record_file": SimpleUploadedFile("training-record.json", json.dumps(record).encode(), "application/json"),
        "school": world.school_b1.pk, "cohort": world.ects["other"].cohort.pk,
    })
    assert response.status_code == 200
    assert "changed since it was exported" in response.content.decode()
    assert not ECT.objects.filter(tenant=world.tenant_b, user=world.ects["own"].user).exists()


def test_the_import_page_offers_only_its_own_schools(world, completions, client_for):
    body = json.dumps(transfers.export_training_record(world.ects["own"])).encode()
    response = client_for(world.outsiders[Role.DP_ADMIN]).post(reverse("participants:import_record"), {
        "record_file": SimpleUploadedFile("training-record.json", body, "application/json"),
        "school": world.school_a1.pk, "cohort": world.ects["other"].cohort.pk,
    })
    assert "Choose one of your schools from the list." in response.content.decode()
    assert not ECT.objects.filter(tenant=world.tenant_b, user=world.ects["own"].user).exists()


def test_the_transfer_page_moves_the_ect_directly(world, client_for):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    url = reverse("participants:transfer", kwargs={"pk": world.ects["own"].pk})
    page = client.get(url).content.decode()
    assert "Aspen Academy" in page and "Birch School" not in page
    assert "Why they are moving" not in page
    response = client.post(url, {"school": world.school_a2.pk, "on": "2027-01-11"})
    assert response.status_code == 302
    assert world.ects["own"].school_periods.get(ended_on__isnull=True).school == world.school_a2
    assert "Done: transfer to another school" in client.get(response["Location"]).content.decode()


def test_the_transfer_page_sends_a_request_when_transfers_are_reserved(world, client_for):
    world.tenant_a.changes_needing_approval = ["transfer"]
    world.tenant_a.save()
    client = client_for(world.user(Role.HEADTEACHER))
    url = reverse("participants:transfer", kwargs={"pk": world.ects["own"].pk})
    missing = client.post(url, {"school": world.school_a2.pk, "on": "2027-01-11"})
    assert "Say why they are moving." in missing.content.decode()
    client.post(url, {"school": world.school_a2.pk, "on": "2027-01-11", "reason": "Promotion to a phase lead post."})
    request = ChangeRequest.objects.get()
    assert request.details == {"school_id": world.school_a2.pk, "on": "2027-01-11"}
    assert world.ects["own"].school_periods.get().school == world.school_a1  # nothing moved yet


@pytest.mark.parametrize("data,message", [
    ({"school": "own_b1", "on": "2027-01-11"}, "Choose a school from the list."),
    ({"school": "a2", "on": "2026-08-01"}, "choose a date after that"),
    ({"school": "a2", "on": "not a date"}, "Enter a real date"),
])
def test_the_transfer_page_shows_what_to_fix(world, client_for, data, message):
    schools = {"own_b1": world.school_b1.pk, "a2": world.school_a2.pk}
    client = client_for(world.user(Role.DP_STAFF))
    response = client.post(
        reverse("participants:transfer", kwargs={"pk": world.ects["own"].pk}),
        {**data, "school": schools[data["school"]]},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert world.ects["own"].school_periods.get().ended_on is None
