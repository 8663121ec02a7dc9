"""Changes made directly or as requests the delivery partner's staff decide in the admin."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from participants import changes, services
from participants.factories import ChangeRequestFactory
from participants.models import ChangeRequest, Mentorship, Pause, TrainingStatus
from participants.services import ParticipantError
from programme.factories import CohortFactory, ProgrammeFactory
from schools.factories import MembershipFactory
from schools.models import Membership, Role

pytestmark = pytest.mark.django_db

Kind = ChangeRequest.Kind


def reserve(world, *kinds):
    world.tenant_a.changes_needing_approval = list(kinds)
    world.tenant_a.save()


def fresh(membership):
    return Membership.objects.select_related("tenant", "school", "user").get(pk=membership.pk)


def tutor(world):
    return fresh(world.memberships[Role.INDUCTION_TUTOR])


@pytest.fixture
def second_mentor(world):
    return services.register_mentor(
        actor=None, school=world.school_a1, email="second.mentor@example.org", full_name="Sam Second",
        started_on=dt.date(2026, 9, 1),
    )


def submit(world, kind, details, reason="", membership=None, **who):
    membership = membership or tutor(world)
    who = who or {"ect": world.ects["own"]}
    return changes.submit(
        actor=membership.user, membership=membership, kind=kind, details=details, reason=reason, **who
    )


def decide(client, change_request, decision, note=""):
    return client.post(
        reverse("admin:participants_changerequest_decide", args=[change_request.pk]),
        {"decision": decision, "decision_note": note},
    )


def sent_to(email, subject_part=""):
    return [m for m in mail.outbox if email in m.to and subject_part in m.subject]


def test_needs_approval_follows_the_delivery_partners_choice(world):
    reserve(world, "withdraw", "transfer")
    assert changes.needs_approval(world.tenant_a, Kind.WITHDRAW)
    assert changes.needs_approval(world.tenant_a, "transfer")
    assert not changes.needs_approval(world.tenant_a, Kind.CHANGE_MENTOR)
    assert not changes.needs_approval(world.tenant_b, Kind.WITHDRAW)


def test_a_change_the_delivery_partner_does_not_reserve_is_made_at_once(world, second_mentor):
    done = submit(world, Kind.CHANGE_MENTOR, {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"})
    assert done.outcome == changes.APPLIED and not done.requested
    assert Mentorship.objects.get(ect=world.ects["own"], ended_on__isnull=True).mentor == second_mentor
    assert not ChangeRequest.objects.exists()


def test_a_reserved_change_becomes_a_request_and_the_delivery_partners_staff_are_told(
    world, second_mentor, django_capture_on_commit_callbacks
):
    reserve(world, Kind.CHANGE_MENTOR)
    with django_capture_on_commit_callbacks(execute=True):
        done = submit(
            world, Kind.CHANGE_MENTOR, {"mentor_id": second_mentor.pk, "starts_on": dt.date(2027, 1, 11)},
            reason="The current mentor moves to part time.",
        )
    assert done.requested
    request = ChangeRequest.objects.get()
    assert (request.state, request.school, request.ect, request.requested_by) == (
        ChangeRequest.State.PENDING, world.school_a1, world.ects["own"], world.user(Role.INDUCTION_TUTOR),
    )
    assert request.details == {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"}
    # Nothing changed yet.
    assert Mentorship.objects.get(ect=world.ects["own"], ended_on__isnull=True).mentor.user == world.user(Role.MENTOR)
    # Each of tenant A's staff once; nobody of tenant B.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.user(Role.DP_ADMIN).email, world.user(Role.DP_STAFF).email]
    )
    message = mail.outbox[0]
    assert "Change of mentor" in message.subject or "change of mentor" in message.subject
    assert "Sam Second to mentor them from 11 January 2027" in message.body
    assert "The current mentor moves to part time." in message.body
    assert reverse("admin:participants_changerequest_change", args=[request.pk]) in message.body


def test_a_request_needs_a_reason(world, second_mentor):
    reserve(world, Kind.CHANGE_MENTOR)
    with pytest.raises(ParticipantError, match="Say why"):
        submit(world, Kind.CHANGE_MENTOR, {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"}, reason="  ")
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("details,message", [
    ({"mentor_id": "other", "starts_on": "2027-01-11"}, "not found"),
    ({"mentor_id": 999999, "starts_on": "2027-01-11"}, "not found"),
    ({"mentor_id": "own", "starts_on": "11/01/2027"}, "real date"),
    ({"mentor_id": "own"}, "real date"),
])
def test_an_obviously_wrong_request_is_refused_at_once(world, second_mentor, details, message):
    reserve(world, Kind.CHANGE_MENTOR)
    ids = {"own": second_mentor.pk, "other": world.ects["other"].mentorships.get().mentor_id}
    details = {**details, "mentor_id": ids.get(details["mentor_id"], details["mentor_id"])}
    with pytest.raises(ParticipantError, match=message):
        submit(world, Kind.CHANGE_MENTOR, details, reason="Needed")
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("kind,details,message", [
    (Kind.TRANSFER, {"school_id": "a2", "on": "2026-08-01"}, "choose a date after that"),
    (Kind.TRANSFER, {"school_id": "a1", "on": "2027-01-11"}, "already at Alder Primary"),
    (Kind.RESUME, {"on": "2027-01-11"}, "already active"),
    (Kind.DEFER, {"reason": "left_profession", "on": "2027-01-11"}, "Choose a reason"),
])
def test_a_request_the_service_would_refuse_is_refused_at_once_and_nothing_stays(
    world, kind, details, message, django_capture_on_commit_callbacks
):
    reserve(world, kind)
    schools = {"a1": world.school_a1.pk, "a2": world.school_a2.pk}
    if "school_id" in details:
        details = {**details, "school_id": schools[details["school_id"]]}
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ParticipantError, match=message):
            submit(world, kind, details, reason="Needed")
    assert not ChangeRequest.objects.exists()
    assert mail.outbox == []


def test_trying_a_request_leaves_no_trace(world, second_mentor, django_capture_on_commit_callbacks):
    reserve(world, Kind.CHANGE_MENTOR)
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, Kind.CHANGE_MENTOR, {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"}, reason="Please")
    assert list(Mentorship.objects.filter(ect=world.ects["own"]).values_list("ended_on", flat=True)) == [None]
    assert not Mentorship.objects.filter(mentor=second_mentor).exists()
    # Only the delivery partner's staff hear of it: not the ECT nor either mentor.
    assert {m.to[0] for m in mail.outbox} == {world.user(Role.DP_ADMIN).email, world.user(Role.DP_STAFF).email}


def test_another_delivery_partners_id_is_never_written(world):
    other_school = world.school_b1
    with pytest.raises(ParticipantError, match="not found"):
        submit(world, Kind.TRANSFER, {"school_id": other_school.pk, "on": "2027-01-11"})
    assert world.ects["own"].school_periods.get().ended_on is None


def test_a_request_for_the_same_change_is_not_made_twice(world):
    reserve(world, Kind.WITHDRAW)
    submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"}, reason="Leaving at Christmas")
    with pytest.raises(ParticipantError, match="already awaits a decision"):
        submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-12"}, reason="Again")
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize("role", [Role.DP_ADMIN, Role.DP_STAFF])
def test_delivery_partner_staff_never_need_approval(world, role):
    reserve(world, Kind.WITHDRAW)
    done = submit(
        world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"},
        membership=fresh(world.memberships[role]),
    )
    assert done.outcome == changes.APPLIED
    world.ects["own"].refresh_from_db()
    assert world.ects["own"].training_status == TrainingStatus.WITHDRAWN


def test_a_school_leader_asks_only_for_their_own_schools_participants(world):
    with pytest.raises(ParticipantError, match="your own school"):
        submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"}, ect=world.ects["sibling"])
    with pytest.raises(ParticipantError, match="not found"):
        submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"}, ect=world.ects["other"])
    with pytest.raises(ParticipantError, match="induction tutor or headteacher"):
        submit(
            world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"},
            membership=fresh(world.memberships[Role.MENTOR]),
        )
    for key in ("sibling", "other"):
        world.ects[key].refresh_from_db()
        assert world.ects[key].training_status == TrainingStatus.ACTIVE


def test_withdrawing_a_mentor_works_through_the_same_path(world):
    mentor = world.ects["own"].mentorships.get().mentor
    done = submit(world, Kind.WITHDRAW, {"reason": "no_longer_mentor", "on": "2027-01-11"}, mentor=mentor)
    assert done.outcome == changes.APPLIED
    mentor.refresh_from_db()
    assert mentor.training_status == TrainingStatus.WITHDRAWN
    assert mentor.mentorships.get().ended_on == dt.date(2027, 1, 11)


def test_changing_cohort_keeps_the_old_one_in_history_and_tells_the_ect(world, django_capture_on_commit_callbacks):
    ect = world.ects["own"]
    new_programme = ProgrammeFactory(title="Another programme", version="2027-29")
    new_cohort = CohortFactory(tenant=world.tenant_a, name="January 2027", programme=new_programme)
    with django_capture_on_commit_callbacks(execute=True):
        changes.apply_change(
            actor=world.user(Role.DP_STAFF), kind=Kind.CHANGE_PROGRAMME, ect=ect, details={"cohort_id": new_cohort.pk}
        )
    ect.refresh_from_db()
    assert ect.cohort == new_cohort
    assert [h.cohort.name for h in ect.history.order_by("history_date")] == ["Cohort own", "January 2027"]
    [message] = sent_to(ect.user.email)
    assert "January 2027" in message.subject and "Another programme" in message.body


def test_a_cohort_of_another_delivery_partner_is_refused(world):
    ect = world.ects["own"]
    foreign = world.ects["other"].cohort
    with pytest.raises(ParticipantError, match="not found"):
        changes.apply_change(actor=None, kind=Kind.CHANGE_PROGRAMME, ect=ect, details={"cohort_id": foreign.pk})
    with pytest.raises(ParticipantError, match="another delivery partner"):
        changes.change_cohort(actor=None, ect=ect, cohort=foreign)
    ect.refresh_from_db()
    assert ect.cohort.name == "Cohort own"


# --- Approval in the admin ---------------------------------------------------------------------


def _mentor_changed(world, ect, extra):
    current = Mentorship.objects.get(ect=ect, ended_on__isnull=True)
    return current.mentor == extra["mentor"] and current.started_on == dt.date(2027, 1, 11)


def _cohort_changed(world, ect, extra):
    ect.refresh_from_db()
    return ect.cohort == extra["cohort"]


def _status_is(status):
    def check(world, ect, extra):
        ect.refresh_from_db()
        return ect.training_status == status

    return check


def _deferred(world, ect, extra):
    ect.refresh_from_db()
    pause = Pause.objects.filter(ect=ect, kind=Pause.Kind.DEFERRAL, starts_on=dt.date(2027, 1, 11)).first()
    return ect.training_status == TrainingStatus.DEFERRED and pause is not None


def _transferred(world, ect, extra):
    periods = list(ect.school_periods.order_by("started_on").values_list("school", "started_on", "ended_on"))
    return periods == [
        (world.school_a1.pk, dt.date(2026, 9, 2), dt.date(2027, 1, 10)),
        (world.school_a2.pk, dt.date(2027, 1, 11), None),
    ]


def _set_up(world, kind, second_mentor):
    """(details, extra) for a request of ``kind`` about the own ECT."""
    if kind == Kind.CHANGE_MENTOR:
        return {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"}, {"mentor": second_mentor}
    if kind == Kind.CHANGE_PROGRAMME:
        cohort = CohortFactory(tenant=world.tenant_a, name="January 2027", programme=ProgrammeFactory())
        return {"cohort_id": cohort.pk}, {"cohort": cohort}
    if kind == Kind.DEFER:
        return {"reason": "long_term_sickness", "on": "2027-01-11", "note": "Back after Easter"}, {}
    if kind == Kind.RESUME:
        services.change_status(
            actor=None, ect=world.ects["own"], status=TrainingStatus.DEFERRED, reason="career_break",
            on=dt.date(2026, 12, 1),
        )
        return {"on": "2027-01-11"}, {}
    if kind == Kind.WITHDRAW:
        return {"reason": "left_profession", "on": "2027-01-11"}, {}
    return {"school_id": world.school_a2.pk, "on": "2027-01-11"}, {}


APPLIED_CHECKS = {
    Kind.CHANGE_MENTOR: _mentor_changed,
    Kind.CHANGE_PROGRAMME: _cohort_changed,
    Kind.DEFER: _deferred,
    Kind.RESUME: _status_is(TrainingStatus.ACTIVE),
    Kind.WITHDRAW: _status_is(TrainingStatus.WITHDRAWN),
    Kind.TRANSFER: _transferred,
}


@pytest.mark.parametrize("kind", list(Kind))
def test_approving_in_the_admin_applies_the_change_through_the_same_service(
    world, client_for, second_mentor, django_capture_on_commit_callbacks, kind
):
    ect = world.ects["own"]
    details, extra = _set_up(world, kind, second_mentor)
    reserve(world, kind)
    submit(world, kind, details, reason="Agreed with the ECT.")
    request = ChangeRequest.objects.get()
    assert not APPLIED_CHECKS[kind](world, ect, extra)  # a request changes nothing

    client = client_for(world.user(Role.DP_STAFF))
    page = client.get(reverse("admin:participants_changerequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert changes.describe(request) in page.content.decode()
    assert "Approve and apply" in page.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, request, "approve", "Fine by us.")
    assert response.status_code == 302
    assert APPLIED_CHECKS[kind](world, ect, extra)
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decision_note) == (
        ChangeRequest.State.APPROVED, world.user(Role.DP_STAFF), "Fine by us."
    )
    assert request.decided_at is not None
    requester = world.user(Role.INDUCTION_TUTOR).email
    [decision] = sent_to(requester, "Your request was approved")
    assert "Fine by us." in decision.body
    if kind != Kind.TRANSFER:  # a transfer also tells the school's induction tutor, as any transfer does
        assert len(sent_to(requester)) == 1


def test_rejecting_leaves_everything_as_it_was(world, client_for, second_mentor, django_capture_on_commit_callbacks):
    reserve(world, Kind.CHANGE_MENTOR)
    submit(world, Kind.CHANGE_MENTOR, {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"}, reason="Please")
    request = ChangeRequest.objects.get()
    client = client_for(world.user(Role.DP_ADMIN))
    mail.outbox.clear()

    # No note: refused, shown as a message, still pending.
    response = decide(client, request, "reject")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Say why the request is rejected" in page.content.decode()
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, request, "reject", "Keep the current mentor until Easter.")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.REJECTED
    assert Mentorship.objects.get(ect=world.ects["own"]).ended_on is None
    assert not Mentorship.objects.filter(mentor=second_mentor).exists()
    [message] = mail.outbox
    assert message.to == [world.user(Role.INDUCTION_TUTOR).email]
    assert "rejected" in message.subject and "Keep the current mentor until Easter." in message.body


def test_an_approval_that_no_longer_applies_stays_pending_and_says_why(world, client_for, second_mentor):
    reserve(world, Kind.CHANGE_MENTOR)
    submit(world, Kind.CHANGE_MENTOR, {"mentor_id": second_mentor.pk, "starts_on": "2027-01-11"}, reason="Please")
    request = ChangeRequest.objects.get()
    # Meanwhile the second mentor withdrew.
    services.change_status(
        actor=None, mentor=second_mentor, status=TrainingStatus.WITHDRAWN, reason="no_longer_mentor",
        on=dt.date(2026, 12, 1),
    )
    client = client_for(world.user(Role.DP_STAFF))
    response = decide(client, request, "approve")
    page = client.get(response["Location"])
    assert "Nothing was changed." in page.content.decode()
    assert "is not a mentor at" in page.content.decode()
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING
    assert Mentorship.objects.get(ect=world.ects["own"], ended_on__isnull=True).mentor.user == world.user(Role.MENTOR)


def test_a_decided_request_cannot_be_decided_again(world):
    reserve(world, Kind.WITHDRAW)
    submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"}, reason="Leaving")
    request = ChangeRequest.objects.get()
    changes.reject(actor=world.user(Role.DP_STAFF), change_request=request, note="Not yet")
    for decide_again in (
        lambda: changes.approve(actor=world.user(Role.DP_STAFF), change_request=request),
        lambda: changes.reject(actor=world.user(Role.DP_STAFF), change_request=request, note="No"),
    ):
        with pytest.raises(ParticipantError, match="already decided"):
            decide_again()
    world.ects["own"].refresh_from_db()
    assert world.ects["own"].training_status == TrainingStatus.ACTIVE


def test_only_the_delivery_partners_staff_decide(world):
    reserve(world, Kind.WITHDRAW)
    submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"}, reason="Leaving")
    request = ChangeRequest.objects.get()
    for person in (world.user(Role.INDUCTION_TUTOR), world.outsiders[Role.DP_ADMIN]):
        with pytest.raises(ParticipantError, match="Only the delivery partner's staff"):
            changes.approve(actor=person, change_request=request)
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING


def test_another_tenants_request_is_404_in_the_admin(world, client_for):
    foreign = ChangeRequestFactory(tenant=world.tenant_b, school=world.school_b1, ect=world.ects["other"])
    client = client_for(world.user(Role.DP_ADMIN))
    assert client.get(reverse("admin:participants_changerequest_change", args=[foreign.pk])).status_code == 404
    for decision in ("approve", "reject"):
        assert decide(client, foreign, decision, "No").status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == ChangeRequest.State.PENDING
    world.ects["other"].refresh_from_db()
    assert world.ects["other"].training_status == TrainingStatus.ACTIVE


def test_the_admin_lists_requests_with_filters_and_adds_none(world, client_for):
    own = ChangeRequestFactory(tenant=world.tenant_a, school=world.school_a1, ect=world.ects["own"])
    sibling = ChangeRequestFactory(
        tenant=world.tenant_a, school=world.school_a2, ect=world.ects["sibling"], kind=Kind.DEFER,
        details={"reason": "career_break", "on": "2027-01-11"},
    )
    ChangeRequestFactory(tenant=world.tenant_b, school=world.school_b1, ect=world.ects["other"])
    client = client_for(world.user(Role.DP_STAFF))
    url = reverse("admin:participants_changerequest_changelist")
    listed = client.get(url, {"state": "pending", "kind": "withdraw"})
    assert [r.pk for r in listed.context["cl"].result_list] == [own.pk]
    by_school = client.get(url, {"school__id__exact": world.school_a2.pk})
    assert [r.pk for r in by_school.context["cl"].result_list] == [sibling.pk]
    page = client.get(url).content.decode()
    assert "Aspen Academy" in page and "Birch School" not in page  # the school filter offers only their own
    assert client.get(reverse("admin:participants_changerequest_add")).status_code == 403


def test_the_delivery_partners_admins_choose_which_changes_need_approval(world, client_for):
    url = reverse("admin:participants_changerequest_settings")
    staff = client_for(world.user(Role.DP_STAFF))
    assert staff.get(url).status_code == 403
    admin = client_for(world.user(Role.DP_ADMIN))
    changelist = admin.get(reverse("admin:participants_changerequest_changelist")).content.decode()
    assert "Which changes need approval" in changelist
    assert admin.post(url, {"kinds": ["withdraw", "transfer"]}).status_code == 302
    world.tenant_a.refresh_from_db()
    world.tenant_b.refresh_from_db()
    assert world.tenant_a.changes_needing_approval == ["transfer", "withdraw"]
    assert world.tenant_b.changes_needing_approval == []


def test_school_leaders_of_another_school_get_no_email_about_requests(world, django_capture_on_commit_callbacks):
    MembershipFactory(tenant=world.tenant_a, school=world.school_a2, role=Role.INDUCTION_TUTOR)
    reserve(world, Kind.WITHDRAW)
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, Kind.WITHDRAW, {"reason": "left_profession", "on": "2027-01-11"}, reason="Leaving")
    roles = {m.role for m in Membership.objects.filter(user__email__in=[msg.to[0] for msg in mail.outbox])}
    assert roles == {Role.DP_ADMIN, Role.DP_STAFF}
