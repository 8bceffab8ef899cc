"""The browser harness: headless Chromium, driven by Playwright's sync API, against the live server.

A browser test asks for ``page`` and carries the ``browser`` mark::

    @pytest.mark.browser
    def test_coordinator_sees_start_page(page, login, assert_accessible, settings):
        settings.SAMLA_REQUIRE_MFA = False
        User.objects.create_user(username="alice", password="korrekt-häst-batteri")
        login(page, "alice", "korrekt-häst-batteri")
        page.goto("/")
        assert_accessible(page)

``page`` runs on pytest-django's ``live_server``, which pulls in ``transactional_db``: rows the
test creates with the ORM are committed, so the server thread sees them, and every table is
emptied after the test. Settings changed through the ``settings`` fixture apply to the server
too, as it runs in the same process. ``page.goto`` takes paths; the base URL is the server's.

Every page a browser test visits is checked, at every ``goto``, reload and htmx swap, for what a
person would notice or a screen reader trip over: no page wider than the window (at 390 px a
table scrolls in its own region, the page does not), and no id used twice. ``assert_accessible``
adds axe-core's WCAG 2.1 AA rules. PDFs have their own check, ``samla/web/tests/pdf.py``.

Chromium is Debian's, never a Playwright download: ``/usr/bin/chromium``, or ``SAMLA_CHROMIUM``.
Without it the browser tests are skipped, and fail under ``CI=true``. A failed browser test
leaves a screenshot in ``test-results/``.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from django.core.management import call_command

# Playwright's sync API keeps an asyncio event loop running in the main thread for the rest of
# the session, and Django refuses database calls from such a thread unless this is set. It must
# hold for every test after the first browser test, not only the browser tests themselves.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hypothesis import settings as hypothesis_settings
from playwright.sync_api import Browser, BrowserContext, Error, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer
from xdist.scheduler import LoadScopeScheduling

# SAMLA_TEST_CLOCK=2028-02-29T09:00+01:00 runs the whole suite on that day, the clock ticking on
# from there: nothing in Samla or its tests may depend on the day they run (tests that need a day
# set the clock themselves, and time-machine lets them, inside this one). Chromium keeps the real
# time, so choose a day after today: a session cookie that expires before the browser's now is
# dropped.
_test_clock = os.environ.get("SAMLA_TEST_CLOCK")
if _test_clock:
    import time_machine

    time_machine.travel(datetime.fromisoformat(_test_clock), tick=True).start()

# No time limit per example: how fast code runs is measured in bench/, never asserted in a test
# (a deadline fails at random on a busy CI machine running the suite in parallel).
hypothesis_settings.register_profile("samla", deadline=None)
hypothesis_settings.load_profile("samla")

CHROMIUM = os.environ.get("SAMLA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Fail within seconds when an element never appears, rather than Playwright's 30.
TIMEOUT_MS = 10_000

AXE_JS = Path(__file__).parent / "samla" / "web" / "tests" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_TARGETS_SHOWN = 3
AXE_ATTEMPTS = 3  # a page that changes under axe three times running is a fault of its own

LOGIN_PATH = "/konto/logga-in/"
LOADED_DEMO = "samla/demo/tests/loaded/"
SCREENSHOT_DIR = Path(__file__).parent / "test-results"

_phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses ``page``, so that ``-m "not browser"`` leaves them all out."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# Seconds a module takes, for the modules that take far longer than their number of tests says
# (the larger of the two passes' figures, `-n 2` on the 2-core machine while other work ran,
# 2026-12-07). ModuleScheduling starts the longest modules first. Only the order depends on these
# figures: a stale one can cost minutes of the run, never a result. Any other module counts a
# fifth of a second a test, a browser module's (by its name) fifteen seconds.
SLOW_MODULES = {
    "samla/reports/tests/test_annual_report.py": 870,  # a release of the statistics, built once
    "samla/indicators/tests/test_browser_dashboard.py": 700,
    "samla/reports/tests/test_browser_report.py": 690,
    LOADED_DEMO: 335,  # the demo loaded once per day it checks
    "samla/reports/tests/test_followup.py": 265,
    "samla/indicators/tests/test_releases.py": 195,
    "samla/indicators/tests/test_released_views.py": 180,
    "samla/web/tests/test_permission_matrix.py": 130,
    "samla/indicators/tests/test_views.py": 120,
    "samla/web/tests/test_browser_widths.py": 115,
    "samla/web/tests/test_serving.py": 95,  # collectstatic and gunicorn
    "samla/indicators/tests/test_targets_overlap.py": 90,
    "samla/finance/tests/test_browser_finance.py": 85,
    "samla/web/tests/test_scale_out.py": 70,  # nginx, two gunicorns, two workers, a replica
    "samla/web/tests/test_hostile_input.py": 50,
    "samla/web/tests/test_permission_matrix_associations.py": 45,
    "samla/web/tests/test_browser_pages.py": 40,
    "samla/web/tests/test_hostile_input_more.py": 40,
    "samla/meetings/tests/test_browser_council.py": 35,
    "samla/web/tests/test_permission_matrix_persons.py": 30,
    "samla/plans/tests/test_browser_plan.py": 25,
    "samla/finance/tests/test_access.py": 20,
    "samla/plans/tests/test_worklist.py": 20,
    "samla/accounts/tests/test_accessibility.py": 20,  # browser tests
}
SECONDS_A_TEST = 0.2
SECONDS_A_BROWSER_TEST = 15


def expected_seconds(scope: str, tests: int) -> float:
    if scope in SLOW_MODULES:
        return SLOW_MODULES[scope]
    return tests * (SECONDS_A_BROWSER_TEST if "browser" in scope else SECONDS_A_TEST)


class ModuleScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist publishes no types
    """pytest-xdist's scheduling for ``make test`` (``-n 2``): each test module goes whole to one
    worker, so what a module builds once (``module_db`` in samla/conftest.py) is built once, and
    the loaded demo's modules go together, as they share one load of the demo per day.

    (xdist's own ``--dist loadgroup`` would say this with marks, but it renames the test items,
    which pytest 9 no longer allows: the marks are silently ignored.)

    The longest modules go first (``SLOW_MODULES``), and a worker gets its next module only when
    it is down to its last test, so the run ends with short modules on both workers. xdist's own
    order is by number of tests, which puts the one-test browser journeys of ten minutes last,
    and it hands a worker its next module while two of its tests are left: a worker could hold
    two such journeys in a row while the other one had nothing left to do (minutes of the run).
    """

    workqueue: OrderedDict[str, dict[str, bool]]

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return LOADED_DEMO if module.startswith(LOADED_DEMO) else module

    def _assign_work_unit(self, node: object) -> None:
        self.workqueue = OrderedDict(
            sorted(
                self.workqueue.items(), key=lambda unit: -expected_seconds(unit[0], len(unit[1]))
            )
        )
        super()._assign_work_unit(node)

    def _reschedule(self, node: Any) -> None:
        # The worker holds its last test until it knows the next one (or that none follows), so
        # "one left" is the moment it needs more; xdist's own rule is two.
        if (
            self.workqueue
            and not node.shutting_down
            and self._pending_of(self.assigned_work[node]) > 1
        ):
            return
        super()._reschedule(node)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> ModuleScheduling:
    return ModuleScheduling(config, log)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, for ``page`` to know whether the test failed."""
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    WATCH.start()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After a browser test's own steps pass, check every page it left open once more and fail
    with whatever the pages reported on the way (``PageWatch``)."""
    result = yield
    WATCH.finish()
    return result


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"Chromium not found at {CHROMIUM}: apt-get install chromium, "
            "or set SAMLA_CHROMIUM to its path"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Every context, the page fixture's and those a test opens for a second person, is
        # watched: each page it shows is checked for width and duplicate ids (PageWatch).
        open_context = chromium.new_context

        def new_context(**options: Any) -> BrowserContext:
            context = open_context(**options)
            WATCH.follow(context)
            return context

        chromium.new_context = new_context  # type: ignore[method-assign]
        yield chromium
        chromium.close()


@pytest.fixture
def page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(TIMEOUT_MS)
    httpd = live_server.thread.httpd
    application = httpd.get_app()
    if application is not None and not isinstance(application, OneRequestAtATime):
        httpd.set_app(OneRequestAtATime(application))
    page = context.new_page()
    yield page
    call_report = request.node.stash.get(_phase_reports, {}).get("call")
    if call_report is not None and call_report.failed:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        path = SCREENSHOT_DIR / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        page.screenshot(path=path, full_page=True)
    context.close()


class OneRequestAtATime:
    """The live server's application, answering one request at a time and never while the test
    itself runs queued tasks (``run_tasks``).

    On SQLite the test database lives in memory, and the live server's threads share the test's
    own connection to it. Django requires that the two never query it at the same time: when a
    page polls (a report being made, an import being checked) while the test runs the worker, both
    threads query at once, and SQLite can wait on itself for ever (seen: a hung suite). The lock
    costs PostgreSQL nothing.
    """

    lock = threading.Lock()

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with self.lock:
            return self.application(environ, start_response)


@pytest.fixture
def run_tasks(live_server: LiveServer) -> Callable[[], None]:
    """Run every queued background task, as ``manage.py db_worker`` would, while the pages wait."""

    def run() -> None:
        with OneRequestAtATime.lock:
            call_command("db_worker", batch=True, reload=False, verbosity=0)

    return run


@pytest.fixture
def login() -> Callable[[Page, str, str], None]:
    """Log in through the login form, as a person would."""

    def log_in(page: Page, username: str, password: str) -> None:
        page.goto(LOGIN_PATH)
        page.locator('input[name="username"]').fill(username)
        page.locator('input[name="password"]').fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
        if urlsplit(page.url).path == LOGIN_PATH:
            raise AssertionError(f"Logging in as {username!r} failed: still on {page.url}")

    return log_in


@pytest.fixture
def page_watch() -> PageWatch:
    """The harness's own watch over every page, for the tests of the harness itself."""
    return WATCH


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    """Check the page against WCAG 2.1 A and AA with axe-core, listing what fails."""
    return check_accessibility


