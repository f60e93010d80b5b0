"""Attachments: upload_file, scoped download and listing, hostile files refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from apps.lowcode.models import File

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, name, content, doctype="Project", docname="2023-P12"):
    return client.post(
        "/api/method/upload_file",
        {
            "file": SimpleUploadedFile(name, content),
            "doctype": doctype,
            "docname": docname,
            "is_private": "1",
        },
        format="multipart",
    )


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_list_download_delete(api):
    office = api.as_user("office")
    response = upload(office, "章贡区项目进度（2023年3月）.pdf", PDF)
    assert response.status_code == 200, response.content.decode()
    doc = response.json()["message"]
    assert doc["file_name"] == "章贡区项目进度（2023年3月）.pdf"
    assert doc["file_url"].startswith("/private/files/") and doc["attached_to_name"] == "2023-P12"
    assert doc["file_size"] == len(PDF) and doc["is_private"] == 1

    download = office.get(doc["file_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"

    listed = office.get("/api/resource/File", {"filters": '{"attached_to_name": "2023-P12"}'}).json()["data"]
    assert [row["name"] for row in listed] == [doc["name"]]

    assert office.delete(f"/api/resource/File/{doc['name']}").status_code == 202  # Frappe's Accepted
    assert office.get(doc["file_url"]).status_code == 404


def test_scope_of_attachments(api):
    office = api.as_user("office")
    own = upload(office, "a.pdf", PDF, docname="2023-P12").json()["message"]
    other = upload(office, "b.pdf", PDF, docname="2023-P21").json()["message"]
    office.post("/api/method/logout")
    county = api.as_user("zhanggong")
    assert county.get(own["file_url"]).status_code == 200
    assert county.get(other["file_url"]).status_code == 404
    names = [row["name"] for row in county.get("/api/resource/File").json()["data"]]
    assert names == [own["name"]]
    assert county.get(f"/api/resource/File/{other['name']}").status_code == 404
    # Reading a document is not writing it: no uploads, no deletes.
    assert upload(county, "c.pdf", PDF, docname="2023-P12").status_code == 403
    assert county.delete(f"/api/resource/File/{own['name']}").status_code == 403
    assert upload(county, "d.pdf", PDF, docname="2023-P21").status_code == 404


def test_anonymous_gets_nothing(api):
    office = api.as_user("office")
    doc = upload(office, "a.pdf", PDF).json()["message"]
    office.post("/api/method/logout")
    assert api.get(doc["file_url"]).status_code == 403  # Frappe's download_private_file: Forbidden


@pytest.mark.parametrize(
    "name, content, status, text",
    [
        ("report.exe", b"MZ\x90\x00", 417, "不允许上传该类型的文件"),
        ("page.html", b"<script>alert(1)</script>", 417, "不允许上传该类型的文件"),
        ("image.svg", b"<svg onload=alert(1)>", 417, "不允许上传该类型的文件"),
        ("fake.pdf", b"MZ\x90\x00 this is a program", 417, "文件内容与扩展名不符"),
        ("fake.docx", b"<html></html>", 417, "文件内容与扩展名不符"),
        ("notes.txt", b"\x00\x01\x02binary", 417, "不是文本文件"),
        ("empty.pdf", b"", 417, "文件为空"),
        ("noextension", b"%PDF-1.4", 417, "不允许上传该类型的文件"),
    ],
)
def test_hostile_or_wrong_files_are_refused(api, name, content, status, text):
    response = upload(api.as_user("office"), name, content)
    assert response.status_code == status and text in response.json()["message"], response.content.decode()
    assert File.objects.count() == 0


def test_oversize_file_is_413(api, settings):
    settings.SITE_CONFIG = {**settings.SITE_CONFIG, "max_file_size": 1000}
    response = upload(api.as_user("office"), "big.pdf", PDF + b"0" * 2000)
    assert response.status_code == 413 and response.json()["exc_type"] == "FileTooLargeError"
    assert "上限" in response.json()["message"]


def test_path_in_file_name_is_dropped(api, tmp_path):
    response = upload(api.as_user("office"), "../../../etc/进度.pdf", PDF)
    doc = response.json()["message"]
    assert doc["file_name"] == "进度.pdf"
    stored = File.objects.get(name=doc["name"]).content.path
    assert stored.startswith(str(tmp_path))


def test_a_file_without_a_document_is_its_uploaders_alone(api):
    """Frappe's upload without doctype/docname (frappe-js-sdk's uploadFile with only a folder): the file is the
    uploader's own, seen and downloaded by no one else until it is attached to a document."""
    office = api.as_user("office")
    response = office.post(
        "/api/method/upload_file", {"file": SimpleUploadedFile("草稿.pdf", PDF), "folder": "Home"}, format="multipart"
    )
    assert response.status_code == 200, response.content.decode()
    doc = response.json()["message"]
    assert doc["attached_to_doctype"] == "" and doc["is_private"] == 1
    assert office.get(doc["file_url"]).status_code == 200
    assert office.get(f"/api/resource/File/{doc['name']}").status_code == 200

    other = APIClient()
    assert other.post("/api/method/login", {"usr": "zhanggong", "pwd": DEMO_PASSWORD}, format="json").status_code == 200
    assert other.get(doc["file_url"]).status_code in (403, 404)
    assert other.get(f"/api/resource/File/{doc['name']}").status_code == 404


def test_upload_names_both_or_neither_document_key(api):
    office = api.as_user("office")
    half = office.post(
        "/api/method/upload_file", {"file": SimpleUploadedFile("a.pdf", PDF), "doctype": "Project"}, format="multipart"
    )
    assert half.status_code == 417 and "doctype 和 docname" in half.json()["message"]
    assert upload(office, "a.pdf", PDF, docname="2099-P99").status_code == 404
    no_file = office.post("/api/method/upload_file", {"doctype": "Project", "docname": "2023-P12"}, format="multipart")
    assert no_file.status_code == 417 and "请选择要上传的文件" in no_file.json()["message"]
    nothing = office.post("/api/method/upload_file", {}, format="multipart")
    assert nothing.status_code == 417 and "请选择要上传的文件" in nothing.json()["message"]


def test_files_cannot_be_written_as_plain_resources(api):
    response = api.as_user("office").post(
        "/api/resource/File", {"file_name": "x.pdf", "file_url": "/etc/passwd"}, format="json"
    )
    assert response.status_code == 403


def test_attachment_lists_are_scoped(api, login, django_user_model):
    office = api.as_user("office")
    upload(office, "own.pdf", PDF, docname="2023-P12")
    upload(office, "other.pdf", PDF, docname="2023-P21")
    office.post("/api/method/logout")
    # A county user's list (the API: county users are not admin users, issue 18).
    county = api.as_user("zhanggong")
    assert [f["file_name"] for f in county.get("/api/resource/File", {"fields": '["file_name"]'}).json()["data"]] == [
        "own.pdf"
    ]
    # The admin's list, for an admin user limited to 章贡区.
    from apps.innovation_action import roles
    from apps.lowcode.models import UserPermission

    scoped = django_user_model.objects.create_user("zg_office_files", password="pw-123456")
    scoped.groups.add(roles.group(roles.OFFICE))
    UserPermission.objects.create(user=scoped, allow="County", for_value="章贡区")
    from django.test import Client

    client = Client()
    client.force_login(scoped)
    page = client.get("/admin/lowcode/file/")
    assert [f.file_name for f in page.context["cl"].result_list] == ["own.pdf"]
