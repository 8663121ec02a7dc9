import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from induction.factories import FormalAssessmentFactory, ProgressReviewFactory, StatutoryAbsenceFactory
from induction.models import ProgressReview, StatutoryAbsence
from schools.models import Role
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def review_of(world, **kw):
    ect = world.ects["own"]
    args = dict(tenant=ect.tenant, ect=ect, author=world.people[Role.INDUCTION_TUTOR],
                evidence_summary="STATUTORY-EVIDENCE-MARKER")
    args.update(kw)
    return ProgressReviewFactory(**args)


def statutory_urls(world, review):
    ect, school = world.ects["own"], world.school_a1
    return [
        reverse("induction:school", args=[school.pk]),
        reverse("induction:export_csv", args=[school.pk]),
        reverse("induction:export_pdf", args=[school.pk]),
        reverse("induction:ect", args=[ect.pk]),
        reverse("induction:working_pattern", args=[ect.pk]),
        reverse("induction:add_absence", args=[ect.pk]),
        reverse("induction:new_record", args=[ect.pk, "review"]),
        reverse("induction:new_record", args=[ect.pk, "assessment"]),
        reverse("induction:mine"),
        reverse("induction:record", args=["review", review.pk]),
        reverse("induction:record_pdf", args=["review", review.pk]),
        reverse("induction:edit_record", args=["review", review.pk]),
    ]


def test_the_ects_own_mentor_gets_404_on_every_statutory_page(world, client_for):
    review = review_of(world, shared_at=timezone.now())
    client = client_for(world.people[Role.MENTOR])
    for url in statutory_urls(world, review):
        assert client.get(url).status_code == 404, url
    for name in ("share_record", "acknowledge_record"):
        assert client.post(reverse(f"induction:{name}", args=["review", review.pk])).status_code == 404


def test_ect_sees_only_shared_records(world, client_for):
    review = review_of(world)
    client = client_for(world.people[Role.ECT])
    assert client.get(reverse("induction:record", args=["review", review.pk])).status_code == 404
    assert "STATUTORY-EVIDENCE-MARKER" not in client.get(reverse("induction:mine")).content.decode()
    review.shared_at = timezone.now()
    review.save()
    page = client.get(reverse("induction:record", args=["review", review.pk]))
    assert "STATUTORY-EVIDENCE-MARKER" in page.content.decode()


def test_timeline_shows_schedule_and_extension(world, client_for):
    ect = world.ects["own"]
    StatutoryAbsenceFactory(tenant=ect.tenant, ect=ect, starts_on=dt.date(2027, 1, 11), ends_on=dt.date(2027, 2, 14))
    page = client_for(world.people[Role.INDUCTION_TUTOR]).get(reverse("induction:ect", args=[ect.pk]))
    text = page.content.decode()
    assert "Progress review, term 1" in text and "Formal assessment 2" in text
    assert "35 days" in text
    assert "18 December 2026" in text  # review 1 due at the end of autumn term


def test_coaching_never_appears_in_statutory_pages_and_vice_versa(world, client_for):
    from coaching.factories import ObservationFactory
    from participants.models import Mentor

    ect = world.ects["own"]
    ObservationFactory(tenant=ect.tenant, ect=ect, mentor=Mentor.objects.get(user=world.people[Role.MENTOR]),
                       seen="COACHING-MARKER")
    review_of(world, shared_at=timezone.now())
    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    statutory = tutor.get(reverse("induction:ect", args=[ect.pk])).content.decode()
    statutory += tutor.get(reverse("induction:school", args=[world.school_a1.pk])).content.decode()
    assert "COACHING-MARKER" not in statutory
    coaching = tutor.get(reverse("coaching:ect_record", args=[ect.pk])).content.decode()
    assert "COACHING-MARKER" in coaching and "STATUTORY-EVIDENCE-MARKER" not in coaching


