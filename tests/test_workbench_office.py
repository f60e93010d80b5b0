"""The office's workbench pages in a real browser: the dashboard with its click-through records and 催办,
the review (queue, 自评 beside 初审, return with a reason, pass, bulk pass), 考评周期 (开启考评 with its
deadline, 催办 of one or every late report), 核定数据导入 and 印发通报 from the ranking, at a desktop and a
phone width; and a county user kept out of them all."""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from openpyxl import load_workbook
from rq import SimpleWorker

from apps.innovation_action.models import AssessmentPeriod, Indicator, OfficialValue, Score, SelfAssessment
from apps.innovation_action.services import periods, ranking
from apps.innovation_action.services.scoring import category_of
from apps.lowcode.print_format.model import Notice
from apps.lowcode.reminder.model import ReminderLog
from apps.lowcode.scoring.rules import Method
from tests.test_workflow_api import act, client, create_assessment, fill_in
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


def submitted() -> str:
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert act("zhanggong", name, "提交").status_code == 200
    return name


@SIZES
def test_the_office_reviews_a_report_line_by_line_and_passes_or_returns_it(workbench, size):
    name = submitted()
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/review")
    page.get_by_test_id("review-item").first.get_by_role("link").click()
    page.get_by_test_id("review-line").first.wait_for()
    check_page(page, "review-doc")
    assert "科技强省战略及创新能力建设" in page.get_by_test_id("review-line").first.inner_text()
    if size == DESKTOP:
        # The office changes line 1's score, with its reason, and saves: kept, and the total follows.
        page.get_by_test_id("score-1").fill("1.5")
        page.get_by_test_id("comment-1").fill("佐证材料只覆盖半年，酌减")
        page.get_by_test_id("save-review").click()
        page.get_by_text("已保存，初审总分").wait_for()
        line = SelfAssessment.objects.get(name=name).lines.get(idx=1)
        assert (line.reviewed_score, line.review_comment) == (Decimal("1.5"), "佐证材料只覆盖半年，酌减")
        page.get_by_test_id("pass").click()
        check_page(page, "review-pass-confirm")
        page.get_by_test_id("confirm-ok").click()
        page.get_by_test_id("review-outcome").filter(has_text="已初审通过").wait_for()
        assert "初审总分 27.5 分，已报领导小组审定" in page.get_by_test_id("review-outcome").inner_text()
        assert SelfAssessment.objects.get(name=name).workflow_state == "待审定"
    else:
        page.get_by_test_id("return").click()
        page.get_by_test_id("reason-chip").first.click()
        check_page(page, "review-return-dialog")
        page.get_by_test_id("confirm-ok").click()
        page.get_by_test_id("review-outcome").wait_for()
        assert "佐证材料不全" in page.get_by_test_id("review-outcome").inner_text()
        assert SelfAssessment.objects.get(name=name).workflow_state == "草稿"
    check_page(page, "review-done")


def test_the_office_passes_checked_reports_in_bulk(workbench):
    name = submitted()
    page = workbench.page(*DESKTOP)
    log_in(page, "office")
    visit(page, "/review")
    page.get_by_test_id("review-item").first.get_by_role("checkbox").check()
    page.get_by_test_id("bulk-pass").click()
    page.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("bulk-result").wait_for()
    assert "已初审通过 1 份" in page.get_by_test_id("bulk-result").inner_text()
    page.get_by_test_id("review-empty").wait_for()
    check_page(page, "review-bulk-done")
    assert SelfAssessment.objects.get(name=name).workflow_state == "待审定"


