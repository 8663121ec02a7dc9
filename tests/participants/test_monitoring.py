"""Equality monitoring answers: the person's own page (see, change, withdraw), nobody
else ever seeing them, and the delivery partner's counts with small numbers suppressed."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from participants import onboarding
from participants.factories import MonitoringAnswersFactory
from participants.models import MonitoringAnswers
from participants.onboarding import OnboardingError
from schools.factories import MembershipFactory
from schools.models import Role
from tests.access import ROUTES, ObjectScoped, Public
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

# Answers no page shows unless it shows this person's answers (or lists every choice).
DISTINCT = {
    "gender_identity": ("non_binary", "Non-binary"),
    "transgender": ("no", None),
    "sexual_orientation": ("bisexual", "Bisexual"),
    "ethnicity": ("mixed", "Mixed or Multiple ethnic groups"),
}
ANSWERS = {field: value for field, (value, _) in DISTINCT.items()}
LABELS = [label for _, label in DISTINCT.values() if label]
# Pages that list every answer as a choice: checked separately below. The summary's CSV
# (the delivery partner's reports) lists every choice with the summary's suppressed counts.
FORM_PAGES = {
    "participants:onboarding", "participants:my_monitoring", "participants:monitoring_summary",
    "partner_reports:monitoring_csv",
}
OTHERS = [Role.INDUCTION_TUTOR, Role.HEADTEACHER, Role.MENTOR, Role.DP_ADMIN, Role.DP_STAFF]


def answer(user, **answers):
    return MonitoringAnswersFactory(user=user, **{**ANSWERS, **answers})


# --- The person's own page -------------------------------------------------------------


def test_the_person_sees_their_own_answers(world, client_for):
    answer(world.user(Role.ECT))
    html = client_for(world.user(Role.ECT)).get(reverse("participants:my_monitoring")).content.decode()
    assert "Only you can see these answers" in html
    summary = html[html.index('<dl class="govuk-summary-list">'):html.index("</dl>")]
    for label in LABELS:
        assert label in summary
    assert 'value="bisexual" checked' in html


def test_the_person_changes_their_answers(world, client_for):
    answer(world.user(Role.ECT))
    client = client_for(world.user(Role.ECT))
    response = client.post(reverse("participants:my_monitoring"), {**ANSWERS, "ethnicity": "white"}, follow=True)
    assert "Your monitoring answers are saved" in response.content.decode()
    assert MonitoringAnswers.objects.get(user=world.user(Role.ECT)).ethnicity == "white"


def test_anybody_signed_in_may_answer_and_every_question_is_needed(world, client_for):
    client = client_for(world.user(Role.HEADTEACHER))
    response = client.post(reverse("participants:my_monitoring"), {**ANSWERS, "transgender": ""})
    assert "Choose an answer about your gender and sex registered at birth" in response.content.decode()
    assert not MonitoringAnswers.objects.exists()
    with pytest.raises(OnboardingError):
        onboarding.save_monitoring(user=world.user(Role.HEADTEACHER), answers={**ANSWERS, "ethnicity": "martian"})
    assert client.post(reverse("participants:my_monitoring"), ANSWERS).status_code == 302
    assert MonitoringAnswers.objects.get(user=world.user(Role.HEADTEACHER)).gender_identity == "non_binary"


def test_withdrawing_asks_first_then_deletes_the_answers(world, client_for):
    answer(world.user(Role.ECT))
    client = client_for(world.user(Role.ECT))
    page = client.get(reverse("participants:my_monitoring")).content.decode()
    assert "Withdraw my answers" in page
    confirm = client.get(reverse("participants:withdraw_monitoring")).content.decode()
    assert "Yes, withdraw my answers" in confirm
    assert MonitoringAnswers.objects.filter(user=world.user(Role.ECT)).exists()  # asking deletes nothing
    response = client.post(reverse("participants:withdraw_monitoring"), follow=True)
    assert "Your monitoring answers are deleted" in response.content.decode()
    assert not MonitoringAnswers.objects.filter(user=world.user(Role.ECT)).exists()
    assert onboarding.my_monitoring(world.user(Role.ECT)) is None
    again = client.post(reverse("participants:withdraw_monitoring"), follow=True)
    assert "You had no monitoring answers to withdraw" in again.content.decode()


def test_withdrawing_touches_nobody_elses_answers(world):
    answer(world.user(Role.ECT))
    answer(world.user(Role.MENTOR))
    assert onboarding.withdraw_monitoring(user=world.user(Role.ECT)) is True
    assert MonitoringAnswers.objects.filter(user=world.user(Role.MENTOR)).exists()


# --- Nobody else sees them -----------------------------------------------------------


@pytest.fixture
def ect_answered(world):
    """The A1 ECT completes onboarding with distinctive monitoring answers."""
    ect = world.user(Role.ECT)
    onboarding.submit_onboarding(
        user=ect, membership=world.memberships[Role.ECT], phase="primary", subject="General primary",
        working_pattern="full_time", terms_accepted=True, hopes="Curriculum planning", monitoring=dict(ANSWERS),
    )
    return ect


def _get_urls(world, role):
    for name, spec in ROUTES.items():
        if name in FORM_PAGES or getattr(spec, "method", "get") != "get":
            continue
        if isinstance(spec, ObjectScoped):
            yield name, reverse(name, kwargs=spec.kwargs(world, "own", role))
        elif isinstance(spec, Public) and spec.kwargs:
            yield name, reverse(name, kwargs=spec.kwargs(world))
        else:
            yield name, reverse(name)


def _text(response):
    """What a page or a download says: HTML and CSV as text, a PDF through pdftotext
    (installed by ``make test``)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(content)
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("role", OTHERS)
def test_no_page_shows_a_persons_answers_to_anyone_else(world, client_for, ect_answered, role):
    """Every page the role can open (the ECT's own pages as their mentor, tutor,
    headteacher or delivery partner sees them included) shows none of the answers."""
    client = client_for(world.user(role))
    client.raise_request_exception = False  # a page that fails shows nothing either
    opened = []
    for name, url in _get_urls(world, role):
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text(response)
        opened.append(name)
        for label in LABELS:
            assert label not in text, f"{name} shows “{label}” to the {role}"
    assert "home" in opened
    if role != Role.DP_ADMIN and role != Role.DP_STAFF:
        assert "self_study:ect" in opened  # the ECT's own record, as these roles see it
    # Their own monitoring page shows no answers: they have given none.
    own = client.get(reverse("participants:my_monitoring")).content.decode()
    assert "You have not given any monitoring answers" in own and " checked" not in own


