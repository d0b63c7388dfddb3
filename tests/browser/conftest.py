"""A real browser: Playwright driving Debian's chromium against pytest-django's live server.

Screenshots of every page a test visits go to ``test-artifacts/screenshots/``. Every page
the fixtures open is watched for Content-Security-Policy violations: a test whose pages
broke the policy fails at teardown, with the browser's console log."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One chromium for this package. Not for the session: Playwright's event loop stays
    on the main thread while it runs, and tests after this package call async views
    (/health/) through the test client, which refuses to run one inside a running loop."""
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed for browser tests (.ci/run installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


# The page's own report of each violation (init scripts run outside the page's policy),
# logged where the console listener below reads it.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
  + " at " + e.documentURI + (e.sample ? " (" + e.sample + ")" : "")));
"""


class CspWatch:
    """Console messages of every page in one browser context, and the CSP violations among
    them: the ``securitypolicyviolation`` events (pages with JavaScript) and chromium's own
    console errors for refused resources (any page)."""

    def __init__(self, context: BrowserContext) -> None:
        self.console: list[str] = []
        self.violations: list[str] = []
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._record)

    def _record(self, message: ConsoleMessage) -> None:
        line = f"[{message.type}] {message.page.url if message.page else ''}: {message.text}"
        self.console.append(line)
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            self.violations.append(line)

    def check(self) -> None:
        assert not self.violations, "Content-Security-Policy violations:\n" + "\n".join(
            self.console
        )


def _watched_page(browser: Browser, **options: object) -> Iterator[Page]:
    context = browser.new_context(**options)  # type: ignore[arg-type]
    watch = CspWatch(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    watch.check()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _watched_page(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (iPhone SE width) for the responsive checks."""
    yield from _watched_page(browser, viewport={"width": 375, "height": 740}, is_mobile=True)


@pytest.fixture
def nojs_page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript switched off: the public pages must work without it."""
    yield from _watched_page(
        browser, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )


_axe = Axe()
SERIOUS = ("serious", "critical")


def assert_accessible(page: Page) -> None:
    """axe-core (the engine behind pa11y and Lighthouse) finds no serious or critical
    violation on the page as it stands. Needs JavaScript, so not on ``nojs_page``."""
    results = _axe.run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in serious
    )


def assert_fits(page: Page) -> None:
    """Nothing sticks out sideways: the page scrolls only vertically at this width."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page is {overflow}px wider than the {page.viewport_size} viewport"


def portal_login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(name: str, on: Page | None = None) -> Path:
        """Save the page (``on``: another page than the test's own, a phone one say)."""
        path = SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{name}.png"
        (on or page).screenshot(path=str(path), full_page=True)
        return path

    return take


def admin_login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
