from django.urls import path

from participants import import_views, onboarding_views, transfer_views, views

app_name = "participants"

urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
urlpatterns += import_views.urlpatterns + onboarding_views.urlpatterns + transfer_views.urlpatterns
