"""The office imports official values (核定数据) in the admin, in a real browser, from the template it downloads."""

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.innovation_action.models import AssessmentPeriod, Indicator, OfficialValue
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import save_document
from apps.lowcode.scoring.rules import Method
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/official_import.png"


def test_office_imports_official_values_in_the_admin(browser_page, tmp_path):
    page = browser_page
    Indicator.objects.filter(group__plan__name="2023", group__scheme="县级", number__lte=10).update(
        scoring_method=Method.RATIO_TO_BEST, value_source="reported"
    )
    zhanggong = get_user_model().objects.get(username="zhanggong")
    draft = save_document(zhanggong, get_meta("SelfAssessment"), {"period": "2023-Y", "county": "章贡区"})
    year = AssessmentPeriod.objects.get(name="2023-Y")

    # From the list of 核定数据 to the import page; the template link follows the chosen period.
    log_in(page, "office")
    page.goto(f"{page.base_url}/admin/innovation_action/officialvalue/")
    page.click("#official-import-link")
    expect(page).to_have_title("导入核定数据 | 科技创新赋能行动")
    page.wait_for_load_state("networkidle")  # the page's script that follows the select has run
    page.locator("select[name=period]").select_option(label="2023年第二季度", force=True)
    second_quarter = AssessmentPeriod.objects.get(name="2023-Q2").pk
    expect(page.locator("#template-link")).to_have_attribute(
        "href", f"/admin/innovation_action/officialvalue/template/?period={second_quarter}"
    )
    page.locator("select[name=period]").select_option(str(year.pk), force=True)
    with page.expect_download() as download:
        page.click("#template-link")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename == "核定数据导入模板-2023-Y.xlsx"

    # The office fills in two figures in the template, one for 蓉江新区 under its short name.
    workbook = load_workbook(template)
    sheet = workbook["核定数据"]
    for row in sheet.iter_rows(min_row=2):
        if (row[0].value, row[1].value) == ("章贡区", 2):
            row[3].value, row[4].value = 2.35, "市统计局"
        elif (row[0].value, row[1].value) == ("赣州蓉江新区", 3):
            row[0].value, row[3].value, row[4].value = "蓉江新区", 41.2, "市工信局"
    filled = tmp_path / "核定数据-2023年度.xlsx"
    workbook.save(filled)

    page.set_input_files("input[name=file]", filled)
    page.click("#import-submit")
    expect(page.locator("#import-result")).to_contain_text("导入成功")
    expect(page.locator("#import-summary")).to_contain_text("新增 2 条，更新 0 条，未变化 0 条")
    expect(page.locator("#import-summary")).to_contain_text("已同步 1 份自评报告（1 行）")
    expect(page.locator("#import-messages")).to_contain_text("章贡区 第2项 新增核定值 2.35")
    assert page.locator("select[name=period] option:checked").inner_text() == "2023年度"  # the period is kept
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert OfficialValue.objects.filter(period=year).count() == 2

    # A sheet with a mistake: the rows are listed, nothing is saved.
    sheet["D2"].value = "待核实"
    workbook.save(filled)
    page.set_input_files("input[name=file]", filled)
    page.click("#import-submit")
    expect(page.locator("#import-problems")).to_contain_text("第2行：核定值“待核实”不是数字")
    page.screenshot(path=tmp_path / "problems.png", full_page=True)
    assert OfficialValue.objects.filter(period=year).count() == 2

    # The county's self-assessment shows the official value beside its own.
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/{draft.pk}/change/")
    page.get_by_role("tab", name="自评明细").click()
    header = page.locator("#lines-group thead, .inline-group thead").first
    expect(header).to_contain_text("核定值")
    expect(page.locator("td.field-official").nth(1)).to_have_text("2.35")
    # The tab fades in: wait until the table shows before the picture. (A locator, not wait_for_function:
    # the Content-Security-Policy forbids the eval that a JavaScript string would need.)
    expect(page.locator(".tab-pane:has(td.field-official)")).to_have_css("opacity", "1")
    page.screenshot(path=tmp_path / "lines.png", full_page=True)

    # The list of 核定数据 shows what was imported, with its source.
    page.goto(f"{page.base_url}/admin/innovation_action/officialvalue/")
    expect(page.locator("#result_list")).to_contain_text("市工信局")
    page.screenshot(path=tmp_path / "list.png")
