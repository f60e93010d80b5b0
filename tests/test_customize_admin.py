"""Customising in the admin: an administrator adds fields and changes field properties, users fill them in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    Scheme,
    SelfAssessment,
    Task,
)
from apps.lowcode.doctype.customization import CustomField, PropertySetter
from apps.lowcode.file.model import File
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


def url(model, action="changelist", *args, app="innovation_action"):
    return reverse(f"admin:{app}_{model}_{action}", args=args)


def add_custom_field(client, **values):
    data = {
        "dt": "Task",
        "fieldtype": "Data",
        "label": "",
        "fieldname": "",
        "options": "",
        "default": "",
        "description": "",
        "insert_after": "",
        **values,
    }
    return client.post(url("customfield", "add", app="lowcode"), data)


def test_an_administrator_adds_a_multi_link_field_and_the_office_fills_it(login, client):
    admin = login("admin")
    response = add_custom_field(
        admin,
        label="配合单位",
        fieldname="cooperating_units",
        fieldtype="Table MultiSelect",
        options="Unit",
        insert_after="lead_unit",
        in_list_view="on",
        in_standard_filter="on",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert CustomField.objects.get(dt="Task").fieldname == "custom_cooperating_units"

    office = login("office")
    task = Task.objects.get(name="2023-T01")
    page = office.get(url("task", "change", task.pk))
    fields = [f for fieldset in page.context["adminform"] for line in fieldset for f in line]
    names = [f.field["name"] if isinstance(f.field, dict) else f.field.name for f in fields]
    assert names[names.index("lead_unit") + 1] == "custom_cooperating_units"  # where the administrator put it
    data = form_data(page)
    response = office.post(
        url("task", "change", task.pk), {**data, "custom_cooperating_units": ["市财政局", "市发展改革委"]}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).custom_cooperating_units == ["市财政局", "市发展改革委"]

    listing = office.get(url("task"), {"custom_cooperating_units": "市财政局"})
    assert [t.name for t in listing.context["cl"].result_list] == ["2023-T01"]
    html = listing.content.decode()
    assert "配合单位" in html and "市财政局、市发展改革委" in html


def test_bad_values_in_the_admin_form_are_shown_and_nothing_is_lost(login):
    login("admin")
    CustomField(dt="Task", fieldname="custom_budget", label="资金（万元）", fieldtype="Currency", reqd=True).save()
    office = login("office")
    task = Task.objects.get(name="2023-T01")
    data = form_data(office.get(url("task", "change", task.pk)))
    response = office.post(url("task", "change", task.pk), {**data, "title": "新标题", "custom_budget": "很多"})
    assert response.status_code == 200
    assert "请输入一个数字" in response.content.decode() or "数字" in response.content.decode()
    assert response.context["adminform"].form["title"].value() == "新标题"  # what was typed is still there
    response = office.post(url("task", "change", task.pk), {**data, "custom_budget": ""})
    assert response.context["adminform"].form.errors == {"custom_budget": ["该字段是必填项。"]}
    assert Task.objects.get(pk=task.pk).title == task.title


def test_property_setters_change_the_form(login):
    for values in (
        {"field_name": "section", "label": "所属板块", "description": "按方案的七个板块", "idx": 1},
        {"field_name": "section_number", "hidden": True},
    ):
        PropertySetter(doc_type="Task", **values).save()
    page = login("office").get(url("task", "change", Task.objects.get(name="2023-T01").pk))
    form = page.context["adminform"].form
    assert form.fields["section"].label == "所属板块" and form.fields["section"].help_text == "按方案的七个板块"
    assert "section_number" not in form.fields
    first_fieldset = page.context["adminform"].fieldsets[0][1]["fields"]
    assert first_fieldset[0] == "section"


def test_a_property_setter_makes_a_field_required_in_the_form(login):
    PropertySetter(doc_type="Project", field_name="project_code", reqd=True, label="项目赋码").save()
    from apps.innovation_action.models import Project

    project = Project.objects.filter(project_code="").first()
    office = login("office")
    data = form_data(office.get(url("project", "change", project.pk)))
    response = office.post(url("project", "change", project.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"project_code": ["该字段是必填项。"]}


def test_the_admin_pages_for_customising(login):
    admin = login("admin")
    response = add_custom_field(admin, label="级别", fieldname="custom_level", fieldtype="Select")
    assert "下拉选项字段请在“选项”中每行填写一个选项" in response.content.decode()
    response = add_custom_field(admin, label="级别", fieldname="custom_level", fieldtype="Select", options="省级\n市级")
    assert response.status_code == 302
    field = CustomField.objects.get(fieldname="custom_level")
    page = admin.get(url("customfield", "change", field.pk, app="lowcode"))
    assert page.status_code == 200 and set(page.context["adminform"].readonly_fields) >= {
        "dt",
        "fieldname",
        "fieldtype",
    }
    assert admin.get(url("customfield", "history", field.pk, app="lowcode")).status_code == 200
    response = admin.post(
        url("propertysetter", "add", app="lowcode"),
        {"doc_type": "Task", "field_name": "title", "hidden": "on", "label": "", "description": ""},
    )
    assert "必填字段，不能隐藏" in response.content.decode()

    office = login("office")
    assert office.get(url("customfield", "add", app="lowcode")).status_code == 403
    assert office.get(url("propertysetter", app="lowcode")).status_code == 403


def test_a_custom_field_locked_by_the_workflow_state_is_read_only(login):
    CustomField(dt="SelfAssessment", fieldname="custom_contact", label="联系人", fieldtype="Data").save()
    assessment = SelfAssessment.objects.create(
        period=AssessmentPeriod.objects.get(name="2023-Q1"),
        county=County.objects.get(name="章贡区"),
        scheme=Scheme.COUNTY,
    )
    # The county fills it in its draft, at its door (the API: county users are not admin users, issue 18).
    from tests.test_workflow_api import client as api_client

    county = api_client("zhanggong")
    response = county.put(f"/api/resource/SelfAssessment/{assessment.name}", {"custom_contact": "张三"}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert SelfAssessment.objects.get(pk=assessment.pk).custom_contact == "张三"

    SelfAssessment.objects.filter(pk=assessment.pk).update(workflow_state="待初审", docstatus=1)
    office = login("office")
    page = office.get(url("selfassessment", "change", assessment.pk))
    assert "custom_contact" not in page.context["adminform"].form.fields
    assert "张三" in page.content.decode()  # shown read-only


def test_an_attachment_field_takes_an_upload(login):
    CustomField(dt="Task", fieldname="custom_plan_file", label="实施方案", fieldtype="Attach").save()
    office = login("office")
    task = Task.objects.get(name="2023-T02")
    data = form_data(office.get(url("task", "change", task.pk)))
    upload = SimpleUploadedFile("实施方案.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = office.post(url("task", "change", task.pk), {**data, "custom_plan_file": upload})
    assert response.status_code == 302
    stored = Task.objects.get(pk=task.pk).custom_plan_file
    file = File.objects.get(file_url=stored)
    assert (file.attached_to_doctype, file.attached_to_name, file.attached_to_field) == (
        "Task",
        "2023-T02",
        "custom_plan_file",
    )
    page = office.get(url("task", "change", task.pk)).content.decode()
    assert stored in page


def test_a_deleted_custom_field_is_restored_with_its_values(login):
    admin = login("admin")
    field = CustomField(dt="Task", fieldname="custom_note", label="备注", fieldtype="Data")
    field.save()
    task = Task.objects.get(name="2023-T05")
    task.custom_values = {**task.custom_values, "custom_note": "保留的备注"}
    task.save()
    response = admin.post(url("customfield", "delete", field.pk, app="lowcode"), {"post": "yes"})
    assert response.status_code == 302 and not CustomField.objects.filter(pk=field.pk).exists()

    listing = admin.get(url("customfield", app="lowcode")).content.decode()
    assert 'id="deleted-records-link"' in listing and url("customfield", "deleted", app="lowcode") in listing
    page = admin.get(url("customfield", "deleted", app="lowcode"))
    assert "Task：备注（custom_note）" in page.content.decode()
    version = page.context["versions"][0]
    response = admin.post(url("customfield", "restore", version.history_id, app="lowcode"))
    assert response.status_code == 302
    assert CustomField.objects.get(pk=field.pk).label == "备注"
    assert Task.objects.get(name="2023-T05").custom_note == "保留的备注"  # the values never left the records
    assert not admin.get(url("customfield", "deleted", app="lowcode")).context["versions"]


def test_a_deleted_task_comes_back_with_its_unit_rows(login):
    office = login("office")
    task = Task.objects.get(name="2023-T16")
    units = list(task.units.values_list("unit__name", "role"))
    assert office.post(url("task", "delete", task.pk), {"post": "yes"}).status_code == 302
    version = office.get(url("task", "deleted")).context["versions"][0]
    assert office.post(url("task", "restore", version.history_id)).status_code == 302
    restored = Task.objects.get(name="2023-T16")
    assert list(restored.units.values_list("unit__name", "role")) == units

    reader = login("leader")
    assert reader.get(url("task", "deleted")).status_code == 403
    assert 'id="deleted-records-link"' not in reader.get(url("task")).content.decode()
    assert login("zhanggong").get(url("task", "deleted"))["Location"] == "/app/"  # not an admin user (issue 18)