@SIZES
def test_the_dashboard_clicks_through_to_records_and_reminds_a_late_unit(workbench, size):
    AssessmentPeriod.objects.filter(name="2023-Y").update(deadline=timezone.localdate() - timedelta(days=2))
    draft = create_assessment()["name"]
    fill_in("zhanggong", draft)
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/dashboard?period=2023-Y")
    page.get_by_test_id("submission-row").first.wait_for()
    check_page(page, "dashboard")

    # 章贡区's row: its report (a draft, or returned if it has been back before) is counted and listed,
    # and can be reminded.
    row = page.get_by_test_id("submission-row").filter(has_text="章贡区").first
    row.get_by_test_id("count-link").filter(has_text=re.compile("草稿|退回")).first.click()
    page.get_by_test_id("record").first.wait_for()
    assert draft in page.get_by_test_id("records-group").first.inner_text()
    check_page(page, "records")
    page.go_back()

    # 催办全部逾期 names whom it reaches first; cancelled, nothing is sent.
    page.get_by_test_id("remind-late").click()
    whom = page.get_by_test_id("remind-whom").inner_text()
    assert "章贡区" in whom and "填报员" in whom, whom
    check_page(page, "dashboard-remind-all")
    page.get_by_role("button", name="取消").click()
    assert not ReminderLog.objects.filter(document_name=draft).exists()

    row = page.get_by_test_id("submission-row").filter(has_text="章贡区").first
    row.get_by_test_id("remind-one").click()
    page.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("remind-result").wait_for()
    assert "已催办章贡区" in page.get_by_test_id("remind-result").inner_text()
    assert ReminderLog.objects.filter(document_name=draft).exists()
    check_page(page, "dashboard-reminded")


# ------------------------------------------------------------------ 考评周期, 催办, 核定数据, 印发通报 (issue 18)


def wait_and_work(queue, seconds=15):
    """Run the job a page queued (queued when its request's transaction commits) with a real RQ worker."""
    deadline = time.monotonic() + seconds
    while queue.count == 0:
        assert time.monotonic() < deadline, "no job was queued"
        time.sleep(0.1)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def method(username, name, verb="get", **params):
    return getattr(client(username), verb)(f"/api/method/innovation_action.api.{name}", params)


@pytest.mark.django_db  # not transactional: conftest gives it the plan again after a browser test's flush
def test_a_county_user_reaches_none_of_the_offices_methods():
    refusals = [
        method("zhanggong", "get_periods"),
        method("zhanggong", "get_period_opening", period="2023-Q1"),
        method("zhanggong", "get_unsubmitted", period="2023-Y"),
        method("zhanggong", "open_period", "post", period="2023-Q1"),
        method("zhanggong", "remind_late", "post", period="2023-Y"),
        method("zhanggong", "official_values_template", period="2023-Y"),
        client("zhanggong").put("/api/resource/Assessment Period/2023-Q1", {"deadline": "2023-04-10"}, format="json"),
        client("zhanggong").post(
            "/api/method/frappe.utils.print_format.issue_notice",
            {"doctype": "Assessment Period", "name": "2023-Q1", "format": "季度排名通报"},
            format="json",
        ),
    ]
    for response in refusals:
        assert response.status_code == 403, response.content
        body = response.json()
        assert body["exc_type"] == "PermissionError" and re.search(r"[\u4e00-\u9fff]", body["message"]), body
    period = AssessmentPeriod.objects.get(name="2023-Q1")
    assert (period.deadline, period.opened_at) == (None, None)
    assert not SelfAssessment.objects.filter(period=period).exists()
    # A deadline before the period starts is refused by the document itself, whoever sends it.
    response = client("office").put(
        "/api/resource/Assessment Period/2023-Q1", {"deadline": "2022-12-31"}, format="json"
    )
    assert response.status_code == 417 and "不能早于考评周期的开始日期（2023-01-01）" in response.json()["message"]


def test_a_county_user_is_shown_no_office_page(workbench):
    page = workbench.page(*PHONE)
    log_in(page, "zhanggong")
    assert page.get_by_role("link", name="考评周期").count() == 0
    for path in ("/periods", "/official-data"):
        visit(page, path, name=f"forbidden{path.replace('/', '-')}")
        page.get_by_test_id("forbidden").wait_for()
        assert "没有权限" in page.get_by_test_id("forbidden").inner_text()


