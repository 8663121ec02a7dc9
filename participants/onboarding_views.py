"""Placeholder: filled in by the onboarding_views work."""

urlpatterns = []
