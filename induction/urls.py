from django.urls import path

from induction import views

app_name = "induction"

urlpatterns = [
    # The induction tutor and headteacher of the ECT's school
    path("schools/<int:pk>/", views.school, name="school"),
    path("schools/<int:pk>/appropriate-body.csv", views.school_export_csv, name="export_csv"),
    path("schools/<int:pk>/appropriate-body.pdf", views.school_export_pdf, name="export_pdf"),
    path("ects/<int:pk>/", views.ect, name="ect"),
    path("ects/<int:pk>/working-pattern/", views.working_pattern, name="working_pattern"),
    path("ects/<int:pk>/absences/new/", views.add_absence, name="add_absence"),
    path("ects/<int:pk>/<str:kind>/new/", views.new_record, name="new_record"),
    path("<str:kind>/<int:pk>/edit/", views.edit_record, name="edit_record"),
    path("<str:kind>/<int:pk>/share/", views.share_record, name="share_record"),
    # The ECT
    path("mine/", views.mine, name="mine"),
    path("<str:kind>/<int:pk>/acknowledge/", views.acknowledge_record, name="acknowledge_record"),
    # Both
    path("<str:kind>/<int:pk>/", views.record, name="record"),
    path("<str:kind>/<int:pk>/record.pdf", views.record_pdf, name="record_pdf"),
]
