import datetime as dt

import pytest

from participants import services
from programme.factories import CohortFactory


@pytest.fixture
def cohort(world):
    return CohortFactory(tenant=world.tenant_a, name="September 2026")


@pytest.fixture
def ect(world, cohort):
    return services.register_ect(
        actor=world.user("induction_tutor"), school=world.school_a1, email="new.ect@example.org",
        full_name="Nia Okafor", induction_start=dt.date(2026, 9, 2), cohort=cohort, trn="12 345",
    )


@pytest.fixture
def mentors(world):
    return [
        services.register_mentor(
            actor=world.user("induction_tutor"), school=world.school_a1, email=f"mentor{i}@example.org",
            full_name=f"Mentor {i}", started_on=dt.date(2026, 9, 1),
        )
        for i in (1, 2)
    ]
