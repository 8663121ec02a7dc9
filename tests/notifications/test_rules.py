"""Each rule: who, when, about what, with the dates of the selectors that own them."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.rules import RULES, RULES_BY_NAME, TenantData, days_before, local_at
from participants.factories import ChangeRequestFactory, InvitationFactory, MentorAbsenceFactory
from participants.models import ChangeRequest, Invitation, Mentor
from schools.models import Role

pytestmark = pytest.mark.django_db


def _items(world, rule, now, tenant=None):
    data = TenantData(tenant or world.tenant_a, now)
    return list(RULES_BY_NAME[rule].collect(data, now))


def test_every_rule_is_named_once_with_its_audience_timing_and_text():
    from django.template.loader import get_template

    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.audience and rule.timing
        get_template(f"emails/notifications/{rule.template}.txt")


def test_onboarding_incomplete_three_days_before_the_deadline(world):
    from participants.onboarding import deadlines_for_school

    ect = world.people[Role.ECT]
    deadline = deadlines_for_school(school=world.school_a1, people=[world.memberships[Role.ECT]])[ect.pk]
    items = [i for i in _items(world, "onboarding_incomplete", days_before(deadline, 3)) if i.recipient_id == ect.pk]
    assert len(items) == 1 and items[0].due_at == days_before(deadline, 3)
    assert items[0].occurrence == deadline.isoformat()
    # Once onboarded: nothing.
    from participants.factories import OnboardingFactory

    OnboardingFactory(tenant=world.tenant_a, user=ect)
    assert not [i for i in _items(world, "onboarding_incomplete", days_before(deadline, 3)) if i.recipient_id == ect.pk]


def test_invitation_not_accepted_after_seven_days_to_who_sent_it(world):
    tutor = world.people[Role.INDUCTION_TUTOR]
    sent = timezone.now() - dt.timedelta(days=8)
    invitation = InvitationFactory(membership=world.memberships[Role.ECT], invited_by=tutor, sent_at=sent,
                                   expires_at=sent + dt.timedelta(days=14))
    items = _items(world, "invitation_not_accepted", timezone.now())
    assert [(i.recipient_id, i.subject_key) for i in items] == [(tutor.pk, f"participants.invitation:{invitation.pk}")]
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    assert _items(world, "invitation_not_accepted", timezone.now()) == []


def test_mentor_away_more_than_three_weeks_to_the_tutor(world):
    mentor = Mentor.objects.get(user=world.people[Role.MENTOR])
    absence = MentorAbsenceFactory(tenant=world.tenant_a, mentor=mentor, started_on=dt.date(2027, 1, 11),
                                   ended_on=None)
    tutor = world.people[Role.INDUCTION_TUTOR]
    assert _items(world, "mentor_away", local_at(dt.date(2027, 1, 31))) == []  # 21 days: not yet
    items = _items(world, "mentor_away", local_at(dt.date(2027, 2, 1)))
    assert [(i.recipient_id, i.occurrence) for i in items] == [(tutor.pk, "2027-01-11")]
    assert items[0].subject_key == f"participants.mentorabsence:{absence.pk}"


def test_change_request_awaiting_a_decision_to_partner_staff(world):
    change = ChangeRequestFactory(school=world.school_a1, ect=world.ects["own"])
    ChangeRequest.objects.filter(pk=change.pk).update(requested_at=timezone.now() - dt.timedelta(days=3))
    recipients = {i.recipient_id for i in _items(world, "change_request_pending", timezone.now())}
    assert recipients == {world.people[Role.DP_ADMIN].pk, world.people[Role.DP_STAFF].pk}
    ChangeRequest.objects.filter(pk=change.pk).update(state=ChangeRequest.State.APPROVED)
    assert _items(world, "change_request_pending", timezone.now()) == []


def test_coaching_to_the_mentor_then_after_two_missed_cycles_the_tutor(world):
    first_cycle_over = local_at(dt.date(2026, 9, 7), dt.time(9))
    mentor_items = _items(world, "coaching_not_logged", first_cycle_over)
    assert [i.recipient_id for i in mentor_items] == [world.people[Role.MENTOR].pk]
    assert _items(world, "coaching_missed_twice", first_cycle_over) == []
    tutor_items = _items(world, "coaching_missed_twice", local_at(dt.date(2026, 9, 14), dt.time(9)))
    assert {i.recipient_id for i in tutor_items} == {world.people[Role.INDUCTION_TUTOR].pk}


def test_digest_says_what_is_done_and_next(world):
    from ectalign.mail import render_email

    items = [i for i in _items(world, "digest", local_at(dt.date(2026, 9, 14), dt.time(9)))
             if i.recipient_id == world.people[Role.ECT].pk]
    assert len(items) == 1 and items[0].occurrence == "2026-09-14"
    title, body = render_email("notifications/digest", items[0].context)
    assert "what is done and what is next" in title and "self-study: 0 of 1" in body and "overdue" in body
    # Outside its window (the Wednesday after next), no digest is assessed at all.
    assert _items(world, "digest", local_at(dt.date(2026, 9, 23), dt.time(9))) == []


def test_end_of_term_release_time_pdf_to_tutor_and_head(world, eager, django_capture_on_commit_callbacks):
    from django.core import mail

    from notifications.models import Notification
    from notifications.scan import scan_tenant
    from reporting.release_time import school_terms

    autumn = next(t for t in school_terms(school=world.school_a1, today=dt.date(2026, 12, 1))
                  if t.ref.slug == "2026-autumn")
    day_after = autumn.calendar_term.ends_on + dt.timedelta(days=1)
    assert not [i for i in _items(world, "end_of_term_report", local_at(autumn.calendar_term.ends_on, dt.time(9)))]
    with django_capture_on_commit_callbacks(execute=True):
        scan_tenant(world.tenant_a, now=local_at(day_after, dt.time(9)))
    rows = Notification.objects.filter(rule="end_of_term_report", subject_key=f"schools.school:{world.school_a1.pk}")
    assert {r.recipient.email for r in rows} == {world.people[Role.INDUCTION_TUTOR].email,
                                                world.people[Role.HEADTEACHER].email}
    assert {r.status for r in rows} == {Notification.Status.SENT}
    reports = [m for m in mail.outbox if "Release-time report" in m.subject]
    assert len(reports) == 2
    filename, content, mimetype = reports[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and "2026-autumn" in filename
    # Nobody of the other tenant's school gets this tenant's report.
    assert not any(m.to[0].startswith("b-") for m in reports)


def test_statutory_review_due_goes_to_the_tutor_four_weeks_before_and_again_when_overdue(world):
    """The world ECT (full time, from 2 September 2026, standard calendar) has its first
    progress review due at the end of the autumn term (induction.schedule); the tutor is
    reminded when it falls due, and again the day after the date if it is not recorded."""
    from induction.schedule import DUE_SOON_DAYS
    from induction.selectors import schedule_for

    ect = world.ects["own"]
    first = next(i for i in schedule_for(ect, on=dt.date(2026, 9, 2)).items)
    tutor = world.people[Role.INDUCTION_TUTOR]

    due_day = first.due_on - dt.timedelta(days=DUE_SOON_DAYS)
    items = [i for i in _items(world, "statutory_due", local_at(due_day)) if i.recipient_id == tutor.pk]
    assert len(items) == 1
    assert items[0].due_at == local_at(due_day)
    assert items[0].occurrence == f"due:{first.due_on.isoformat()}"
    assert items[0].context["what"] == "Progress review" and items[0].context["ect"] == ect.user.full_name
    # Nobody else hears of it: not the mentor, not the ECT.
    everyone = {i.recipient_id for i in _items(world, "statutory_due", local_at(due_day))}
    assert everyone == {tutor.pk}

    overdue_day = first.due_on + dt.timedelta(days=1)
    items = [i for i in _items(world, "statutory_due", local_at(overdue_day)) if i.recipient_id == tutor.pk]
    assert [i.occurrence for i in items] == [f"overdue:{first.due_on.isoformat()}"]
