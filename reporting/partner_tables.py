"""The rows of the delivery partner's tables as HTML, built in Python: a 300-school table
is 3,600 cells, which the template engine (and ``format_html``) take several times
longer to render than the rest of the page (180 ms against about 10 ms here). Every
figure is a number or a fixed word of ours; every name is escaped."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe


def _percent(value):
    return "–" if value is None else f"{value}%"


def _cell(main, detail=""):
    if detail:
        main = f'{main}<br><span class="govuk-body-s">{detail}</span>'
    return f'<td class="govuk-table__cell govuk-table__cell--numeric">{main}</td>'


def _tag(count, colour):
    return f'<strong class="govuk-tag govuk-tag--{colour}">{count}</strong>' if count else "0"


def figure_cells(f):
    """A row's figures as table cells (numbers and fixed words: nothing to escape)."""
    release = f"{f.release_within} of {f.release_ects} ECTs"
    if f.release_shortfall:
        release += f"; {f.release_shortfall} shortfall"
    if f.release_missing:
        release += f"; {f.release_missing} missing"
    return "".join([
        _cell(int(f.ects)),
        _cell(int(f.mentors)),
        _cell(_percent(f.on_track_percent), f"{f.green} of {f.judged}" + (f", {f.paused} paused" if f.paused else "")),
        _cell(_tag(int(f.red), "red")),
        _cell(_tag(int(f.amber), "orange")),
        _cell(_percent(f.self_study_percent), f"{f.self_study_done} of {f.self_study_expected} modules"),
        _cell(_percent(f.coaching_percent), f"{f.cycles_logged} of {f.cycles_expected} cycles"),
        _cell(_percent(f.attendance_percent), f"{f.events_attended} of {f.events_expected}"),
        _cell(int(f.catch_up)),
        _cell(_percent(f.release_percent), release),
        _cell(_percent(f.onboarding_percent), f"{f.onboarded} of {f.people}"),
    ])


def _link_maker(name):
    """``pk -> URL`` of a URL taking one id, reversed once (reverse() for each of 300 rows
    costs more than the rest of the row)."""
    marker = 999999999
    pattern = reverse(name, args=[marker])
    before, after = pattern.split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


def school_rows(figures):
    dashboard_url = _link_maker("dashboard:school")
    return [
        mark_safe(
            f'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{dashboard_url(f.key)}">'
            f'{escape(f.name)}</a><br><span class="govuk-body-s">URN {escape(f.urn)}</span></th>{figure_cells(f)}'
        )
        for f in figures
    ]


def cohort_rows(figures):
    schools_url = reverse("partner_reports:schools")
    rows = []
    for f in figures:
        if f.key is None:
            name = f'{escape(f.name)}<br><span class="govuk-body-s">Mentors not in a cohort</span>'
        else:
            name = f'<a class="govuk-link" href="{schools_url}?cohort={int(f.key)}">{escape(f.name)}</a>'
        rows.append(mark_safe(
            f'<th scope="row" class="govuk-table__header">{name}</th>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(f.schools)}</td>{figure_cells(f)}'
        ))
    return rows
