from django.urls import path

from reporting import partner_views

app_name = "partner_reports"

urlpatterns = [
    # Each table takes the filters and ?sort=; ?format=csv downloads it as shown.
    path("", partner_views.schools, name="schools"),
    path("cohorts/", partner_views.cohorts, name="cohorts"),
    path("refresh/", partner_views.refresh, name="refresh"),
    path("refresh/status/", partner_views.refresh_status, name="refresh_status"),
    path("monitoring.csv", partner_views.monitoring_csv, name="monitoring_csv"),
]
