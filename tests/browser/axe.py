"""Page checks for the browser journeys: axe-core (WCAG 2.0/2.1/2.2 A and AA) and "no
sideways scrolling" at the current viewport.

How axe gets into the page: our Content-Security-Policy is ``script-src 'self'``, so
``page.add_script_tag`` (which inserts the script's text inline, even with ``path=``) is
refused by the browser, and ``bypass_csp=True`` would switch the policy off for the very
pages under test. Instead the axe-core build bundled with ``axe-playwright-python`` is
evaluated through Playwright's ``page.evaluate`` (the DevTools protocol's
Runtime.evaluate), which CSP does not govern; the page and its policy are untouched. This
is what ``axe_playwright_python.sync_playwright.Axe.run`` does too, but its ``run`` builds
the ``axe.run(...)`` call by pasting ``repr(context)``/JSON into a string; here the options
go in as a real argument, injection happens once per document, and the check fails with a
readable list instead of returning a report.
"""

from axe_playwright_python.base import AXE_FILE_PATH

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

_AXE_SOURCE = AXE_FILE_PATH.read_text(encoding="utf-8")


def _inject_axe(page):
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(_AXE_SOURCE)
    version = page.evaluate("() => window.axe && window.axe.version")
    assert version, "axe-core could not be loaded into the page"
    return version


def _where(page, context):
    size = page.viewport_size or {}
    return f"{page.url} ({context + ', ' if context else ''}{size.get('width')}x{size.get('height')})"


def run_axe(page):
    """Run axe-core on the whole document; return its list of violations (all impacts)."""
    _inject_axe(page)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"  * {target}")
            lines.append(f"    {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def check_page(page, *, context=""):
    """Fail if axe-core finds a serious or critical WCAG A/AA violation on the page.
    Returns every violation found (minor and moderate ones included) for the curious."""
    violations = run_axe(page)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if failing:
        raise AssertionError(
            f"axe-core found {len(failing)} serious/critical accessibility violation(s) on "
            f"{_where(page, context)}:\n{format_violations(failing)}"
        )
    return violations


_OVERFLOW_JS = """
() => {
  const viewport = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\\s+/).join('.');
    return s;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const right = r.right + window.scrollX;
    if (r.width === 0 || right <= viewport + 1 || clipped(el)) continue;
    offenders.push({element: describe(el), right: Math.round(right), width: Math.round(r.width),
                    html: el.outerHTML.slice(0, 200)});
  }
  offenders.sort((a, b) => b.right - a.right || b.width - a.width);
  return {viewport, scrollWidth, offenders: offenders.slice(0, 8)};
}
"""


def assert_no_horizontal_scroll(page, *, context=""):
    """The page must fit the viewport's width: nothing to scroll sideways (1 px slack)."""
    found = page.evaluate(_OVERFLOW_JS)
    if found["scrollWidth"] > found["viewport"] + 1:
        listed = "\n".join(
            f"- {o['element']}: right edge {o['right']}px, width {o['width']}px\n    {o['html']}"
            for o in found["offenders"]
        ) or "- (no single element sticks out; look for margins or transforms)"
        raise AssertionError(
            f"The page scrolls sideways on {_where(page, context)}: the document is "
            f"{found['scrollWidth']}px wide in a {found['viewport']}px viewport. Widest offenders:\n{listed}"
        )


def assert_no_script_errors(page, *, context=""):
    """No uncaught script error and no console error (CSP refusals are console errors),
    as recorded by the ``page`` fixture of tests/browser/conftest.py."""
    errors = getattr(page, "js_errors", [])
    if errors:
        found = "\n".join(f"- {e}" for e in errors)
        errors.clear()
        raise AssertionError(f"Script or console errors on {_where(page, context)}:\n{found}")


def check_current(page, *, context=""):
    """axe + no sideways scroll + no script errors, at the current viewport."""
    assert_no_script_errors(page, context=context)
    check_page(page, context=context)
    assert_no_horizontal_scroll(page, context=context)


def check_all_viewports(page, *, context=""):
    """The page checks at desktop (1280x800) then phone (390x844) width, without reloading;
    the viewport is restored afterwards."""
    before = page.viewport_size
    try:
        for name, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            check_current(page, context=f"{context}, {name}" if context else name)
    finally:
        if before:
            page.set_viewport_size(before)


def visit(page, url, *, context="", all_viewports=False):
    """Go to ``url`` (relative to the live server), expect a successful page, run the
    checks at the current viewport (or at desktop and phone with ``all_viewports``)."""
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url} answered {response and response.status}"
    (check_all_viewports if all_viewports else check_current)(page, context=context)
    return response
