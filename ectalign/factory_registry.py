"""Find the factory-boy factory of every model (used by the test suite and the bench)."""

import importlib
import inspect

from factory.django import DjangoModelFactory

FACTORY_MODULES = [
    "ectalign.factories",
    "schools.factories",
    "participants.factories",
    "programme.factories",
    "coaching.factories",
    "events.factories",
    "reporting.factories",
    "induction.factories",
    "notifications.factories",
]


def factories_by_model():
    found = {}
    for module_name in FACTORY_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, DjangoModelFactory) and obj is not DjangoModelFactory and obj._meta.model:
                found.setdefault(obj._meta.model, obj)
    return found
