from django.urls import path

from programme import self_study_views as views

app_name = "self_study"
urlpatterns = [
    path("", views.my_self_study, name="mine"),
    path("path/", views.my_path, name="path"),
    path("mentor-programme/", views.my_mentor_programme, name="mentor_programme"),
    path("modules/<int:module_id>/", views.save_module, name="save_module"),
    path("ects/<int:pk>/", views.ect_self_study, name="ect"),
    path("schools/<int:pk>/", views.course_progress, name="course_progress"),
]

# Year 2: the diagnostic and the action plan.
from programme import year_two_views  # noqa: E402

urlpatterns += [
    path("diagnostic/", year_two_views.diagnostic, name="diagnostic"),
    path("action-plan/", year_two_views.action_plan, name="action_plan"),
    path("ects/<int:pk>/action-plan/", year_two_views.ect_action_plan, name="ect_action_plan"),
    path("ects/<int:pk>/action-plan/agree/", year_two_views.agree_action_plan, name="agree_action_plan"),
]
