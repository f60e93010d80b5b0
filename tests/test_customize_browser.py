"""An administrator adds a field in the browser; the office fills it in; the list shows and filters it."""

import pytest
from playwright.sync_api import expect

from apps.innovation_action.models import Task
from apps.lowcode.doctype.customization import CustomField
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
    log_out_and_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_field_added_in_the_admin_is_filled_in_and_listed(browser_page, tmp_path):
    page = browser_page
    log_in(page, "admin")
    page.goto(f"{page.base_url}/admin/lowcode/customfield/add/")
    page.select_option("select[name=dt]", "Task", force=True)
    page.fill("input[name=label]", "配合单位")
    page.fill("input[name=fieldname]", "cooperating_units")
    page.select_option("select[name=fieldtype]", "Table MultiSelect", force=True)
    page.fill("textarea[name=options]", "Unit")
    page.select_option("select[name=insert_after]", "lead_unit", force=True)  # the list of the Task form's fields
    page.check("input[name=in_list_view]")
    page.check("input[name=in_standard_filter]")
    page.click("input[name=_save]")
    expect(page.locator(".alert-success")).to_contain_text("成功添加")
    assert CustomField.objects.get(dt="Task").fieldname == "custom_cooperating_units"

    log_out_and_in(page, "office")
    task = Task.objects.get(name="2023-T03")
    page.goto(f"{page.base_url}/admin/innovation_action/task/{task.pk}/change/")
    page.wait_for_load_state("networkidle")
    box = page.locator(".field-custom_cooperating_units .select2-container")
    expect(box).to_be_visible()  # a searchable tag box, right after 牵头单位
    for unit in ("市财政局", "市发展改革委"):
        box.click()
        page.keyboard.type(unit[1:4])
        page.locator(".select2-results__option", has_text=unit).first.click()
    expect(box.locator(".select2-selection__choice")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "task_form.png"), full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert Task.objects.get(pk=task.pk).custom_values["custom_cooperating_units"] == ["市财政局", "市发展改革委"]

    page.goto(f"{page.base_url}/admin/innovation_action/task/?custom_cooperating_units=市发展改革委")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("市财政局、市发展改革委")
    page.screenshot(path=str(tmp_path / "task_list.png"), full_page=True)