@SIZES
def test_the_office_opens_a_period_with_its_deadline_and_changes_it(workbench, redis_queue, size):
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/periods")
    row = page.locator('[data-testid=period-row][data-period="2023-Q1"]')
    assert "未开启" in row.get_by_test_id("period-state").inner_text()
    row.get_by_test_id("open-period").click()
    summary = page.get_by_test_id("opening-summary")
    summary.wait_for()
    assert page.get_by_test_id("deadline-input").input_value() == "2023-04-10"  # the plan's rule suggests it
    page.get_by_test_id("deadline-input").fill("2023-04-12")
    assert "将为 20 个县（市、区）和 10 个单位生成自评报告，截止 2023-04-12" in re.sub(
        r"\s+", " ", summary.inner_text()
    )
    check_page(page, "periods-open-confirm")
    page.get_by_test_id("confirm-ok").click()

    wait_and_work(redis_queue)
    result = page.get_by_test_id("period-result")
    result.wait_for(timeout=15000)
    assert "2023年第一季度：已为 20 个县（市、区）和 10 个单位生成自评报告，截止 2023-04-12" in result.inner_text()
    period = AssessmentPeriod.objects.get(name="2023-Q1")
    assert period.deadline.isoformat() == "2023-04-12" and period.opened_at is not None
    assert SelfAssessment.objects.filter(period=period).count() == 30
    row.get_by_test_id("period-state").filter(has_text="已开启").wait_for()
    assert "2023-04-12（本周期设定）" in row.get_by_test_id("period-due").inner_text()
    check_page(page, "periods-opened")

    # A later deadline for the quarter.
    row.get_by_test_id("edit-deadline").click()
    page.get_by_test_id("deadline-input").fill("2023-04-20")
    page.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("period-result").filter(has_text="已将2023年第一季度的报送截止日期设为 2023-04-20").wait_for()
    assert AssessmentPeriod.objects.get(name="2023-Q1").deadline.isoformat() == "2023-04-20"
    check_page(page, "periods-deadline")


@SIZES
def test_the_office_reminds_one_late_report_then_all_of_them(workbench, redis_queue, size):
    office = User.objects.get(username="office")
    period = AssessmentPeriod.objects.get(name="2023-Q1")
    AssessmentPeriod.objects.filter(pk=period.pk).update(deadline="2023-04-10")
    periods.open_period(office, AssessmentPeriod.objects.get(pk=period.pk))
    zhanggong = SelfAssessment.objects.get(period=period, county__name="章贡区")

    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/periods?period=2023-Q1")
    page.get_by_test_id("unsubmitted-row").first.wait_for()
    assert page.get_by_test_id("unsubmitted-row").count() == 30
    check_page(page, "periods-unsubmitted")

    # One county: the confirmation names whom it reaches.
    row = page.get_by_test_id("unsubmitted-row").filter(has_text="章贡区")
    assert "已逾期" in row.inner_text()
    row.get_by_test_id("remind-one").click()
    whom = page.get_by_test_id("remind-whom").inner_text()
    assert "章贡区" in whom and "填报员" in whom, whom
    check_page(page, "periods-remind-one")
    page.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("period-result").filter(has_text="已催办章贡区").wait_for()
    assert ReminderLog.objects.filter(document_name=zhanggong.name, recipient__username="zhanggong").count() == 1

    # Every late one, as a job: the confirmation lists them with their people.
    page.get_by_test_id("remind-late").click()
    whom = page.get_by_test_id("remind-whom").inner_text()
    assert "信丰县" in whom and "无填报人，不能催办" in whom, whom
    page.get_by_test_id("confirm-ok").click()
    wait_and_work(redis_queue)
    result = page.get_by_test_id("period-result")
    result.filter(has_text="已催办").wait_for(timeout=15000)
    reminded = set(ReminderLog.objects.filter(document_type="SelfAssessment").values_list("document_name", flat=True))
    assert len(reminded) >= 3 and zhanggong.name in reminded, reminded
    assert re.search(r"已催办 \d+ 份逾期单据，发出提醒 \d+ 条", result.inner_text())
    assert ReminderLog.objects.filter(document_name=zhanggong.name).count() == 2
    check_page(page, "periods-reminded")


