"""``manage.py import_participants``: the CSV import from the command line."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from participants.models import ECT, Invitation, Mentor
from schools.factories import SchoolFactory
from schools.models import Membership, Role
from tests.participants.test_import import HEADER, csv_file, ect_row, invitation_mails, mentor_row, written

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_participants", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def people_file(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(ect_row(trn="12 345", mentor="chris@example.org"), mentor_row()))
    return path


def test_template_prints_the_header_row_only():
    out, _ = run("--template")
    assert out.strip() == HEADER


def test_dry_run_shows_the_preview_and_writes_nothing(world, people_file):
    before = written()
    out, _ = run(str(people_file), "--school", "111111", "--dry-run")
    assert "Alder Primary (URN 111111), Alpha Delivery Partner" in out
    assert "Row 2: new ECT Nia Okafor <nia@example.org>: mentor: Chris Mentor from " in out
    assert "Row 3: new mentor Chris Mentor <chris@example.org>" in out
    assert "2 to create, 0 to change, 0 unchanged, 0 with problems." in out
    assert "Dry run: nothing was written." in out
    assert written() == before


def test_a_real_run_imports_without_invitations_by_default(world, people_file):
    out, _ = run(str(people_file), "--school", "111111")
    assert "Imported: 2 new, 0 changed. No invitations sent (no --invite-from)." in out
    ect = ECT.objects.get(user__email="nia@example.org")
    assert ect.trn == "0012345"
    assert Membership.objects.get(user=ect.user, role=Role.ECT).is_active
    assert not mail.outbox
    out, _ = run(str(people_file), "--school", "111111")  # again: nothing to do
    assert "0 to create, 0 to change, 2 unchanged" in out


def test_invite_from_an_induction_tutor_invites_each_new_person_once(
    world, people_file, django_capture_on_commit_callbacks
):
    tutor = world.people[Role.INDUCTION_TUTOR]
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run(str(people_file), "--school", "111111", "--invite-from", tutor.email.upper())
    assert "Invitations sent to 2." in out
    assert sorted(m.to[0] for m in invitation_mails()) == ["chris@example.org", "nia@example.org"]
    assert len(mail.outbox) == 2  # the invitation is each new person's only e-mail
    assert set(Invitation.objects.values_list("invited_by", flat=True)) == {tutor.pk}


def test_invite_from_delivery_partner_staff_works_for_any_school_of_theirs(world, tmp_path):
    path = tmp_path / "aspen.csv"
    path.write_bytes(csv_file(ect_row(cohort="Cohort sibling")))
    out, _ = run(str(path), "--school", "111112", "--invite-from", world.people[Role.DP_STAFF].email)
    assert "Imported: 1 new, 0 changed. Invitations sent to 1." in out


def test_invite_from_someone_else_is_refused(world, people_file):
    before = written()
    with pytest.raises(CommandError, match="neither an induction tutor of Alder Primary nor staff of Alpha"):
        run(str(people_file), "--school", "111111", "--invite-from", world.people[Role.MENTOR].email)
    with pytest.raises(CommandError, match="neither an induction tutor"):
        run(str(people_file), "--school", "111111", "--invite-from", world.outsiders[Role.DP_ADMIN].email)
    assert written() == before


def test_row_errors_are_printed_and_the_command_fails_writing_nothing(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file(ect_row(), ect_row(email="x@example.org", trn="12", fte="-1")))
    before = written()
    err = StringIO()
    with pytest.raises(CommandError, match="1 row to fix: nothing was imported"):
        call_command("import_participants", str(path), "--school", "111111", stdout=StringIO(), stderr=err)
    assert "Row 3, trn: A teacher reference number (TRN) has 5 to 7 digits" in err.getvalue()
    assert "Row 3, fte: The cell starts with “-”, which a spreadsheet runs as a formula" in err.getvalue()
    assert written() == before


def test_a_file_problem_fails_the_command(world, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        run(str(path), "--school", "111111")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"), "--school", "111111")


def test_a_urn_at_several_delivery_partners_needs_the_tenant(world, tmp_path):
    SchoolFactory(tenant=world.tenant_b, urn="111111", name="Alder Primary (Beta)")
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(ect_row(cohort="")))
    with pytest.raises(CommandError, match=r"several delivery partners \(alpha, beta\): say which with --tenant SLUG"):
        run(str(path), "--school", "111111")
    out, _ = run(str(path), "--school", "111111", "--tenant", "beta")
    assert "Imported: 1 new" in out
    assert ECT.objects.get(user__email="nia@example.org").tenant == world.tenant_b


def test_an_unknown_school_or_missing_arguments_are_refused(world, people_file):
    with pytest.raises(CommandError, match="No school has the URN 999999"):
        run(str(people_file), "--school", "999999")
    with pytest.raises(CommandError, match="Give the school's URN"):
        run(str(people_file))
    with pytest.raises(CommandError, match="Give the CSV file"):
        run("--school", "111111")


def test_the_command_runs_inside_the_schools_tenant_scope(world, people_file, scoped):
    """With scopes enforced (as in production), the command opens the school's own."""
    out, _ = run(str(people_file), "--school", "111111")
    assert "Imported: 2 new" in out
    from django_scopes import scopes_disabled

    with scopes_disabled():
        assert Mentor.objects.filter(user__email="chris@example.org", tenant=world.tenant_a).exists()
