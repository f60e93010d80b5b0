"""The register of issued notices over the API (frappe.utils.print_format.get_notices, regenerate_notice,
void_notice): everyone reads it, the office regenerates and voids through the same service as the admin's
actions, with the same history; a voided 发文字号 is never given again."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User

from apps.lowcode.print_format import service
from apps.lowcode.print_format.model import Notice
from tests.test_print_admin import PROJECT_FORMAT, act_on, message_texts, project_format, run_jobs  # noqa: F401

pytestmark = pytest.mark.django_db

METHOD = "/api/method/frappe.utils.print_format."
CJK = re.compile(r"[\u4e00-\u9fff]")


def issue(project: str, username: str = "office") -> Notice:
    """Issued and queued; its job is not started (the test's transaction never commits)."""
    return service.issue(User.objects.get(username=username), "Project", project, PROJECT_FORMAT, date(2023, 3, 1))


def made(notice: Notice) -> Notice:
    service.generate_notice_pdf(notice.pk)  # the PDF, made as the job would make it
    notice.refresh_from_db()
    assert notice.status == "已生成", notice.error
    return notice


def register(api, username: str, **params) -> dict:
    answer = api.as_user(username).get(METHOD + "get_notices", params)
    assert answer.status_code == 200, answer.content
    return answer.json()["message"]


def act(api, username: str, method: str, name):
    return api.as_user(username).post(METHOD + method, {"name": name}, format="json")


def refused(answer, status: int, exc_type: str) -> str:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert body["exc_type"] == exc_type and CJK.search(body["message"]), body
    return body["message"]


@pytest.fixture
def notices(project_format):  # noqa: F811
    """A made notice (1号) and one still queued (2号)."""
    return made(issue("2023-P01")), issue("2023-P02")


def test_the_office_reads_the_register_with_issuer_status_and_download(api, notices):
    ready, queued = notices
    answer = register(api, "office")
    assert answer["can_manage"] is True
    assert answer["total"] == 2
    assert answer["counts"] == {"未作废": 2, "排队中": 1, "生成中": 0, "已生成": 1, "生成失败": 0, "已作废": 0}
    newest, oldest = answer["notices"]
    assert (newest["number"], oldest["number"]) == ("赣市科赋办字〔2023〕2号", "赣市科赋办字〔2023〕1号")
    assert oldest == {
        **oldest,
        "name": ready.name,
        "title": ready.title,
        "issue_date": "2023-03-01",
        "issue_date_text": "2023年3月1日",
        "status": "已生成",
        "pages": 1,
        "issued_by": "赋能办 初审员",
        "reference_doctype": "Project",
        "reference_name": "2023-P01",
        "pdf_url": f"/api/method/frappe.utils.print_format.download_notice?name={ready.name}",
    }
    assert (newest["status"], newest["progress"], newest["pdf_url"]) == ("排队中", 0, "")
    download = api.get(oldest["pdf_url"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")

    # Filtered by status and by what the clerk types (发文字号 or 标题); paged.
    assert [n["name"] for n in register(api, "office", status="已生成")["notices"]] == [ready.name]
    assert register(api, "office", search="2号")["total"] == 1
    assert register(api, "office", search="〔2024〕")["notices"] == []
    page = register(api, "office", limit_start=1, limit_page_length=1)
    assert ([n["name"] for n in page["notices"]], page["total"]) == ([ready.name], 2)


@pytest.mark.parametrize("username", ["leader", "zhanggong", "gongxin"])
def test_readers_see_the_register_but_neither_regenerate_nor_void(api, notices, username):
    ready, _ = notices
    answer = register(api, username)
    assert answer["can_manage"] is False and answer["total"] == 2  # issued notices are public
    message = refused(act(api, username, "regenerate_notice", ready.name), 403, "PermissionError")
    assert message == "只有领导小组办公室或系统管理员可以重新生成公文"
    message = refused(act(api, username, "void_notice", ready.name), 403, "PermissionError")
    assert message == "只有领导小组办公室或系统管理员可以作废公文"
    ready.refresh_from_db()
    assert (ready.status, ready.history.count()) == ("已生成", 1)


def test_no_one_signed_in_reads_nothing(api, notices):
    for answer in (
        api.get(METHOD + "get_notices"),
        api.post(METHOD + "void_notice", {"name": notices[0].name}, format="json"),
    ):
        assert answer.status_code == 403, answer.content  # a guest: Frappe's PermissionError
        assert CJK.search(answer.json()["message"])
    assert Notice.objects.get(pk=notices[0].pk).status == "已生成"


def test_voiding_keeps_the_number_taken_and_the_voided_notice_cannot_be_regenerated(api, notices):
    ready, _ = notices
    office = User.objects.get(username="office")
    answer = act(api, "office", "void_notice", ready.name)
    assert answer.status_code == 200, answer.content
    assert answer.json()["message"]["status"] == "已作废"
    ready.refresh_from_db()
    assert (ready.status, ready.modified_by, ready.pdf.name != "") == ("已作废", office, True)
    # The history says who voided it and that the number is not used again (the admin's 历史).
    last = ready.history.order_by("-history_date", "-history_id").first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        "已作废",
        office,
        "作废（发文字号 赣市科赋办字〔2023〕1号 不再使用）",
    )

    assert refused(act(api, "office", "void_notice", ready.name), 417, "ValidationError") == "该公文已经作废"
    message = refused(act(api, "office", "regenerate_notice", ready.name), 417, "ValidationError")
    assert message == "已作废的公文不能重新生成"
    assert register(api, "office")["counts"]["未作废"] == 1
    assert [n["name"] for n in register(api, "office", status="已作废")["notices"]] == [ready.name]

    # The project is issued again with the next number: 1号 is never given back.
    again = issue("2023-P01")
    assert again.number == "赣市科赋办字〔2023〕3号"
    assert Notice.objects.filter(number="赣市科赋办字〔2023〕1号").count() == 1


@pytest.mark.redis
def test_the_office_regenerates_a_pdf_keeping_its_number(api, redis_queue, notices, django_capture_on_commit_callbacks):
    ready, queued = notices
    message = refused(act(api, "office", "regenerate_notice", queued.name), 417, "ValidationError")
    assert message == "该公文正在生成，请稍候"
    with django_capture_on_commit_callbacks(execute=True):
        answer = act(api, "office", "regenerate_notice", ready.name)
    assert answer.status_code == 200, answer.content
    row = answer.json()["message"]
    assert (row["status"], row["progress"], row["number"]) == ("排队中", 0, "赣市科赋办字〔2023〕1号")
    assert redis_queue.count == 1
    last = Notice.objects.get(pk=ready.pk).history.order_by("-history_date", "-history_id").first()
    assert (last.history_user.username, last.history_change_reason) == ("office", "重新生成 PDF（发文字号不变）")
    run_jobs(redis_queue)
    ready.refresh_from_db()
    assert (ready.status, ready.number, ready.pages, ready.progress) == ("已生成", "赣市科赋办字〔2023〕1号", 1, 100)


def test_a_notice_voided_while_it_waits_is_not_made(api, notices):
    _, queued = notices
    assert act(api, "office", "void_notice", queued.name).status_code == 200
    service.generate_notice_pdf(queued.pk)  # its job, started before the void, runs after it
    queued.refresh_from_db()
    assert (queued.status, queued.pdf.name) == ("已作废", "")


def test_the_admins_actions_take_the_same_path(login, notices):
    """The admin's 作废 leaves the same history as the workbench's, and is refused the same way."""
    ready, _ = notices
    client = login("office")
    assert "已作废 1 份公文；发文字号不再使用，单据可重新印发" in message_texts(act_on(client, "void_notices", ready))
    last = Notice.objects.get(pk=ready.pk).history.order_by("-history_date", "-history_id").first()
    assert (last.history_user.username, last.history_change_reason) == (
        "office",
        "作废（发文字号 赣市科赋办字〔2023〕1号 不再使用）",
    )
    assert "赣市科赋办字〔2023〕1号：该公文已经作废" in message_texts(act_on(client, "void_notices", ready))


@pytest.mark.parametrize(
    ("method", "params", "status", "message"),
    [
        ("get_notices", {"status": "作废了"}, 417, "状态“作废了”无效"),
        ("get_notices", {"limit_start": "-1"}, 417, "参数 limit_start 不能为负数"),
        ("get_notices", {"limit_page_length": "1e308"}, 417, "参数 limit_page_length 应为整数"),
        ("get_notices", {"status": '{"name": ["in", ["x"]]}'}, 417, "”无效，应为未作废或排队中、生成中、已生成"),
        ("void_notice", {}, 417, "缺少参数 name"),
        ("void_notice", {"name": "没有这份公文"}, 404, "公文 没有这份公文 不存在"),
        ("regenerate_notice", {"name": ["a", 1]}, 417, "缺少参数 name"),
    ],
)
def test_bad_arguments_are_refused_in_chinese(api, notices, method, params, status, message):
    client = api.as_user("office")
    if method == "get_notices":
        answer = client.get(METHOD + method, params)
    else:
        answer = client.post(METHOD + method, params, format="json")
    assert answer.status_code == status, answer.content
    assert message in answer.json()["message"]


def test_a_page_far_beyond_the_last_is_empty(api, notices):
    answer = register(api, "office", limit_start="99999999999999999999", limit_page_length="0")
    assert (answer["notices"], answer["total"]) == ([], 2)


def test_a_get_cannot_void(api, notices):
    answer = api.as_user("office").get(METHOD + "void_notice", {"name": notices[0].name})
    assert answer.status_code in (403, 405, 417), answer.content
    assert CJK.search(answer.json()["message"])
    assert Notice.objects.get(pk=notices[0].pk).status == "已生成"
