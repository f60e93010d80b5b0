"""The site's own words (站点设置, Frappe's Website Settings): one record an administrator edits, read by the
admin's header, title and footer, the login, error and API documentation pages, prints and exports.
Neutral by default; the 赣州 fixtures (fixtures/ganzhou-2023/site.yaml) give the demo its own words."""

import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.template import loader
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.lowcode.website.model import DEFAULT_SITE_NAME, WebsiteSettings
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

DEMO = "科技创新赋能行动"
DEMO_FOOTER = "科技创新赋能行动领导小组办公室"


def pdf_creator(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True, text=True)
    return next(line.split(":", 1)[1].strip() for line in info.stdout.splitlines() if line.startswith("Creator:"))


def test_the_demo_site_reads_as_before(login):
    settings = WebsiteSettings.objects.get()
    assert (settings.site_name, settings.organisation) == (DEMO, DEMO_FOOTER)
    page = login("office").get("/admin/").content.decode()
    assert f"| {DEMO}</title>" in page or f"{DEMO}</title>" in page
    assert DEMO_FOOTER in page
    login_page = Client().get(reverse("admin:login")).content.decode()
    assert f"{DEMO} 工作调度与考评系统" in login_page


def test_a_new_site_is_neutral(login):
    WebsiteSettings.objects.all().delete()
    for html in (
        login("office").get("/admin/").content.decode(),
        Client().get(reverse("admin:login")).content.decode(),
        Client().get("/no-such-page/").content.decode(),
    ):
        assert DEFAULT_SITE_NAME in html
        assert DEMO not in html and "赣州" not in html


def test_an_administrator_renames_the_site_and_every_page_print_and_export_follows(login):
    admin = login("admin")
    listing = admin.get(reverse("admin:lowcode_websitesettings_changelist"))
    assert listing.status_code == 302  # one record: its list opens it
    page = admin.get(listing["Location"])
    data = {
        **form_data(page),
        "site_name": "沙河区科技创新工作平台",
        "organisation": "沙河区科技创新工作领导小组办公室",
        "welcome_sign": "",
    }
    response = admin.post(listing["Location"], data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    office = login("office")
    index = office.get("/admin/").content.decode()
    assert "沙河区科技创新工作平台" in index and "沙河区科技创新工作领导小组办公室" in index and DEMO not in index
    assert "欢迎使用沙河区科技创新工作平台" in Client().get(reverse("admin:login")).content.decode()
    not_found = Client().get("/no-such-page/").content.decode()
    assert "沙河区科技创新工作平台" in not_found and DEMO not in not_found
    server_error = loader.get_template("500.html").render()  # as Django renders it: without a request
    assert "沙河区科技创新工作平台" in server_error
    swagger = office.get("/api/docs/").content.decode()
    assert "接口文档 · 沙河区科技创新工作平台" in swagger
    schema = office.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert "沙河区科技创新工作平台 API" in schema.content.decode()

    from apps.lowcode.print_format import service

    printed = service.print_document(User.objects.get(username="office"), "Action Plan", "2023", "工作方案印发通知")
    assert pdf_creator(printed.pdf) == "沙河区科技创新工作平台管理系统"

    from apps.lowcode.data_import import export_queryset

    workbook = load_workbook(io.BytesIO(export_queryset(User.objects.get(username="office"), "Task", [])))
    assert workbook.properties.creator == "欢迎使用沙河区科技创新工作平台"


def test_the_demo_pdf_keeps_its_creator():
    from apps.lowcode.print_format import service

    printed = service.print_document(User.objects.get(username="office"), "Action Plan", "2023", "工作方案印发通知")
    assert pdf_creator(printed.pdf) == f"{DEMO}管理系统"


def test_only_administrators_edit_it_and_there_is_only_one(login):
    office = login("office")
    assert office.get(reverse("admin:lowcode_websitesettings_changelist")).status_code == 403
    settings = WebsiteSettings.objects.get()
    assert office.get(reverse("admin:lowcode_websitesettings_change", args=[settings.pk])).status_code == 403
    with pytest.raises(ValidationError, match="只有一条"):
        WebsiteSettings(site_name="另一个").full_clean()
    with pytest.raises(ValidationError, match="请填写站点名称"):
        settings = WebsiteSettings.objects.get()
        settings.site_name = "  "
        settings.full_clean()
