"""Writes for programmes and cohorts.

Programmes are seeded from the JSON files in ``programme/data/`` by ``load_programme``:
the file is checked first without touching the database (weeks inside terms, terms
inside years, strand and module codes that exist, hours that add up to the stated
totals), then every row is created or updated by its natural key in one transaction.
Loading the same file twice changes nothing. Rows that are no longer in a file are kept
(progress and cohorts may point at them); platform staff remove them in the admin.

A file that is unchanged since it was last loaded is skipped, so the seeding command can
run on every deployment without undoing corrections platform staff made in the admin.
"""

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction

from programme.models import (
    STEP_MODULE_KINDS,
    Audience,
    CoachingFocusArea,
    Cohort,
    DiagnosticQuestion,
    EventTemplate,
    HalfTerm,
    LibraryStep,
    Module,
    ModuleActivity,
    Programme,
    ProgrammeYear,
    Season,
    StepKind,
    Strand,
    Term,
    module_weeks_problem,
    release_date_problem,
    term_weeks_problem,
)

PROGRAMME_DATA_DIR = Path(__file__).resolve().parent / "data"
MENTOR_SLUG_SUFFIX = "-mentor"
RELEASE_DATE = re.compile(r"^--(\d{2})-(\d{2})$")  # ISO 8601 month-day, e.g. --11-01


class ProgrammeError(Exception):
    """A programme or cohort change that cannot be made. ``problems`` lists each thing to
    fix, in words a person can act on; nothing was saved."""

    def __init__(self, problems, *, heading=""):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.heading = heading
        if heading:
            message = "\n".join([heading] + [f"- {p}" for p in self.problems])
        else:
            message = " ".join(self.problems)
        super().__init__(message)


# --- Checking a programme file (no database) -------------------------------------------


def _missing(record, keys, what):
    absent = [k for k in keys if record.get(k) in (None, "")]
    return f"{what} has no {', '.join(absent)}: add {'it' if len(absent) == 1 else 'them'}." if absent else None


