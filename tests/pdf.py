"""Reading a PDF back as a person would: its text, by pdftotext (poppler-utils, which
`make test` installs; a missing pdftotext fails the test, never skips it)."""

import shutil
import subprocess


def pdf_text(pdf, *, layout=False, flat=False):
    """The text of a PDF given as bytes or as a file's path: laid out as on the page
    with ``layout`` (a table row on one line), else in reading order; ``flat`` joins it
    into one line with single spaces."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is required: `make system-deps` installs it"
    args = ["pdftotext", *(["-layout"] if layout else [])]
    if isinstance(pdf, (bytes, bytearray)):
        result = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    else:
        result = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True)
    text = result.stdout.decode()
    return " ".join(text.split()) if flat else text
