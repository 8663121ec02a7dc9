"""Self-study: ticking activities, what is due and overdue, and what the mentor and the
induction tutor then see."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programme.factories import ModuleActivityFactory, ModuleFactory, TermFactory
from programme.models import ActivityCompletion, ModuleActivity
from schools.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(monkeypatch):
    """Pin "today" (Europe/London) for the pages."""

    def pin(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return pin


def activity_ids(module):
    return [a.pk for a in module.activities.order_by("order")]


def test_ticking_activities_records_who_and_when(world, client_for, on_day):
    on_day(dt.date(2026, 9, 8))
    ect_user = world.user(Role.ECT)
    client = client_for(ect_user)
    ids = activity_ids(world.module)
    response = client.post(reverse("self_study:save_module", args=[world.module.pk]), {"activity": ids[:2]}, follow=True)
    assert "Routines and expectations: progress saved (2 of 4 activities done)." in response.content.decode()
    rows = ActivityCompletion.objects.filter(user=ect_user)
    assert sorted(rows.values_list("activity_id", flat=True)) == ids[:2]
    assert {r.completed_by for r in rows} == {ect_user}
    assert {r.tenant for r in rows} == {world.tenant_a}


def test_completing_every_activity_completes_the_module_and_unticking_undoes_it(world, client_for, on_day):
    on_day(dt.date(2026, 9, 8))
    client = client_for(world.user(Role.ECT))
    url = reverse("self_study:save_module", args=[world.module.pk])
    response = client.post(url, {"activity": activity_ids(world.module)}, follow=True)
    assert "Routines and expectations: module complete. Well done." in response.content.decode()
    assert ActivityCompletion.objects.count() == 4
    client.post(url, {"activity": activity_ids(world.module)[:3]})
    assert ActivityCompletion.objects.count() == 3


def test_a_module_not_yet_open_cannot_be_ticked(world, client_for, on_day):
    later_term = TermFactory(year=world.module.term.year, number=world.module.term.number + 2, start_week=27, end_week=39)
    later = ModuleFactory(term=later_term, programme=world.programme, title="Effective feedback", start_week=27, end_week=28)
    activity = ModuleActivityFactory(module=later, order=1, kind=ModuleActivity.Kind.READ)
    on_day(dt.date(2026, 9, 8))
    client = client_for(world.user(Role.ECT))
    response = client.post(reverse("self_study:save_module", args=[later.pk]), {"activity": [activity.pk]}, follow=True)
    html = response.content.decode()
    assert "Effective feedback opens on" in html and "you can tick its activities from then" in html
    assert not ActivityCompletion.objects.exists()


def test_an_activity_of_another_module_is_refused(world, client_for, on_day):
    on_day(dt.date(2026, 9, 8))
    client = client_for(world.user(Role.ECT))
    stranger = ModuleActivityFactory()
    response = client.post(reverse("self_study:save_module", args=[world.module.pk]), {"activity": [stranger.pk]}, follow=True)
    assert "Those activities are not part of Routines and expectations" in response.content.decode()
    assert not ActivityCompletion.objects.exists()


def test_the_checklist_shows_due_now_then_overdue_with_how_long(world, client_for, on_day):
    client = client_for(world.user(Role.ECT))
    on_day(dt.date(2026, 9, 8))
    html = client.get(reverse("self_study:mine")).content.decode()
    assert "Due now" in html and "Routines and expectations" in html and "Overdue" not in html.split("Due now")[0]
    # Weeks 1-2 of a September 2026 start end on Friday 11 September (standard calendar).
    on_day(dt.date(2026, 9, 21))
    html = client.get(reverse("self_study:mine")).content.decode()
    assert "Overdue by 10 days" in html


def test_mentor_and_induction_tutor_see_the_module_complete(world, client_for, on_day):
    on_day(dt.date(2026, 9, 8))
    client_for(world.user(Role.ECT)).post(
        reverse("self_study:save_module", args=[world.module.pk]), {"activity": activity_ids(world.module)}
    )
    mentor_html = client_for(world.user(Role.MENTOR)).get(reverse("self_study:ect", args=[world.ects["own"].pk])).content.decode()
    assert "Completed" in mentor_html and "4/4" in mentor_html
    assert 'name="activity"' not in mentor_html  # read-only for the mentor
    tutor_html = client_for(world.user(Role.INDUCTION_TUTOR)).get(
        reverse("self_study:course_progress", args=[world.school_a1.pk])
    ).content.decode()
    assert world.user(Role.ECT).full_name in tutor_html
    assert "On track" in tutor_html


def test_mentor_ticks_their_own_programme(world, client_for):
    client = client_for(world.user(Role.MENTOR))
    activity = world.mentor_module.activities.get()
    response = client.post(reverse("self_study:save_module", args=[world.mentor_module.pk]), {"activity": [activity.pk]}, follow=True)
    assert "Selecting steps: module complete. Well done." in response.content.decode()
    assert ActivityCompletion.objects.filter(user=world.user(Role.MENTOR), activity=activity).exists()


def test_course_progress_queries_do_not_grow_with_ects(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participants.factories import ECTAtSchoolFactory, ECTFactory

    from django.core.cache import cache

    client = client_for(world.user(Role.INDUCTION_TUTOR))
    url = reverse("self_study:course_progress", args=[world.school_a1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    cache.clear()  # the cached body is gone: this request computes every path
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(5):
        ect = ECTFactory(tenant=world.tenant_a, cohort=world.ects["own"].cohort)
        ECTAtSchoolFactory(ect=ect, school=world.school_a1, tenant=world.tenant_a)
    cache.clear()
    with CaptureQueriesContext(connection) as six:
        html = client.get(url).content.decode()
    assert "ECTs (6)" in html
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
    assert len(warm) < len(one)


def test_every_change_behind_the_cached_pages_shows_at_once(world, client_for, on_day):
    """The rendered checklist and course-progress bodies are cached; each kind of change
    behind them (a tick, an untick, a pause, a new FTE, a new name) shows on the next view."""
    from participants.models import Pause

    on_day(dt.date(2026, 9, 8))
    from django.test import Client

    ect = client_for(world.user(Role.ECT))
    tutor_client = Client()
    tutor_client.force_login(world.user(Role.INDUCTION_TUTOR), backend="allauth.account.auth_backends.AuthenticationBackend")
    progress_url = reverse("self_study:course_progress", args=[world.school_a1.pk])
    assert "Routines and expectations (done)" not in tutor_client.get(progress_url).content.decode()
    assert "Activities done (0 of 4)" in ect.get(reverse("self_study:mine")).content.decode()

    ect.post(reverse("self_study:save_module", args=[world.module.pk]), {"activity": activity_ids(world.module)})
    assert "Activities done (4 of 4)" in ect.get(reverse("self_study:mine")).content.decode()
    assert "Routines and expectations (done)" in tutor_client.get(progress_url).content.decode()

    ect.post(reverse("self_study:save_module", args=[world.module.pk]), {"activity": activity_ids(world.module)[:1]})
    assert "Activities done (1 of 4)" in ect.get(reverse("self_study:mine")).content.decode()
    assert "Routines and expectations (done)" not in tutor_client.get(progress_url).content.decode()

    record = world.ects["own"]
    Pause.objects.create(tenant=world.tenant_a, ect=record, kind=Pause.Kind.SICKNESS,
                         starts_on=dt.date(2026, 9, 2), ends_on=dt.date(2026, 9, 11))
    # Paused for the first two teaching weeks: weeks 1-2 are now 14 to 25 September, so
    # on 8 September the module has not opened yet.
    html = ect.get(reverse("self_study:mine")).content.decode()
    assert "opens 14 September 2026" in html and "Activities done" not in html

    record.fte = "0.50"
    record.save()
    assert "0.50 FTE" in tutor_client.get(progress_url).content.decode()

    person = world.user(Role.ECT)
    person.full_name = "Renamed Teacher"
    person.save()
    assert "Renamed Teacher" in tutor_client.get(progress_url).content.decode()


def test_changed_term_dates_and_programme_content_show_at_once(world, client_for, on_day):
    """The programme and schedule caches never serve yesterday's dates or titles."""
    from schools.services import set_term_dates

    on_day(dt.date(2026, 9, 8))
    client = client_for(world.user(Role.ECT))
    assert "Expected by 11 September 2026" in client.get(reverse("self_study:mine")).content.decode()
    # The school starts a week later: weeks 1-2 are now 14 to 25 September.
    set_term_dates(
        actor=world.user(Role.INDUCTION_TUTOR), tenant=world.tenant_a, school=world.school_a1, academic_year=2026,
        terms=[
            {"term": 1, "starts_on": dt.date(2026, 9, 14), "ends_on": dt.date(2026, 12, 18)},
            {"term": 2, "starts_on": dt.date(2027, 1, 5), "ends_on": dt.date(2027, 3, 26)},
            {"term": 3, "starts_on": dt.date(2027, 4, 12), "ends_on": dt.date(2027, 7, 21)},
        ],
    )
    on_day(dt.date(2026, 9, 15))
    html = client.get(reverse("self_study:mine")).content.decode()
    assert "Expected by 25 September 2026" in html
    world.module.title = "Routines, expectations and relationships"
    world.module.save()
    assert "Routines, expectations and relationships" in client.get(reverse("self_study:mine")).content.decode()


def test_the_mentor_programme_lists_its_conferences_and_clinics(world, client_for):
    from programme.factories import EventTemplateFactory, TermFactory

    term = TermFactory(year__programme=world.mentor_module.programme, number=1)
    EventTemplateFactory(term=term, programme=term.programme, kind="conference", number=1,
                         title="Developing high quality instructional coaching", hours=6)
    EventTemplateFactory(term=term, programme=term.programme, kind="clinic", number=1,
                         title="Providing challenge through instructional coaching", hours="1.5")
    html = client_for(world.user(Role.MENTOR)).get(reverse("self_study:mentor_programme")).content.decode()
    assert "Conference 1: Developing high quality instructional coaching" in html
    assert "Clinic 1: Providing challenge through instructional coaching" in html
    assert ">1.5<" in html and ">6<" in html
    assert "Selecting steps" in html  # the self-study module is still there