def check_programme_data(data):
    """Every problem of a programme file, as sentences naming the module, term or event
    and what to change. An empty list means the file can be loaded."""
    problems = []
    missing = _missing(data, ["slug", "title", "lead_provider", "version", "years", "terms"], "The programme file")
    if missing:
        return [missing]
    if data.get("audience", Audience.ECT) != Audience.ECT:
        problems.append(
            f"The programme file says audience {data.get('audience')!r}: a file describes an ECT programme "
            "(its mentor programme comes from mentor_modules and the mentor events)."
        )

    years = {}
    for year in data["years"]:
        if year.get("number") in years:
            problems.append(f"Year {year.get('number')} is listed twice: keep one.")
        elif not isinstance(year.get("weeks"), int) or year["weeks"] < 1:
            problems.append(f"Year {year.get('number')} has no number of weeks: give it 1 or more.")
        else:
            years[year["number"]] = year["weeks"]

    strands = set()
    for strand in data.get("strands", []):
        missing = _missing(strand, ["code", "name"], f"A strand ({strand.get('code') or strand.get('name') or '?'})")
        if missing:
            problems.append(missing)
        elif strand["code"] in strands:
            problems.append(f"Strand {strand['code']} is listed twice: keep one.")
        else:
            strands.add(strand["code"])

    terms = {}
    for term in data["terms"]:
        missing = _missing(term, ["number", "year", "season", "start_week", "end_week"], f"Term {term.get('number', '?')}")
        if missing:
            problems.append(missing)
            continue
        if term["number"] in terms:
            problems.append(f"Term {term['number']} is listed twice: keep one.")
            continue
        if term["year"] not in years:
            problems.append(f"Term {term['number']} is in year {term['year']}, which the file does not list: add the year.")
            continue
        if term["season"] not in Season.values:
            problems.append(f"Term {term['number']} has season {term['season']!r}: use autumn, spring or summer.")
        problem = term_weeks_problem(
            term_number=term["number"], start_week=term["start_week"], end_week=term["end_week"],
            year_number=term["year"], year_weeks=years[term["year"]],
        )
        if problem:
            problems.append(problem)
            continue
        terms[term["number"]] = SimpleNamespace(
            number=term["number"], year=term["year"], start_week=term["start_week"], end_week=term["end_week"],
            season=term["season"],
        )
    for a in terms.values():
        for b in terms.values():
            if a.number < b.number and a.year == b.year and a.start_week <= b.end_week and b.start_week <= a.end_week:
                problems.append(
                    f"Terms {a.number} and {b.number} both hold weeks {max(a.start_week, b.start_week)}-"
                    f"{min(a.end_week, b.end_week)} of year {a.year}: make the terms follow one another."
                )

    module_codes = set()
    placed = []  # (year, start, end, concurrent, name) for the overlap check
    for index, module in enumerate(data.get("modules", []), start=1):
        missing = _missing(
            module, ["code", "title", "kind", "term", "start_week", "end_week"], f"Module {module.get('code') or f'#{index}'}"
        )
        if missing:
            problems.append(missing)
            continue
        name = f"Module {module['code']} ({module['title']})"
        if module["code"] in module_codes:
            problems.append(f"{name}: the code {module['code']} is used twice: give each module its own code.")
            continue
        module_codes.add(module["code"])
        problems.extend(_module_problems(module, name, strands, terms))
        term = terms.get(module["term"])
        if term and not module_weeks_problem(
            code=module["code"], title=module["title"], start_week=module["start_week"], end_week=module["end_week"],
            term=term, end_term=terms.get(module.get("end_term")),
        ):
            placed.append((term.year, module["start_week"], module["end_week"], bool(module.get("concurrent")), name))
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            if a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2] and not (a[3] and b[3]):
                problems.append(
                    f"{a[4]} and {b[4]} both take week {max(a[1], b[1])} of year {a[0]}: move one of them, "
                    "or mark both as offered side by side (concurrent)."
                )

    mentor_years = data.get("mentor_programme_years") or len(years)
    if mentor_years > len(years):
        problems.append(
            f"The mentor programme lasts {mentor_years} years but the file lists {len(years)}: "
            "correct mentor_programme_years."
        )
    event_codes = set()
    for event in data.get("events", []):
        missing = _missing(
            event, ["code", "kind", "audience", "number", "title", "term", "hours"], f"Event {event.get('code', '?')}"
        )
        if missing:
            problems.append(missing)
            continue
        name = f"Event {event['code']} ({event['title']})"
        if event["code"] in event_codes:
            problems.append(f"{name}: the code {event['code']} is used twice: give each event its own code.")
            continue
        event_codes.add(event["code"])
        problems.extend(_event_problems(event, name, terms, mentor_years))

    mentor_codes = set()
    for index, module in enumerate(data.get("mentor_modules", []), start=1):
        missing = _missing(module, ["code", "title"], f"Mentor module {module.get('code') or f'#{index}'}")
        if missing:
            problems.append(missing)
        elif module["code"] in mentor_codes:
            problems.append(f"Mentor module {module['code']} is listed twice: give each mentor module its own code.")
        else:
            mentor_codes.add(module["code"])
            problems.extend(_activity_problems(module, f"Mentor module {module['code']} ({module['title']})"))

    focus_codes = set()
    for area in data.get("coaching_focus_areas", []):
        missing = _missing(area, ["code", "title"], f"Coaching focus area {area.get('code') or area.get('title') or '?'}")
        if missing:
            problems.append(missing)
        elif area["code"] in focus_codes:
            problems.append(f"Coaching focus area {area['code']} is listed twice: keep one.")
        else:
            focus_codes.add(area["code"])

    for number, question in enumerate((data.get("diagnostic") or {}).get("questions", []), start=1):
        if not question.get("text"):
            problems.append(f"Diagnostic question {number} has no text: add it.")
        if question.get("strand") and question["strand"] not in strands:
            problems.append(
                f"Diagnostic question {number} names strand {question['strand']}, which the file does not list: "
                f"use one of {', '.join(sorted(strands))}."
            )
        unknown = [code for code in question.get("suggests_modules", []) if code not in module_codes]
        if unknown:
            problems.append(
                f"Diagnostic question {number} suggests modules {', '.join(unknown)}, which the file does not list: "
                "correct the codes."
            )

    problems.extend(_totals_problems(data, years))
    return problems


