"""The CSV import of a school's ECTs and mentors: reading what spreadsheets produce,
row-level messages, the preview, all-or-nothing writes, invitations, and the upload
pages."""

import datetime as dt
import html
import re
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from participants import importing
from participants.factories import AppropriateBodyFactory
from participants.importing import MAX_ROWS, ImportProblem, ImportRefused
from participants.models import ECT, ECTAtSchool, Invitation, Mentor, MentorAtSchool, Mentorship
from participants.selectors import today
from schools.models import Membership, Role

pytestmark = pytest.mark.django_db

HEADER = "role,full_name,email,trn,induction_start,fte,phase,subject,appropriate_body,cohort,mentor_kind,mentor_email"
COHORT = "Cohort own"  # tenant A of the world has two cohorts: rows must name one


def csv_file(*rows, header=HEADER, newline="\n", encoding="utf-8"):
    return (newline.join([header, *rows]) + newline).encode(encoding)


def ect_row(name="Nia Okafor", email="nia@example.org", trn="", start="02/09/2026", fte="", phase="", subject="",
            body="", cohort=COHORT, mentor=""):
    return ",".join(["ect", name, email, trn, start, fte, phase, subject, body, cohort, "", mentor])


def mentor_row(name="Chris Mentor", email="chris@example.org", kind="", cohort=""):
    return ",".join(["mentor", name, email, "", "", "", "", "", "", cohort, kind, ""])


def written():
    """How many of each record exist: an import that refuses must leave them all alone."""
    return {
        "ect": ECT.objects.count(),
        "mentor": Mentor.objects.count(),
        "membership": Membership.objects.count(),
        "user": get_user_model().objects.count(),
        "mentorship": Mentorship.objects.count(),
        "ect_period": ECTAtSchool.objects.count(),
        "mentor_period": MentorAtSchool.objects.count(),
    }


def invitation_mails():
    return [m for m in mail.outbox if "You are invited to ectalign" in m.subject]


def messages_of(preview):
    return [(row.number, error.column, error.message) for row, error in preview.errors]


def refuse(world, data, *, school=None, inviter=None):
    """Preview and try to apply ``data``: the file must be refused (by a file-level
    problem or row errors) and nothing written. Returns the messages."""
    school = school or world.school_a1
    before = written()
    try:
        result = importing.preview(school=school, data=data, inviter=inviter)
    except ImportProblem as problem:
        with pytest.raises(ImportProblem):
            importing.apply(actor=None, school=school, data=data, inviter=inviter)
        assert written() == before
        return problem.messages
    assert result.has_errors
    with pytest.raises(ImportRefused) as refused:
        importing.apply(actor=None, school=school, data=data, inviter=inviter)
    assert messages_of(refused.value.preview) == messages_of(result)
    assert written() == before
    assert not mail.outbox
    return messages_of(result)


# --- The template -------------------------------------------------------------------------


def test_the_template_is_the_header_and_an_example_row_per_role():
    lines = importing.template_csv().splitlines()
    assert lines[0] == ",".join(importing.TEMPLATE_HEADER) == HEADER
    assert [line.split(",")[0] for line in lines[1:]] == ["ect", "mentor"]
    assert [name for name, _, _ in importing.COLUMN_HELP] == list(importing.COLUMNS)


def test_the_templates_examples_are_refused_if_uploaded_as_they_are(world):
    messages = refuse(world, importing.template_csv().encode())
    example_rows = {number for number, column, message in messages if "template's example row" in message}
    assert example_rows == {2, 3}


# --- Reading what spreadsheets produce ---------------------------------------------------


def test_a_file_with_a_byte_order_mark_and_windows_line_endings_is_read(world):
    data = b"\xef\xbb\xbf" + csv_file(ect_row(), mentor_row(), newline="\r\n")
    preview = importing.preview(school=world.school_a1, data=data)
    assert not preview.errors
    assert [(row.number, row.action, row.full_name) for row in preview.rows] == [
        (2, "create", "Nia Okafor"), (3, "create", "Chris Mentor"),
    ]


def test_an_excel_windows_1252_file_keeps_its_accents(world):
    data = csv_file(ect_row(name="Zoë Brontë", email="zoe@example.org"), encoding="cp1252")
    assert b"Zo\xeb Bront\xeb" in data
    importing.apply(actor=None, school=world.school_a1, data=data)
    assert ECT.objects.get(user__email="zoe@example.org").user.full_name == "Zoë Brontë"


