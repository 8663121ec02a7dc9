"""A whole delivery partner's release-time reports as one ZIP, made by a Celery job:
eagerly (the embedded default) and by a real worker over a real Redis broker (REDIS_URL's
server, a database of the test process's own: tests/jobs/conftest.py). Progress shows on the batch's page; the ZIP downloads when ready."""

import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from reporting import services
from reporting.factories import ECTTermTimetableFactory, ReleaseTimeBatchFactory, StandardTimetableFactory
from reporting.models import ReleaseTimeBatch
from schools.models import Role
from tests.jobs.conftest import broker, broker_url, celery_worker  # noqa: F401 (fixtures: a real worker)
from tests.reporting.conftest import AUTUMN_2026
from tests.pdf import pdf_text


pytestmark = pytest.mark.usefixtures("release_today")

EXPECTED_FILES = [
    "release-time-111111-alder-primary-2026-autumn.pdf",
    "release-time-111112-aspen-academy-2026-autumn.pdf",
]


def _pdf_text(pdf_bytes):
    return pdf_text(pdf_bytes, flat=True)


def _figures(world):
    StandardTimetableFactory(school=world.school_a1, hours=Decimal("22.5"))
    ECTTermTimetableFactory(school=world.school_a1, ect=world.ects["own"], teaching_hours=Decimal("20.25"))


def _assert_zip(content, world):
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    assert sorted(archive.namelist()) == EXPECTED_FILES  # tenant A's two schools, not tenant B's
    alder = _pdf_text(archive.read(EXPECTED_FILES[0]))
    assert "Alder Primary (URN 111111)" in alder and "Autumn term 2026 to 2027" in alder
    assert world.people[Role.ECT].full_name in alder and "20.25" in alder
    assert "1 ECT: 1 within the ceiling" in alder
    assert "Aspen Academy (URN 111112)" in _pdf_text(archive.read(EXPECTED_FILES[1]))


@pytest.mark.django_db
def test_staff_start_a_batch_and_download_every_schools_report(world, client_for, django_capture_on_commit_callbacks):
    _figures(world)
    client = client_for(world.user(Role.DP_STAFF))
    page = client.get(reverse("reporting:batches"))
    assert page.status_code == 200 and "Alder Primary" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reporting:batches"), {"term": "2026-autumn"})
    assert len(callbacks) == 1  # the job is queued once, after the batch is saved

    batch = ReleaseTimeBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reporting:batch_detail", args=[batch.pk])
    assert (batch.status, batch.schools_done, batch.schools_total) == (ReleaseTimeBatch.Status.DONE, 2, 2)
    assert batch.requested_by == world.user(Role.DP_STAFF)
    detail = client.get(response["Location"])
    assert "Download the reports (ZIP)" in detail.content.decode()
    assert "data-poll-url" not in detail.content.decode()  # finished: nothing more to check

    download = client.get(reverse("reporting:batch_download", args=[batch.pk]))
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == 'attachment; filename="release-time-reports-alpha-2026-autumn.zip"'
    _assert_zip(download.content, world)


@pytest.mark.django_db
def test_a_running_batch_shows_its_progress_and_checks_again(world, client_for):
    batch = ReleaseTimeBatchFactory(
        tenant=world.tenant_a, status=ReleaseTimeBatch.Status.RUNNING, schools_total=4, schools_done=1, content=None,
    )
    client = client_for(world.user(Role.DP_ADMIN))
    url = reverse("reporting:batch_detail", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "1 of 4 schools done (25%)." in page
    assert f'data-poll-url="{url}"' in page and "js/progress.js" in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="batch-progress"') and "<html" not in fragment
    not_ready = client.get(reverse("reporting:batch_download", args=[batch.pk]))
    assert not_ready.status_code == 302 and not_ready["Location"] == url


@pytest.mark.django_db
def test_a_bad_term_starts_nothing(world, client_for):
    response = client_for(world.user(Role.DP_STAFF)).post(reverse("reporting:batches"), {"term": "2015-autumn"})
    assert response.status_code == 200
    assert "Choose a term from 2023-autumn to 2027-summer." in response.content.decode()
    assert not ReleaseTimeBatch.objects.exists()


@pytest.mark.django_db
def test_a_failure_is_recorded_on_the_batch(world, monkeypatch, django_capture_on_commit_callbacks):
    from reporting import pdf

    made = []

    def fail_on_second(report):
        made.append(report.school.name)
        if len(made) == 2:
            raise OSError("disk full")
        return b"%PDF-1.7"

    monkeypatch.setattr(pdf, "release_time_pdf", fail_on_second)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_release_time_batch(
            actor=world.user(Role.DP_STAFF), tenant=world.tenant_a, term=AUTUMN_2026
        )
    batch.refresh_from_db()
    assert batch.status == ReleaseTimeBatch.Status.FAILED
    assert batch.error == (
        "The report of Aspen Academy (school 2 of 2) could not be made. Start the batch again; if it fails again, "
        "tell the ectalign support team."
    )
    assert "disk full" not in batch.error  # internals go to the log, not to the page
    assert not batch.content


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_batch(world, celery_worker):
    _figures(world)
    batch = services.start_release_time_batch(actor=world.user(Role.DP_STAFF), tenant=world.tenant_a, term=AUTUMN_2026)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.is_finished:
            break
        time.sleep(0.2)
    assert batch.status == ReleaseTimeBatch.Status.DONE, batch.error
    assert batch.schools_done == batch.schools_total == 2
    _assert_zip(batch.content, world)
