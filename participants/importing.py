"""CSV import of a school's ECTs and mentors (DESIGN.md section 10), for the upload page
and the ``import_participants`` command alike.

``preview(school=, data=)`` reads the file and says, row by row, what would happen: a
new person at the school ("create"), a person already registered here with something
different ("change", listing what), or nothing ("unchanged"), and what must be fixed,
in words naming the row as the spreadsheet numbers it (the header is row 1) and the
column. A file that cannot be read at all raises ``ImportProblem``.

``apply(...)`` reads the file again and writes everything in one transaction, or
nothing: one row with a problem refuses the whole file (``ImportRefused``). New people
are registered with ``services.register_ect`` / ``register_mentor`` (invited by e-mail
when an ``inviter`` membership is given). An ECT already registered here changes mentor
through ``services.assign_mentor`` (which closes the old pairing and tells the people
concerned); an ECT registered by the import gets their first mentorship directly
(``_first_pairing``), so that a new person's only e-mail is their invitation.
A blank optional cell leaves what is recorded as it is; the import never clears data,
never renames people, and never moves an ECT's induction start or cohort (those are
corrected by the delivery partner).

A pairing (``mentor_email``) starts on the ECT's induction start date, or today if that
is later (or when the mentor's or the ECT's time at the school starts later still, on
that day): a mentorship is not backdated before the day it is recorded.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from ectalign.csv import FORMULA_TRIGGERS, write_rows
from participants import services
from participants.models import (
    ECT,
    AppropriateBody,
    ChangeRequest,
    ECTAtSchool,
    Mentor,
    MentorAtSchool,
    Mentorship,
    Phase,
    normalise_trn,
)
from participants.selectors import today
from programme.models import Cohort
from programme.schedule import long_date
from schools.models import SCHOOL_LEADER_ROLES, Membership, Role

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024

COLUMNS = (
    "role", "full_name", "email", "trn", "induction_start", "fte", "phase", "subject", "appropriate_body",
    "cohort", "mentor_kind", "mentor_email",
)
TEMPLATE_HEADER = COLUMNS
REQUIRED_COLUMNS = ("role", "full_name", "email")
# Columns that only an ECT's row uses; on a mentor's row they are reported as not kept.
ECT_COLUMNS = ("trn", "induction_start", "fte", "phase", "subject", "appropriate_body", "mentor_email")
# The error file's extra column. A corrected error file can be uploaded again: the
# column is ignored on the way in.
ERRORS_COLUMN = "errors"

# What each column takes (the upload page and the command's help).
COLUMN_HELP = (
    ("role", "Required", "ect or mentor"),
    ("full_name", "Required", "the person's full name"),
    ("email", "Required", "their e-mail address: each person once"),
    ("trn", "ECT, optional", "teacher reference number, 5 to 7 digits"),
    ("induction_start", "ECT, required for a new ECT", "like 02/09/2026 or 2026-09-02"),
    ("fte", "ECT, optional", "from 0.1 to 1.0; 1.0 (full time) when empty"),
    ("phase", "ECT, optional", "for example Primary or Secondary"),
    ("subject", "ECT, optional", "for example Mathematics"),
    ("appropriate_body", "ECT, optional", "as the delivery partner names it"),
    ("cohort", "Optional when there is one cohort", "the cohort's name"),
    ("mentor_kind", "Mentor, optional", "new, transferring or returning; new when empty"),
    ("mentor_email", "ECT, optional", "their mentor's e-mail: a mentor of the school or on a mentor row of the file"),
)

# The template's example rows: refused if uploaded as they are.
TEMPLATE_EXAMPLES = (
    ("ect", "Ada Example", "ada.example@example.com", "1234567", "02/09/2026", "1.0", "Secondary", "Mathematics",
     "", "", "", "chris.example@example.com"),
    ("mentor", "Chris Example", "chris.example@example.com", "", "", "", "", "", "", "", "new", ""),
)
EXAMPLE_EMAILS = frozenset(row[2] for row in TEMPLATE_EXAMPLES)

CREATE, CHANGE, UNCHANGED = "create", "change", "unchanged"

SAVE_AS_CSV = "In Excel, choose File, Save a copy, “CSV UTF-8 (Comma delimited)”, then upload that file."


class ImportProblem(Exception):
    """A file that cannot be read at all (empty, too large, not CSV, wrong headers): one
    or more messages a person can act on, none about a single row."""

    def __init__(self, *messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class ImportRefused(Exception):
    """``apply`` found rows to fix: nothing was written. ``preview`` says which."""

    def __init__(self, preview):
        self.preview = preview
        super().__init__(f"{len(preview.errors)} problem(s) in the file: nothing was imported.")


@dataclass(frozen=True)
class RowError:
    column: str  # one of COLUMNS, or "" for the row as a whole
    message: str


@dataclass
class Row:
    """One data row of the file: its cells as read, what they mean, and what will happen."""

    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list  # as read, for the error file
    values: dict  # column -> the cell's text, stripped ("" when blank or absent)
    raw: dict = field(default_factory=dict)  # column -> the cell as read
    data: dict = field(default_factory=dict)  # column -> parsed value; None when blank
    action: str = ""  # CREATE, CHANGE or UNCHANGED; "" while the row has errors
    changes: list = field(default_factory=list)  # "TRN: none → 1234567"
    notes: list = field(default_factory=list)  # what is read but not kept
    errors: list = field(default_factory=list)
    # Found while checking, used by ``apply``:
    user: object = None
    record: object = None  # the existing ECT or Mentor record here
    updates: dict = field(default_factory=dict)  # field -> new value for the existing record
    pair_with: str = ""  # the mentor's e-mail (a row of the file or a mentor here)
    pair_from: dt.date | None = None
    pair_mentor: object = None  # the mentor's record when they mentor here already

    def error(self, column, message):
        """Record what to fix; one message per cell (the first problem found)."""
        if column and any(error.column == column for error in self.errors):
            return
        self.errors.append(RowError(column, message))

    @property
    def role(self):
        return self.data.get("role") or ""

    @property
    def role_label(self):
        return {Role.ECT: "ECT", Role.MENTOR: "mentor"}.get(self.role, self.values.get("role", ""))

    @property
    def full_name(self):
        return self.values.get("full_name", "")

    @property
    def email(self):
        return self.data.get("email") or self.values.get("email", "")


@dataclass
class Preview:
    """What importing the file would do, row by row."""

    school: object
    text: str  # the decoded file, carried by the confirm form and read again on confirm
    header: list  # the header row as read
    rows: list

    @property
    def errors(self):
        return [(row, error) for row in self.rows for error in row.errors]

    @property
    def has_errors(self):
        return any(row.errors for row in self.rows)

    @property
    def rows_with_errors(self):
        return [row for row in self.rows if row.errors]

    def _with(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self):
        return self._with(CREATE)

    @property
    def to_change(self):
        return self._with(CHANGE)

    @property
    def unchanged(self):
        return self._with(UNCHANGED)

    @property
    def to_write(self):
        """How many people the import creates or changes."""
        return len(self.to_create) + len(self.to_change)

    def error_file(self):
        """The rows as read, each with an ``errors`` column saying what to fix (CSV,
        formula-escaped)."""
        return error_file(self.header, self.rows)


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    unchanged: int
    invited: int
    preview: Preview


# --- Reading the file ------------------------------------------------------------------

_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
TOO_LARGE_MESSAGE = (
    "The file is larger than 2 MB. Split it into smaller files (keep the header row in each) "
    "and import them one after another."
)


def decode(data):
    """The file's text: UTF-8 (with or without a byte-order mark) or, failing that,
    Windows-1252 (what Excel's plain "CSV" saves). A file mixing both is refused: some
    letters would come out wrong."""
    if isinstance(data, str):
        if len(data) > MAX_BYTES:
            raise ImportProblem(TOO_LARGE_MESSAGE)
        return data.removeprefix("\ufeff")
    if not data or not data.strip():
        raise ImportProblem("The file is empty. Choose the CSV file with your ECTs and mentors in it.")
    if len(data) > MAX_BYTES:
        raise ImportProblem(TOO_LARGE_MESSAGE)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportProblem(f"This is an Excel workbook, not a CSV file. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise ImportProblem(f"This is not a CSV text file. {SAVE_AS_CSV}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        raise ImportProblem(
            "Part of this file is saved in one text encoding (UTF-8) and part in another, so letters such as "
            f"é or ë would come out wrong. {SAVE_AS_CSV}"
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportProblem(
            f"This file's text cannot be read: it is neither UTF-8 nor Windows text. {SAVE_AS_CSV}"
        ) from None


def _column_key(heading):
    """``" Full Name "`` -> ``full_name``: headings match whatever their case and spacing."""
    return re.sub(r"[\s-]+", "_", heading.strip().lower())


def _is_formula(raw):
    return raw.startswith(FORMULA_TRIGGERS) or raw.strip().startswith(FORMULA_TRIGGERS)


def _records(text):
    first_line = text.split("\n", 1)[0]
    # Excel in some languages separates cells with semicolons.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise ImportProblem(f"Row {number + 1} cannot be read as CSV ({exc}). {SAVE_AS_CSV}") from None


def _read_header(cells):
    keys = [_column_key(cell) for cell in cells]
    problems = []
    known = set(COLUMNS) | {ERRORS_COLUMN}
    unknown = [cell.strip() for cell, key in zip(cells, keys, strict=True) if key and key not in known]
    missing = [column for column in REQUIRED_COLUMNS if column not in keys]
    twice = sorted({key for key in keys if key and keys.count(key) > 1})
    if missing:
        them = "it" if len(missing) == 1 else "them"
        problems.append(f"The header row has no {_and(missing)} column: add {them}.")
    if unknown:
        problems.append(
            f"The header row has {'a column' if len(unknown) == 1 else 'columns'} this import does not know: "
            f"{_and(f'“{name}”' for name in unknown)}. Rename or remove {'it' if len(unknown) == 1 else 'them'}."
        )
    if twice:
        problems.append(f"The header row has {_and(twice)} more than once: keep one of each.")
    if problems:
        problems.append(f"The columns are: {', '.join(COLUMNS)} (download the template to start from).")
        raise ImportProblem(*problems)
    return {key: index for index, key in enumerate(keys) if key in COLUMNS}


def _and(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def read(text):
    """The header row and the data rows (blank rows skipped, numbers kept as in the
    spreadsheet). File-level problems raise ``ImportProblem``; too many rows are
    refused before any row is checked."""
    header, positions, read_columns, rows = None, None, set(), []
    for number, cells in _records(text):
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header, positions = cells, _read_header(cells)
            read_columns = set(positions.values()) | {
                i for i, cell in enumerate(cells) if _column_key(cell) == ERRORS_COLUMN
            }
            continue
        raw = {column: cells[i] for column, i in positions.items() if i < len(cells)}
        values = {column: raw.get(column, "").strip() for column in COLUMNS}
        row = Row(number=number, cells=cells, values=values, raw=raw)
        if any(cell.strip() for i, cell in enumerate(cells) if i not in read_columns):
            row.error(
                "", "This row has a value in a column without a heading: remove it, or give the column a heading."
            )
        rows.append(row)
    if header is None:
        raise ImportProblem("The file is empty. Choose the CSV file with your ECTs and mentors in it.")
    if not rows:
        raise ImportProblem(
            "The file has a header row but nobody in it: add a row under it for each ECT and mentor."
        )
    if len(rows) > MAX_ROWS:
        raise ImportProblem(
            f"The file has {len(rows):,} rows of people; one import takes at most {MAX_ROWS:,}. "
            f"Split it into files of up to {MAX_ROWS:,} rows (keep the header row in each) "
            "and import them one after another."
        )
    return header, rows


def error_file(header, rows):
    """The rows as read plus an ``errors`` column (formula-escaped CSV text)."""
    keys = [_column_key(cell) for cell in header]
    keep = [i for i, key in enumerate(keys) if key != ERRORS_COLUMN]
    out = io.StringIO()
    write_rows(
        out,
        [header[i] for i in keep] + [ERRORS_COLUMN],
        ([row.cells[i] if i < len(row.cells) else "" for i in keep] + [describe_errors(row)] for row in rows),
    )
    return out.getvalue()


def problem_file(problem):
    """An error file for a file that could not be read at all: its messages, one per line."""
    out = io.StringIO()
    write_rows(out, [ERRORS_COLUMN], ([message] for message in problem.messages))
    return out.getvalue()


def describe_errors(row):
    return " ".join(f"{error.column}: {error.message}" if error.column else error.message for error in row.errors)


def template_csv():
    """The template: the header row and one example row for each role."""
    out = io.StringIO()
    write_rows(out, TEMPLATE_HEADER, TEMPLATE_EXAMPLES)
    return out.getvalue()


# --- Reading cells ------------------------------------------------------------------------


def _key(text):
    """Names compared without case, spaces or punctuation: "Early years" = "early_years"."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


PHASES = {_key(key): value for value, label in Phase.choices for key in (value, label)}
MENTOR_KINDS = {
    _key(key): value for value, label in Mentor.Kind.choices for key in (value, label, label.split()[0])
}
ROLES = {"ect": Role.ECT, "earlycareerteacher": Role.ECT, "mentor": Role.MENTOR}
MAX_LENGTHS = {"full_name": 150, "email": 254, "subject": 100}
DATE_HINT = "like 02/09/2026 or 2026-09-02"


def parse_date(text):
    """A date as a spreadsheet writes it: 2026-09-02, or UK style 02/09/2026 (also 2/9/26)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", text)
        if not match:
            raise ValueError
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
    if not 2000 <= year <= 2100:
        raise ValueError
    return dt.date(year, month, day)


def parse_fte(text):
    """A working pattern from 0.1 to 1.0, at most 2 decimal places ("0,6" is read as 0.6)."""
    try:
        fte = Decimal(text.replace(",", ".") if "." not in text else text)
    except InvalidOperation:
        raise ValueError from None
    if not fte.is_finite() or not Decimal("0.1") <= fte <= 1 or fte != fte.quantize(Decimal("0.01")):
        raise ValueError
    return fte.quantize(Decimal("0.01"))


def _fte_text(fte):
    return f"{fte:.2f}".rstrip("0").rstrip(".") if fte % 1 else f"{fte:.1f}"


def _check_cells(row, ctx):
    """Parse every cell of one row on its own (no other row, no database)."""
    values, data = row.values, row.data
    for column in COLUMNS:
        data[column] = None
        raw = row.raw.get(column, "")
        if raw.strip() and _is_formula(raw):
            row.error(
                column,
                f"The cell starts with “{raw.strip()[:1] or 'a tab'}”, which a spreadsheet runs as a formula. "
                "Remove the formula and type the value itself.",
            )
            values[column] = ""
        elif len(values[column]) > MAX_LENGTHS.get(column, 200):
            row.error(column, f"This is longer than {MAX_LENGTHS.get(column, 200)} characters: shorten it.")
            values[column] = ""

    role = values["role"]
    if not role:
        row.error("role", "Enter the role: ect or mentor.")
    elif _key(role) not in ROLES:
        row.error("role", f"“{role}” is not a role this import knows: put ect or mentor.")
    else:
        data["role"] = ROLES[_key(role)]
    if not values["full_name"]:
        row.error("full_name", "Enter the person's full name.")
    else:
        data["full_name"] = values["full_name"]
    email = values["email"]
    if not email:
        row.error("email", "Enter the person's e-mail address, like name@school.org.uk.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            row.error("email", f"“{email}” is not an e-mail address: enter one like name@school.org.uk.")
        else:
            data["email"] = email.lower()
            if data["email"] in EXAMPLE_EMAILS:
                row.error("", "This is the template's example row: replace it with one of your people, or delete it.")

    if values["mentor_email"]:
        try:
            validate_email(values["mentor_email"])
        except ValidationError:
            row.error("mentor_email", f"“{values['mentor_email']}” is not an e-mail address: enter the mentor's.")
        else:
            data["mentor_email"] = values["mentor_email"].lower()
    if values["trn"]:
        try:
            data["trn"] = normalise_trn(values["trn"])
        except ValidationError as exc:
            row.error("trn", " ".join(exc.messages))
    if values["induction_start"]:
        try:
            data["induction_start"] = parse_date(values["induction_start"])
        except ValueError:
            row.error("induction_start", f"“{values['induction_start']}” is not a date: enter one {DATE_HINT}.")
    if values["fte"]:
        try:
            data["fte"] = parse_fte(values["fte"])
        except ValueError:
            row.error(
                "fte",
                f"“{values['fte']}” is not a working pattern: enter a number from 0.1 to 1.0 "
                "(1.0 for full time, 0.6 for three days a week), with at most 2 decimal places.",
            )
    if values["phase"]:
        if _key(values["phase"]) in PHASES:
            data["phase"] = PHASES[_key(values["phase"])]
        else:
            phases = ", ".join(Phase.labels)
            row.error("phase", f"“{values['phase']}” is not a phase: put one of {phases}, or leave it empty.")
    if values["subject"]:
        data["subject"] = values["subject"]
    if values["appropriate_body"]:
        body = ctx.bodies.get(values["appropriate_body"].lower())
        if body is None:
            known = ", ".join(b.name for b in ctx.bodies.values()) or "none yet"
            row.error(
                "appropriate_body",
                f"There is no appropriate body called “{values['appropriate_body']}” at {ctx.tenant.name} "
                f"(theirs: {known}): correct the name or leave it empty.",
            )
        data["appropriate_body"] = body
    if values["cohort"]:
        cohort = ctx.cohorts.get(values["cohort"].lower())
        if cohort is None:
            row.error("cohort", f"There is no cohort called “{values['cohort']}”: {ctx.cohort_hint}.")
        data["cohort"] = cohort
    if values["mentor_kind"]:
        if _key(values["mentor_kind"]) in MENTOR_KINDS:
            data["mentor_kind"] = MENTOR_KINDS[_key(values["mentor_kind"])]
        else:
            row.error(
                "mentor_kind", f"“{values['mentor_kind']}” is not a kind of mentor: put new, transferring or returning."
            )


# --- What is recorded already (read once for the whole file) --------------------------------


class _Context:
    """The school's and tenant's records the rows are checked against, each read once."""

    def __init__(self, *, school, rows, inviter, on):
        self.school, self.tenant, self.inviter, self.on = school, school.tenant, inviter, on
        tenant = self.tenant
        self.cohorts = {c.name.lower(): c for c in Cohort.objects.filter(tenant=tenant)}
        self.bodies = {b.name.lower(): b for b in AppropriateBody.objects.filter(tenant=tenant)}
        names = ", ".join(sorted(c.name for c in self.cohorts.values()))
        self.cohort_hint = (
            f"put one of {names}" if self.cohorts else f"{tenant.name} has no cohort yet: ask them to set one up"
        )

        emails = set()
        trns = set()
        for row in rows:
            for column in ("email", "mentor_email"):
                if "@" in row.values.get(column, ""):
                    emails.add(row.values[column].lower())
            trns.add(_loose_trn(row.values.get("trn", "")))
        users = list(
            get_user_model().objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        ) if emails else []
        self.users = {u.email_lower: u for u in users}
        self.ects = {
            e.user_id: e
            for e in ECT.objects.filter(tenant=tenant, user__in=users).select_related(
                "user", "cohort", "appropriate_body"
            )
        }
        self.ect_periods = {
            p.ect_id: p
            for p in ECTAtSchool.objects.filter(tenant=tenant, ect__in=list(self.ects.values()), ended_on__isnull=True)
        }
        at_school = ECTAtSchool.objects.filter(ect=OuterRef("pk"), school=school, ended_on__isnull=True)
        self.trn_owners = {
            e["trn"]: e
            for e in ECT.objects.filter(tenant=tenant, trn__in=trns - {""})
            .annotate(at_school=Exists(at_school))
            .values("trn", "user_id", "user__full_name", "at_school")
        }
        self.memberships = set(
            Membership.objects.filter(tenant=tenant, school=school, user__in=users, role__in=[Role.ECT, Role.MENTOR])
            .values_list("user_id", "role")
        )
        self.mentors = {
            m.user_id: m for m in Mentor.objects.filter(tenant=tenant, user__in=users).select_related("user", "cohort")
        }
        # Everyone mentoring at the school now (a pairing may name a mentor not in the file).
        self.mentor_periods_here = {
            p.mentor.user.email.lower(): p
            for p in MentorAtSchool.objects.filter(tenant=tenant, school=school, ended_on__isnull=True)
            .select_related("mentor__user")
        }
        self.current_mentorships = {
            m.ect_id: m
            for m in Mentorship.objects.filter(tenant=tenant, ect__in=list(self.ects.values()), ended_on__isnull=True)
            .select_related("mentor__user")
        }
        self.needs_approval = (
            inviter is not None and inviter.role in SCHOOL_LEADER_ROLES
            and ChangeRequest.Kind.CHANGE_MENTOR in (tenant.changes_needing_approval or [])
        )

    def mentor_here(self, email):
        """The mentor's open period at this school, by e-mail (None if not mentoring here)."""
        return self.mentor_periods_here.get(email)


def _loose_trn(text):
    try:
        return normalise_trn(text) if text else ""
    except ValidationError:
        return ""


# --- Checking rows against each other and the records ----------------------------------------


def _check_across_rows(rows):
    by_email, by_trn = {}, {}
    for row in rows:
        if row.data.get("email"):
            by_email.setdefault(row.data["email"], []).append(row)
        if row.role == Role.ECT and row.data.get("trn"):
            by_trn.setdefault(row.data["trn"], []).append(row)
    for email, same in by_email.items():
        for row in same if len(same) > 1 else ():
            row.error("email", f"{email} is also on {_other_rows(row, same)}: put each person on one row only.")
    for trn, same in by_trn.items():
        for row in same if len(same) > 1 else ():
            row.error(
                "trn", f"TRN {trn} is also on {_other_rows(row, same)}: each ECT has their own TRN. Check the numbers."
            )
    return by_email


def _other_rows(row, same):
    others = [str(other.number) for other in same if other is not row]
    return f"row{'s' if len(others) > 1 else ''} {_and(others)}"


def _decide(row, ctx, by_email):
    """Find the person, say whether the row creates, changes or leaves them, and check
    what depends on other rows or the records (duplicates, pairings)."""
    if not row.role or not row.data.get("email"):
        return
    row.user = ctx.users.get(row.data["email"])
    if row.role == Role.ECT:
        _decide_ect(row, ctx, by_email)
    else:
        _decide_mentor(row, ctx)
    if not row.errors:
        row.action = CREATE if row.record is None else (CHANGE if row.changes else UNCHANGED)
    if row.user is not None and row.user.full_name and row.full_name and row.user.full_name != row.full_name:
        row.notes.append(f"The name stays “{row.user.full_name}”: an import does not rename people.")


def _cohort_for(row, ctx):
    cohort = row.data["cohort"]
    if cohort is None and not row.values["cohort"]:
        if len(ctx.cohorts) == 1:
            return next(iter(ctx.cohorts.values()))
        row.error("cohort", f"Enter the cohort: {ctx.cohort_hint}.")
    return cohort


def _decide_ect(row, ctx, by_email):
    data, user = row.data, row.user
    ect = ctx.ects.get(user.pk) if user is not None else None
    period = ctx.ect_periods.get(ect.pk) if ect is not None else None
    if ect is not None and (period is None or period.school_id != ctx.school.pk):
        row.error(
            "email",
            f"{row.email} is already registered as an ECT at another school of {ctx.tenant.name}, or has left: "
            "ask the delivery partner to move them instead of importing them.",
        )
        return
    if ect is None and user is not None and (user.pk, Role.ECT) in ctx.memberships:
        row.error(
            "email",
            f"{row.email} is an ECT here without a training record: "
            "ask the delivery partner to fix their registration.",
        )
        return
    row.record = ect
    if row.values["mentor_kind"]:
        row.notes.append("Not kept for an ECT: mentor_kind.")
    _check_trn_owner(row, ctx, ect)
    if ect is None:
        if data["induction_start"] is None and not row.values["induction_start"]:
            row.error("induction_start", f"Enter the date the ECT's induction starts, {DATE_HINT}.")
        data["cohort"] = _cohort_for(row, ctx)
        induction_start, school_from = data["induction_start"], data["induction_start"]
    else:
        _ect_changes(row, ect)
        induction_start, school_from = ect.induction_start, period.started_on
    _check_pairing(row, ctx, by_email, ect, induction_start, school_from)


def _check_trn_owner(row, ctx, ect):
    trn = row.data["trn"]
    owner = ctx.trn_owners.get(trn) if trn else None
    if owner is None or (ect is not None and owner["user_id"] == ect.user_id):
        return
    if owner["at_school"]:
        who = f"{owner['user__full_name']}, an ECT at this school"
    else:
        who = f"another ECT registered with {ctx.tenant.name}"
    row.error("trn", f"TRN {trn} already belongs to {who}: check the number.")


def _describe(value):
    if value is None or value == "":
        return "none"
    if isinstance(value, Decimal):
        return _fte_text(value)
    return str(value)


def _ect_changes(row, ect):
    data = row.data
    if data["induction_start"] is not None and data["induction_start"] != ect.induction_start:
        row.error(
            "induction_start",
            f"{ect.user}'s induction started on {long_date(ect.induction_start)}: an import does not move it. "
            "Put that date or leave the cell empty; ask the delivery partner to correct it.",
        )
    if data["cohort"] is not None and data["cohort"].pk != ect.cohort_id:
        row.error(
            "cohort",
            f"{ect.user} is in the cohort {ect.cohort}: an import does not move people between cohorts. "
            "Put that cohort or leave the cell empty; ask the delivery partner for a change of cohort.",
        )
    compare = (
        ("trn", "TRN", ect.trn, data["trn"], None),
        ("fte", "FTE", ect.fte, data["fte"], None),
        ("phase", "phase", ect.phase, data["phase"], lambda v: Phase(v).label if v else "none"),
        ("subject", "subject", ect.subject, data["subject"], None),
        ("appropriate_body", "appropriate body", ect.appropriate_body, data["appropriate_body"], None),
    )
    for name, label, old, new, show in compare:
        if new is None or new == old:
            continue
        show = show or _describe
        row.changes.append(f"{label}: {show(old)} → {show(new)}")
        row.updates[name] = new


def _check_pairing(row, ctx, by_email, ect, induction_start, school_from):
    mentor_email = row.data["mentor_email"]
    if not mentor_email:
        return
    if mentor_email == row.data["email"]:
        row.error(
            "mentor_email", "This is the ECT's own e-mail address: nobody mentors themselves. Enter their mentor's."
        )
        return
    in_file = [other for other in by_email.get(mentor_email, []) if other is not row]
    here = ctx.mentor_here(mentor_email)
    if in_file and in_file[0].role == Role.ECT:
        row.error(
            "mentor_email",
            f"{mentor_email} is on row {in_file[0].number} as an ECT, not a mentor: enter their mentor's e-mail.",
        )
        return
    if not in_file and here is None:
        row.error(
            "mentor_email",
            f"Nobody with the e-mail {mentor_email} is a mentor at {ctx.school.name} or on a mentor row of this file: "
            "add a row for them with the role mentor, or correct the address.",
        )
        return
    starts = max(day for day in (induction_start, ctx.on, school_from, here and here.started_on) if day)
    current = ctx.current_mentorships.get(ect.pk) if ect is not None else None
    if current is not None and current.mentor.user.email.lower() == mentor_email:
        return
    if current is not None:
        if ctx.needs_approval:
            row.error(
                "mentor_email",
                f"{ctx.tenant.name} approves changes of mentor: ask for this change on {ect.user}'s page instead.",
            )
            return
        if current.started_on >= starts:
            row.error(
                "mentor_email",
                f"{ect.user}'s mentorship with {current.mentor.user} starts on {long_date(current.started_on)}: "
                "change the mentor on their page from the day after.",
            )
            return
    mentor_name = here.mentor.user if here is not None else (in_file[0].full_name or mentor_email)
    before = "" if ect is None else f"{current.mentor.user if current else 'none'} → "
    row.changes.append(f"mentor: {before}{mentor_name} from {long_date(starts)}")
    row.pair_with, row.pair_from = mentor_email, starts
    row.pair_mentor = here.mentor if here is not None else None


def _decide_mentor(row, ctx):
    data, user = row.data, row.user
    kept_out = [column for column in ECT_COLUMNS if row.values.get(column)]
    if kept_out:
        row.notes.append(f"Not kept for a mentor: {', '.join(kept_out)}.")
    mentor = ctx.mentors.get(user.pk) if user is not None else None
    here = ctx.mentor_here(row.data["email"])
    if here is not None:
        row.record = here.mentor
        if data["mentor_kind"] is not None and data["mentor_kind"] != here.mentor.kind:
            new_kind = Mentor.Kind(data["mentor_kind"]).label
            row.changes.append(f"kind of mentor: {here.mentor.get_kind_display()} → {new_kind}")
            row.updates["kind"] = data["mentor_kind"]
        cohort = data["cohort"]
        if cohort is not None and here.mentor.cohort_id is None:
            row.changes.append(f"cohort: none → {cohort}")
            row.updates["cohort"] = cohort
        elif cohort is not None and cohort.pk != here.mentor.cohort_id:
            row.error(
                "cohort",
                f"{here.mentor.user} follows the mentor programme of the cohort {here.mentor.cohort}: an import "
                "does not move people between cohorts. Leave the cell empty or ask the delivery partner.",
            )
    elif user is not None and (user.pk, Role.MENTOR) in ctx.memberships:
        row.error(
            "email",
            f"{row.email} was a mentor at {ctx.school.name} and has stopped: "
            "ask the delivery partner to register them again.",
        )
    elif mentor is not None and data["cohort"] is not None and mentor.cohort_id not in (None, data["cohort"].pk):
        row.error(
            "cohort",
            f"{mentor.user} already follows the mentor programme of the cohort {mentor.cohort}: leave the cell empty.",
        )


# --- The two entry points ------------------------------------------------------------------


def preview(*, school, data, inviter=None, on=None):
    """What importing ``data`` (the file's bytes, or its decoded text) at ``school`` would
    do. ``inviter`` is the importing person's membership (its role decides whether a
    change of mentor needs the delivery partner's approval). Raises ``ImportProblem``
    when the file cannot be read at all."""
    text = decode(data)
    header, rows = read(text)
    ctx = _Context(school=school, rows=rows, inviter=inviter, on=on or today())
    for row in rows:
        _check_cells(row, ctx)
    by_email = _check_across_rows(rows)
    for row in rows:
        _decide(row, ctx, by_email)
    for row in rows:
        if row.errors:
            row.action = ""
    return Preview(school=school, text=text, header=header, rows=rows)


@transaction.atomic
def apply(*, actor, school, data, inviter=None, on=None):
    """Import the file: everyone in it, or (when any row has a problem, now or found
    while writing) nobody. With ``inviter`` (the importing person's membership) each new
    person is e-mailed an invitation; without, their access is active at once."""
    on = on or today()
    result = preview(school=school, data=data, inviter=inviter, on=on)
    if result.has_errors:
        raise ImportRefused(result)
    mentors = {}  # e-mail -> Mentor, for the pairings
    row = None
    try:
        for row in sorted(result.rows, key=lambda r: r.role != Role.MENTOR):  # mentors first
            if row.role == Role.MENTOR:
                mentors[row.data["email"]] = _import_mentor(row, actor=actor, school=school, inviter=inviter, on=on)
            else:
                row.record = _import_ect(row, actor=actor, school=school, inviter=inviter)
        for row in result.rows:
            if not row.pair_with:
                continue
            mentor = mentors.get(row.pair_with) or row.pair_mentor
            if row.action == CREATE:
                _first_pairing(ect=row.record, mentor=mentor, starts_on=row.pair_from, actor=actor)
            else:
                services.assign_mentor(actor=actor, ect=row.record, mentor=mentor, starts_on=row.pair_from)
    except services.ParticipantError as exc:
        row.error("", str(exc))
        row.action = ""
        raise ImportRefused(result) from exc
    created, changed = len(result.to_create), len(result.to_change)
    return ImportResult(
        created=created, changed=changed, unchanged=len(result.unchanged),
        invited=created if inviter is not None else 0, preview=result,
    )


def _import_mentor(row, *, actor, school, inviter, on):
    if row.action == CREATE:
        return services.register_mentor(
            actor=actor, school=school, email=row.data["email"], full_name=row.data["full_name"], started_on=on,
            kind=row.data["mentor_kind"] or Mentor.Kind.NEW, cohort=row.data["cohort"], inviter=inviter,
        )
    _update(row.record, row.updates, actor)
    return row.record


def _import_ect(row, *, actor, school, inviter):
    data = row.data
    if row.action == CREATE:
        return services.register_ect(
            actor=actor, school=school, email=data["email"], full_name=data["full_name"],
            induction_start=data["induction_start"], cohort=data["cohort"], fte=data["fte"] or Decimal("1.00"),
            trn=data["trn"] or "", phase=data["phase"] or "", subject=data["subject"] or "",
            appropriate_body=data["appropriate_body"], inviter=inviter,
        )
    _update(row.record, row.updates, actor)
    return row.record


def _update(record, updates, actor):
    """Change an existing ECT or mentor record's fields (history keeps the old values)."""
    if not updates:
        return
    for name, value in updates.items():
        setattr(record, name, value)
    record._history_user = actor
    try:
        record.full_clean()
    except ValidationError as exc:
        raise services.ParticipantError(" ".join(exc.messages)) from exc
    record.save(update_fields=list(updates))


def _first_pairing(*, ect, mentor, starts_on, actor):
    """The first mentorship of an ECT registered by this import. ``assign_mentor`` is for
    pairings of people already registered: it checks what ``preview`` has checked for
    this row (not themselves, both at the school, no open mentorship: the ECT is new)
    and e-mails both people that the mentor changed, which a person who has just been
    registered (and invited, or not e-mailed at all without an inviter) should not get.
    Saved one by one, so the history and the page caches follow."""
    mentorship = Mentorship(tenant_id=ect.tenant_id, ect=ect, mentor=mentor, started_on=starts_on)
    mentorship._history_user = actor
    mentorship.save()