def test_spaces_header_case_blank_lines_and_semicolons_are_tolerated(world):
    header = " Role ; Full Name ;E-mail;TRN ; Induction_Start;COHORT ".replace("E-mail", "EMAIL")
    rows = [
        "  ect ; Nia Okafor ;  NIA@Example.org ; 12 345 ; 2026-09-02 ; cohort own ",
        ";;;;;",
        "",
        " mentor;Chris Mentor;chris@example.org;;;",
    ]
    preview = importing.preview(school=world.school_a1, data=("\n".join([header, *rows]) + "\n").encode())
    assert not preview.errors
    nia, chris = preview.rows
    assert (nia.number, nia.data["email"], nia.data["trn"], nia.data["induction_start"]) == (
        2, "nia@example.org", "0012345", dt.date(2026, 9, 2)
    )
    assert chris.number == 5  # blank rows are skipped but still counted, as the spreadsheet numbers them


def test_a_file_mixing_two_encodings_is_refused_with_a_clear_message(world):
    data = csv_file(ect_row(name="Zoë Brontë", email="zoe@example.org")) + ect_row(
        name="Chloë Price", email="chloe@example.org"
    ).encode("cp1252")
    [message] = refuse(world, data)
    assert "Part of this file is saved in one text encoding" in message
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("data,expected", [
    (b"", "The file is empty"),
    (b"   \r\n", "The file is empty"),
    (HEADER.encode() + b"\n\n", "a header row but nobody in it"),
    (b"PK\x03\x04rest-of-a-workbook", "This is an Excel workbook, not a CSV file"),
    (b"r\x00o\x00l\x00e\x00", "This is not a CSV text file"),
    (b"x" * (importing.MAX_BYTES + 1), "larger than 2 MB"),
])
def test_unreadable_files_are_refused_with_a_clear_message(world, data, expected):
    messages = refuse(world, data)
    assert expected in " ".join(messages)


def test_missing_and_unknown_headers_are_named(world):
    messages = refuse(world, csv_file("ect,Nia,nia@example.org,,Maths", header="Role,Full name,Surname,Phone"))
    text = " ".join(messages)
    assert "has no email column" in text
    assert "“Surname” and “Phone”" in text
    assert "The columns are: role, full_name, email" in text


def test_a_column_named_twice_is_refused(world):
    [message, _] = refuse(world, csv_file("ect,Nia,nia@example.org,x@example.org", header="role,full_name,email,EMAIL"))
    assert "email more than once" in message


def test_ten_thousand_rows_are_refused_at_once(world):
    rows = [ect_row(name=f"Person {i}", email=f"person{i}@example.org") for i in range(10_000)]
    started = time.perf_counter()
    [message] = refuse(world, csv_file(*rows))
    assert time.perf_counter() - started < 5
    assert "10,000 rows" in message and f"at most {MAX_ROWS:,}" in message and "Split it" in message


# --- Row by row -----------------------------------------------------------------------------


