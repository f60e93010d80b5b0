"""A real browser for the tests: Debian's Chromium driven by Playwright (never `playwright install`)."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from apps.innovation_action.services.demo_accounts import (
    DEMO_PASSWORD,
    create_demo_accounts,
)
from apps.innovation_action.services.plan_loader import load_plan
from tests.conftest import PLAN_FOLDER

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No background traffic: the machine's network is closed and Chromium would keep trying.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page(live_server, tmp_path, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM
    # checks between page steps are plain synchronous calls (pytest-django's advice).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # A transactional test starts from an emptied database: give it the plan again.
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.base_url = live_server.url
        yield page
        browser.close()


def log_in(page, username):
    page.goto(f"{page.base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base_url}/admin/")


def log_out_and_in(page, username):
    page.context.clear_cookies()
    log_in(page, username)
