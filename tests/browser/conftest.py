"""Real-browser set-up: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser`` and is skipped when /usr/bin/chromium is missing or
UNGCUU_BROWSER=0. Screenshots go to /tmp/browser-shots/ when UNGCUU_SHOTS=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM
# calls from it. The ORM calls here are plain sequential set-up and checks.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "mat-khau-thu-nghiem"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}
SHOTS = Path("/tmp/browser-shots")
# axe-core, pinned in package-lock.json beside this file, checks pages' accessibility. It is
# installed here by `npm ci` (run.py does it before the tests) and loaded into the page by
# the test only: the app never serves it.
TOOLS = Path(__file__).resolve().parent
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def _skip_reason() -> str | None:
    if os.environ.get("UNGCUU_BROWSER") == "0":
        return "browser tests turned off (UNGCUU_BROWSER=0)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's chromium package to run browser tests"
    return None


def pytest_runtest_setup(item):
    # Skip before the (transactional) database is set up for nothing.
    if item.get_closest_marker("browser"):
        reason = _skip_reason()
        if reason:
            pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's loop counts as running in this thread, asgiref hands Django a
    # new connection object (context-local instead of thread-local). That object lacks
    # the copy of the migrated data (the shipped catalog) that serialized_rollback puts
    # back after each test's flush, so carry the copy over.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh phone-sized browsing context per test, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


class Hand:
    """Taps as a person does on the phone, and counts the taps."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator) -> None:
        locator.tap()
        self.count += 1


@pytest.fixture
def hand(page):
    return Hand(page)


def _login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập", exact=True).tap()


@pytest.fixture
def login(page):
    """Log in through the form, as a person would: ``login(user)`` or ``login(name, pw)``."""

    def log_in(user, password: str = PASSWORD) -> None:
        _login(page, getattr(user, "username", user), password)

    return log_in


@pytest.fixture
def shot(page):
    """A screenshot for a human to look at, only when UNGCUU_SHOTS=1."""

    def take(name: str) -> None:
        if os.environ.get("UNGCUU_SHOTS") != "1":
            return
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-first-screen.png"))

    return take


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=TOOLS,
            check=False,
            capture_output=True,
        )
    if not AXE.exists():
        reason = f"{AXE} missing: run `npm ci` in {TOOLS} (python3 run.py test does it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(page, axe_source):
    """``axe()`` runs axe-core on the page as it is now and returns its violations."""

    def run() -> list[dict]:
        # Through the DevTools protocol, as a test tool: the page's CSP still forbids
        # inline script to the app itself.
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        return page.evaluate(AXE_RUN)

    return run
