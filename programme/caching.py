"""Caches for what every self-study page reads and rarely changes: a programme's
modules (kept in the process) and participants' release schedules (kept in the shared
cache). Each is keyed by a generation that any save or delete of the data behind it
replaces, so a change is seen at once, by every process sharing the cache."""

import hashlib
import uuid

from django.core.cache import cache

_modules = {}  # programme id -> (generation, [Module, ...])
SCHEDULE_TIMEOUT = 24 * 60 * 60


def _generation(key):
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, None)
        value = cache.get(key)
    return value


def programme_generation(programme_id):
    return _generation(f"programme-generation:{programme_id}")


def calendar_generation(tenant_id):
    return _generation(f"calendar-generation:{tenant_id}")


def programme_changed(programme_id):
    cache.set(f"programme-generation:{programme_id}", uuid.uuid4().hex, None)
    _modules.pop(programme_id, None)


def calendar_changed(tenant_id):
    cache.set(f"calendar-generation:{tenant_id}", uuid.uuid4().hex, None)


def cached_modules(programme_id, load):
    generation = programme_generation(programme_id)
    found = _modules.get(programme_id)
    if found is None or found[0] != generation:
        found = _modules[programme_id] = (generation, load())
    return found[1]


def cached_schedule(key_parts, compute):
    key = "schedule:" + hashlib.sha1(repr(tuple(key_parts)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, SCHEDULE_TIMEOUT)
    return found


def forget_everything():
    """For tests: drop the process's copies (the shared cache is cleared separately)."""
    _modules.clear()


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    from programme import models as programme
    from schools import models as schools

    def on_programme_content(sender, instance, **kwargs):
        if isinstance(instance, programme.Programme):
            programme_changed(instance.pk)
        elif isinstance(instance, programme.ModuleActivity):
            programme_changed(programme.Module._base_manager.filter(pk=instance.module_id).values_list("programme_id", flat=True).first())
        else:
            programme_changed(instance.programme_id)

    def on_calendar(sender, instance, **kwargs):
        calendar_changed(instance.tenant_id)

    for model in (programme.Programme, programme.ProgrammeYear, programme.Strand, programme.Term,
                  programme.Module, programme.ModuleActivity):
        post_save.connect(on_programme_content, sender=model, dispatch_uid=f"programme-cache-{model.__name__}")
        post_delete.connect(on_programme_content, sender=model, dispatch_uid=f"programme-cache-del-{model.__name__}")
    for model in (schools.TermDates, schools.InsetDay):
        post_save.connect(on_calendar, sender=model, dispatch_uid=f"calendar-cache-{model.__name__}")
        post_delete.connect(on_calendar, sender=model, dispatch_uid=f"calendar-cache-del-{model.__name__}")
