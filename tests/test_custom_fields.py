"""Custom fields and property setters: added as data, used at once by the API, with no migration."""

import pytest
from django.core.exceptions import ValidationError

from apps.innovation_action.models import Task
from apps.lowcode.doctype.customization import CustomField, PropertySetter
from apps.lowcode.doctype.meta import get_meta

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def add_field(**values) -> CustomField:
    field = CustomField(**values)
    field.full_clean()
    field.save()
    return field


def set_property(**values) -> PropertySetter:
    setter = PropertySetter(**values)
    setter.full_clean()
    setter.save()
    return setter


def data(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()["data"]


def error(response, status, exc_type):
    assert response.status_code == status, response.content.decode()
    assert response.json()["exc_type"] == exc_type, response.json()
    return response.json()["message"]


@pytest.fixture
def task_fields(db):
    return {
        "units": add_field(
            dt="Task",
            fieldname="cooperating_units",
            label="配合单位",
            fieldtype="Table MultiSelect",
            options="Unit",
            in_list_view=True,
            in_standard_filter=True,
            insert_after="lead_unit",
        ),
        "level": add_field(
            dt="Task",
            fieldname="custom_level",
            label="任务级别",
            fieldtype="Select",
            options="省级\n市级\n县级",
            default="市级",
            in_standard_filter=True,
        ),
        "due": add_field(dt="Task", fieldname="custom_due", label="完成时限", fieldtype="Date"),
        "key": add_field(dt="Task", fieldname="custom_key", label="重点督办", fieldtype="Check"),
        "budget": add_field(dt="Task", fieldname="custom_budget", label="资金（万元）", fieldtype="Currency"),
        "contact": add_field(
            dt="Task", fieldname="custom_contact_county", label="联系县", fieldtype="Link", options="County"
        ),
        "note": add_field(dt="Task", fieldname="custom_note", label="备注", fieldtype="Small Text"),
    }


# ---------------------------------------------------------------- defining fields


def test_a_custom_field_joins_the_metadata_at_once(task_fields):
    meta = get_meta("Task")
    docfield = meta.fields["custom_cooperating_units"]
    assert task_fields["units"].fieldname == "custom_cooperating_units"  # prefixed as in Frappe
    assert (docfield.label, docfield.fieldtype, docfield.options, docfield.custom) == (
        "配合单位",
        "Table MultiSelect",
        "Unit",
        True,
    )
    task_fields["units"].label = "协同单位"
    task_fields["units"].save()
    assert get_meta("Task").fields["custom_cooperating_units"].label == "协同单位"
    task_fields["units"].delete()
    assert "custom_cooperating_units" not in get_meta("Task").fields


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"dt": "Nothing", "fieldname": "x", "label": "x"}, "dt", "不存在"),
        ({"dt": "Task", "fieldname": "custom_见", "label": "x"}, "fieldname", "英文小写字母"),
        ({"dt": "Task", "fieldname": "Bad Name", "label": "x"}, "fieldname", "英文小写字母"),
        ({"dt": "Task", "fieldname": "x", "label": "x", "fieldtype": "Select"}, "options", "每行填写一个选项"),
        (
            {"dt": "Task", "fieldname": "x", "label": "x", "fieldtype": "Link", "options": "Nothing"},
            "options",
            "单据类型",
        ),
        ({"dt": "Task", "fieldname": "x", "label": "x", "fieldtype": "Int", "default": "三"}, "default", "应为数字"),
        (
            {
                "dt": "Task",
                "fieldname": "x",
                "label": "x",
                "fieldtype": "Link",
                "options": "Unit",
                "default": "无此单位",
            },
            "default",
            "找不到单位“无此单位”",
        ),
        ({"dt": "Task", "fieldname": "x", "label": "x", "in_standard_filter": True}, "in_standard_filter", "列表筛选"),
        ({"dt": "Task", "fieldname": "x", "label": "x", "insert_after": "nothing"}, "insert_after", "没有字段"),
    ],
)
def test_bad_custom_fields_are_refused_in_chinese(values, field, message):
    with pytest.raises(ValidationError) as caught:
        add_field(**values)
    assert message in "".join(caught.value.message_dict[field])