@pytest.mark.parametrize("role", [Role.DP_ADMIN, Role.DP_STAFF])
def test_the_admin_never_shows_monitoring_answers(world, client_for, ect_answered, role):
    assert MonitoringAnswers not in admin.site._registry
    client = client_for(world.user(role))
    client.raise_request_exception = False
    opened = []
    for model in admin.site._registry:
        meta = model._meta
        urls = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        if meta.app_label == "participants":
            for obj in model._base_manager.filter(tenant=world.tenant_a)[:5]:
                urls += [reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])
                         for view in ("change", "history")]
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                opened.append(url)
                html = response.content.decode()
                for label in LABELS:
                    assert label not in html, f"{url} shows “{label}”"
    assert reverse("admin:participants_onboarding_changelist") in opened
    assert reverse("admin:participants_ect_changelist") in opened
    assert any("/onboarding/" in url and url.endswith("/change/") for url in opened)


def test_the_answers_are_nobody_elses_through_the_service(world, ect_answered):
    # The only reader takes the person: another person reading gets their own (none).
    assert onboarding.my_monitoring(world.user(Role.INDUCTION_TUTOR)) is None
    assert onboarding.my_monitoring(ect_answered).sexual_orientation == "bisexual"


# --- The delivery partner's summary --------------------------------------------------


def people(world, n, *, role=Role.ECT, tenant=None, school=None, **answers):
    made = []
    for _ in range(n):
        membership = MembershipFactory(tenant=tenant or world.tenant_a, school=school or world.school_a1, role=role)
        made.append(MonitoringAnswersFactory(user=membership.user, **answers))  # the rest: prefer not to say
    return made


def shown_on_page(html, answer):
    """The count the summary page's table shows beside an answer (the first table holding it)."""
    return re.search(rf'<th scope="row" class="govuk-table__header">{answer}</th>\s*<td[^>]*>([^<]*)</td>', html)[1]


def rows(summary, field):
    return dict(next(q for q in summary.questions if q.question.field == field).rows)