def test_row_errors_name_the_row_and_the_column(world):
    sibling = world.ects["sibling"]
    sibling.trn = "7654321"
    sibling.save()
    data = csv_file(
        ect_row(email="one@example.org", trn="123"),  # 2: malformed TRN
        ect_row(email="two@example.org", trn="7654321"),  # 3: another ECT of the delivery partner has it
        ect_row(email="three@example.org", trn="55555"),  # 4 and 5: the same TRN twice in the file
        ect_row(email="four@example.org", trn="0055555"),
        ect_row(email="not-an-address"),  # 6
        ect_row(email="twice@example.org"),  # 7 and 8: the same e-mail twice
        ect_row(email="TWICE@example.org"),
        ect_row(email="self@example.org", mentor="self@example.org"),  # 9
        ect_row(email="lonely@example.org", mentor="nobody@example.org"),  # 10
        ect_row(email="c@example.org", cohort="Cohort of 1999"),  # 11
        ect_row(email="b@example.org", body="Nowhere AB"),  # 12
        ect_row(email="p@example.org", phase="Sixth form"),  # 13
        ect_row(email="d@example.org", start="31/02/2026"),  # 14
        ect_row(email="d2@example.org", start="September"),  # 15
        ect_row(email="f@example.org", fte="1.5"),  # 16
        ect_row(email="f2@example.org", fte="0.05"),  # 17
        ect_row(email="g@example.org", start=""),  # 18: a new ECT needs a start date
        ect_row(email="h@example.org", cohort=""),  # 19: two cohorts in tenant A: name one
        "teacher,Rae Smith,rae@example.org,,,,,,,,,",  # 20
        ",,nameless@example.org,,,,,,,,,",  # 21
    )
    messages = {(number, column): message for number, column, message in refuse(world, data)}
    assert "5 to 7 digits" in messages[(2, "trn")]
    assert "TRN 7654321 already belongs to another ECT registered with Alpha Delivery Partner" in messages[(3, "trn")]
    assert "TRN 0055555 is also on row 5" in messages[(4, "trn")]
    assert "TRN 0055555 is also on row 4" in messages[(5, "trn")]
    assert "“not-an-address” is not an e-mail address" in messages[(6, "email")]
    assert "twice@example.org is also on row 8" in messages[(7, "email")]
    assert "nobody mentors themselves" in messages[(9, "mentor_email")]
    assert "Nobody with the e-mail nobody@example.org is a mentor at Alder Primary" in messages[(10, "mentor_email")]
    assert "no cohort called “Cohort of 1999”: put one of Cohort own, Cohort sibling" in messages[(11, "cohort")]
    assert "no appropriate body called “Nowhere AB”" in messages[(12, "appropriate_body")]
    assert "“Sixth form” is not a phase" in messages[(13, "phase")]
    assert "“31/02/2026” is not a date" in messages[(14, "induction_start")]
    assert "like 02/09/2026 or 2026-09-02" in messages[(15, "induction_start")]
    assert "from 0.1 to 1.0" in messages[(16, "fte")] and "from 0.1 to 1.0" in messages[(17, "fte")]
    assert "Enter the date the ECT's induction starts" in messages[(18, "induction_start")]
    assert "Enter the cohort: put one of Cohort own, Cohort sibling" in messages[(19, "cohort")]
    assert "put ect or mentor" in messages[(20, "role")]
    assert "Enter the role" in messages[(21, "role")] and "Enter the person's full name" in messages[(21, "full_name")]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+44 1234", "-0.5", "@SUM(A1)", "\tx", " =1+1"])
def test_a_formula_in_a_cell_is_refused(world, cell):
    data = csv_file(ect_row(subject=f'"{cell}"'))
    [(number, column, message)] = refuse(world, data)
    assert (number, column) == (2, "subject")
    assert "a spreadsheet runs as a formula. Remove the formula" in message


def test_a_mentor_paired_with_an_ect_row_is_refused(world):
    data = csv_file(ect_row(email="a@example.org", mentor="b@example.org"), ect_row(email="b@example.org"))
    [(number, column, message)] = refuse(world, data)
    assert (number, column) == (2, "mentor_email")
    assert "is on row 3 as an ECT, not a mentor" in message


def test_one_bad_row_stops_the_whole_file(world):
    good = [ect_row(email=f"good{i}@example.org", name=f"Good {i}") for i in range(5)]
    [(number, column, _)] = refuse(world, csv_file(*good, ect_row(email="bad@example.org", fte="2")))
    assert (number, column) == (7, "fte")


def test_an_ect_of_another_school_is_not_imported_here(world):
    sibling = world.ects["sibling"]
    [(number, column, message)] = refuse(world, csv_file(ect_row(email=sibling.user.email)))
    assert (number, column) == (2, "email")
    assert "already registered as an ECT at another school of Alpha Delivery Partner" in message


def test_an_import_does_not_move_an_induction_start_or_a_cohort(world):
    own = world.ects["own"]
    messages = refuse(world, csv_file(ect_row(email=own.user.email, start="03/09/2026", cohort="Cohort sibling")))
    assert {column for _, column, _ in messages} == {"induction_start", "cohort"}
    assert "induction started on 2 September 2026: an import does not move it" in messages[0][2] + messages[1][2]


# --- The preview ---------------------------------------------------------------------------