def test_a_custom_field_cannot_change_its_name_or_type_once_made(task_fields):
    field = task_fields["due"]
    field.fieldtype = "Data"
    with pytest.raises(ValidationError, match="字段类型创建后不能修改"):
        field.full_clean()
    with pytest.raises(ValidationError, match="已有同名"):
        add_field(dt="Task", fieldname="custom_due", label="again")


def test_a_property_setter_cannot_hide_a_required_field_or_touch_system_fields():
    with pytest.raises(ValidationError, match="必填字段，不能隐藏"):
        set_property(doc_type="Task", field_name="title", hidden=True)
    with pytest.raises(ValidationError, match="由系统维护"):
        set_property(doc_type="Task", field_name="modified", hidden=True)
    set_property(doc_type="Task", field_name="modified", label="最后修改")  # every word a user reads may change
    with pytest.raises(ValidationError, match="没有可修改的字段"):
        set_property(doc_type="Task", field_name="nothing", label="x")


# ---------------------------------------------------------------- the API


def test_custom_values_are_written_read_and_listed(api, task_fields):
    client = api.as_user("office")
    response = client.put(
        "/api/resource/Task/2023-T01",
        {
            "custom_cooperating_units": ["市财政局", "市发展改革委"],
            "custom_due": "2023/6/30",
            "custom_key": 1,
            "custom_budget": "1,200.456",
            "custom_contact_county": "章贡区",
            "custom_note": "第一批",
        },
        format="json",
    )
    doc = data(response)
    assert doc["custom_cooperating_units"] == ["市财政局", "市发展改革委"]
    assert (doc["custom_due"], doc["custom_key"], doc["custom_budget"], doc["custom_contact_county"]) == (
        "2023-06-30",
        1,
        1200.46,
        "章贡区",
    )
    assert (
        doc["custom_level"] is None
    )  # records made before the field was added have no value; new ones take the default
    rows = data(
        client.resource(
            "Task", fields=["name", "custom_cooperating_units", "custom_budget"], filters=[["name", "=", "2023-T01"]]
        )
    )
    assert rows == [
        {"name": "2023-T01", "custom_cooperating_units": ["市财政局", "市发展改革委"], "custom_budget": 1200.46}
    ]
    assert Task.objects.get(name="2023-T01").custom_due == "2023-06-30"  # doc.custom_x, as in Frappe


def test_a_new_record_takes_the_defaults(api, task_fields, plan):
    client = api.as_user("office")
    doc = data(
        client.post(
            "/api/resource/Task",
            {
                "plan": "2023",
                "section_number": 1,
                "section": "（一）",
                "number": 99,
                "title": "新任务",
                "content": "内容",
                "lead_unit": "市科技局",
            },
            format="json",
        )
    )
    assert (doc["custom_level"], doc["custom_key"], doc["custom_cooperating_units"], doc["custom_due"]) == (
        "市级",
        0,
        [],
        None,
    )


@pytest.mark.parametrize(
    "values, exc_type, message",
    [
        ({"custom_level": "国家级"}, "ValidationError", "只能取：省级、市级、县级"),
        ({"custom_due": "明年"}, "ValidationError", "应为日期"),
        ({"custom_due": "2023-02-30"}, "ValidationError", "应为日期"),
        ({"custom_key": "maybe"}, "ValidationError", "应为 0 或 1"),
        ({"custom_budget": "很多"}, "ValidationError", "应为数字"),
        ({"custom_budget": "1e400"}, "ValidationError", "应为数字|超出范围"),
        ({"custom_budget": True}, "ValidationError", "值类型不正确"),
        ({"custom_cooperating_units": ["市财政局", "无此单位"]}, "LinkValidationError", "找不到单位“无此单位”"),
        ({"custom_cooperating_units": {"a": 1}}, "ValidationError", "名称列表"),
        ({"custom_contact_county": "无此县"}, "LinkValidationError", "找不到县"),
        ({"custom_note": "长" * 10001}, "ValidationError", "最多"),
        ({"custom_nothing": 1}, "DataError", "没有字段"),
    ],
)
def test_bad_custom_values_are_refused_and_nothing_is_saved(api, task_fields, values, exc_type, message):
    client = api.as_user("office")
    before = Task.objects.get(name="2023-T01")
    response = client.put("/api/resource/Task/2023-T01", {"title": "改了", **values}, format="json")
    assert (
        message in error(response, 417, exc_type)
        or exc_type == "ValidationError"
        and any(part in response.json()["message"] for part in message.split("|"))
    )
    after = Task.objects.get(name="2023-T01")
    assert (after.title, after.custom_values) == (before.title, before.custom_values)


