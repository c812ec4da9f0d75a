"""Browser journeys: Debian's headless Chromium (never a downloaded one) driven by Playwright's sync API
against pytest-django's live_server, with axe-core from npm checking every page.

Without Chromium or axe-core the journeys are skipped locally, but fail in CI (CI=true), so that a broken
runner never turns the accessibility gate silently green.
"""

import json
import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test (so `-m "not browser"` leaves them all out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def missing_prerequisites() -> list[str]:
    problems = []
    if not CHROMIUM.is_file():
        problems.append(f"{CHROMIUM} is missing (install Debian's chromium package)")
    if not AXE_JS.is_file():
        problems.append(f"{AXE_JS} is missing (run `make setup`, which runs `npm ci`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing (run `make setup`)")
    return problems


@pytest.fixture(scope="session")
def browser():
    problems = missing_prerequisites()
    if problems:
        reason = "Browser tests cannot run: " + "; ".join(problems) + "."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread from start() to stop(), and the
    # tests (factories, assertions) and any test after them in this process use the ORM from the same
    # thread; Django would refuse with SynchronousOnlyOperation. Set only once a browser is really started.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser, live_server, *, bypass_csp: bool):
    # A Swedish browser: without a language cookie Django follows Accept-Language.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=bypass_csp, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a fresh context + page (e.g. a second person); all are closed after the test. axe-core is
    injected as an inline script, which the strict CSP would block, so these contexts bypass CSP;
    `strict_page` keeps it."""
    contexts = []

    def factory(*, bypass_csp: bool = True):
        context, page = _new_page(browser, live_server, bypass_csp=bypass_csp)
        contexts.append(context)
        return page

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def strict_page(new_page):
    """A page under the real Content-Security-Policy that records every violation the browser reports,
    both as `securitypolicyviolation` events (init scripts run whatever the CSP says) and console errors."""
    page = new_page(bypass_csp=False)
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__csp.push("
        "`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"
    )
    page.csp_console = []
    page.on(
        "console",
        lambda msg: page.csp_console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return page


def csp_violations(page) -> list[str]:
    return list(page.evaluate("() => window.__csp || []")) + list(page.csp_console)


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 10)}))",
        AXE_TAGS,
    )


# An element narrower than the longest word of its own text squeezes that text (with overflow-wrap: anywhere
# it breaks mid-word, one letter per line); a page wider than the window scrolls sideways. A column must hold
# its longest word or at least 20 characters of it: longer words (compounds, addresses) may break.
LAYOUT_JS = r"""
() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    // name the innermost elements that stick out, so the cause can be found
    const out = [...document.body.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1);
    const leaves = out.filter(e => ![...e.children].some(c => out.includes(c))).slice(0, 3)
      .map(e => `${e.tagName.toLowerCase()}${e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : ""}`);
    problems.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in a ${window.innerWidth} px window (${leaves.join(", ")})`);
  }
  const canvas = document.createElement("canvas").getContext("2d");
  const seen = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "svg", "SVG", "OPTION", "SELECT", "TEXTAREA", "INPUT"].includes(el.tagName)) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join(" ").trim();
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (style.display === "inline" || style.display === "contents") continue;  // its block is checked
    if (el.closest("[hidden], .ds-sr-only, .kedja-visually-hidden, .sr-only")) continue;
    let hidden = false;  // visually hidden: inside a 1 px, clipped box (text for screen readers only)
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.position === "absolute" && a.getBoundingClientRect().width <= 1) || s.clipPath === "inset(50%)") {
        hidden = true;
        break;
      }
    }
    if (hidden) continue;
    const width = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (el.clientWidth === 0) continue;
    canvas.font = style.font || `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    if (style.writingMode !== "horizontal-tb" || style.transform !== "none") continue;  // turned text
    let longest = "";
    // a line may break after a hyphen or slash before a letter ("STEAM-|aktörer"), never inside "2026-09-01"
    for (const word of own.split(/\s+|\u00ad|(?<=[-\u2010\u2013\/])(?=\p{L})/u)) {  // and at a soft hyphen
      if (/@|:\/\//.test(word)) continue;  // an e-mail address or a web address may break anywhere
      if (canvas.measureText(word).width > canvas.measureText(longest).width) longest = word;
    }
    // A column must hold its longest word, or at least 20 characters of it (long compounds may break).
    const needed = canvas.measureText(longest.slice(0, 20)).width;
    if (needed > width * 1.04 + 2) {  // canvas measuring may differ from the rendered text by a few per cent
      const key = `${el.tagName.toLowerCase()}: "${longest}"`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(`${key} needs ${Math.ceil(needed)} px but has ${Math.floor(width)} px`);
      }
    }
  }
  return problems.slice(0, 20);
}
"""


def layout_problems(page) -> list[str]:
    """Squeezed text and sideways scrolling at the window's current width."""
    return page.evaluate(LAYOUT_JS)


@pytest.fixture
def assert_accessible():
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now, and check its layout at the window's
    width and at 320 px (no text narrower than its longest word, no sideways scrolling); fail listing what
    was found."""

    def check(page, *, where: str = ""):
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            report = json.dumps(violations, indent=2, ensure_ascii=False)
            pytest.fail(f"axe-core found {len(violations)} violation(s) on {where or page.url}:\n{report}")
        size = page.viewport_size or {"width": 1280, "height": 720}
        found = [f"at {size['width']} px: {p}" for p in layout_problems(page)]
        if size["width"] != 320:
            page.set_viewport_size({"width": 320, "height": size["height"]})
            try:
                found += [f"at 320 px: {p}" for p in layout_problems(page)]
            finally:
                page.set_viewport_size(size)
        report = os.environ.get("KEDJA_LAYOUT_REPORT")  # triage: collect every page's problems, fail none
        if found and report:
            with open(report, "a", encoding="utf-8") as out:
                out.writelines(f"{where or page.url} | {line}\n" for line in found)
        elif found:
            pytest.fail(f"Layout problems on {where or page.url}:\n" + "\n".join(found))

    return check


@pytest.fixture
def assert_no_csp_violations():
    def check(page, *, where: str = ""):
        page.wait_for_load_state("load")
        found = csp_violations(page)
        assert not found, f"Content-Security-Policy violations on {where or page.url}: {found}"
        page.csp_console.clear()  # the console listener outlives navigations; the event list does not

    return check


@pytest.fixture(autouse=True)
def _swedish_ui(settings, _test_settings):
    """The journeys run in the product's default language, Swedish (the unit tests read English)."""
    settings.LANGUAGE_CODE = "sv"
