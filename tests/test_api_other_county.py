"""Every route, tried by a user of another county against 章贡区's records: nothing comes back."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.lowcode.doctype import get_doctype_model

pytestmark = pytest.mark.django_db

# 章贡区's own records of each scoped doctype, invisible to 信丰县's user.
ZHANGGONG_RECORDS = [
    ("Project", "2023-P12"),
    ("Project", "2023-P13"),
    ("County", "章贡区"),
    ("Unit", "章贡区人民政府"),
    ("Liaison", "章贡区人民政府-金可"),
    ("Task", "2023-T13"),
]


def admin_url(doctype, name, view):
    model = get_doctype_model(doctype)
    obj = model.objects.get(name=name)
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=[obj.pk])


@pytest.mark.parametrize("doctype, name", ZHANGGONG_RECORDS)
def test_every_route_as_another_county(api, login, doctype, name):
    client = api.as_user("xinfeng")
    filters = json.dumps({"name": name}, ensure_ascii=False)
    assert client.get(f"/api/resource/{doctype}/{name}").status_code == 404
    assert client.put(f"/api/resource/{doctype}/{name}", {"modified": "x"}, format="json").status_code == 404
    assert client.delete(f"/api/resource/{doctype}/{name}").status_code == 404
    assert client.get(f"/api/resource/{doctype}", {"filters": filters}).json() == {"data": []}
    assert (
        client.get(f"/api/resource/{doctype}", {"or_filters": filters, "limit": 0}).json()["data"]
        == [row for row in client.get(f"/api/resource/{doctype}", {"limit": 0}).json()["data"] if row["name"] == name]
        == []
    )
    count = client.get("/api/method/frappe.client.get_count", {"doctype": doctype, "filters": filters})
    assert count.json() == {"message": 0}
    listed = client.get("/api/method/frappe.client.get_list", {"doctype": doctype, "filters": filters})
    assert listed.json() == {"message": []}
    assert client.get("/api/method/frappe.client.get", {"doctype": doctype, "name": name}).status_code == 404
    assert client.get("/api/method/frappe.client.get", {"doctype": doctype, "filters": filters}).status_code == 404
    upload = client.post(
        "/api/method/upload_file",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "doctype": doctype, "docname": name},
        format="multipart",
    )
    assert upload.status_code == 404
    # Frappe's form load answers a document the user cannot see as a missing one: nothing.
    load = client.get("/api/method/frappe.desk.form.load.getdoc", {"doctype": doctype, "name": name})
    assert load.status_code == 200 and "docs" not in load.json() and name not in load.content.decode()
    # The admin is not theirs (issue 18): its pages send them to the workbench, never show the record.
    browser = login("xinfeng")
    for view in ("change", "history"):
        response = browser.get(admin_url(doctype, name, view))
        assert response.status_code == 302 and response["Location"] == "/app/"


def test_attachments_of_another_county(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = api.as_user("office")
    doc = office.post(
        "/api/method/upload_file",
        {
            "file": SimpleUploadedFile("章贡区.pdf", b"%PDF-1.4 x"),
            "doctype": "Project",
            "docname": "2023-P12",
        },
        format="multipart",
    ).json()["message"]
    office.post("/api/method/logout")
    client = api.as_user("xinfeng")
    assert client.get(doc["file_url"]).status_code == 404
    assert client.get(f"/api/resource/File/{doc['name']}").status_code == 404
    assert client.get("/api/resource/File").json() == {"data": []}
    assert client.delete(f"/api/resource/File/{doc['name']}").status_code == 404
