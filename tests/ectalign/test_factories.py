"""Every model of ours has a factory that builds a valid, saved row."""

import pytest
from django.apps import apps

from ectalign.factory_registry import factories_by_model

pytestmark = pytest.mark.django_db

OUR_APPS = ["ectalign", "schools", "participants", "programme", "coaching", "events", "reporting", "notifications", "induction"]


def our_models():
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # written by django-simple-history, not by people or factories
            yield model


@pytest.mark.parametrize("model", list(our_models()), ids=lambda m: m._meta.label)
def test_model_has_a_factory_that_builds_a_valid_row(model):
    factory = factories_by_model().get(model)
    assert factory is not None, f"Add a factory for {model._meta.label} to {model._meta.app_label}/factories.py"
    obj = factory()
    obj.full_clean()
    assert model.objects.filter(pk=obj.pk).exists()


# Models that deliberately keep no history, with the reason.
WITHOUT_HISTORY = {
    # Special-category data: withdrawing the answers must erase them, not archive them.
    "participants.MonitoringAnswers",
    # Figures a nightly job derives from records that keep their own history and
    # replaces wholesale; nobody edits them, and history would copy every row each night.
    "reporting.EngagementSnapshot",
    # A job's progress, written after every school; who asked and how it ended are on the row.
    "reporting.EngagementRefresh",
    # Written by the scan and the send task (the row is its own record: due, sent,
    # attempts, last error); a person only marks it read.
    "notifications.Notification",
}


@pytest.mark.parametrize("model", list(our_models()), ids=lambda m: m._meta.label)
def test_model_keeps_history_of_edits(model):
    """Who changed what and when, for every record a person edits (django-simple-history)."""
    from simple_history.models import HistoricalChanges

    if model._meta.label in WITHOUT_HISTORY:
        assert getattr(model, "history", None) is None, f"{model._meta.label} must not keep history"
        return

    history = getattr(model, "history", None)
    assert history is not None, f"{model._meta.label} has no HistoricalRecords: add `history = HistoricalRecords()`"
    assert issubclass(history.model, HistoricalChanges)
