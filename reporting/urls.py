from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    # A school's release time (?term=2026-autumn; the current term without it)
    path("schools/<int:pk>/release-time/", views.release_time, name="release_time"),
    path("schools/<int:pk>/release-time/report.pdf", views.release_time_pdf, name="release_time_pdf"),
    path("schools/<int:pk>/release-time/record/", views.record, name="record"),
    path("schools/<int:pk>/release-time/ects/<int:ect_pk>/", views.record_ect, name="record_ect"),
    # The delivery partner's batches of reports across its schools
    path("release-time/batches/", views.batches, name="batches"),
    path("release-time/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("release-time/batches/<int:pk>/download/", views.batch_download, name="batch_download"),
]
