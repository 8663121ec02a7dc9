from django.contrib import admin
from django.urls import include, path

from ectalign import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("switch-role/", views.switch_membership, name="switch_membership"),
    path("healthz", health.healthz, name="healthz"),
    path("schools/", include("schools.urls")),
    path("programmes/", include("programme.urls")),
    path("self-study/", include("programme.self_study_urls")),
    path("participants/", include("participants.urls")),
    path("coaching/", include("coaching.urls")),
    path("events/", include("events.urls")),
    path("reports/", include("reporting.urls")),
    path("dashboard/", include("reporting.dashboard_urls")),
    path("reports/partner/", include("reporting.partner_urls")),
    path("induction/", include("induction.urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# The benchmark's baseline page exists only when the bench asks for it.
from django.conf import settings  # noqa: E402

if getattr(settings, "BENCH_BASELINE_URL", False):
    urlpatterns.append(path("__bench__/baseline/", views.baseline, name="bench_baseline"))
