"""Every model's history (django-simple-history), with its manager classes shared
(ectalign.history): each instance still reads its own history, the model all of it."""

import pytest
from django_scopes import scopes_disabled

from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_history_reads_each_instance_own_rows_and_the_model_all_of_them():
    with scopes_disabled():
        first, second = SchoolFactory(name="Ash Primary"), SchoolFactory(name="Beech Primary")
        first.name = "Ash Primary Academy"
        first.save()
        assert [h.name for h in first.history.order_by("history_id")] == ["Ash Primary", "Ash Primary Academy"]
        assert [h.name for h in second.history.all()] == ["Beech Primary"]
        assert first.history.most_recent().name == "Ash Primary Academy"
        assert type(first).history.filter(id__in=[first.pk, second.pk]).count() == 3
        assert type(first.history) is type(second.history)  # one class, two managers
        assert first.history.instance is first and second.history.instance is second
