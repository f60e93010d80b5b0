"""An administrator loads units from Excel in the admin, in a real browser: template, dry run, import, export."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.innovation_action.models import Unit
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/data_import.png"


def test_administrator_imports_units_after_a_dry_run(browser_page, tmp_path):
    page = browser_page
    log_in(page, "admin")
    page.goto(f"{page.base_url}/admin/innovation_action/unit/")
    page.click("#excel-import-link")
    expect(page).to_have_title("导入单位 | 科技创新赋能行动")

    with page.expect_download() as download:
        page.click("#template-link")
    assert download.value.suggested_filename == "单位导入模板.xlsx"
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # Two new units, one with a county that does not exist.
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for values in (
        {"编号": "市数据局", "单位类型": "重点任务牵头单位", "参加市直单位考评": "是"},
        {"编号": "某县人民政府", "所属县（市、区）": "某县"},
    ):
        sheet.append([values.get(title) for title in header])
    filled = tmp_path / "单位.xlsx"
    workbook.save(filled)

    page.set_input_files("input[name=file]", filled)
    page.click("#dry-run-submit")
    expect(page.locator("#import-summary")).to_contain_text("试导入（未保存任何数据）：共 2 条记录，新建 1 条")
    rows = page.locator("#import-rows tbody tr")
    expect(rows.nth(0)).to_contain_text("第2行")
    expect(rows.nth(0)).to_contain_text("新建")
    expect(rows.nth(1)).to_contain_text("找不到县（市、区）“某县”")
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert not Unit.objects.filter(name="市数据局").exists()

    # 只显示有错误的行 hides the good row.
    page.check("#only-errors")
    expect(rows.nth(0)).to_be_hidden()
    expect(rows.nth(1)).to_be_visible()

    page.click("#import-submit")
    expect(page.locator("#import-summary")).to_contain_text("导入完成：共 2 条记录，新建 1 条")
    expect(page.locator("#import-summary")).to_contain_text("有错误的 1 条未导入")
    assert Unit.objects.filter(name="市数据局").exists()

    # The list exports what it shows.
    page.click("#back-to-list")
    page.fill("#searchbar", "市数据局")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**/unit/?q=*")
    page.screenshot(path=SCREENSHOT.replace(".png", "_list.png"))
    with page.expect_download() as download:
        page.click("#excel-export-link")
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    rows = list(load_workbook(exported).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["市数据局"]
