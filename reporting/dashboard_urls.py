from django.urls import path

from reporting import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("schools/<int:pk>/", dashboard_views.school_dashboard, name="school"),
    path("schools/<int:pk>/this-week.pdf", dashboard_views.school_dashboard_pdf, name="school_pdf"),
    path("schools/<int:pk>/ects/<int:ect_pk>/", dashboard_views.ect, name="ect"),
    path("schools/<int:pk>/mentors/<int:mentor_pk>/", dashboard_views.mentor, name="mentor"),
]
