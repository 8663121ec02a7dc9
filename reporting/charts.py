"""Charts drawn on the server as SVG, so the page and the PDF show the same picture.

Each chart carries a title and a description for screen readers, and pages also give
the numbers as a table; colour is never the only cue (each band is labelled in the key
and the bars are ordered red, amber, green from the bottom)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

# GOV.UK Frontend's colours: red, orange, green, grey (contrast >= 3:1 on white).
LEVEL_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "paused": "#b1b4b6"}
LEVEL_NAMES = {"red": "Act now", "amber": "Check", "green": "On track", "paused": "Paused"}


def trend_svg(points, *, title, width=640, height=220, levels=("red", "amber", "green", "paused")):
    """A stacked bar per week: ``points`` is [(day, {level: count})]."""
    left, right, top, bottom = 34, 10, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([sum(c.values()) for _, c in points] + [1])
    n = max(len(points), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.7, 48), 4)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="trend-title trend-desc" class="app-chart">',
        f'<title id="trend-title">{escape(title)}</title>',
    ]
    summary = "; ".join(
        f"week ending {day.day} {day:%b}: " + ", ".join(f"{counts.get(level, 0)} {LEVEL_NAMES[level].lower()}"
                                                       for level in levels)
        for day, counts in points
    ) or "No weeks yet."
    parts.append(f'<desc id="trend-desc">{escape(summary)}</desc>')
    # Axis and gridlines at whole numbers.
    step = max(1, round(peak / 4))
    for value in range(0, peak + 1, step):
        y = top + plot_h - plot_h * value / peak
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#0b0c0c">{value}</text>')
    for index, (day, counts) in enumerate(points):
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        for level in levels:
            value = counts.get(level, 0)
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{LEVEL_COLOURS[level]}">'
                f"<title>{value} {LEVEL_NAMES[level].lower()}, week ending {day.day} {day:%b}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" font-size="11" text-anchor="middle" '
            f'fill="#0b0c0c">{day.day} {day:%b}</text>'
        )
    # The key.
    kx = left
    for level in levels:
        parts.append(f'<rect x="{kx}" y="6" width="12" height="12" fill="{LEVEL_COLOURS[level]}"/>')
        parts.append(f'<text x="{kx + 16}" y="16" font-size="12" fill="#0b0c0c">{LEVEL_NAMES[level]}</text>')
        kx += 16 + 8 * len(LEVEL_NAMES[level]) + 18
    parts.append("</svg>")
    return mark_safe("".join(parts))
