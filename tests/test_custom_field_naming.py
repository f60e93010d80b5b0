"""A custom field is named from its label, as Frappe's Customize Form names it, and placed after a field
picked from a list of its form's fields."""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.lowcode.doctype.customization import CustomField, fieldname_for_label, scrub_label
from tests.browser import browser_page, log_in  # noqa: F401  (browser_page is a fixture)

ADD_URL = reverse("admin:lowcode_customfield_add")


def add_custom_field(client, **values):
    data = {"dt": "Task", "fieldtype": "Data", "label": "", "fieldname": "", "options": "", "default": ""}
    return client.post(ADD_URL, {**data, "description": "", "insert_after": "", **values})


@pytest.mark.parametrize(
    "label, words",
    [
        ("任务级别", "ren_wu_ji_bie"),
        ("资金（万元）", "zi_jin_wan_yuan"),
        ("Budget Amount", "budget_amount"),
        ("R&D 投入", "r_d_tou_ru"),
        ("2024年目标", "field_2024_nian_mu_biao"),  # a fieldname starts with a letter
        ("Café", "cafe"),
        ("——", "field"),
    ],
)
def test_a_label_is_scrubbed_into_readable_ascii(label, words):
    assert scrub_label(label) == words


@pytest.mark.django_db
def test_the_admin_names_a_field_from_its_chinese_label_and_keeps_names_unique(login):
    admin = login("admin")
    response = add_custom_field(admin, label="任务级别", fieldtype="Select", options="省级\n市级")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert CustomField.objects.get(dt="Task", label="任务级别").fieldname == "custom_ren_wu_ji_bie"
    # The same label again on the same doctype gets the next free name; on another doctype the plain one.
    assert add_custom_field(admin, label="任务级别").status_code == 302
    assert add_custom_field(admin, dt="Project", label="任务级别").status_code == 302
    names = set(CustomField.objects.filter(label="任务级别").values_list("dt", "fieldname"))
    assert names == {
        ("Task", "custom_ren_wu_ji_bie"),
        ("Task", "custom_ren_wu_ji_bie_2"),
        ("Project", "custom_ren_wu_ji_bie"),
    }
    # A name typed by the administrator is used as typed, and a taken one is refused in Chinese.
    response = add_custom_field(admin, label="另一个级别", fieldname="ren_wu_ji_bie")
    assert response.status_code == 200
    assert "该单据类型已有同名的自定义字段" in response.content.decode()
    # Once made, the name is fixed: the page shows it read-only.
    field = CustomField.objects.get(dt="Task", fieldname="custom_ren_wu_ji_bie")
    page = admin.get(reverse("admin:lowcode_customfield_change", args=[field.pk]))
    assert "fieldname" in page.context["adminform"].readonly_fields


@pytest.mark.django_db
def test_the_api_names_a_field_from_its_english_label(api):
    api.as_user("admin")
    response = api.post(
        "/api/resource/Custom Field",
        {"dt": "Project", "label": "Budget Amount", "fieldtype": "Currency"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["fieldname"] == "custom_budget_amount"
    assert response.json()["data"]["name"] == "Project-custom_budget_amount"
    # A name is never taken from a built-in field or a child table either.
    assert fieldname_for_label("Task", "Budget Amount") == "custom_budget_amount"
    assert fieldname_for_label("Project", "Budget Amount") == "custom_budget_amount_2"


@pytest.mark.django_db
def test_insert_after_is_picked_from_the_forms_fields(login):
    CustomField(dt="Task", fieldname="custom_level", label="级别", fieldtype="Data", insert_after="lead_unit").save()
    admin = login("admin")
    page = admin.get(ADD_URL + "?dt=Task")
    choices = dict(page.context["adminform"].form.fields["insert_after"].choices)
    assert choices[""] == "（放在最后）" and choices["lead_unit"] == "牵头单位（lead_unit）"
    order = list(choices)
    assert order[order.index("lead_unit") + 1] == "custom_level"  # other custom fields, where they stand
    assert not {"owner", "creation", "modified", "workflow_state"} & set(choices)
    # Every doctype's list rides along, for the page to switch lists when another doctype is picked.
    html = page.content.decode()
    start = html.index("data-fields-by-doctype=") + len('data-fields-by-doctype="')
    lists = json.loads(html[start : html.index('"', start)].replace("&quot;", '"').replace("&amp;", "&"))
    assert ["lead_unit", "牵头单位（lead_unit）"] in lists["Task"]
    assert "Project" in lists and "Task Unit" not in lists  # only doctypes that take custom fields

    response = add_custom_field(admin, label="备注", insert_after="no_such_field")
    assert response.status_code == 200
    assert "选择一个有效的选项。 no_such_field 不在可用的选项中。" in response.content.decode()
    assert add_custom_field(admin, label="备注", insert_after="custom_level").status_code == 302
    assert CustomField.objects.get(label="备注").insert_after == "custom_level"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_position_list_follows_the_doctype_and_the_name_follows_the_label(browser_page):
    page = browser_page
    log_in(page, "admin")
    page.goto(page.base_url + ADD_URL)
    page.select_option("select[name=dt]", "Project", force=True)
    options = page.locator("select[name=insert_after] option")
    expect(options.filter(has_text="（county）")).to_have_count(1)  # Project's fields, before any save
    page.locator("select[name=dt] + .select2-container").click()  # as a person picks it, in the select2 box
    page.locator(".select2-results__option", has_text="（Task）").first.click()
    expect(options.filter(has_text="（county）")).to_have_count(0)
    page.fill("input[name=label]", "配合单位")
    page.select_option("select[name=insert_after]", "lead_unit", force=True)
    page.click("input[name=_save]")
    expect(page.locator(".alert-success")).to_contain_text("成功添加")
    field = CustomField.objects.get(label="配合单位")
    assert (field.dt, field.fieldname, field.insert_after) == ("Task", "custom_pei_he_dan_wei", "lead_unit")
