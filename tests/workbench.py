"""The workbench (/app/) in a real browser: Debian's Chromium driven by Playwright, as tests/browser.py does.

A test asks for ``workbench`` (a live server with the plan and the demo accounts), opens a page at a size
with ``workbench.page(width, height)``, logs in through the workbench's own login page, and visits pages:

    page = workbench.page(390, 844)
    log_in(page, "zhanggong")
    visit(page, "/todo")          # /app/todo, then check_page: no console error, no horizontal
                                  # overflow, no English word; a screenshot in test-screenshots/

The front end must have been built (make test builds it; or npm run build in the frontend folder):
without it every workbench test fails and says so.
"""

import gzip
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from apps.innovation_action.workbench.views import BUILD_DIR, INDEX
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PLAN_FOLDER, ROOT

# axe-core (Deque's accessibility engine, pinned in the front end's devDependencies): run in the page by
# check_page against WCAG 2.1 A and AA (labels, names, contrast, landmarks, ARIA use).
AXE = ROOT / "apps/innovation_action/frontend/node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

SCREENSHOTS = ROOT / "test-screenshots"
# Gzipped JavaScript the first page may load (issue 18: "under 300 KB").
JS_BUDGET = 300 * 1024
PHONE = (390, 844)
DESKTOP = (1440, 900)

# Latin words a user may read: names of formats and products, and industry terms the plan's own text uses
# (任务要求 of 附件1 names PCB and LED industries). Period names (2023-Q1, 2023-Y) and other
# codes with digits are not words and are removed before looking.
ALLOWED_WORDS = {"PDF", "Excel", "Word", "WPS", "ID", "API", "PCB", "LED"}
CODE = re.compile(r"[A-Za-z0-9_.:/-]*\d[A-Za-z0-9_.:/-]*")
WORD = re.compile(r"[A-Za-z]{2,}")


def ensure_built() -> None:
    if not INDEX.exists():
        pytest.fail(
            f"工作台前端尚未构建（缺少 {INDEX.relative_to(ROOT)}）：先运行 make frontend，"
            "或在 apps/innovation_action/frontend 中运行 npm ci && npm run build。",
            pytrace=False,
        )


class Workbench:
    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url

    def page(self, width: int, height: int, storage_state=None):
        """A new page (its own cookies, or those of ``storage_state``) of this size, collecting console
        errors and the scripts it loads."""
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", storage_state=storage_state
        )
        page = context.new_page()
        page.base_url = self.base_url
        page.errors = []
        page.scripts = []
        page.on(
            "console",
            lambda message: page.errors.append(f"{page.url}: {message.text}") if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: page.errors.append(f"{page.url}: {error}"))
        page.on(
            "response",
            lambda response: page.scripts.append(response.url) if response.request.resource_type == "script" else None,
        )
        return page


@pytest.fixture
def workbench(live_server, monkeypatch):
    ensure_built()
    # Playwright's sync API keeps an event loop in this thread; the test's ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # A transactional test starts from an emptied database: give it the plan again.
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield Workbench(browser, live_server.url)
        browser.close()


