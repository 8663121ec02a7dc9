"""The caches' refresh signals stay connected in a process set up as in production."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Save a membership, a tick's ECT record and a message in a process with DEBUG off (as
# production runs) and say which of the caches' receivers Django still calls.
SCRIPT = """
import gc
import django

django.setup()
gc.collect()
from django.db.models.signals import post_delete, post_save

from notifications.models import Notification
from participants.models import ECT
from schools.models import Membership, TermDates

for signal in (post_save, post_delete):
    for model in (Membership, ECT, TermDates, Notification):
        names = sorted(r.__name__ for r in signal._live_receivers(model)[0] if r.__module__ == "ectalign.caching")
        print(signal is post_save and "save" or "delete", model.__name__, ",".join(names))
"""


def test_cache_refresh_receivers_survive_with_debug_off():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ectalign.settings_test", "DEBUG": "false"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    expected = {
        "Membership": "on_engagement,on_people",
        "ECT": "on_engagement,on_participant",
        "TermDates": "on_any_tenant,on_calendar",
        "Notification": "on_notification",
    }
    assert sorted(out) == sorted(f"{kind} {model} {names}" for kind in ("save", "delete")
                                 for model, names in expected.items())