def test_a_required_custom_field_must_be_filled(api, task_fields):
    task_fields["due"].reqd = True
    task_fields["due"].save()
    client = api.as_user("office")
    message = error(client.put("/api/resource/Task/2023-T01", {"title": "改了"}, format="json"), 417, "MandatoryError")
    assert "完成时限" in message
    assert data(client.put("/api/resource/Task/2023-T01", {"custom_due": "2023-12-31"}, format="json"))


def test_filters_and_ordering_on_custom_fields(api, task_fields):
    client = api.as_user("office")
    for name, values in {
        "2023-T01": {
            "custom_cooperating_units": ["市财政局", "市发展改革委"],
            "custom_budget": 100,
            "custom_level": "省级",
            "custom_due": "2023-06-30",
            "custom_key": 1,
        },
        "2023-T02": {"custom_cooperating_units": ["市发展改革委"], "custom_budget": 50, "custom_due": "2023-12-31"},
        "2023-T03": {"custom_cooperating_units": [], "custom_budget": 300},
    }.items():
        data(client.put(f"/api/resource/Task/{name}", values, format="json"))

    def names(**params):
        return [row["name"] for row in data(client.resource("Task", limit_page_length=100, **params))]

    assert names(filters=[["custom_cooperating_units", "=", "市发展改革委"]], order_by="name asc") == [
        "2023-T01",
        "2023-T02",
    ]
    assert names(filters=[["custom_cooperating_units", "=", "市财政局"]]) == ["2023-T01"]
    assert names(filters=[["custom_cooperating_units", "in", ["市财政局", "市发展改革委"]]], order_by="name asc") == [
        "2023-T01",
        "2023-T02",
    ]
    assert names(filters=[["custom_cooperating_units", "like", "%财政%"]]) == ["2023-T01"]
    assert names(filters=[["custom_budget", ">", 60]], order_by="custom_budget desc") == ["2023-T03", "2023-T01"]
    assert names(filters=[["custom_budget", "between", [40, 120]]], order_by="custom_budget asc") == [
        "2023-T02",
        "2023-T01",
    ]
    assert names(filters={"custom_level": "省级"}) == ["2023-T01"]
    assert names(filters=[["custom_key", "=", 1]]) == ["2023-T01"]
    assert names(filters=[["custom_due", "<", "2023-07-01"]]) == ["2023-T01"]
    assert names(filters=[["custom_due", "is", "set"]], order_by="name asc") == ["2023-T01", "2023-T02"]
    assert "2023-T03" in names(filters=[["custom_cooperating_units", "is", "not set"]])
    assert "2023-T01" not in names(filters=[["custom_cooperating_units", "is", "not set"]])
    assert error(client.resource("Task", filters=[["custom_budget", ">", "很多"]]), 417, "ValidationError")


def test_a_county_user_cannot_link_outside_their_county(api):
    from apps.innovation_action.models import (
        AssessmentPeriod,
        County,
        Scheme,
        SelfAssessment,
    )

    add_field(dt="SelfAssessment", fieldname="custom_partner", label="结对县", fieldtype="Link", options="County")
    assessment = SelfAssessment.objects.create(
        period=AssessmentPeriod.objects.get(name="2023-Q1"),
        county=County.objects.get(name="章贡区"),
        scheme=Scheme.COUNTY,
    )
    client = api.as_user("zhanggong")
    message = error(
        client.put(f"/api/resource/SelfAssessment/{assessment.name}", {"custom_partner": "信丰县"}, format="json"),
        417,
        "LinkValidationError",
    )
    assert message == "字段“结对县”：找不到县（市、区）“信丰县”"
    doc = data(
        client.put(f"/api/resource/SelfAssessment/{assessment.name}", {"custom_partner": "章贡区"}, format="json")
    )
    assert doc["custom_partner"] == "章贡区"