def app_url(page, path: str) -> str:
    return f"{page.base_url}/app{path}"


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the workbench's login page, and land on the user's home page."""
    page.goto(app_url(page, "/login"))
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/app/(?!login)"))
    page.wait_for_load_state("networkidle")


def visit(page, path: str, name: str | None = None):
    """Open /app<path>, wait until it has loaded its data, and check it (see check_page)."""
    page.scripts.clear()
    response = page.goto(app_url(page, path))
    assert response.status == 200, (path, response.status)
    page.wait_for_load_state("networkidle")
    check_page(page, name)
    return page


# Attributes a user reads (placeholder, title on hover) or hears from a screen reader (the aria ones).
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "aria-roledescription", "aria-valuetext")


def visible_text(page) -> str:
    """What a user reads or hears: the visible text, and the READ_ATTRIBUTES of every element that is laid out
    (fixed ones such as toasts and dialogs included) and not hidden from screen readers."""
    return page.evaluate(
        """(attributes) => {
            const parts = [document.body.innerText];
            const selector = attributes.map((name) => `[${name}]`).join(', ');
            for (const el of document.querySelectorAll(selector)) {
                if (el.getClientRects().length === 0 || el.closest('[aria-hidden="true"]')) continue;
                for (const name of attributes) parts.push(el.getAttribute(name) || '');
            }
            return parts.join('\\n');
        }""",
        list(READ_ATTRIBUTES),
    )


def english_words(text: str) -> list[str]:
    words = WORD.findall(CODE.sub(" ", text))
    return sorted({word for word in words if word not in ALLOWED_WORDS})


def overflow(page) -> list[str]:
    """What sticks out of the viewport sideways: the document wider than the window, or any visible element
    wider than the viewport or reaching past its edges."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const found = [];
            if (document.documentElement.scrollWidth > width) {
                found.push(`页面宽 ${document.documentElement.scrollWidth}px，窗口宽 ${width}px`);
            }
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 || box.height === 0) continue;
                const style = getComputedStyle(el);
                if (style.visibility === 'hidden' || style.display === 'none') continue;
                // Screen-reader-only text (sr-only) and a dialog's focus guards are one pixel: nothing to see.
                if (box.width <= 1 && box.height <= 1) continue;
                if (box.width > width + 1 || box.right > width + 1 || box.left < -1) {
                    const text = (el.innerText || '').trim().slice(0, 30);
                    const where = `${Math.round(box.left)}–${Math.round(box.right)}px`;
                    found.push(`${el.tagName.toLowerCase()}.${el.className} 「${text}」 ${where}`);
                }
            }
            return found.slice(0, 10);
        }"""
    )


def screenshot(page, name: str | None = None) -> Path:
    width = page.viewport_size["width"]
    slug = name or (urlparse(page.url).path.strip("/").replace("/", "_") or "app")
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{slug}-{width}.png"
    page.screenshot(path=path, full_page=True)
    return path


def check_page(page, name: str | None = None, expected_errors=()) -> None:
    """Fail on a console error, on anything wider than the viewport, on an English word; save a screenshot.

    ``expected_errors``: parts of console errors the test caused on purpose (Chromium logs a refused
    request, such as a wrong password's 401, as an error); they are taken off the page's list."""
    path = screenshot(page, name)
    unexpected = [error for error in page.errors if not any(part in error for part in expected_errors)]
    page.errors.clear()
    assert unexpected == [], f"浏览器控制台报错（截图 {path}）：{unexpected}"
    assert overflow(page) == [], f"{page.url} 横向超出窗口（截图 {path}）：{overflow(page)}"
    words = english_words(visible_text(page))
    assert words == [], f"{page.url} 出现英文（截图 {path}）：{words}"
    problems = accessibility_problems(page)
    assert problems == [], f"{page.url} 无障碍检查未通过（截图 {path}）：{problems}"


def accessibility_problems(page) -> list[str]:
    """What axe-core finds against WCAG 2.1 AA on the page as it is: each rule broken, with the first
    elements that break it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # A dialog fading in or out is half transparent: its colours would be measured mid-way. (An animation
    # cancelled meanwhile, its element gone, rejects its promise: nothing left to wait for.)
    page.evaluate(
        "() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => null)))"
    )
    found = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
            return result.violations.map((rule) => `${rule.id}（${rule.impact}）：` +
                rule.nodes.slice(0, 3).map((node) => node.target.join(' ') +
                    (node.any[0] ? ` — ${node.any[0].message}` : '')).join('；'));
        }""",
        AXE_TAGS,
    )
    return found


def gzipped_size(url: str) -> int:
    """The gzipped size of one of the workbench's built files, from the build folder."""
    path = urlparse(url).path
    prefix = "/static/workbench/"
    assert path.startswith(prefix), url
    return len(gzip.compress((BUILD_DIR / path.removeprefix(prefix)).read_bytes(), compresslevel=9))


def javascript_loaded(page) -> int:
    """Gzipped bytes of the workbench's JavaScript the page loaded since the last visit."""
    own = {url for url in page.scripts if "/static/workbench/" in url}
    return sum(gzipped_size(url) for url in own)


def first_page_javascript(workbench, page, path: str = "/") -> int:
    """Gzipped bytes of JavaScript a logged-in user's browser loads for ``path`` with nothing cached:
    a fresh page with the same session cookies. Checked against JS_BUDGET."""
    fresh = workbench.page(*page.viewport_size.values(), storage_state=page.context.storage_state())
    visit(fresh, path, name="first-page")
    total = javascript_loaded(fresh)
    assert total > 0, "没有加载到工作台的脚本"
    assert total < JS_BUDGET, f"首页加载的 JavaScript（gzip 后）{total / 1024:.0f} KB，超出预算 {JS_BUDGET // 1024} KB"
    fresh.context.close()
    return total
