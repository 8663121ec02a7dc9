from django.urls import path

from participants import import_views, onboarding_views, transfer_views, views

app_name = "participants"

urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("schools/<int:pk>/", views.school_participants, name="school"),
    path("schools/<int:pk>/ects/new/", views.register_ect, name="register_ect"),
    path("schools/<int:pk>/mentors/new/", views.register_mentor, name="register_mentor"),
    path("ects/<int:pk>/", views.ect_detail, name="ect"),
    path("ects/<int:pk>/mentor/", views.pair_ect, name="pair_ect"),
    path("ects/<int:pk>/status/", views.ect_status, name="ect_status"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor"),
    path("mentors/<int:pk>/ects/", views.pair_mentor, name="pair_mentor"),
    path("mentors/<int:pk>/status/", views.mentor_status, name="mentor_status"),
    path("mentors/<int:pk>/absences/", views.mentor_absence, name="mentor_absence"),
    path("mentors/<int:pk>/absences/end/", views.end_mentor_absence, name="end_mentor_absence"),
    path("invitations/<int:pk>/resend/", views.resend_invitation, name="resend_invitation"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
]
urlpatterns += import_views.urlpatterns + onboarding_views.urlpatterns + transfer_views.urlpatterns