def check_accessibility(page: Page) -> None:
    __tracebackhide__ = True  # the failure points at the test's line, not at this helper
    WATCH.check(page)
    # A link clicked just before may still be loading its page: axe must run on the page the
    # test arrives at, not on the one being torn down. Should the page change under axe all the
    # same, it runs again on the new one.
    for attempt in range(AXE_ATTEMPTS):
        page.wait_for_load_state("load")
        try:
            violations = _run_axe(page)
            break
        except Error:
            if attempt == AXE_ATTEMPTS - 1:
                raise
    if violations:
        raise AssertionError(_describe_violations(page.url, violations))


def _run_axe(page: Page) -> list[dict[str, object]]:
    # page.evaluate is not subject to the site's Content-Security-Policy, which forbids the
    # inline script that add_script_tag would insert; the policy stays on in tests.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, object]] = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map((node) => node.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    return violations


def _axe_source() -> str:
    # A trailing expression, so that evaluate returns a plain value rather than the script's.
    return AXE_JS.read_text(encoding="utf-8") + "\n;true"


def _describe_violations(url: str, violations: list[dict[str, object]]) -> str:
    lines = [f"{len(violations)} accessibility rule(s) violated on {url}:"]
    for violation in violations:
        targets = violation["targets"]
        assert isinstance(targets, list)
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        lines.extend(f"    at {target}" for target in targets[:AXE_TARGETS_SHOWN])
        if len(targets) > AXE_TARGETS_SHOWN:
            lines.append(f"    ... and {len(targets) - AXE_TARGETS_SHOWN} more")
    return "\n".join(lines)