def _module_problems(module, name, strands, terms):
    problems = []
    if module["kind"] not in Module.Kind.values:
        problems.append(f"{name} is of kind {module['kind']!r}: use one of {', '.join(Module.Kind.values)}.")
    if module.get("strand") and module["strand"] not in strands:
        problems.append(
            f"{name} is in strand {module['strand']}, which the file does not list: "
            f"use one of {', '.join(sorted(strands))}."
        )
    term = terms.get(module["term"])
    end_term = terms.get(module["end_term"]) if module.get("end_term") is not None else None
    if term is None:
        problems.append(f"{name} is in term {module['term']}, which the file does not list: choose a listed term.")
    elif module.get("end_term") is not None and end_term is None:
        problems.append(f"{name} stays open to term {module['end_term']}, which the file does not list: choose a listed term.")
    else:
        if module.get("year") is not None and module["year"] != term.year:
            problems.append(f"{name} says year {module['year']} but term {term.number} is in year {term.year}: correct the year or the term.")
        problem = module_weeks_problem(
            code=module["code"], title=module["title"], start_week=module["start_week"], end_week=module["end_week"],
            term=term, end_term=end_term,
        )
        if problem:
            problems.append(problem)
    if module.get("release_date"):
        match = RELEASE_DATE.match(module["release_date"])
        problem = (
            release_date_problem(code=module["code"], month=int(match[1]), day=int(match[2])) if match
            else f"{name} has release date {module['release_date']!r}: write it as --MM-DD, for example --11-01 for 1 November."
        )
        if problem:
            problems.append(problem)
    problems.extend(_activity_problems(module, name))
    return problems


def _activity_problems(module, name):
    return [
        f"{name} has an activity of kind {activity.get('kind')!r}: use one of {', '.join(ModuleActivity.Kind.values)}."
        for activity in module.get("activities", [])
        if activity.get("kind") not in ModuleActivity.Kind.values
    ] + [
        f"{name} has an activity with no title: add it."
        for activity in module.get("activities", [])
        if not activity.get("title")
    ]


def _event_problems(event, name, terms, mentor_years):
    problems = []
    if event["kind"] not in EventTemplate.Kind.values:
        problems.append(f"{name} is of kind {event['kind']!r}: use conference or clinic.")
    if event["audience"] not in Audience.values:
        problems.append(f"{name} is for {event['audience']!r}: use ect or mentor.")
    if not isinstance(event["hours"], (int, float)) or event["hours"] <= 0:
        problems.append(f"{name} lasts {event['hours']!r} hours: give a positive number of hours.")
    term = terms.get(event["term"])
    if term is None:
        problems.append(f"{name} is in term {event['term']}, which the file does not list: choose a listed term.")
        return problems
    if event.get("year") is not None and event["year"] != term.year:
        problems.append(f"{name} says year {event['year']} but term {term.number} is in year {term.year}: correct the year or the term.")
    if event["audience"] == Audience.MENTOR and term.year > mentor_years:
        problems.append(
            f"{name} is in year {term.year} but the mentor programme lasts {mentor_years} year(s): "
            "move it or lengthen the mentor programme."
        )
    half_term = event.get("half_term")
    if half_term and (half_term not in HalfTerm.values or not half_term.startswith(term.season)):
        problems.append(
            f"{name} is in half-term {half_term!r} but term {term.number} is the {term.season} term: "
            f"choose {term.season}_1 or {term.season}_2."
        )
    return problems


