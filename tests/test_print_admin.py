"""Printing in the admin: the print formats' pages, a document's 打印 page, issuing, the notices' register."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rq import SimpleWorker

from apps.innovation_action.models import (
    ActionPlan,
    AssessmentPeriod,
    County,
    Scheme,
    SelfAssessment,
)
from apps.lowcode.print_format import service
from apps.lowcode.print_format.fonts import DEBIAN
from apps.lowcode.print_format.model import (
    LetterHead,
    Notice,
    PrintFont,
    PrintFormat,
    PrintFormatBlock,
)
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

PLAN_FORMAT = "工作方案印发通知"
PROJECT_FORMAT = "项目督办通知"


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:lowcode_{model}_{view}", args=args)


def print_url(doctype, name):
    return reverse("print-page", args=[doctype, name])


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def last_message(response) -> str:
    """The message the request added (earlier ones of the same client may still wait to be shown)."""
    return message_texts(response)[-1]


@pytest.fixture
def project_format(db):
    """A one-page official format over a Project: quick to issue and render."""
    print_format = PrintFormat.objects.create(
        name=PROJECT_FORMAT,
        doc_type="Project",
        layout="公文",
        letter_head=LetterHead.objects.get(name="领导小组办公室"),
        title="关于加快推进{{ doc.project_name }}的通知",
        addressees="{{ doc.county }}科技创新赋能行动领导小组",
    )
    PrintFormatBlock.objects.create(print_format=print_format, idx=1, text="请加快推进{{ doc.project_name }}。")
    return print_format


@pytest.fixture
def assessment_form(db):
    """A form (表单) format of the self-assessment, and the first quarter's of 章贡区 and 信丰县."""
    PrintFormat.objects.create(
        name="自评简表", doc_type="SelfAssessment", layout="表单", title="{{ doc.county }}{{ doc.period }}自评报告"
    )
    period = AssessmentPeriod.objects.get(name="2023-Q1")
    for county in ("章贡区", "信丰县"):
        SelfAssessment.objects.create(period=period, county=County.objects.get(name=county), scheme=Scheme.COUNTY)
    return period


def issued(client, doctype, name, format_name, issue_date="2023-03-01", capture=None):
    """POST the print page's 印发 form; the job is put on the queue when the request's transaction commits."""
    data = {"format": format_name, "issue_date": issue_date}
    if capture is None:
        return client.post(print_url(doctype, name), data)
    with capture(execute=True):
        return client.post(print_url(doctype, name), data)


def run_jobs(queue):
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