def test_the_preview_says_what_is_created_changed_or_unchanged(world):
    own_ect, own_mentor = world.ects["own"], world.people[Role.MENTOR]
    body = AppropriateBodyFactory(tenant=world.tenant_a, name="Northshire Appropriate Body")
    data = csv_file(
        ect_row(name="Nia Okafor", email="nia@example.org", mentor="chris@example.org"),
        mentor_row(),
        ect_row(name=own_ect.user.full_name, email=own_ect.user.email.upper(), trn="1234567", fte="0.6",
                subject="History", body="northshire appropriate body", start=""),
        mentor_row(name=own_mentor.full_name, email=own_mentor.email),
    )
    preview = importing.preview(school=world.school_a1, data=data)
    assert not preview.errors
    assert [row.action for row in preview.rows] == ["create", "create", "change", "unchanged"]
    assert (len(preview.to_create), len(preview.to_change), len(preview.unchanged), preview.to_write) == (2, 1, 1, 3)
    assert preview.rows[2].changes == [
        "TRN: none → 1234567", "FTE: 1.0 → 0.6", "subject: none → History",
        f"appropriate body: none → {body.name}",
    ]
    starts = max(dt.date(2026, 9, 2), today())
    assert preview.rows[0].changes == [f"mentor: Chris Mentor from {starts.day} {starts:%B %Y}"]
    assert written() == written()  # a preview writes nothing
    assert not ECT.objects.filter(user__email="nia@example.org").exists()


def test_a_preview_reads_the_school_with_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own_ect, own_mentor = world.ects["own"], world.people[Role.MENTOR]
    known = [
        ect_row(email=own_ect.user.email, start="", fte="0.5", mentor="chris@example.org"),
        mentor_row(name=own_mentor.full_name, email=own_mentor.email),
        mentor_row(),
    ]
    small = csv_file(*known, *[ect_row(email=f"p{i}@example.org", trn=f"{10000 + i}") for i in range(3)])
    large = csv_file(*known, *[ect_row(email=f"p{i}@example.org", trn=f"{10000 + i}", mentor=own_mentor.email)
                               for i in range(300)])
    with CaptureQueriesContext(connection) as few:
        assert not importing.preview(school=world.school_a1, data=small).errors
    with CaptureQueriesContext(connection) as many:
        assert not importing.preview(school=world.school_a1, data=large).errors
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


# --- Applying -----------------------------------------------------------------------------


def test_apply_registers_new_people_and_pairs_them(world):
    data = csv_file(
        ect_row(trn="RP 99/123", fte="0.5", phase="early years", subject="Reception", mentor="CHRIS@example.org"),
        mentor_row(kind="Returning"),
    )
    result = importing.apply(actor=world.user(Role.INDUCTION_TUTOR), school=world.school_a1, data=data)
    assert (result.created, result.changed, result.unchanged, result.invited) == (2, 0, 0, 0)
    ect = ECT.objects.select_related("user", "cohort").get(user__email="nia@example.org")
    assert (ect.user.full_name, ect.trn, ect.fte, ect.phase, ect.subject, ect.cohort.name, ect.induction_start) == (
        "Nia Okafor", "0099123", Decimal("0.50"), "early_years", "Reception", COHORT, dt.date(2026, 9, 2)
    )
    mentor = Mentor.objects.get(user__email="chris@example.org")
    assert mentor.kind == Mentor.Kind.RETURNING
    assert MentorAtSchool.objects.get(mentor=mentor).school == world.school_a1
    pairing = Mentorship.objects.get(ect=ect)
    assert (pairing.mentor, pairing.started_on) == (mentor, max(dt.date(2026, 9, 2), today()))
    # Without an inviter, access is active at once and nobody is invited.
    assert Membership.objects.get(user=ect.user, role=Role.ECT).is_active
    assert not invitation_mails()
    # The same file again changes nothing.
    again = importing.preview(school=world.school_a1, data=data)
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]


def test_an_ect_can_be_paired_with_a_mentor_already_at_the_school(world):
    mentor = world.people[Role.MENTOR]
    importing.apply(actor=None, school=world.school_a1, data=csv_file(ect_row(mentor=mentor.email)))
    assert Mentorship.objects.get(ect__user__email="nia@example.org").mentor.user == mentor


def test_apply_changes_only_what_the_file_says_and_keeps_the_rest(world):
    own = world.ects["own"]
    own.subject, own.trn, own.phase = "History", "1111111", "primary"
    own.save()
    data = csv_file(ect_row(name=own.user.full_name, email=own.user.email, fte="0.8", start="", cohort=""))
    result = importing.apply(actor=world.user(Role.INDUCTION_TUTOR), school=world.school_a1, data=data)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 0)
    own.refresh_from_db()
    assert (own.fte, own.subject, own.trn, own.phase) == (Decimal("0.80"), "History", "1111111", "primary")
    assert own.history.count() == 3  # created, saved above, changed by the import: the old values are kept


