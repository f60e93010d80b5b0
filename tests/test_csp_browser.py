"""The Content-Security-Policy breaks no page: Chromium reports no violation and no script error
on the pages each role works in."""

import pytest

from tests.browser import browser_page, log_in  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages(role: str) -> list[str]:
    from apps.innovation_action.models import SelfAssessment, Task

    task = Task.objects.order_by("pk").first()
    common = [
        "/admin/",
        "/admin/innovation_action/task/",
        f"/admin/innovation_action/task/{task.pk}/change/",
        f"/admin/innovation_action/task/{task.pk}/history/",
        "/admin/inbox/",
        "/admin/rankings/",
        "/admin/print/Action%20Plan/2023/",
        "/api/docs/",
        "/admin/innovation_action/selfassessment/",
    ]
    if role == "admin":
        return common + [
            "/admin/config/",
            "/admin/lowcode/workflow/",
            "/admin/lowcode/customfield/add/",
            "/admin/innovation_action/unit/import/",
        ]
    assessment = SelfAssessment.objects.order_by("pk").first()
    return common + ([f"/admin/innovation_action/selfassessment/{assessment.pk}/change/"] if assessment else [])


@pytest.mark.parametrize("role", ["admin", "office"])
def test_no_page_violates_the_content_security_policy(browser_page, role):
    page = browser_page
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    log_in(page, role)
    for path in pages(role):
        response = page.goto(page.base_url + path)
        assert response.status < 400, (path, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert problems == []