def test_custom_values_are_in_the_history_and_can_be_reverted(api, task_fields):
    client = api.as_user("office")
    data(client.put("/api/resource/Task/2023-T01", {"custom_note": "第一版"}, format="json"))
    data(client.put("/api/resource/Task/2023-T01", {"custom_note": "第二版"}, format="json"))
    task = Task.objects.get(name="2023-T01")
    first = task.history.filter(custom_values__custom_note="第一版").first()
    first.instance.save()
    assert Task.objects.get(name="2023-T01").custom_note == "第一版"


# ---------------------------------------------------------------- property setters


def test_property_setters_relabel_and_require_built_in_fields(api, plan):
    set_property(doc_type="Project", field_name="project_code", label="项目赋码", reqd=True, description="发改委赋码")
    docfield = get_meta("Project").fields["project_code"]
    assert (docfield.label, docfield.reqd, docfield.description) == ("项目赋码", True, "发改委赋码")
    client = api.as_user("office")
    project = data(client.resource("Project", fields=["name"], filters=[["project_code", "is", "not set"]]))[0]
    message = error(
        client.put(f"/api/resource/Project/{project['name']}", {"content": "改"}, format="json"), 417, "MandatoryError"
    )
    assert "项目赋码" in message


# ---------------------------------------------------------------- print formats


def test_print_formats_read_custom_fields_as_doc_attributes(task_fields):
    from django.contrib.auth.models import User

    from apps.lowcode.print_format.model import PrintFormat, PrintFormatBlock
    from apps.lowcode.print_format.service import print_document
    from tests import pdf_tools

    task = Task.objects.get(name="2023-T01")
    task.custom_values = {
        **task.custom_values,
        "custom_cooperating_units": ["市财政局", "市发展改革委"],
        "custom_level": "省级",
        "custom_budget": 1200.5,
    }
    task.save()
    form = PrintFormat.objects.create(name="任务卡", doc_type="Task", layout="表单", title="{{ doc.title }}任务卡")
    PrintFormatBlock.objects.create(
        print_format=form,
        idx=1,
        text=(
            "配合单位：{{ doc.custom_cooperating_units|join_cn }}\n"
            "任务级别：{{ doc.custom_level }}，资金{{ doc.custom_budget }}万元"
        ),
    )
    printed = print_document(User.objects.get(username="office"), "Task", "2023-T01", "任务卡")
    text = pdf_tools.text(printed.pdf).replace(" ", "")
    assert "配合单位：市财政局、市发展改革委" in text
    assert "任务级别：省级，资金1200.5万元" in text


def test_another_process_sees_a_new_field_within_a_second(api, monkeypatch):
    """A field added by another web worker (no signal, no cache deletion here) is picked up by a request
    a second after this process last looked."""
    from django.core.cache import cache

    from apps.lowcode.doctype import version

    clock = [1000.0]
    monkeypatch.setattr(version.time, "monotonic", lambda: clock[0])
    monkeypatch.setitem(version._state, "looked", float("-inf"))
    version.refresh()
    assert "custom_grade" not in get_meta("Unit").fields
    CustomField.objects.bulk_create(
        [CustomField(name="Unit-custom_grade", dt="Unit", fieldname="custom_grade", label="等级", fieldtype="Data")]
    )  # no post_save: as if elsewhere
    cache.delete(version.STAMP_KEY)  # what the other process's commit does
    client = api.as_user("office")
    clock[0] += 0.5
    assert "custom_grade" not in data(client.resource("Unit", "市科技局"))  # looked half a second ago
    clock[0] += 0.6
    assert "custom_grade" in data(client.resource("Unit", "市科技局"))