# Run in every page before its own scripts (an init script, so the site's Content-Security-Policy
# does not apply): checks the page when it has loaded, after every htmx swap and when the window
# is resized, and reports what it finds to PageWatch through the exposed __samlaReport.
WATCH_JS = """
(() => {
  const slack = 0.5;
  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += "#" + element.id;
    for (const cls of element.classList) name += "." + cls;
    return name;
  };
  const scrollsItself = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const check = (when) => {
    const found = [];
    const root = document.documentElement;
    if (!root || !document.body) return found;
    const where = location.pathname + location.search;
    const width = root.scrollWidth, viewport = window.innerWidth;
    if (width > viewport) {
      const culprits = [];
      for (const element of document.body.querySelectorAll("*")) {
        const right = element.getBoundingClientRect().right;
        if (right <= viewport + slack || scrollsItself(element)) continue;
        const inner = [...element.children].some(
          (child) => child.getBoundingClientRect().right > viewport + slack);
        if (!inner) culprits.push(`${describe(element)} to ${Math.round(right)} px`);
        if (culprits.length >= 5) break;
      }
      found.push([`${where} wider than ${viewport} px`,
                  `${where} is ${width} px wide in a ${viewport} px window (${when}); ` +
                  `sticking out: ${culprits.join(", ") || "?"}`]);
    }
    const counts = new Map();
    for (const element of document.querySelectorAll("[id]")) {
      counts.set(element.id, (counts.get(element.id) || 0) + 1);
    }
    const twice = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `"${id}" ${n} times`);
    if (twice.length) {
      found.push([`${where} ids ${twice.join(", ")}`,
                  `${where} uses the same id twice (${when}): ${twice.join(", ")}`]);
    }
    for (const [key, problem] of found) {
      if (window.__samlaReport) window.__samlaReport(key, problem);
    }
    return found;
  };
  window.__samlaCheck = check;
  window.addEventListener("load", () => check("loaded"));
  window.addEventListener("resize", () => check(`resized to ${window.innerWidth} px`));
  document.addEventListener("htmx:afterSettle", () => check("after an htmx swap"));
})();
"""


