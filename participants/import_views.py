"""Placeholder: filled in by the import_views work."""

urlpatterns = []