@SIZES
def test_the_office_imports_official_values_from_the_template(workbench, redis_queue, settings, tmp_path, size):
    Indicator.objects.filter(group__plan__name="2023", group__scheme="县级", number__lte=10).update(
        scoring_method=Method.RATIO_TO_BEST, value_source="reported"
    )
    if size == DESKTOP:
        settings.LOWCODE_IMPORT_JOB_BYTES = 1  # every file goes to the worker: the page follows the job
    year = AssessmentPeriod.objects.get(name="2023-Y")
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/official-data?period=2023-Y")
    page.get_by_test_id("official-count").filter(has_text="已有核定值 0 条").wait_for()
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename == "核定数据导入模板-2023-Y.xlsx"

    workbook = load_workbook(template)
    sheet = workbook["核定数据"]
    for row in sheet.iter_rows(min_row=2):
        if (row[0].value, row[1].value) == ("章贡区", 2):
            row[3].value, row[4].value = "待核实", "市统计局"
        elif (row[0].value, row[1].value) == ("信丰县", 3):
            row[3].value, row[4].value = 41.2, "市工信局"
    bad = tmp_path / "核定数据-有误.xlsx"
    workbook.save(bad)

    # A bad row: every problem by row, nothing saved.
    page.get_by_test_id("file-input").set_input_files(bad)
    page.get_by_test_id("import").click()
    if size == DESKTOP:
        wait_and_work(redis_queue)
    problems = page.get_by_test_id("import-problems")
    problems.wait_for(timeout=15000)
    assert re.search(r"第\d+行：核定值“待核实”不是数字", problems.inner_text())
    assert page.get_by_test_id("import-problem").count() == 1
    # Inline (a small file) the refusal is the import's own 417, which Chromium logs.
    check_page(page, "official-data-problems", expected_errors=("status of 417",))
    assert not OfficialValue.objects.filter(period=year).exists()

    for row in sheet.iter_rows(min_row=2):
        if (row[0].value, row[1].value) == ("章贡区", 2):
            row[3].value = "2.35%"
    good = tmp_path / "核定数据.xlsx"
    workbook.save(good)
    page.get_by_test_id("file-input").set_input_files(good)
    page.get_by_test_id("import").click()
    if size == DESKTOP:
        wait_and_work(redis_queue)
    page.get_by_test_id("import-result").wait_for(timeout=15000)
    assert "新增 2 条，更新 0 条，未变化 0 条" in page.get_by_test_id("import-summary").inner_text()
    page.get_by_test_id("official-count").filter(has_text="已有核定值 2 条").wait_for()
    check_page(page, "official-data-imported")
    values = dict(OfficialValue.objects.filter(period=year).values_list("county__name", "value"))
    assert values == {"章贡区": Decimal("2.35"), "信丰县": Decimal("41.2")}


def approve_everyone(period_name: str) -> AssessmentPeriod:
    """Open the period and give every assessee an approved score (as the leading group's approval writes it)."""
    leader = User.objects.get(username="leader")
    period = AssessmentPeriod.objects.get(name=period_name)
    periods.open_period(User.objects.get(username="office"), period)
    for number, assessment in enumerate(SelfAssessment.objects.filter(period=period).order_by("pk")):
        total = Decimal(90 - number)
        Score.objects.create(
            name=assessment.name,
            period=period,
            self_assessment=assessment,
            scheme=assessment.scheme,
            county=assessment.county,
            unit=assessment.unit,
            category=category_of(assessment),
            subtotal=total,
            total=total,
            approved_at=timezone.now(),
            approved_by=leader,
        )
    ranking.rerank_period(period)
    return period


@SIZES
def test_the_office_previews_issues_and_downloads_the_ranking_notice(workbench, redis_queue, size):
    approve_everyone("2023-Q1")
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/ranking")
    panel = page.get_by_test_id("notice-panel")
    panel.get_by_test_id("notice-format").wait_for()
    assert "本期还没有印发通报" in panel.inner_text()
    preview = panel.get_by_test_id("notice-preview")
    assert preview.get_attribute("target") == "_blank"
    answer = page.request.get(page.base_url + preview.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    check_page(page, "ranking-notice")

    panel.get_by_test_id("notice-date").fill("2023-04-20")
    panel.get_by_test_id("issue-notice").click()
    assert "取用下一个发文字号" in page.get_by_test_id("confirm-dialog").inner_text()
    check_page(page, "ranking-notice-confirm")
    page.get_by_test_id("confirm-ok").click()
    row = panel.get_by_test_id("notice-row")
    row.wait_for()
    notice = Notice.objects.get(reference_doctype="Assessment Period", reference_name="2023-Q1")
    assert re.fullmatch(r"赣市科赋字〔2023〕\d+号", notice.number) and notice.issue_date.isoformat() == "2023-04-20"
    assert notice.number in row.get_by_test_id("notice-number").inner_text()

    wait_and_work(redis_queue)
    row.get_by_test_id("notice-status").filter(has_text="已生成").wait_for(timeout=15000)
    notice.refresh_from_db()
    assert (notice.status, notice.progress) == ("已生成", 100), notice.error
    download = row.get_by_test_id("notice-download")
    answer = page.request.get(page.base_url + download.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    assert panel.get_by_test_id("issue-notice").count() == 0  # issued once: no second number
    assert f"已印发（{notice.number}）" in panel.inner_text()
    check_page(page, "ranking-notice-issued")
