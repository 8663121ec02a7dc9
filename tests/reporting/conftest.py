"""Release-time fixtures (none is autouse: other reporting tests share this folder): a
pinned "today" in the autumn term 2026 (``release_today``, which the release-time test
modules use), a programme with a year 2 (so the release schedule says when each ECT's
year 2 starts), and ECTs added to the world's schools. The real Celery worker for the
batch is in test_batches.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from reporting.release_time import TermRef

TODAY = dt.date(2026, 11, 16)
AUTUMN_2026 = TermRef(2026, 1)


@pytest.fixture
def release_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def two_years(world):
    """The world's programme with a year 2 (39 + 39 weeks)."""
    from programme.factories import ModuleFactory

    ModuleFactory(term__year__programme=world.programme, term__year__number=2, term__number=4, title="Year two")
    return world


@pytest.fixture
def add_ect(world):
    """``add_ect(name, school=A1, fte="1.0", start=2 September 2026)``: an ECT in the
    world's own cohort, at the school from their start date."""
    from ectalign.factories import UserFactory
    from participants.models import ECT, ECTAtSchool

    def make(name, *, school=None, fte="1.00", start=dt.date(2026, 9, 2)):
        school = school or world.school_a1
        own = world.ects["own"]
        cohort = own.cohort if school.tenant_id == own.tenant_id else world.ects["other"].cohort
        user = UserFactory(full_name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
        ect = ECT.objects.create(
            tenant=school.tenant, user=user, induction_start=start, cohort=cohort, fte=Decimal(fte),
        )
        ECTAtSchool.objects.create(tenant=school.tenant, ect=ect, school=school, started_on=start)
        return ect

    return make