def test_changing_an_ects_mentor_closes_the_old_pairing_and_tells_them(world, django_capture_on_commit_callbacks):
    own = world.ects["own"]
    data = csv_file(ect_row(email=own.user.email, start="", mentor="chris@example.org"), mentor_row())
    with django_capture_on_commit_callbacks(execute=True):
        importing.apply(actor=None, school=world.school_a1, data=data)
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted(["chris@example.org", own.user.email, world.people[Role.MENTOR].email])
    periods = list(
        Mentorship.objects.filter(ect=own).order_by("started_on").values_list("mentor__user__email", "ended_on")
    )
    assert periods == [(world.people[Role.MENTOR].email, today() - dt.timedelta(days=1)), ("chris@example.org", None)]


def test_a_tutor_cannot_import_a_change_of_mentor_the_delivery_partner_approves(world):
    world.tenant_a.changes_needing_approval = ["change_mentor"]
    world.tenant_a.save()
    own = world.ects["own"]
    data = csv_file(ect_row(email=own.user.email, start="", mentor="chris@example.org"), mentor_row())
    [(number, column, message)] = refuse(world, data, inviter=world.memberships[Role.INDUCTION_TUTOR])
    assert (number, column) == (2, "mentor_email")
    assert "Alpha Delivery Partner approves changes of mentor" in message
    # The delivery partner's own staff may.
    importing.apply(actor=None, school=world.school_a1, data=data, inviter=world.memberships[Role.DP_STAFF])
    assert Mentorship.objects.get(ect=own, ended_on__isnull=True).mentor.user.email == "chris@example.org"


def test_the_cohort_may_be_left_out_when_the_delivery_partner_has_one(world):
    importing.apply(actor=None, school=world.school_b1, data=csv_file(ect_row(cohort="")))
    assert ECT.objects.get(user__email="nia@example.org").cohort.name == "Cohort other"


def test_each_new_person_is_invited_once_by_the_importer(world, django_capture_on_commit_callbacks):
    tutor = world.memberships[Role.INDUCTION_TUTOR]
    data = csv_file(ect_row(), ect_row(name="Sam Lee", email="sam@example.org"), mentor_row(),
                    mentor_row(name=world.people[Role.MENTOR].full_name, email=world.people[Role.MENTOR].email))
    with django_capture_on_commit_callbacks(execute=True):
        result = importing.apply(actor=tutor.user, school=world.school_a1, data=data, inviter=tutor)
    assert (result.created, result.unchanged, result.invited) == (3, 1, 3)
    assert sorted(m.to[0] for m in invitation_mails()) == ["chris@example.org", "nia@example.org", "sam@example.org"]
    assert Invitation.objects.filter(invited_by=tutor.user).count() == 3
    assert not Membership.objects.get(user__email="nia@example.org").is_active  # until they accept


def test_the_error_file_is_the_rows_as_read_with_what_to_fix(world):
    data = csv_file(ect_row(), ect_row(email="x@example.org", fte="=1+1"), header=HEADER.upper())
    preview = importing.preview(school=world.school_a1, data=data)
    lines = preview.error_file().splitlines()
    assert lines[0] == HEADER.upper() + ",errors"
    assert lines[1].endswith(",")  # the good row: nothing to fix
    assert "'=1+1" in lines[2]  # escaped so that the spreadsheet does not run it
    assert lines[2].endswith('"fte: The cell starts with “=”, which a spreadsheet runs as a formula. '
                             'Remove the formula and type the value itself."')
    # The corrected error file can be uploaded again: its errors column is ignored.
    fixed = preview.error_file().replace("'=1+1", "1")
    assert not importing.preview(school=world.school_a1, data=fixed.encode()).errors


