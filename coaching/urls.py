from django.urls import path

from coaching import coach_views, ect_views, mentor_views, overview_views

app_name = "coaching"

urlpatterns = [
    # The mentor (tablet-first)
    path("my-week/", mentor_views.my_week, name="my_week"),
    path("ects/<int:pk>/observations/new/", mentor_views.log_observation, name="log_observation"),
    path("observations/<int:pk>/edit/", mentor_views.edit_observation, name="edit_observation"),
    path("ects/<int:pk>/meetings/new/", mentor_views.log_meeting, name="log_meeting"),
    path("meetings/<int:pk>/edit/", mentor_views.edit_meeting, name="edit_meeting"),
    path("library/", mentor_views.step_library, name="library"),
    # The ECT
    path("my-steps/", ect_views.my_steps, name="my_steps"),
    path("my-steps/propose/", ect_views.propose_step, name="propose_step"),
    path("meetings/<int:pk>/reflection/", ect_views.add_reflection, name="add_reflection"),
    # The induction tutor, headteacher and delivery partner staff
    path("schools/<int:pk>/", overview_views.school_overview, name="school_overview"),
    path("ects/<int:pk>/", overview_views.ect_record, name="ect_record"),
    path("ects/<int:pk>/summary.pdf", overview_views.summary_pdf, name="summary_pdf"),
    # Coaching for mentors
    path("coach/", coach_views.coach_home, name="coach_home"),
    path("coach/mentors/<int:pk>/sessions/new/", coach_views.log_session, name="log_session"),
    path("my-coaching/", coach_views.my_coaching, name="my_coaching"),
]