class PageWatch:
    """What the harness checks on every page a browser test visits, whether or not the test asks:
    that the page is no wider than the window (``document.documentElement.scrollWidth <=
    window.innerWidth``; at 390 px a table scrolls in its own region, the page does not), and
    that no id is used twice (a label, ``aria-describedby`` or htmx target would find the wrong
    element). The pages report as they load, swap and resize; ``assert_accessible`` and the end
    of the test fail with the pages and ids named."""

    def __init__(self) -> None:
        self.contexts: list[BrowserContext] = []
        self.problems: dict[str, str] = {}  # in the order found, each once

    def follow(self, context: BrowserContext) -> None:
        context.expose_function("__samlaReport", self.report)
        context.add_init_script(script=WATCH_JS)
        self.contexts.append(context)

    def report(self, key: str, problem: str) -> None:
        self.problems.setdefault(key, problem)

    def start(self) -> None:
        self.contexts, self.problems = [], {}

    def check(self, page: Page, when: str = "checked") -> None:
        """Check the page as it is now, and fail with everything found so far."""
        __tracebackhide__ = True
        try:
            found = page.evaluate(
                "(when) => window.__samlaCheck ? window.__samlaCheck(when) : []", when
            )
        except Error:  # closed, or navigating away: what it reported on loading stands
            found = []
        for key, problem in found:
            self.report(key, problem)
        if self.problems:
            raise AssertionError("\n".join(["Pages the test visited:", *self.problems.values()]))

    def finish(self) -> None:
        __tracebackhide__ = True
        try:
            for context in self.contexts:
                for page in context.pages:
                    if not page.is_closed():
                        self.check(page, "at the end of the test")
            if self.problems:
                raise AssertionError(
                    "\n".join(["Pages the test visited:", *self.problems.values()])
                )
        finally:
            self.start()


WATCH = PageWatch()
