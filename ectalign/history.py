"""A speed-up for django-simple-history (the audit history every model keeps).

``HistoryDescriptor.__get__`` (``instance.history``) builds a new manager class each time
it is read (``Manager.from_queryset``, which inspects every method of the queryset
class), and the library reads it once for every history row it writes. With history on
every model that was about a tenth of a bulk import's time (1,000 people: 11.2 s, 9.8 s
with this). Here the class is built once per (manager, queryset) pair; a manager is
still made on each read, bound to its model and instance, exactly as before.
"""

from simple_history.manager import HistoryDescriptor

_classes = {}


def _get(self, instance, owner):
    key = (self.manager_class, self.queryset_class)
    if key not in _classes:
        _classes[key] = self.manager_class.from_queryset(self.queryset_class)
    return _classes[key](self.model, instance)


def share_history_manager_classes():
    """Install the shared classes (once, from the app's ``ready``). Checked against
    django-simple-history 3.13 (requirements.lock); a version whose descriptor differs is
    left as it is."""
    probe = HistoryDescriptor(model=None)
    if hasattr(probe, "manager_class") and hasattr(probe, "queryset_class"):
        HistoryDescriptor.__get__ = _get