# --- the print formats' own pages ---------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "office"])
def test_the_print_admin_pages_render(login, username, project_format):
    client = login(username)
    print_format = PrintFormat.objects.get(name=PLAN_FORMAT)
    letter_head = LetterHead.objects.first()
    for url in (
        admin_url("printformat"),
        admin_url("printformat", "change", print_format.pk),
        admin_url("letterhead"),
        admin_url("letterhead", "change", letter_head.pk),
        admin_url("printfont"),
        admin_url("notice"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(admin_url("printformat")).content.decode()
    for header in ("名称", "打印的单据类型", "版式", "版头", "停用"):
        assert header in page
    assert PLAN_FORMAT in page and PROJECT_FORMAT in page


def test_administrators_edit_print_formats_and_the_office_only_reads_them(login):
    assert login("admin").get(admin_url("printformat", "add")).status_code == 200
    assert login("admin").get(admin_url("printfont", "add")).status_code == 200
    office = login("office")
    assert office.get(admin_url("printformat", "add")).status_code == 403
    page = office.get(admin_url("printformat", "change", PrintFormat.objects.get(name=PLAN_FORMAT).pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_a_print_format_page_shows_its_blocks_and_a_preview_on_the_latest_documents(login):
    print_format = PrintFormat.objects.get(name=PLAN_FORMAT)
    page = login("admin").get(admin_url("printformat", "change", print_format.pk)).content.decode()
    assert "内容块 3</strong> · 附件" in page and "公文要素" in page and "print-template" in page
    assert 'id="print-preview"' in page and 'action="/api/method/frappe.utils.print_format.download_pdf"' in page
    assert '<option value="2023">2023年赣州市科技创新赋能行动工作方案（2023）</option>' in page
    assert "随系统发布的标准格式" in page


def test_a_print_format_saves_and_a_broken_template_is_refused(login):
    client = login("admin")
    print_format = PrintFormat.objects.get(name=PLAN_FORMAT)
    url = admin_url("printformat", "change", print_format.pk)
    data = form_data(client.get(url))
    assert client.post(url, {**data, "cc": "市科技局"}).status_code == 302
    assert PrintFormat.objects.get(pk=print_format.pk).cc == "市科技局"

    response = client.post(url, {**data, "title": "关于{% if doc.year %}印发的通知"})
    assert response.status_code == 200
    assert "模板有误" in response.content.decode()
    response = client.post(url, {**data, "blocks-0-text": "{{ doc.notice_body|no_such_filter }}"})
    assert response.status_code == 200
    assert "模板有误" in response.content.decode()
    assert PrintFormat.objects.get(pk=print_format.pk).title == "{{ doc.notice_title }}"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<html>not a font</html>", "不是 TrueType 字体文件，请上传 .ttf 或 .ttc 字体"),
        (b"OTTO" + b"\0" * 200, "这是 CFF 轮廓的 OpenType 字体（.otf），PDF 无法嵌入"),
    ],
)
def test_a_font_reportlab_cannot_embed_is_refused_on_the_form(login, settings, tmp_path, content, message):
    settings.MEDIA_ROOT = tmp_path
    response = login("admin").post(
        admin_url("printfont", "add"), {"role": "小标宋", "font_file": SimpleUploadedFile("方正小标宋.otf", content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PrintFont.objects.exists()


def test_a_truetype_font_is_uploaded_and_its_name_shown(login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("admin")
    kai = Path(DEBIAN["楷体"][0]).read_bytes()  # larger than the upload memory limit: a temporary file
    response = client.post(
        admin_url("printfont", "add"), {"role": "仿宋", "font_file": SimpleUploadedFile("fangsong.ttc", kai)}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    font = PrintFont.objects.get(role="仿宋")
    assert "UKai" in font.family and Path(font.font_file.path).read_bytes() == kai
    page = client.get(admin_url("printfont", "change", font.pk)).content.decode()
    assert "字体名称" in page and font.family in page and 'name="family"' not in page


# --- the 打印 button and page -----------------------------------------------------------------


def test_the_print_button_shows_where_a_format_prints_the_doctype(login):
    client = login("office")
    plan = ActionPlan.objects.get(name="2023")
    page = client.get(reverse("admin:innovation_action_actionplan_change", args=[plan.pk])).content.decode()
    assert f'href="{print_url("Action Plan", "2023")}" id="print-button"' in page
    county = County.objects.get(name="章贡区")
    page = client.get(reverse("admin:innovation_action_county_change", args=[county.pk])).content.decode()
    assert 'id="print-button"' not in page
    PrintFormat.objects.filter(name=PLAN_FORMAT).update(disabled=True)
    page = client.get(reverse("admin:innovation_action_actionplan_change", args=[plan.pk])).content.decode()
    assert 'id="print-button"' not in page


def test_the_print_page_lists_the_formats_with_preview_and_issue(login):
    page = login("office").get(print_url("Action Plan", "2023")).content.decode()
    assert PLAN_FORMAT in page and "预览 PDF" in page
    assert (
        "/api/method/frappe.utils.print_format.download_pdf?doctype=Action+Plan&amp;name=2023"
        "&amp;format=%E5%B7%A5%E4%BD%9C%E6%96%B9%E6%A1%88%E5%8D%B0%E5%8F%91%E9%80%9A%E7%9F%A5&amp;inline=1"
    ) in page
    assert 'name="issue_date"' in page and "印发" in page and "csrfmiddlewaretoken" in page


@pytest.mark.parametrize("username", ["leader"])
def test_who_may_not_issue_only_previews(login, username):
    response = login(username).get(print_url("Action Plan", "2023"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "预览 PDF" in page and 'name="issue_date"' not in page
    assert "公文由领导小组办公室或系统管理员印发" in page


def test_a_county_prints_its_own_self_assessment_and_no_other(login, assessment_form):
    """Through the API, as the workbench's 预览 PDF / 下载 PDF do (county users are not admin users, issue 18)."""
    client = login("zhanggong")
    assert client.get(print_url("SelfAssessment", "2023-Q1-章贡区"))["Location"] == "/app/"

    def pdf(name, doc_format="自评简表", doctype="SelfAssessment"):
        return client.get(
            "/api/method/frappe.utils.print_format.download_pdf",
            {"doctype": doctype, "name": name, "format": doc_format, "inline": 1},
        )

    preview = pdf("2023-Q1-章贡区")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert preview["Content-Disposition"].startswith("inline")
    assert pdf("2023-Q1-信丰县").status_code == 404
    assert pdf("2023-Q9-章贡区").status_code == 404
    assert pdf("x", doctype="No Such Doctype").status_code == 404
    # A county may not issue (印发) its report as a notice.
    issued = client.post(
        "/api/method/frappe.utils.print_format.issue_notice",
        {"doctype": "SelfAssessment", "name": "2023-Q1-章贡区", "format": "自评简表", "issue_date": "2023-04-10"},
        format="json",
    )
    assert issued.status_code in (403, 404, 417), issued.content[:300]


def test_the_print_page_needs_a_login(client):
    response = client.get(print_url("Action Plan", "2023"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


# --- issuing from the print page --------------------------------------------------------------


@pytest.mark.redis
def test_issuing_from_the_print_page_records_the_notice_and_the_job_makes_its_pdf(
    login, redis_queue, project_format, django_capture_on_commit_callbacks
):
    client = login("office")
    response = issued(client, "Project", "2023-P01", PROJECT_FORMAT, capture=django_capture_on_commit_callbacks)
    notice = Notice.objects.get(reference_doctype="Project", reference_name="2023-P01")
    assert response.status_code == 302
    assert response["Location"] == f"{print_url('Project', '2023-P01')}?notice={notice.name}#notices"
    assert message_texts(response) == ["已印发：赣市科赋办字〔2023〕1号，正在后台生成 PDF，完成后可在下方下载。"]
    assert (notice.number, notice.status, notice.issued_by.username) == ("赣市科赋办字〔2023〕1号", "排队中", "office")
    assert str(notice.issue_date) == "2023-03-01"

    # Queued: the page shows a progress bar that polls the status view.
    status_url = reverse("print-notice-status", args=[notice.name])
    page = client.get(print_url("Project", "2023-P01")).content.decode()
    assert f'data-status-url="{status_url}"' in page and "progress-bar" in page
    assert "已印发：<strong>赣市科赋办字〔2023〕1号</strong>" in page and 'name="issue_date"' not in page
    assert client.get(status_url).json() == {
        "name": notice.name,
        "number": "赣市科赋办字〔2023〕1号",
        "status": "排队中",
        "progress": 0,
        "progress_note": "",
        "error": "",
        "pages": 0,
        "download_url": "",
    }

    assert redis_queue.count == 1
    run_jobs(redis_queue)
    status = client.get(status_url).json()
    assert (status["status"], status["progress"], status["pages"]) == ("已生成", 100, 1), status["error"]
    assert status["progress_note"] == "已生成，共 1 页"
    assert status["download_url"] == f"/api/method/frappe.utils.print_format.download_notice?name={notice.name}"
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    page = client.get(print_url("Project", "2023-P01")).content.decode()
    assert 'data-status-url="' not in page and "共 1 页" in page and status["download_url"] in page


def test_issue_errors_come_back_as_messages(login, project_format):
    leader = login("leader")
    response = issued(leader, "Project", "2023-P01", PROJECT_FORMAT)
    assert response.status_code == 302 and response["Location"] == print_url("Project", "2023-P01")
    assert message_texts(response) == ["印发失败：只有领导小组办公室或系统管理员可以印发公文"]

    office = login("office")
    response = issued(office, "Project", "2023-P01", PROJECT_FORMAT, issue_date="2023-02-30")
    assert last_message(response) == "印发失败：成文日期“2023-02-30”无效，应为 YYYY-MM-DD"
    response = issued(office, "Project", "2023-P01", "没有这个格式")
    assert last_message(response) == "印发失败：打印格式“没有这个格式”不存在或已停用"
    assert not Notice.objects.exists()

    issued(office, "Project", "2023-P01", PROJECT_FORMAT)  # no job: the test's transaction never commits
    response = issued(office, "Project", "2023-P01", PROJECT_FORMAT)
    assert last_message(response).startswith("印发失败：该文件已印发（赣市科赋办字〔2023〕1号）")
    assert Notice.objects.count() == 1


def test_a_form_format_cannot_be_issued(login, assessment_form):
    response = issued(login("office"), "SelfAssessment", "2023-Q1-章贡区", "自评简表")
    assert message_texts(response) == ["印发失败：“自评简表”是表单格式，只能打印，不能印发"]


def test_the_status_view_answers_only_for_a_notice_that_exists(login):
    response = login("office").get(reverse("print-notice-status", args=["nothing"]))
    assert response.status_code == 404
    assert response.json()["exc_type"] == "DoesNotExistError"


# --- the notices' register --------------------------------------------------------------------


@pytest.fixture
def notice(project_format):
    """Issued and queued (its job is never started: the test's transaction does not commit)."""
    return service.issue(User.objects.get(username="office"), "Project", "2023-P01", PROJECT_FORMAT, date(2023, 3, 1))


def test_the_notice_list_is_a_register(login, notice):
    client = login("office")
    page = client.get(admin_url("notice")).content.decode()
    for header in ("发文字号", "标题", "成文日期", "状态", "页数", "印发人", "下载"):
        assert header in page
    assert "赣市科赋办字〔2023〕1号" in page and "关于加快推进低空飞行监管平台建设项目的通知" in page
    assert "regenerate_notices" in page and "void_notices" in page
    assert client.get(admin_url("notice"), {"q": "低空飞行"}).context["cl"].result_count == 1
    assert client.get(admin_url("notice"), {"q": "〔2024〕"}).context["cl"].result_count == 0
    assert client.get(admin_url("notice"), {"status": "已作废"}).context["cl"].result_count == 0
    assert client.get(admin_url("notice"), {"status": "valid"}).context["cl"].result_count == 1
    assert client.get(admin_url("notice", "add")).status_code == 403
    assert client.get(admin_url("notice", "delete", notice.pk)).status_code == 403
    detail = client.get(admin_url("notice", "change", notice.pk))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    # Readers see the register without its actions.
    page = login("leader").get(admin_url("notice")).content.decode()
    assert "赣市科赋办字〔2023〕1号" in page and "void_notices" not in page


def act_on(client, action, notice):
    return client.post(admin_url("notice"), {"action": action, "_selected_action": [notice.pk]}, follow=True)


@pytest.mark.redis
def test_regenerate_and_void_from_the_list(login, redis_queue, notice, django_capture_on_commit_callbacks):
    client = login("office")
    service.generate_notice_pdf(notice.pk)  # the first PDF, made as the job would
    notice.refresh_from_db()
    assert notice.status == "已生成"

    with django_capture_on_commit_callbacks(execute=True):
        response = act_on(client, "regenerate_notices", notice)
    assert "已提交 1 份公文重新生成 PDF（发文字号不变），请稍后刷新查看" in message_texts(response)
    notice.refresh_from_db()
    assert (notice.status, notice.progress) == ("排队中", 0)
    assert redis_queue.count == 1
    run_jobs(redis_queue)
    notice.refresh_from_db()
    assert (notice.status, notice.number, notice.pages) == ("已生成", "赣市科赋办字〔2023〕1号", 1)
    page = client.get(admin_url("notice")).content.decode()
    assert notice.pdf_url in page and "bg-success" in page

    response = act_on(client, "void_notices", notice)
    assert "已作废 1 份公文；发文字号不再使用，单据可重新印发" in message_texts(response)
    notice.refresh_from_db()
    assert notice.status == "已作废"
    response = act_on(client, "regenerate_notices", notice)
    assert "赣市科赋办字〔2023〕1号：已作废的公文不能重新生成" in message_texts(response)
    # Voided, the document may be issued again, with the next number.
    page = client.get(print_url("Project", "2023-P01")).content.decode()
    assert 'name="issue_date"' in page and "已作废" in page


def test_the_list_refuses_to_regenerate_a_notice_being_made(login, notice):
    response = act_on(login("office"), "regenerate_notices", notice)
    assert "赣市科赋办字〔2023〕1号：该公文正在生成，请稍候" in message_texts(response)