def _totals_problems(data, years):
    """Stated hour totals must equal what the events add up to."""
    problems = []
    totals = data.get("totals") or {}
    events = data.get("events", [])
    for audience, stated, label in (
        (Audience.ECT, totals, "ECT"),
        (Audience.MENTOR, totals.get("mentor") or {}, "mentor"),
    ):
        for kind in EventTemplate.Kind.values:
            expected = stated.get(f"{kind}_hours")
            if expected is None:
                continue
            actual = sum(
                Decimal(str(e["hours"]))
                for e in events
                if e.get("audience") == audience and e.get("kind") == kind and isinstance(e.get("hours"), (int, float))
            )
            if actual != Decimal(str(expected)):
                problems.append(
                    f"The {label} {kind}s add up to {_hours_text(actual)} but the totals say {_hours_text(expected)}: "
                    "correct an event's hours or the total."
                )
    self_study = totals.get("self_study_hours") or {}
    unknown = [str(y) for y in self_study if not str(y).isdigit() or int(y) not in years]
    if unknown:
        problems.append(f"The self-study totals name year(s) {', '.join(unknown)}, which the file does not list: correct the years.")
    stated_total = totals.get("self_study_hours_total")
    if stated_total is not None and sum(Decimal(str(h)) for h in self_study.values()) != Decimal(str(stated_total)):
        problems.append(
            f"The self-study hours of the years add up to {_hours_text(sum(Decimal(str(h)) for h in self_study.values()))} "
            f"but the total says {_hours_text(stated_total)}: correct a year's hours or the total."
        )
    return problems


def _hours_text(hours):
    return f"{Decimal(str(hours)).normalize():f} h"


# --- Loading ------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """What loading one programme file did, per kind of row."""

    slugs: list
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: bool = False

    @property
    def changed(self):
        return bool(self.created or self.updated)

    def describe(self):
        name = " and ".join(self.slugs)
        if self.skipped:
            return f"{name}: unchanged since last loaded"
        if not self.changed:
            return f"{name}: nothing to change"
        parts = []
        for verb, counts in (("created", self.created), ("updated", self.updated)):
            if counts:
                parts.append(f"{verb} " + ", ".join(f"{n} {_plural(model, n)}" for model, n in counts.items()))
        return f"{name}: " + "; ".join(parts)


def _plural(model, n):
    return str(model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural)


class _Sync:
    """Create or update rows by natural key, counting what changed."""

    def __init__(self, result):
        self.result = result
        self.created = set()  # (model, pk) of rows made in this run

    def row(self, model, existing, key, lookup, values):
        obj = existing.get(key)
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            existing[key] = obj
            self.created.add((model, obj.pk))
            self.result.created[model] += 1
            return obj
        changed = []
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            current = getattr(obj, model_field.attname)
            new = value.pk if model_field.is_relation and value is not None else value
            if current != new:
                setattr(obj, name, value)
                changed.append(name)
        if changed:
            obj.save(update_fields=changed)
            self.result.updated[model] += 1
        return obj

    def many(self, obj, relation, wanted, model):
        manager = getattr(obj, relation)
        wanted_ids = {m.pk for m in wanted}
        if (model, obj.pk) in self.created:
            manager.set(wanted)  # part of creating the row, not a change to it
        elif set(manager.values_list("pk", flat=True)) != wanted_ids:
            manager.set(wanted)
            self.result.updated[model] += 1


