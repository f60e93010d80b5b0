"""A county user's import never reaches another county's record (issue 14).

zhanggong (章贡区) exports their own self-assessment, writes 信丰县's record
name into 编号 and imports it. The row used to fall through to the natural key
(考评周期 + 县) and silently update 章贡区's own record. Now it is an error on
that row, worded as Frappe words it (not found, or no permission), and neither
record changes.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.innovation_action.models import SelfAssessment
from apps.lowcode.data_import import export_queryset, import_workbook
from tests.test_workflow_api import create_assessment

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_FILE = "/api/method/frappe.core.doctype.data_import.data_import.import_file"


@pytest.fixture
def assessments(db):
    """章贡区's and 信丰县's self-assessments of 2023, each created by its own county user."""
    return create_assessment("zhanggong")["name"], create_assessment("xinfeng", county="信丰县")["name"]


def edited_export(user, own_name, **cells) -> bytes:
    """The user's export of their own record, with ``cells`` (by header) overwritten."""
    workbook = load_workbook(io.BytesIO(export_queryset(user, "SelfAssessment", [["name", "=", own_name]])))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for title, value in cells.items():
        sheet.cell(row=2, column=header.index(title) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("自评.xlsx", data, content_type=XLSX)


def snapshot(*names) -> dict:
    """What must not change: the record's text, its modified stamp and its history."""
    return {a.name: (a.summary, a.modified, a.history.count()) for a in SelfAssessment.objects.filter(name__in=names)}


def test_a_row_naming_another_countys_record_is_an_error_over_the_api(api, assessments):
    mine, theirs = assessments
    zhanggong = User.objects.get(username="zhanggong")
    before = snapshot(mine, theirs)
    data = edited_export(zhanggong, mine, 编号=theirs, 自评总体情况="改到别人的记录上")
    response = api.as_user("zhanggong").post(
        IMPORT_FILE, {"doctype": "SelfAssessment", "file": upload(data), "dry_run": "0"}, format="multipart"
    )
    assert response.status_code == 200, response.content
    message = response.json()["message"]
    assert message["counts"] == {"新建": 0, "更新": 0, "未变化": 0, "错误": 1}
    assert message["rows"][0]["row"] == 2 and message["rows"][0]["status"] == "错误"
    assert message["rows"][0]["message"] == f"找不到编号“{theirs}”的自评报告，或你没有权限修改它；该行未导入"
    assert snapshot(mine, theirs) == before


@pytest.mark.both_databases
def test_a_name_out_of_scope_never_falls_through_to_the_key(assessments):
    mine, theirs = assessments
    zhanggong = User.objects.get(username="zhanggong")
    before = snapshot(mine, theirs)
    # The same row with the user's own name is an update: the refusal is about the name alone.
    report = import_workbook(
        zhanggong, "SelfAssessment", upload(edited_export(zhanggong, mine, 自评总体情况="本县的总体情况")), dry_run=True
    )
    assert [r.status for r in report.rows] == ["更新"]

    for cells in (
        {"编号": theirs, "自评总体情况": "改到别人的记录上"},  # with 考评周期 and 县 of 章贡区
        {"编号": theirs, "县（市、区）": None, "自评总体情况": "改到别人的记录上"},
    ):
        report = import_workbook(
            zhanggong, "SelfAssessment", upload(edited_export(zhanggong, mine, **cells)), dry_run=False
        )
        assert [(r.status, r.message) for r in report.rows] == [
            ("错误", f"找不到编号“{theirs}”的自评报告，或你没有权限修改它；该行未导入")
        ]
        assert not report.saved
    assert snapshot(mine, theirs) == before
    assert SelfAssessment.objects.filter(name__in=(mine, theirs)).count() == 2


@pytest.mark.both_databases
def test_the_other_county_by_its_key_is_refused_too(assessments):
    mine, theirs = assessments
    zhanggong = User.objects.get(username="zhanggong")
    before = snapshot(mine, theirs)
    data = edited_export(zhanggong, mine, 编号=None, **{"县（市、区）": "信丰县", "自评总体情况": "改到别人的记录上"})
    report = import_workbook(zhanggong, "SelfAssessment", upload(data), dry_run=False)
    assert report.rows[0].status == "错误" and "信丰县" in report.rows[0].message
    assert snapshot(mine, theirs) == before


@pytest.mark.both_databases
def test_the_owner_of_the_record_still_updates_it(assessments):
    mine, theirs = assessments
    xinfeng = User.objects.get(username="xinfeng")
    report = import_workbook(
        xinfeng,
        "SelfAssessment",
        upload(edited_export(xinfeng, theirs, 自评总体情况="信丰县的总体情况")),
        dry_run=False,
    )
    assert [r.status for r in report.rows] == ["更新"] and report.saved
    assert SelfAssessment.objects.get(name=theirs).summary == "信丰县的总体情况"