def test_apply_makes_a_bounded_number_of_queries_per_person(world):
    """Each new person costs the registration services' own queries and nothing per row
    on top (the school's records are read once); the 1,000-row timing is in the bench."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n, prefix):
        mentors = [mentor_row(name=f"Mentor {i}", email=f"{prefix}m{i}@example.org") for i in range(n)]
        ects = [ect_row(name=f"ECT {i}", email=f"{prefix}e{i}@example.org", trn=f"{prefix}{1000 + i}",
                        mentor=f"{prefix}m{i}@example.org") for i in range(n)]
        return csv_file(*mentors, *ects)

    with CaptureQueriesContext(connection) as ten:
        importing.apply(actor=None, school=world.school_a1, data=rows(10, "1"))
    with CaptureQueriesContext(connection) as thirty:
        importing.apply(actor=None, school=world.school_a1, data=rows(30, "2"))
    per_pair = (len(thirty.captured_queries) - len(ten.captured_queries)) / 20
    assert per_pair <= 70, f"{per_pair} queries per ECT and mentor pair"  # about 60: the services' own


# --- The pages ---------------------------------------------------------------------------------


def test_the_tutor_uploads_checks_and_confirms(world, client_for, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.user(Role.INDUCTION_TUTOR))
    url = reverse("participants:import", args=[world.school_a1.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'<label class="govuk-label govuk-label--s" for="id_file">CSV file</label>' in page.content
    assert reverse("participants:import_template").encode() in page.content

    data = csv_file(ect_row(name="Zoë Brontë", mentor="chris@example.org"), mentor_row(), encoding="cp1252")
    preview = client.post(url, {"file": SimpleUploadedFile("people.csv", data, "text/csv")})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Zoë Brontë" in text and "Import 2 people" in text
    assert written()["ect"] == 3  # the world's: nothing yet

    # The confirm form carries the file's text (as the browser will post it back).
    [hidden] = re.findall(r'<input type="hidden" name="text" value="([^"]*)">', text)
    hidden = html.unescape(hidden)
    assert hidden.startswith(HEADER) and "Zoë Brontë" in hidden
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"text": hidden}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("schools:detail", args=[world.school_a1.pk])
    assert "Imported: 2 new, 0 changed. Invitations sent to 2 people." in done.content.decode()
    assert ECT.objects.get(user__email="nia@example.org").user.full_name == "Zoë Brontë"
    assert len(invitation_mails()) == 2
    assert len(mail.outbox) == 2  # a new person's only e-mail is their invitation


def test_the_upload_page_shows_row_errors_and_offers_the_error_file(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.user(Role.DP_STAFF))
    url = reverse("participants:import", args=[world.school_a2.pk])  # any school of the delivery partner
    data = csv_file(ect_row(), ect_row(email="x@example.org", fte="7"))
    page = client.post(url, {"file": SimpleUploadedFile("people.csv", data, "text/csv")})
    text = page.content.decode()
    assert "1 row to fix: nothing has been imported" in text
    assert '<th scope="row" class="govuk-table__header">3</th>' in text and "“7” is not a working pattern" in text
    assert "Import 2 people" not in text
    errors = client.post(reverse("participants:import_errors", args=[world.school_a2.pk]),
                         {"text": page.context["preview"].text})
    assert errors["Content-Type"] == "text/csv; charset=utf-8"
    assert "“7” is not a working pattern" in errors.content.decode("utf-8-sig").splitlines()[2]
    # Confirming a file with errors (a forged form) writes nothing either.
    before = written()
    refused = client.post(url, {"text": page.context["preview"].text})
    assert refused.status_code == 200 and "1 row to fix" in refused.content.decode()
    assert written() == before


def test_file_problems_show_beside_the_file_field(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.user(Role.INDUCTION_TUTOR))
    url = reverse("participants:import", args=[world.school_a1.pk])
    page = client.post(url, {"file": SimpleUploadedFile("people.csv", b"name,phone\nx,1\n", "text/csv")})
    text = page.content.decode()
    assert 'class="govuk-error-message" id="id_file_error"' in text
    assert "has no role, full_name and email column" in text
    big = client.post(url, {"file": SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024 + 1), "text/csv")})
    assert "The file is larger than 2 MB" in big.content.decode()


def test_the_template_downloads_for_anyone_signed_in(world, client_for):
    response = client_for(world.user(Role.ECT)).get(reverse("participants:import_template"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER


def test_another_tenants_school_answers_404_and_other_roles_403(world, client_for):
    client = client_for(world.user(Role.INDUCTION_TUTOR))
    assert client.get(reverse("participants:import", args=[world.school_b1.pk])).status_code == 404
    before = written()
    url = reverse("participants:import", args=[world.school_b1.pk])
    posted = client.post(url, {"text": csv_file(ect_row(cohort="")).decode()})
    assert posted.status_code == 404 and written() == before
    headteacher = client_for(world.user(Role.HEADTEACHER))
    assert headteacher.get(reverse("participants:import", args=[world.school_a1.pk])).status_code == 403
