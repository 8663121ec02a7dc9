"""Caches for what pages read often and rarely changes: a programme's modules (kept in
the process), participants' release schedules and rendered page bodies (kept in the
shared cache). Each is keyed by generations that any save or delete of the data behind
it replaces (the signals at the end), so a change is seen at once, by every process
sharing the cache. Writes that skip signals (bulk_create, queryset.update) must call
the matching ``*_changed`` function themselves."""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

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


def people_generation(tenant_id):
    return _generation(f"people-generation:{tenant_id}")


def people_changed(tenant_id):
    cache.set(f"people-generation:{tenant_id}", uuid.uuid4().hex, None)


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


def participant_generations(user_ids):
    """{user_id: generation} of the participants' progress (ticks, training record,
    school periods, pauses, name), creating missing ones, in one cache round trip."""
    keys = {f"progress-generation:{user_id}": user_id for user_id in user_ids}
    found = cache.get_many(list(keys))
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    return {keys[key]: value for key, value in found.items()}


def participant_changed(user_id):
    if user_id is not None:
        cache.set(f"progress-generation:{user_id}", uuid.uuid4().hex, None)


def engagement_generation(tenant_id):
    return _generation(f"engagement-generation:{tenant_id}")


def engagement_changed(tenant_id):
    """Anything the engagement selector reads changed in this tenant (a tick, a coaching
    log, a booking or a mark, a mentorship, a pause, a status...)."""
    if tenant_id is not None:
        cache.set(f"engagement-generation:{tenant_id}", uuid.uuid4().hex, None)


def notifications_generation(user_id):
    return _generation(f"notifications-generation:{user_id}")


def notifications_changed(user_ids):
    """Messages of these people were created, sent, given up or read (the header's
    unread count). Replaced now and again once the transaction commits, so a count read
    by another connection in between is not kept. One cache round trip each time,
    however many people."""
    user_ids = {pk for pk in user_ids if pk is not None}

    def replace():
        cache.set_many({f"notifications-generation:{pk}": uuid.uuid4().hex for pk in user_ids}, None)

    if user_ids:
        replace()
        transaction.on_commit(replace)


FRAGMENT_TIMEOUT = 24 * 60 * 60


def cached_fragment(key_parts, render):
    """Rendered HTML for a page's body, kept until any generation in its key changes
    (or a day passes: "today" is part of every key that depends on the date)."""
    key = "fragment:" + hashlib.sha1(repr(tuple(key_parts)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = render()
        cache.set(key, found, FRAGMENT_TIMEOUT)
    return found


def forget_everything():
    """For tests: drop the process's copies (the shared cache is cleared separately)."""
    _modules.clear()


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    from ectalign.models import User
    from participants import models as participants
    from programme import models as programme
    from schools import models as schools

    def _tenants_of(user, kwargs):
        """The delivery partners a person belongs to (none yet when just created)."""
        if kwargs.get("created"):
            return []
        return schools.Membership._base_manager.filter(user=user).values_list("tenant_id", flat=True)

    def connect(receiver, models, uid):
        # weak=False: the receivers are local functions, which nothing else holds. A weak
        # reference (Django's default) let them be collected as soon as this function
        # returned (seen with DEBUG off, as in production): no cache was ever refreshed.
        for model in models:
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-{model.__name__}", weak=False)
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-del-{model.__name__}", weak=False)

    def on_programme_content(sender, instance, **kwargs):
        if isinstance(instance, programme.Programme):
            programme_changed(instance.pk)
        elif isinstance(instance, programme.ModuleActivity):
            programme_changed(programme.Module._base_manager.filter(pk=instance.module_id).values_list("programme_id", flat=True).first())
        else:
            programme_changed(instance.programme_id)

    def on_calendar(sender, instance, **kwargs):
        calendar_changed(instance.tenant_id)

    def on_participant(sender, instance, **kwargs):
        if isinstance(instance, (programme.ActivityCompletion, participants.ECT)):
            participant_changed(instance.user_id)
        elif isinstance(instance, programme.Cohort):
            for user_id in participants.ECT._base_manager.filter(cohort_id=instance.pk).values_list("user_id", flat=True):
                participant_changed(user_id)
        elif hasattr(instance, "ect_id"):  # a school period or a pause
            ect = instance._state.fields_cache.get("ect")  # the record in hand, when it was given
            participant_changed(ect.user_id if ect is not None else participants.ECT._base_manager.filter(
                pk=instance.ect_id).values_list("user_id", flat=True).first())
        else:  # a person: their name shows on progress pages
            if set(kwargs.get("update_fields") or ()) == {"last_login"}:
                return  # signing in changes nothing shown
            participant_changed(instance.pk)
            for tenant_id in _tenants_of(instance, kwargs):
                people_changed(tenant_id)

    def on_people(sender, instance, **kwargs):
        people_changed(instance.tenant_id)

    connect(on_programme_content, (programme.Programme, programme.ProgrammeYear, programme.Strand, programme.Term,
                                   programme.Module, programme.ModuleActivity), "programme-cache")
    connect(on_participant, (programme.ActivityCompletion, programme.Cohort, participants.ECT,
                             participants.ECTAtSchool, participants.Pause, User), "progress-cache")
    connect(on_people, (schools.Membership, participants.Mentorship), "people-cache")
    connect(on_calendar, (schools.TermDates, schools.InsetDay), "calendar-cache")

    from coaching import models as coaching
    from events import models as events

    def on_engagement(sender, instance, **kwargs):
        engagement_changed(getattr(instance, "tenant_id", None))

    def on_any_tenant(sender, instance, **kwargs):
        # Term dates of a delivery partner or a school, and people's names: every tenant
        # of theirs (rare writes).
        if isinstance(instance, User):
            if set(kwargs.get("update_fields") or ()) == {"last_login"}:
                return
            for tenant_id in _tenants_of(instance, kwargs):
                engagement_changed(tenant_id)
        else:
            engagement_changed(instance.tenant_id)

    connect(on_engagement, (
        programme.ActivityCompletion, programme.Cohort, participants.ECT, participants.Mentor,
        participants.ECTAtSchool, participants.MentorAtSchool, participants.Mentorship, participants.Pause,
        participants.MentorAbsence, participants.StatusChange, coaching.Observation, coaching.Meeting,
        coaching.ActionStep, events.Session, events.Booking, events.CatchUp, schools.Membership,
    ), "engagement-cache")
    connect(on_any_tenant, (schools.TermDates, schools.InsetDay, User), "engagement-cache-any")

    from notifications.models import Notification

    def on_notification(sender, instance, **kwargs):
        notifications_changed([instance.recipient_id])

    connect(on_notification, (Notification,), "notifications-cache")
