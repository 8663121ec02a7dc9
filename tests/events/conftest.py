import pytest

from tests.events.world import add_events


@pytest.fixture
def events(world):
    return add_events(world)


# Events are about the future: the tests pin "now" to 1 October 2026, 09:00 UK time,
# before the world's sessions (4, 5, 11 and 18 November 2026).
PINNED_NOW = "2026-10-01T09:00:00+01:00"


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch):
    import datetime as dt

    from django.utils import timezone

    moment = dt.datetime.fromisoformat(PINNED_NOW)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment
