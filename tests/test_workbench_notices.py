"""The office's register of issued notices (公文) in the workbench, in a real browser: the list with each notice's
发文字号, 成文日期, 状态 and 印发人, a failed PDF made again with its progress shown, a notice voided after a
confirmation that says its number is not given back; at a desktop and a phone width. Readers are kept out."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from rq import SimpleWorker

from apps.lowcode.print_format import service
from apps.lowcode.print_format.model import Notice
from tests.test_print_admin import PROJECT_FORMAT, project_format  # noqa: F401
from tests.test_workbench_office import approve_everyone, wait_and_work
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
FAILURE = "打印格式“项目推进通知”：模板第1行有误"


@pytest.fixture
def issued(project_format, redis_queue):  # noqa: F811
    """Two notices the office issued: 1号 made, 2号 whose PDF failed (as after a broken template)."""
    office = User.objects.get(username="office")
    made, failed = (
        service.issue(office, "Project", project, PROJECT_FORMAT, date(2023, 3, 1))
        for project in ("2023-P01", "2023-P02")
    )
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    Notice.objects.filter(pk=failed.pk).update(status="生成失败", error=FAILURE, pdf="", pages=0)
    return Notice.objects.get(pk=made.pk), Notice.objects.get(pk=failed.pk)


def settled(page):
    """Wait until the dialog has faded in (a phone's screenshot would catch it half transparent)."""
    page.wait_for_function(
        "() => document.getAnimations().every((a) => a.playState !== 'running'"
        " || a.effect?.getTiming().iterations === Infinity)"
    )


def row_of(page, notice):
    return page.locator(f'[data-testid=register-row][data-notice="{notice.name}"]')


@SIZES
def test_the_office_regenerates_a_failed_notice_and_voids_another(workbench, redis_queue, issued, size):
    made, failed = issued
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/notices", name="notices")
    assert page.get_by_test_id("register-row").count() == 2
    row = row_of(page, made)
    text = row.inner_text()
    for part in ("赣市科赋办字〔2023〕1号", made.title, "2023年3月1日", "赋能办 初审员", "已生成", "重点项目 2023-P01"):
        assert part in text, (part, text)
    download = row.get_by_test_id("register-download")
    answer = page.request.get(page.base_url + download.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    assert FAILURE in row_of(page, failed).get_by_test_id("register-error").inner_text()
    assert row_of(page, failed).get_by_test_id("register-download").count() == 0

    # 重新生成 the failed one: the confirmation says the number and date stay; the page follows the job.
    row_of(page, failed).get_by_test_id("register-regenerate").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert (
        "赣市科赋办字〔2023〕2号" in dialog.inner_text()
        and "发文字号和成文日期（2023年3月1日）不变" in dialog.inner_text()
    )
    settled(page)
    check_page(page, "notices-regenerate-confirm")
    page.get_by_test_id("confirm-ok").click()
    row_of(page, failed).get_by_test_id("job-progress").wait_for()
    assert "排队中" in row_of(page, failed).inner_text()
    check_page(page, "notices-regenerating")
    wait_and_work(redis_queue)
    row_of(page, failed).get_by_test_id("register-status").filter(has_text="已生成").wait_for(timeout=15000)
    row_of(page, failed).get_by_test_id("register-download").wait_for()
    failed.refresh_from_db()
    assert (failed.status, failed.number, failed.error) == ("已生成", "赣市科赋办字〔2023〕2号", "")

    # 作废 the other: the confirmation says its number is never given again; it leaves the 未作废 list.
    row_of(page, made).get_by_test_id("register-void").click()
    text = page.get_by_test_id("confirm-dialog").inner_text()
    assert "发文字号 赣市科赋办字〔2023〕1号 不再使用，也不会分给其他公文" in text, text
    assert "原单据（重点项目 2023-P01）可以重新印发" in text, text
    settled(page)
    check_page(page, "notices-void-confirm")
    page.get_by_test_id("confirm-ok").click()
    row_of(page, made).wait_for(state="detached")
    made.refresh_from_db()
    assert made.status == "已作废"
    assert page.get_by_test_id("notice-tab-已作废").inner_text().replace("\n", "").endswith("1")
    page.get_by_test_id("notice-tab-已作废").click()
    row = row_of(page, made)
    row.wait_for()
    assert "已作废" in row.get_by_test_id("register-status").inner_text()
    assert row.get_by_role("button").count() == 0  # neither 重新生成 nor 作废 again
    check_page(page, "notices-voided")

    # Found by number or title.
    page.get_by_test_id("notice-tab-全部").click()
    page.get_by_test_id("notice-search").fill("2号")
    page.get_by_test_id("register-row").filter(has_text="赣市科赋办字〔2023〕1号").wait_for(state="detached")
    assert page.get_by_test_id("register-row").count() == 1


def test_the_register_is_in_the_offices_menu_and_the_ranking_points_to_it(workbench, redis_queue):
    approve_everyone("2023-Q1")
    page = workbench.page(*DESKTOP)
    log_in(page, "office")
    page.get_by_role("navigation", name="主导航").first.get_by_role("link", name="公文").click()
    page.wait_for_url(re.compile(r"/app/notices$"))
    page.get_by_test_id("notices-empty").wait_for()
    assert "还没有印发公文" in page.get_by_test_id("notices-empty").inner_text()
    check_page(page, "notices-empty")
    # Once the period's notice is issued, its panel on 排名 points to the register, which lists it.
    notice = service.issue(User.objects.get(username="office"), "Assessment Period", "2023-Q1", "季度排名通报")
    visit(page, "/ranking", name="ranking-register-link")
    page.get_by_test_id("notice-register-link").click()
    page.wait_for_url(re.compile(r"/app/notices$"))
    row = row_of(page, notice)
    row.wait_for()
    assert notice.number in row.inner_text() and "考评周期 2023-Q1" in row.inner_text()


@pytest.mark.parametrize("username", ["leader", "zhanggong"])
def test_readers_are_shown_no_register(workbench, username):
    page = workbench.page(*PHONE)
    log_in(page, username)
    assert page.get_by_role("link", name="公文").count() == 0
    visit(page, "/notices", name=f"notices-forbidden-{username}")
    page.get_by_test_id("forbidden").wait_for()
