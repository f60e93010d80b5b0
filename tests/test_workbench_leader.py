"""The leading group's pages of the workbench (审定, 排名) and everyone's 已办 / 办结 / search / messages:
the server methods they read, then the pages in a real browser at a desktop and a phone width."""

import pytest
from rq import SimpleWorker

from tests.test_workflow_api import act, client, create_assessment, fill_in, get_doc, ok, put, refused
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
CUT = "第2项缺少统计局盖章证明，核减1分"
PASSED = "其余指标属实，同意上报"
REASON = "第2项核减依据不足，请办公室重新核实"


def passed_to_leader() -> str:
    """章贡区's 2023 report: scored 2 on each of its 14 manual lines (28), submitted; the office cuts
    line 2 to 1 with a reason and passes it on (初审 27) with a comment."""
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    doc = get_doc("office", name)
    for line in doc["lines"][:14]:
        line["reviewed_score"] = 2
    doc["lines"][1].update(reviewed_score=1, review_comment=CUT)
    ok(put("office", name, {"lines": doc["lines"], "modified": doc["modified"]}))
    ok(act("office", name, "初审通过", PASSED))
    return name


def method(username, name, **params):
    return client(username).get(f"/api/method/innovation_action.api.{name}", params)


@pytest.mark.django_db
def test_the_approval_queue_sums_up_where_the_office_changed_the_scores():
    name = passed_to_leader()
    assert ok(method("office", "get_approval_queue")) == []  # the office cannot approve
    [item] = ok(method("leader", "get_approval_queue"))
    assert (item["name"], item["workflow_state"], item["actions"]) == (name, "待审定", ["审定通过", "退回初审"])
    assert (item["self_total"], item["reviewed_total"], item["total_change"]) == ("28", "27", "-1")
    [line] = item["lines"]
    assert (line["number"], line["self_score"], line["reviewed_score"], line["delta_text"]) == (2, "2", "1", "-1")
    assert line["comment"] == CUT
    assert (item["office"]["action"], item["office"]["comment"]) == ("初审通过", PASSED)

    # The modified it carries is the one apply_workflow checks: approving with it works once.
    seen = {"modified": item["modified"]}
    ok(act("leader", name, "审定通过", **seen))
    assert ok(method("leader", "get_approval_queue")) == []
    assert act("leader", name, "审定通过", **seen).status_code in (409, 417)  # acted on: refused


@pytest.mark.django_db
def test_done_finished_and_search_are_the_users_own_and_scoped():
    name = passed_to_leader()
    ok(act("leader", name, "审定通过"))
    [done] = ok(method("office", "get_done"))
    assert (done["name"], done["action"], done["comment"], done["workflow_state"]) == (
        name,
        "初审通过",
        PASSED,
        "已审定",
    )
    assert [d["action"] for d in ok(method("zhanggong", "get_done"))] == ["提交"]
    assert ok(method("xinfeng", "get_done")) == []
    assert [d["name"] for d in ok(method("zhanggong", "get_finished")) if d["doctype"] == "SelfAssessment"] == [name]
    assert [d for d in ok(method("xinfeng", "get_finished")) if d["doctype"] == "SelfAssessment"] == []

    assert [d["name"] for d in ok(method("leader", "search_documents", text="章贡 2023-Y"))] == [name]
    assert ok(method("xinfeng", "search_documents", text="章贡")) == []  # another county's report is not found
    assert refused(method("leader", "search_documents", text="  "), 417, "ValidationError") == (
        "请输入要查找的名称，例如 章贡区 或 2023-Q1"
    )


# ------------------------------------------------------------------ in the browser


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_leader_approves_or_sends_back_from_the_summary(workbench, size):
    name = passed_to_leader()
    page = workbench.page(*size)
    log_in(page, "leader")
    assert page.url.endswith("/app/approval"), page.url
    visit(page, "/approval")

    item = page.get_by_test_id("approval-item")
    assert item.count() == 1
    totals = item.get_by_test_id("approval-totals").inner_text()
    assert "28" in totals and "27" in totals and "-1" in totals
    line = item.get_by_test_id("changed-line")
    assert line.count() == 1
    assert "第2项" in line.inner_text() and "自评 2 → 初审 1" in line.inner_text() and CUT in line.inner_text()
    assert PASSED in item.get_by_test_id("office-comment").inner_text()

    if size == DESKTOP:
        item.get_by_role("button", name="审定通过").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("初审总分 27 分审定").wait_for()
        check_page(page, "approval-confirm")
        dialog.get_by_test_id("confirm-action").click()
        page.get_by_test_id("approval-empty").wait_for()
        page.get_by_text("得分已计入排名").first.wait_for()
        assert get_doc("office", name)["workflow_state"] == "已审定"

        # 排名: 章贡区 ranked in its category; the others of the category are listed as not approved yet.
        visit(page, "/ranking")
        row = page.get_by_test_id("ranking-row").filter(has_text="章贡区")
        assert row.count() == 1 and "27" in row.inner_text() and "第1名" in row.inner_text()
        assert "未审定" in page.get_by_test_id("ranking-pending").first.inner_text()
    else:
        item.get_by_role("button", name="退回初审").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_test_id("confirm-action").click()
        dialog.get_by_text("请填写退回原因").wait_for()  # a return needs a reason: said in place, nothing sent
        check_page(page, "approval-send-back")
        assert get_doc("office", name)["workflow_state"] == "待审定"
        dialog.get_by_test_id("confirm-reason").fill(REASON)
        dialog.get_by_test_id("confirm-action").click()
        page.get_by_test_id("approval-empty").wait_for()
        doc = get_doc("office", name)
        assert doc["workflow_state"] == "待初审"
        visit(page, "/ranking", "ranking-none")
        assert page.get_by_test_id("ranking-row").count() == 0


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.browser
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_messages_done_finished_and_search(workbench, redis_queue, size):
    name = passed_to_leader()
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    page = workbench.page(*size)
    log_in(page, "leader")

    # 消息: every message, the unread marked, all read in one click (the bell's count follows on reload).
    visit(page, "/notifications")
    assert "章贡区" in page.get_by_test_id("notification").first.inner_text()
    page.get_by_test_id("mark-all").click()
    page.get_by_test_id("mark-all").wait_for(state="detached")
    # Checked after a reload: the toast's focus guards (frappe-ui) sit just off the screen while it shows.
    visit(page, "/notifications", "notifications-read")
    assert "全部已读" in page.locator("main").inner_text()
    assert page.get_by_test_id("unread-count").count() == 0

    ok(act("leader", name, "审定通过", "同意"))
    visit(page, "/todo?tab=done", "todo-done")
    done = page.get_by_test_id("done-item")
    assert done.count() == 1 and "审定通过：同意" in done.inner_text() and "已审定" in done.inner_text()
    page.get_by_role("radio", name="办结").click()
    page.get_by_test_id("finished-item").first.wait_for()
    assert "章贡区" in page.get_by_test_id("finished-list").inner_text()
    check_page(page, "todo-finished")

    page.get_by_test_id("search-input").fill("章贡 2023")
    page.get_by_role("button", name="查找", exact=True).click()
    page.get_by_test_id("search-item").first.wait_for()
    assert (
        name in page.get_by_test_id("search-list").inner_text()
        or "章贡区" in page.get_by_test_id("search-list").inner_text()
    )
    check_page(page, "todo-search")
    page.get_by_test_id("search-input").fill("不存在的单据")
    page.get_by_role("button", name="查找", exact=True).click()
    page.get_by_test_id("search-empty").wait_for()
