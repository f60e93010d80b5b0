"""What the workbench's self-assessment page reads and writes beyond the lines, through the real API: the
bonus claims and their cap, files attached to one line (or one claim), shown in place, the PDF previewed in
place, and the timeline with its saves; a county attaches only to its own draft."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.lowcode.models import File
from tests.test_workflow_api import act, client, create_assessment, fill_in, get_doc, ok, put, refused

pytestmark = pytest.mark.django_db

METHOD = "/api/method/innovation_action.api."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page_of(username, name):
    return ok(client(username).get(METHOD + "get_self_assessment_page", {"name": name}))


def upload(username, name, file_name="统计年报.pdf", content=PDF, fieldname=""):
    return client(username).post(
        "/api/method/upload_file",
        {
            "file": SimpleUploadedFile(file_name, content),
            "doctype": "SelfAssessment",
            "docname": name,
            "fieldname": fieldname,
        },
        format="multipart",
    )


def rule_named(page, item):
    return next(rule for rule in page["bonus_rules"] if rule["item"] == item)


def test_the_county_claims_bonus_items_and_the_bonus_line_counts_them_up_to_the_cap():
    name = create_assessment()["name"]
    page = page_of("zhanggong", name)
    assert page["bonus_cap"] == 15 and len(page["bonus_rules"]) == 24
    bonus_line = next(line for line, ind in page["indicators"].items() if ind["bonus"])
    gazelle = rule_named(page, "辖区企业当年认定为瞪羚企业")
    assert (gazelle["category"], gazelle["points"], gazelle["per_occurrence"]) == ("高成长企业培育", 1, True)

    doc = get_doc("zhanggong", name)
    claims = [
        {
            "rule": gazelle["name"],
            "quantity": 3,
            "description": "赣州某某科技有限公司等3家",
            "evidence": "省科技厅认定文件",
        },
        {
            "rule": rule_named(page, "获批组建国家级科技创新平台")["name"],
            "quantity": 1,
            "description": "国家级重点实验室",
        },
    ]
    saved = ok(put("zhanggong", name, {"bonus_claims": claims, "modified": doc["modified"]}))
    line = next(line for line in saved["lines"] if line["name"] == bonus_line)
    assert float(line["self_score"]) == 8 and "合计 8 分" in line["self_note"]
    assert [c["description"] for c in saved["bonus_claims"]] == ["赣州某某科技有限公司等3家", "国家级重点实验室"]

    # Over the cap: counted as the cap, and the note says so.
    first = {**saved["bonus_claims"][0], "quantity": 12}
    saved = ok(
        put("zhanggong", name, {"bonus_claims": [first, saved["bonus_claims"][1]], "modified": saved["modified"]})
    )
    line = next(line for line in saved["lines"] if line["name"] == bonus_line)
    assert float(line["self_score"]) == 15 and "超过上限 15 分，按 15 分计" in line["self_note"]

    # A claim without its 具体事项 is refused in Chinese, and nothing is saved.
    response = put(
        "zhanggong", name, {"bonus_claims": [{"rule": gazelle["name"], "quantity": 1}], "modified": saved["modified"]}
    )
    assert response.status_code == 417 and "具体事项" in response.json()["message"]
    assert len(get_doc("zhanggong", name)["bonus_claims"]) == 2

    # A claim's evidence is a file of its own row.
    claim = saved["bonus_claims"][1]["name"]
    ok(upload("zhanggong", name, "批复文件.pdf", fieldname=claim))
    assert [(f["file_name"], f["field"]) for f in page_of("zhanggong", name)["files"]] == [("批复文件.pdf", claim)]


def test_a_file_attached_to_a_line_is_listed_with_its_line_and_shown_in_place():
    name = create_assessment()["name"]
    row = get_doc("zhanggong", name)["lines"][0]["name"]
    pdf = ok(upload("zhanggong", name, fieldname=row))
    image = ok(upload("zhanggong", name, "现场照片.png", PNG, fieldname=row))
    files = page_of("zhanggong", name)["files"]
    assert [(f["file_name"], f["field"]) for f in files] == [
        ("统计年报.pdf", row),
        ("现场照片.png", row),
    ]
    assert files[0]["owner"] == "章贡区 填报员" and files[0]["file_size"] == len(PDF)

    # A download by default; in place (?inline=1) for a PDF or an image, framable by this site's pages only.
    download = client("office").get(pdf["file_url"])
    assert download["Content-Disposition"].startswith("attachment") and download["X-Frame-Options"] == "DENY"
    shown = client("office").get(pdf["file_url"], {"inline": "1"})
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PDF
    assert shown["Content-Disposition"].startswith("inline") and shown["Content-Type"] == "application/pdf"
    assert shown["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in shown["Content-Security-Policy"]
    assert client("zhanggong").get(image["file_url"], {"inline": "1"})["Content-Type"] == "image/png"

    # A text file is never shown in place.
    text = ok(upload("zhanggong", name, "说明.txt", "说明文字".encode()))
    assert client("zhanggong").get(text["file_url"], {"inline": "1"})["Content-Disposition"].startswith("attachment")

    # Removed while the report is a draft.
    assert client("zhanggong").delete(f"/api/resource/File/{image['name']}").status_code == 202
    assert not File.objects.filter(name=image["name"]).exists()
    assert [f["file_name"] for f in page_of("zhanggong", name)["files"]] == ["统计年报.pdf", "说明.txt"]


def test_a_file_goes_only_to_a_row_of_the_report_itself():
    mine = create_assessment()["name"]
    theirs = create_assessment("xinfeng", "信丰县")["name"]
    their_row = get_doc("xinfeng", theirs)["lines"][0]["name"]
    message = refused(upload("zhanggong", mine, fieldname=their_row), 417, "ValidationError")
    assert f"没有字段或明细行“{their_row}”" in message
    # A field of the report, or the report itself, is fine.
    assert ok(upload("zhanggong", mine, fieldname="summary"))["attached_to_field"] == "summary"
    File.objects.all().delete()
    # Another county's report is not there for this county at all.
    refused(upload("zhanggong", theirs, fieldname=their_row), 404, "DoesNotExistError")
    assert not File.objects.exists()


def test_after_submit_the_county_can_neither_add_nor_remove_files():
    name = create_assessment()["name"]
    row = get_doc("zhanggong", name)["lines"][0]["name"]
    evidence = ok(upload("zhanggong", name, fieldname=row))
    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    message = refused(upload("zhanggong", name, fieldname=row), 403, "PermissionError")
    assert "待初审" in message
    refused(client("zhanggong").delete(f"/api/resource/File/{evidence['name']}"), 403, "PermissionError")
    assert File.objects.filter(name=evidence["name"]).exists()
    # The office reads it on its review page (docinfo) with the line it belongs to.
    assert [f["field"] for f in page_of("office", name)["files"]] == [row]


def test_the_report_pdf_is_framable_in_place_and_a_download_otherwise():
    name = create_assessment()["name"]
    url = "/api/method/frappe.utils.print_format.download_pdf"
    params = {"doctype": "SelfAssessment", "name": name, "format": "自评报告表"}
    shown = client("zhanggong").get(url, {**params, "inline": "1"})
    assert shown.status_code == 200 and shown.content.startswith(b"%PDF")
    assert shown["Content-Disposition"].startswith("inline") and shown["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown["Content-Security-Policy"]
    download = client("zhanggong").get(url, params)
    assert download["Content-Disposition"].startswith("attachment") and download["X-Frame-Options"] == "DENY"


def test_the_timeline_has_the_creation_the_saves_in_one_entry_and_every_step_with_its_reason():
    name = create_assessment()["name"]
    for evidence in ("一", "二", "三"):
        fill_in("zhanggong", name, evidence=evidence)
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "退回修改", "请补充佐证材料"))
    fill_in("zhanggong", name, evidence="四")
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "初审通过"))
    ok(act("leader", name, "审定通过"))
    entries = page_of("zhanggong", name)["timeline"]
    assert [(e["user"], e["action"], e["comment"]) for e in entries] == [
        ("章贡区 填报员", "新建", ""),
        ("章贡区 填报员", "保存草稿 3 次", ""),
        ("章贡区 填报员", "提交", ""),
        ("赋能办 初审员", "退回修改", "请补充佐证材料"),
        ("章贡区 填报员", "保存草稿", ""),
        ("章贡区 填报员", "提交", ""),
        ("赋能办 初审员", "初审通过", ""),
        (entries[-1]["user"], "审定通过", ""),
    ]
    assert entries[2]["kind"] == "workflow" and entries[2]["to_state"] == "待初审" and entries[1]["kind"] == "save"