def checksum_of(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _hours(value):
    return None if value is None else Decimal(str(value))


def _release(module):
    match = RELEASE_DATE.match(module.get("release_date") or "")
    return (int(match[1]), int(match[2])) if match else (None, None)


def _mentor_programme_wanted(data):
    return bool(
        data.get("mentor_modules")
        or data.get("coaching_focus_areas")
        or any(e.get("audience") == Audience.MENTOR for e in data.get("events", []))
    )


@transaction.atomic
def load_programme(data, *, force=False):
    """Create or update the ECT programme of one file (and its mentor programme, as its
    own row with slug ``<slug>-mentor``) by natural keys. Raises ``ProgrammeError``
    naming every problem, with nothing written. A file unchanged since it was last
    loaded is skipped unless ``force``."""
    problems = check_programme_data(data)
    slug = data.get("slug") or "(no slug)"
    if problems:
        raise ProgrammeError(problems, heading=f"Programme {slug} was not loaded (nothing was saved):")

    checksum = checksum_of(data)
    mentor_slug = f"{slug}{MENTOR_SLUG_SUFFIX}" if _mentor_programme_wanted(data) else None
    result = LoadResult(slugs=[slug] + ([mentor_slug] if mentor_slug else []))
    stored = dict(Programme.objects.filter(slug__in=result.slugs).values_list("slug", "source_checksum"))
    if not force and all(stored.get(s) == checksum for s in result.slugs):
        result.skipped = True
        return result

    sync = _Sync(result)
    ect = _load_one(
        sync, slug=slug, checksum=checksum, data=data, audience=Audience.ECT,
        title=data["title"], years=data["years"], ect_programme=None,
    )
    if mentor_slug:
        mentor_years = data.get("mentor_programme_years") or len(data["years"])
        _load_one(
            sync, slug=mentor_slug, checksum=checksum, data=data, audience=Audience.MENTOR,
            title=f"{data['title']} – mentor programme",
            years=[y for y in data["years"] if y["number"] <= mentor_years], ect_programme=ect,
        )
    return result


def _load_one(sync, *, slug, checksum, data, audience, title, years, ect_programme):
    is_ect = audience == Audience.ECT
    programme = sync.row(Programme, {p.slug: p for p in Programme.objects.filter(slug=slug)}, slug, {"slug": slug}, {
        "title": title,
        "audience": audience,
        "lead_provider": data["lead_provider"],
        "version": data["version"],
        "version_inferred": bool(data.get("version_inferred")),
        "source": data.get("source", ""),
        "ect_programme": ect_programme,
        "source_checksum": checksum,
    })

    self_study = ((data.get("totals") or {}).get("self_study_hours") or {}) if is_ect else {}
    existing = {y.number: y for y in programme.years.all()}
    year_rows = {
        y["number"]: sync.row(ProgrammeYear, existing, y["number"], {"programme": programme, "number": y["number"]}, {
            "weeks": y["weeks"],
            "self_study_hours": _hours(self_study.get(str(y["number"]))),
        })
        for y in years
    }

    strand_rows = {}
    if is_ect:
        existing = {s.code: s for s in programme.strands.all()}
        for index, s in enumerate(data.get("strands", []), start=1):
            strand_rows[s["code"]] = sync.row(Strand, existing, s["code"], {"programme": programme, "code": s["code"]}, {
                "name": s["name"], "order": s.get("order", index),
            })

    existing = {t.number: t for t in programme.terms.all()}
    term_rows = {}
    for t in data["terms"]:
        if t["year"] not in year_rows:
            continue  # a one-year mentor programme has no year-2 terms
        term_rows[t["number"]] = sync.row(Term, existing, t["number"], {"programme": programme, "number": t["number"]}, {
            "year": year_rows[t["year"]],
            "season": t["season"],
            "theme": t.get("theme") or "",
            "theme_inferred": bool(t.get("theme_inferred")),
            "table_heading": t.get("table_heading") or "",
            "start_week": t["start_week"],
            "end_week": t["end_week"],
        })

    existing_modules = {m.code: m for m in programme.modules.all()}
    existing_activities = {
        (a.module_id, a.order): a for a in ModuleActivity.objects.filter(module__programme=programme)
    }
    module_rows = {}
    for index, m in enumerate(data.get("modules", []) if is_ect else data.get("mentor_modules", []), start=1):
        month, day = _release(m)
        values = {
            "title": m["title"],
            "title_inferred": bool(m.get("title_inferred")),
            "summary": m.get("summary") or "",
            "strand": strand_rows.get(m.get("strand")),
            "strand_inferred": bool(m.get("strand_inferred")),
            "kind": m.get("kind", Module.Kind.SELF_STUDY),
            "order": m.get("order", index),
            "term": term_rows.get(m.get("term")),
            "end_term": term_rows.get(m.get("end_term")),
            "start_week": m.get("start_week"),
            "end_week": m.get("end_week"),
            "weeks_inferred": bool(m.get("weeks_inferred")),
            "release_month": month,
            "release_day": day,
            "concurrent": bool(m.get("concurrent")),
            "includes_diagnostic": bool(m.get("includes_diagnostic")),
        }
        module = sync.row(Module, existing_modules, m["code"], {"programme": programme, "code": m["code"]}, values)
        module_rows[m["code"]] = module
        for order, a in enumerate(m.get("activities", []), start=1):
            sync.row(ModuleActivity, existing_activities, (module.pk, order), {"module": module, "order": order}, {
                "kind": a["kind"], "title": a["title"],
            })

    existing = {e.code: e for e in programme.events.all()}
    for e in data.get("events", []):
        if e["audience"] != audience:
            continue
        sync.row(EventTemplate, existing, e["code"], {"programme": programme, "code": e["code"]}, {
            "kind": e["kind"],
            "audience": e["audience"],
            "number": e["number"],
            "title": e["title"],
            "term": term_rows[e["term"]],
            "half_term": e.get("half_term") or "",
            "hours": _hours(e["hours"]),
            "hours_inferred": bool(e.get("hours_inferred")),
        })

    if not is_ect:
        existing = {a.code: a for a in programme.coaching_focus_areas.all()}
        for order, a in enumerate(data.get("coaching_focus_areas", []), start=1):
            sync.row(CoachingFocusArea, existing, a["code"], {"programme": programme, "code": a["code"]}, {
                "title": a["title"], "description": a.get("description") or "", "order": order,
            })
    else:
        existing = {q.order: q for q in programme.diagnostic_questions.all()}
        for order, q in enumerate((data.get("diagnostic") or {}).get("questions", []), start=1):
            question = sync.row(DiagnosticQuestion, existing, order, {"programme": programme, "order": order}, {
                "strand": strand_rows.get(q.get("strand")),
                "text": q["text"],
                "inferred": bool(q.get("inferred")),
            })
            suggested = [module_rows[code] for code in q.get("suggests_modules", [])]
            sync.many(question, "suggested_modules", suggested, DiagnosticQuestion)
    return programme


def programme_files():
    return sorted(PROGRAMME_DATA_DIR.glob("*.json"))


def load_all_programmes(*, force=False, paths=None):
    """Load every programme file of ``programme/data/`` (or ``paths``), each in its own
    transaction. Returns one ``LoadResult`` per file."""
    results = []
    for path in paths or programme_files():
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProgrammeError(f"{Path(path).name} could not be read as JSON ({exc}): correct the file.") from exc
        results.append(load_programme(data, force=force))
    return results


# --- The step library ----------------------------------------------------------------------

STEP_DATA_DIR = PROGRAMME_DATA_DIR / "steps"


@dataclass
class StepLoadResult:
    programme: str
    created: int = 0
    updated: int = 0
    removed: int = 0

    def describe(self):
        if not (self.created or self.updated or self.removed):
            return f"Step library of {self.programme}: unchanged."
        return (
            f"Step library of {self.programme}: {self.created} created, {self.updated} updated, "
            f"{self.removed} removed."
        )


def check_step_data(data, modules):
    """Problems with a step-library file, in words: ``modules`` is {code: Module}."""
    problems = []
    kinds = set(StepKind.values)
    for code, steps in (data.get("steps") or {}).items():
        module = modules.get(code)
        if module is None:
            problems.append(f"steps for module {code}: the programme has no such module")
            continue
        if module.kind not in STEP_MODULE_KINDS:
            problems.append(f"steps for module {code}: a {module.get_kind_display().lower()} module carries no steps")
            continue
        titles = set()
        for index, step in enumerate(steps, start=1):
            where = f"module {code}, step {index}"
            title = (step.get("title") or "").strip()
            lines = step.get("success_criteria") or []
            if not isinstance(lines, list) or not all(isinstance(c, str) for c in lines):
                # A bare string would otherwise be read one character per criterion.
                problems.append(f"{where}: success_criteria must be a list of lines of text")
                lines = []
            criteria = [c.strip() for c in lines if c.strip()]
            if not title or len(title) > 160:
                problems.append(f"{where}: a title of 1 to 160 characters is needed")
            if title in titles:
                problems.append(f"{where}: the title {title!r} is used twice in the module")
            titles.add(title)
            if not criteria:
                problems.append(f"{where}: at least one success criterion is needed")
            if step.get("kind") not in kinds:
                problems.append(f"{where}: kind must be one of {', '.join(sorted(kinds))}")
    return problems


@transaction.atomic
def load_step_library(data):
    """Create or update one programme's step library by (module, order); steps no
    longer in the file are removed unless a tenant's copy or a logged step refers to
    them (PROTECT), in which case they are kept."""
    from django.db.models import ProtectedError

    slug = data.get("programme") or "(no programme)"
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise ProgrammeError(f"Step library for {slug}: load the programme first (seed_programmes).")
    modules = {m.code: m for m in programme.modules.select_related("strand")}
    problems = check_step_data(data, modules)
    if problems:
        raise ProgrammeError(problems, heading=f"Step library of {slug} was not loaded (nothing was saved):")
    result = StepLoadResult(programme=slug)
    existing = {(s.module_id, s.order): s for s in LibraryStep.objects.filter(module__programme=programme)}
    wanted = set()
    for code, steps in data["steps"].items():
        module = modules[code]
        for order, step in enumerate(steps, start=1):
            values = {
                "title": step["title"].strip(),
                "success_criteria": "\n".join(c.strip() for c in step["success_criteria"] if c.strip()),
                "kind": step["kind"],
                "strand_id": module.strand_id,
            }
            key = (module.pk, order)
            wanted.add(key)
            row = existing.get(key)
            if row is None:
                LibraryStep.objects.create(module=module, order=order, **values)
                result.created += 1
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.save()
                result.updated += 1
    for key, row in existing.items():
        if key not in wanted:
            try:
                with transaction.atomic():
                    row.delete()
                result.removed += 1
            except ProtectedError:
                pass
    return result


def load_step_libraries(*, paths=None):
    """Load every step-library file of ``programme/data/steps/`` (or ``paths``)."""
    results = []
    for path in paths or sorted(STEP_DATA_DIR.glob("*.json")):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProgrammeError(f"{Path(path).name} could not be read as JSON ({exc}): correct the file.") from exc
        results.append(load_step_library(data))
    return results


# --- Cohorts -------------------------------------------------------------------------------


@transaction.atomic
def create_cohort(*, actor, tenant, name, start_year, programme, mentor_programme=None):
    """A delivery partner's new cohort, following one ECT programme version (and
    optionally its mentor programme)."""
    cohort = Cohort(
        tenant=tenant, name=name.strip(), start_year=start_year, programme=programme, mentor_programme=mentor_programme,
    )
    try:
        cohort.full_clean()
    except ValidationError as exc:
        raise ProgrammeError(exc.messages) from exc
    cohort._history_user = actor
    cohort.save()
    return cohort


# --- Self-study progress -------------------------------------------------------------------


@transaction.atomic
def save_checklist(*, actor, participant_user, tenant, module_progress, done_activity_ids, now=None):
    """Record which activities of one module the participant has done: ticked ones are
    added (who and when), unticked ones removed. A module that has not opened yet for
    the participant cannot be ticked; nothing is written then."""
    from django.utils import timezone

    from programme.models import ActivityCompletion
    from programme.progress import Status

    module = module_progress.module
    if module_progress.status == Status.UPCOMING:
        raise ProgrammeError(
            f"{module.title} opens on {module_progress.release_date:%-d %B %Y}: "
            "you can tick its activities from then. Carry on with the modules that are open."
        )
    allowed = {state.activity.pk for state in module_progress.activities}
    wanted = {int(pk) for pk in done_activity_ids}
    unknown = wanted - allowed
    if unknown:
        raise ProgrammeError(f"Those activities are not part of {module.title}: reload the page and try again.")
    now = now or timezone.now()
    done = {state.activity.pk for state in module_progress.activities if state.done}
    ActivityCompletion.objects.filter(tenant=tenant, user=participant_user, activity_id__in=done - wanted).delete()
    for pk in sorted(wanted - done):  # one by one, so each keeps its history row
        ActivityCompletion.objects.create(
            tenant=tenant, user=participant_user, activity_id=pk, completed_at=now, completed_by=actor
        )
    return len(wanted - done), len(done - wanted)
