"""Settings for the test suite: the real settings with ECTALIGN_ENV=test, plus what
makes tests fast and isolated. DATABASE_URL is honoured (PostgreSQL in CI)."""

import os

os.environ.setdefault("ECTALIGN_ENV", "test")

from ectalign.settings import *  # noqa: E402,F403
from ectalign.settings import env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The suite runs jobs inline unless a test is about the broker (those start a real
# worker against REDIS_URL themselves).
CELERY_TASK_ALWAYS_EAGER = True
# Rate-limit counters and other cached state must not leak between tests or workers.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 20_000}}}  # as in settings.py (the bench's LARGE tenant)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=False)
BENCH_BASELINE_URL = True
