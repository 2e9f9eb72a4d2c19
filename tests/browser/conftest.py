"""Fixtures for the real-browser tests: the real application served by uvicorn on a loopback
port, driven by Debian's Chromium through Playwright, checked by axe-core.

- ``site``: the application (``create_app(env, WebSettings())``) on a new migrated SQLite
  database, served by uvicorn in a background thread for one test. ``db_url`` is overridden
  here: these tests check pages, not storage (``tests/web`` and ``tests/storage`` run on
  PostgreSQL too), and both databases would double the run. ``site.url``, ``site.env`` (with
  a cheap argon2 hasher), ``site.clock``, ``site.add_user(email, name, role)`` (password
  ``site.PASSWORD``) and ``site.journey`` (the helpers of ``tests/workflow/journey.py``).
- ``browser`` (one Chromium per test module, ``/usr/bin/chromium``: a missing one fails the run,
  it is never skipped; Playwright's own browser download does not work here) and ``page``: a
  new context and page per test, with ``base_url`` the site's; ``console`` collects what the
  page writes to the browser console.
- ``shot(page, name, full_page=True)``: a screenshot ``<name>.png`` (the whole page, or with
  ``full_page=False`` the viewport only) in the screenshots folder, so a
  reviewer can look at the pages: ``$BETEILIGUNG_SCREENSHOTS``, else ``test-output/screenshots``
  at the repository root (named in the report's header and summary; each run overwrites the
  files).
- ``axe(page)``: the axe-core violations of the page as it is, CSP in force (axe's script comes
  from the ``axe-playwright-python`` package and is evaluated by Playwright, which the page's
  CSP does not govern); ``axe.assert_none(page)`` fails with a readable list
  (``axe.report(violations)`` gives that list for a test that collects several pages).
- ``sign_in(page, email)``: signs in through the form at ``/anmelden`` (in German, the
  password of ``site.add_user``) and waits for the landing page (``/intern``, or the stuck
  list for a coordinator).

Import rule: the package's ``config``, ``storage``, ``web`` and ``workflow``; pytest, Playwright
(with axe-playwright-python's copy of axe-core), uvicorn.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
import uvicorn
from argon2 import PasswordHasher
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page, sync_playwright

from beteiligung.config.passwords import Argon2PasswordHasher
from beteiligung.config.settings import WebSettings
from beteiligung.storage.engine import make_engine
from beteiligung.storage.migrate import upgrade
from beteiligung.web.app import create_app
from beteiligung.workflow import accounts

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps calling out into this machine's closed network.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("BETEILIGUNG_SCREENSHOTS")
                   or ROOT / "test-output" / "screenshots")
COORDINATOR = "koordination@hannover-stadt.de"
PASSWORD = "ein sehr langes Passwort"
START_TIMEOUT = 15.0


TAKEN: list[Path] = []


def pytest_report_header(config):
    return f"browser tests: {CHROMIUM}, screenshots in {SCREENSHOTS}"


def pytest_terminal_summary(terminalreporter):
    """Where the screenshots are (the header above is shown only when pytest is started on
    this folder: a plain ``pytest`` loads this conftest after the header)."""
    if TAKEN:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(TAKEN)} screenshots in {SCREENSHOTS}")


class LiveServer:
    """uvicorn serving ``app`` on a free loopback port, in a daemon thread."""

    def __init__(self, app) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                access_log=False, ws="none", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test web server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=START_TIMEOUT)
        assert not self.thread.is_alive(), "the test web server did not stop"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A new, migrated SQLite database (the browser tests do not run on PostgreSQL)."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def site(env, clock, journey):
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    site_env = replace(env, passwords=Argon2PasswordHasher(cheap))
    server = LiveServer(create_app(site_env, WebSettings()))
    url = server.start()

    def add_user(email: str, name: str = "", role: str = "lead") -> str:
        accounts.add_user(site_env, COORDINATOR, email, name or email.split("@")[0], PASSWORD,
                          role)
        return email

    yield SimpleNamespace(url=url, env=site_env, clock=clock, add_user=add_user,
                          PASSWORD=PASSWORD, COORDINATOR=COORDINATOR, journey=journey)
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Browser:
    """Chromium for one test module. Not for the session: while Playwright's sync API is
    open, its event loop counts as running in this thread, and every later test that calls
    ``asyncio.run`` (the SMTP tests, say) would fail."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. Install "
                    "it with `apt-get install chromium` (.ci/run does).", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console() -> list[str]:
    """What the page wrote to the browser console ("type: text"), CSP reports included."""
    return []


@pytest.fixture
def page(browser: Browser, site, console: list[str]) -> Page:
    context = browser.new_context(base_url=site.url, locale="de-DE",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    new = context.new_page()
    new.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    yield new
    context.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        TAKEN.append(path)
        return path

    return take


class Axe:
    """axe-core on a Playwright page."""

    def __call__(self, page: Page) -> list[dict]:
        """The violations axe finds on ``page`` (every impact)."""
        page.evaluate(AXE_SCRIPT)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return result["violations"]

    def assert_none(self, page: Page, ignore: Collection[str] = ()) -> None:
        """Fail with a readable list of what axe finds on ``page``, but for the rules named in
        ``ignore`` (each use says why)."""
        violations = [v for v in self(page) if v["id"] not in ignore]
        assert not violations, f"axe on {page.url}:\n" + report(violations)

    @staticmethod
    def report(violations: list[dict]) -> str:
        """``violations`` as the readable list ``assert_none`` fails with."""
        return report(violations)


def report(violations: list[dict]) -> str:
    """id, impact, help and the target of each offending node."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{violation['helpUrl']}]")
        for node in violation["nodes"]:
            html = " ".join(node["html"].split())[:160]
            lines.append(f"    {' '.join(map(str, node['target']))}: {html}")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Axe:
    return Axe()


@pytest.fixture
def sign_in(site):
    """Sign ``email`` (an account of ``site.add_user``) in through the form, as a person
    would: by the fields' labels and the button's name; returns once the landing page is
    shown (``/intern`` for a lead, the stuck list for a coordinator)."""
    landing = re.compile(re.escape(site.url) + r"/intern(/koordinierung/haengend)?")

    def go(page: Page, email: str) -> None:
        page.goto("/anmelden?lang=de")
        page.get_by_label("E-Mail-Adresse").fill(email)
        page.get_by_label("Passwort").fill(site.PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(landing)

    return go
