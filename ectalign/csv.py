"""CSV writing that a spreadsheet cannot turn into a formula."""

import csv

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Prefix a cell a spreadsheet would run as a formula with an apostrophe (OWASP)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_rows(stream, header, rows):
    writer = csv.writer(stream)
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
