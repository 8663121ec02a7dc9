"""Placeholder: filled in by the transfer_views work."""

urlpatterns = []
