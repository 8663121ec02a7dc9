import datetime as dt

import pytest

from participants import services
from participants.models import ECT, ECTAtSchool, Mentorship, Pause, normalise_trn
from participants.services import ParticipantError
from schools.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw,expected", [("1234567", "1234567"), ("12 345", "0012345"), ("RP 99/123", "0099123"), (" 123456 ", "0123456")])
def test_trn_is_normalised(raw, expected):
    assert normalise_trn(raw) == expected


@pytest.mark.parametrize("raw", ["1234", "12345678", "", "abc"])
def test_malformed_trn_is_refused_with_a_message(raw):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="has 5 to 7 digits"):
        normalise_trn(raw)


def test_registering_an_ect_creates_person_membership_record_and_period(world, ect):
    assert ect.trn == "0012345"
    assert Membership.objects.get(user=ect.user, role=Role.ECT).school == world.school_a1
    period = ECTAtSchool.objects.get(ect=ect)
    assert (period.school, period.started_on, period.ended_on) == (world.school_a1, dt.date(2026, 9, 2), None)


def test_an_ect_cannot_be_registered_twice_in_a_tenant(world, ect, cohort):
    with pytest.raises(ParticipantError, match="already holds this role"):
        services.register_ect(
            actor=None, school=world.school_a1, email="NEW.ECT@example.org", full_name="", induction_start=dt.date(2026, 9, 2),
            cohort=cohort,
        )
    assert ECT.objects.filter(user=ect.user).count() == 1


def test_changing_mentor_closes_the_old_mentorship_the_day_before(world, ect, mentors):
    first, second = mentors
    services.assign_mentor(actor=None, ect=ect, mentor=first, starts_on=dt.date(2026, 9, 2))
    services.assign_mentor(actor=None, ect=ect, mentor=second, starts_on=dt.date(2027, 3, 3))
    periods = list(Mentorship.objects.filter(ect=ect).order_by("started_on").values_list("mentor", "started_on", "ended_on"))
    assert periods == [
        (first.pk, dt.date(2026, 9, 2), dt.date(2027, 3, 2)),
        (second.pk, dt.date(2027, 3, 3), None),
    ]


def test_nobody_mentors_themselves(world, ect, cohort):
    self_mentor = services.register_mentor(
        actor=None, school=world.school_a1, email=ect.user.email, full_name="", started_on=dt.date(2026, 9, 1)
    )
    with pytest.raises(ParticipantError, match="cannot mentor themselves"):
        services.assign_mentor(actor=None, ect=ect, mentor=self_mentor, starts_on=dt.date(2026, 9, 2))
    assert not Mentorship.objects.filter(ect=ect).exists()


def test_a_mentor_from_another_school_is_refused(world, ect):
    elsewhere = services.register_mentor(
        actor=None, school=world.school_a2, email="far@example.org", full_name="Far Away", started_on=dt.date(2026, 9, 1)
    )
    with pytest.raises(ParticipantError, match="is not a mentor at"):
        services.assign_mentor(actor=None, ect=ect, mentor=elsewhere, starts_on=dt.date(2026, 9, 2))
    assert not Mentorship.objects.filter(ect=ect).exists()


def test_a_new_mentorship_cannot_start_before_the_current_one(world, ect, mentors):
    first, second = mentors
    services.assign_mentor(actor=None, ect=ect, mentor=first, starts_on=dt.date(2026, 10, 1))
    with pytest.raises(ParticipantError, match="the day after at the earliest"):
        services.assign_mentor(actor=None, ect=ect, mentor=second, starts_on=dt.date(2026, 10, 1))
    assert Mentorship.objects.get(ect=ect).ended_on is None


def test_pauses_must_not_overlap(world, ect):
    services.record_pause(actor=None, ect=ect, kind=Pause.Kind.SICKNESS, starts_on=dt.date(2027, 1, 11), ends_on=dt.date(2027, 2, 5))
    with pytest.raises(ParticipantError, match="overlaps the sickness absence from 11 January 2027"):
        services.record_pause(actor=None, ect=ect, kind=Pause.Kind.OTHER, starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 2, 10))
    with pytest.raises(ParticipantError, match="end date must be on or after the start date"):
        services.record_pause(actor=None, ect=ect, kind=Pause.Kind.OTHER, starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 1))
    assert Pause.objects.count() == 1