def test_three_women_show_as_fewer_than_five(world, client_for):
    people(world, 3, gender_identity="woman")
    summary = onboarding.monitoring_summary(tenant=world.tenant_a)
    assert rows(summary, "gender_identity")["Woman"] == "<5"
    assert summary.respondents == "<5"
    # Nor can it be seen that all of them gave the same answer: every count is "<5".
    assert set(rows(summary, "gender_identity").values()) == {"<5"}
    html = client_for(world.user(Role.DP_STAFF)).get(reverse("participants:monitoring_summary")).content.decode()
    assert shown_on_page(html, "Woman") == "&lt;5"
    assert "People who answered: &lt;5" in html


def test_the_reports_csv_shows_the_summarys_suppressed_counts(world, client_for):
    """The delivery partner's CSV of the summary: three women are "<5", like every count."""
    people(world, 3, gender_identity="woman")
    csv_text = client_for(world.user(Role.DP_STAFF)).get(reverse("partner_reports:monitoring_csv")).content.decode()
    gender = [line for line in csv_text.splitlines() if line.startswith("Which of these best describes your gender?")]
    assert gender and all(line.endswith(",<5") for line in gender)
    assert ",3" not in csv_text


def test_six_women_show_as_six(world, client_for):
    people(world, 6, gender_identity="woman")
    summary = onboarding.monitoring_summary(tenant=world.tenant_a)
    assert rows(summary, "gender_identity") == {
        "Woman": "6", "Man": "0", "Non-binary": "0", "I use another term": "0", "Prefer not to say": "0",
    }
    assert summary.respondents == "6"
    html = client_for(world.user(Role.DP_ADMIN)).get(reverse("participants:monitoring_summary")).content.decode()
    assert shown_on_page(html, "Woman") == "6"
    assert "People who answered: 6" in html


def test_one_small_count_hides_the_next_smallest_too(world):
    people(world, 6, gender_identity="woman")
    people(world, 8, gender_identity="man")
    people(world, 2, gender_identity="non_binary")
    shown = rows(onboarding.monitoring_summary(tenant=world.tenant_a), "gender_identity")
    # 16 answered: with "Woman" shown, "Non-binary" would be 16 - 6 - 8 = 2.
    assert shown["Non-binary"] == "<5" and shown["Woman"] == onboarding.NOT_SHOWN and shown["Man"] == "8"


def test_suppression_rules():
    assert onboarding.suppress([3, 6, 0, 10]) == ["<5", onboarding.NOT_SHOWN, "0", "10"]
    assert onboarding.suppress([3, 2, 6]) == ["<5", "<5", "6"]  # two small ones cover each other
    assert onboarding.suppress([6, 0, 5]) == ["6", "0", "5"]
    assert onboarding.suppress([4, 0]) == ["<5", "0"]


def test_the_summary_counts_the_tenants_ects_and_mentors_once_each(world):
    both = MembershipFactory(tenant=world.tenant_a, school=world.school_a1, role=Role.ECT)
    MembershipFactory(user=both.user, tenant=world.tenant_a, school=world.school_a2, role=Role.MENTOR)
    answer(both.user, gender_identity="man")
    people(world, 4, role=Role.MENTOR, gender_identity="man")
    # Not counted: another tenant's ECTs, the delivery partner's own staff.
    people(world, 5, tenant=world.tenant_b, school=world.school_b1, gender_identity="man")
    answer(world.user(Role.DP_STAFF), gender_identity="man")
    summary = onboarding.monitoring_summary(tenant=world.tenant_a)
    assert summary.respondents == "5"
    assert rows(summary, "gender_identity")["Man"] == "5"


def test_the_summary_with_nobody_answering(world, client_for):
    assert onboarding.monitoring_summary(tenant=world.tenant_a).respondents == "0"
    html = client_for(world.user(Role.DP_STAFF)).get(reverse("participants:monitoring_summary")).content.decode()
    assert "Nobody has answered the monitoring questions yet" in html


def test_the_summary_page_never_names_anyone(world, client_for, ect_answered):
    people(world, 6, gender_identity="woman")
    html = client_for(world.user(Role.DP_STAFF)).get(reverse("participants:monitoring_summary")).content.decode()
    assert ect_answered.full_name not in html and ect_answered.email not in html
    assert shown_on_page(html, "Bisexual") == "&lt;5"