def test_bad_absence_is_refused_beside_the_field_and_nothing_is_written(world, client_for):
    ect = world.ects["own"]
    response = client_for(world.people[Role.INDUCTION_TUTOR]).post(
        reverse("induction:add_absence", args=[ect.pk]),
        {"kind": "sickness", "starts_on": "2027-01-10", "ends_on": "2027-01-05"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["ends_on"]
    assert "The last day of the absence must be on or after its first day." in errors
    assert 'id="id_ends_on_error"' in response.content.decode()
    assert not StatutoryAbsence.objects.exists()


def test_bad_fte_is_refused_beside_the_field(world, client_for):
    response = client_for(world.people[Role.INDUCTION_TUTOR]).post(
        reverse("induction:working_pattern", args=[world.ects["own"].pk]), {"starts_on": "2027-01-04", "fte": "1.5"},
    )
    assert "more than 0 and at most 1" in response.context["form"].errors["fte"][0]


def test_tutor_records_shares_and_the_ect_acknowledges(world, client_for):
    ect = world.ects["own"]
    tutor = client_for(world.people[Role.INDUCTION_TUTOR])
    response = tutor.post(reverse("induction:new_record", args=[ect.pk, "review"]), {
        "term": "1", "held_on": "2026-12-01", "on_track": "no", "evidence_summary": "Seen.",
        "agreed_targets": "Targets.", "support_plan": "",
    })
    assert "set out the support plan" in response.context["form"].errors["support_plan"][0]
    assert not ProgressReview.objects.exists()
    response = tutor.post(reverse("induction:new_record", args=[ect.pk, "review"]), {
        "term": "1", "held_on": "2026-12-01", "on_track": "yes", "evidence_summary": "Seen.",
        "agreed_targets": "Targets.",
    })
    assert response.status_code == 302
    review = ProgressReview.objects.get()
    assert review.author == world.people[Role.INDUCTION_TUTOR]
    tutor.post(reverse("induction:share_record", args=["review", review.pk]))
    ect_client = client_for(world.people[Role.ECT])
    ect_client.post(reverse("induction:acknowledge_record", args=["review", review.pk]), {"comment": "Thanks"})
    review.refresh_from_db()
    assert review.shared_at and review.acknowledged_at and review.ect_comment == "Thanks"


def test_headteacher_records_a_formal_assessment(world, client_for):
    ect = world.ects["own"]
    data = {"which": "1", "held_on": "2026-12-01", "summary": "Strong year."}
    data.update({name: "meeting" for name in ("ts1", "ts2", "ts3", "ts4", "ts5", "ts6", "ts7", "ts8", "part_two")})
    data["overall"] = "exceeding"
    response = client_for(world.people[Role.HEADTEACHER]).post(
        reverse("induction:new_record", args=[ect.pk, "assessment"]), data)
    assert response.status_code == 302
    assert ect.formal_assessments.get().get_overall_display() == "Exceeding"


def test_record_pdf_has_the_ects_name_and_the_judgement(world, client_for):
    ect = world.ects["own"]
    assessment = FormalAssessmentFactory(tenant=ect.tenant, ect=ect, author=world.people[Role.HEADTEACHER],
                                         overall="working_towards", shared_at=timezone.now())
    url = reverse("induction:record_pdf", args=["assessment", assessment.pk])
    response = client_for(world.people[Role.ECT]).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert ect.user.full_name in text and "Working towards" in text


def test_export_csv_is_formula_escaped(world, client_for):
    ect = world.ects["own"]
    ect.user.full_name = "=HYPERLINK(1)"
    ect.user.save()
    review_of(world)
    url = reverse("induction:export_csv", args=[world.school_a1.pk])
    response = client_for(world.people[Role.INDUCTION_TUTOR]).get(url)
    body = response.content.decode()
    assert "'=HYPERLINK(1)" in body
    assert "Progress review, term 1" in body and "Done" in body
    pdf = client_for(world.people[Role.INDUCTION_TUTOR]).get(reverse("induction:export_pdf", args=[world.school_a1.pk]))
    assert "Formal assessment 1" in pdf_text(pdf.content)


def test_school_list_queries_do_not_grow_per_ect(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participants.factories import ECTAtSchoolFactory

    client = client_for(world.people[Role.INDUCTION_TUTOR])
    url = reverse("induction:school", args=[world.school_a1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):
        placed = ECTAtSchoolFactory(tenant=world.tenant_a, school=world.school_a1, ect__tenant=world.tenant_a)
        review_of(world, ect=placed.ect)
        StatutoryAbsenceFactory(tenant=world.tenant_a, ect=placed.ect)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    assert page.content.decode().count("induction/ects/") >= 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_induction_schedule_command_prints_json(world):
    out = io.StringIO()
    call_command("induction_schedule", "--email", world.people[Role.ECT].email, stdout=out)
    data = json.loads(out.getvalue())
    assert data["start"] == "2026-09-02"
    assert data["expected_end"] == "2028-07-21"
    assert data["extension"] == {"days": 0, "reasons": []}
    assert [r["term"] for r in data["progress_reviews"]] == [1, 2, 4, 5]
    assert [a["term"] for a in data["formal_assessments"]] == [3, 6]
    assert data["progress_reviews"][0]["due"] == "2026-12-18"
    assert data["progress_reviews"][0]["status"] in ("overdue", "due", "upcoming")
    with pytest.raises(CommandError, match="not an ECT"):
        call_command("induction_schedule", "--email", world.people[Role.MENTOR].email)


def test_items_needing_attention_for_reminders(world):
    from induction.selectors import statutory_items_needing_attention

    ect = world.ects["own"]
    due = statutory_items_needing_attention(school=world.school_a1, on=dt.date(2026, 12, 1))
    assert [(e, i.title, i.status) for e, i in due] == [(ect, "Progress review, term 1", "due")]
    review_of(world)  # term 1 done
    assert statutory_items_needing_attention(school=world.school_a1, on=dt.date(2026, 12, 1)) == []
    later = statutory_items_needing_attention(school=world.school_a1, on=dt.date(2027, 3, 26))
    assert [(i.title, i.status) for _, i in later] == [("Progress review, term 2", "overdue")]
