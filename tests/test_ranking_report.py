"""考评排名: the approved scores of a period by category, on the page, in the API and in Excel.

The scores are written here directly with the ORM, as the scoring service
would leave them after the leading group's approvals (services/scoring.py and
ranking.py have their own tests): self-assessments are put straight into
their final state 已审定 (workflow_state and docstatus set by hand, no
workflow run), and each Score gets one line per indicator with its
explanation. The period 2023年第一季度 then holds:

- 一类, all six approved: 章贡区 first with a bonus above the cap, 南康区 and
  龙南市 tied second (龙南市 with a research-integrity veto: no praise), …,
  赣县区（赣州高新区）last (约谈);
- 二类, two approved (provisional ranks), 宁都县 waiting for approval (待审定),
  the other three without a self-assessment (未填报);
- 三类, nobody approved;
- 市直单位, 市工信局 approved.
"""

import re
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    IndicatorGroup,
    Score,
    ScoreLine,
    SelfAssessment,
    Unit,
)
from apps.innovation_action.services.ranking_report import (
    ranking_table,
)
from apps.innovation_action.services.ranking_xlsx import export_xlsx
from apps.innovation_action.services.scoring import category_of
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
)

PERIOD = "2023-Q1"
# The rules shown with the tables, as they read before categories became data (赣州's categories give the same).
COUNTY_RULE = (
    "并列者名次相同，其后名次顺延（如 1、2、2、4）；名次前三（含并列）予以表扬，末位（含并列）由领导小组组长约谈；"
    "发生重大科研诚信问题的取消当年评优资格，不予表扬。"
)
UNIT_RULE = "市直单位按总分排名，评价结果纳入市直单位综合考核。"
D = Decimal

# county: (group totals 科技创新指标/政策保障/综合评价, bonus claimed, rank, outcome, veto, note)
FIRST = {
    "章贡区": ((56, 22, 14), D("17.5"), 1, "表扬", False, "一类第1名，予以表扬"),
    "南康区": ((55, 21, 13), 4, 2, "表扬", False, "一类与龙南市并列第2名，予以表扬"),
    "龙南市": (
        (54, 22, 13),
        4,
        2,
        "",
        True,
        "一类与南康区并列第2名；因重大科研诚信问题（论文造假）取消评优资格，不予表扬",
    ),
    "赣州经开区": ((53, 20, 12), 2, 4, "", False, "一类第4名"),
    "赣州蓉江新区": ((50, 20, 12), 0, 5, "", False, "一类第5名"),
    "赣县区（赣州高新区）": ((48, 18, 11), 1, 6, "约谈", False, "一类第6名（末位），由领导小组组长约谈相关责任领导"),
}
SECOND = {
    "信丰县": ((52, 20, 12), 3, 1, "", False, "二类暂列第1名；尚有 4 个县（市、区）未审定，考评结果待定"),
    "于都县": ((50, 18, 10), 2, 2, "", False, "二类暂列第2名；尚有 4 个县（市、区）未审定，考评结果待定"),
}
UNITS = {"市工信局": ((28, 62), 0, 1, "", False, "市直单位第1名")}
BONUS_CAP = D(15)


def approve(period, assessee) -> SelfAssessment:
    """A self-assessment put straight into 已审定 (no workflow run: the data a finished approval leaves)."""
    kind = "county" if isinstance(assessee, County) else "unit"
    assessment = SelfAssessment(
        period=period,
        **{kind: assessee},
        scheme="县级" if kind == "county" else "市直",
        workflow_state="已审定",
        docstatus=1,
    )
    assessment.save()
    return assessment


def make_score(period, assessee, groups, bonus_claimed, rank, outcome, veto, note, leader) -> Score:
    """A Score and its lines: each group total spread over the group's indicators, the bonus on its own line."""
    assessment = approve(period, assessee)
    bonus_claimed = D(bonus_claimed)
    bonus = min(bonus_claimed, BONUS_CAP)
    subtotal = D(sum(groups))
    kind = "county" if isinstance(assessee, County) else "unit"
    category = category_of(assessment)
    score = Score.objects.create(
        period=period,
        self_assessment=assessment,
        scheme=assessment.scheme,
        **{kind: assessee},
        category=category,
        subtotal=subtotal,
        bonus_claimed=bonus_claimed,
        bonus=bonus,
        total=subtotal + bonus,
        rank=rank,
        outcome=outcome,
        veto=veto,
        outcome_note=note,
        approved_at=timezone.now(),
        approved_by=leader,
    )
    lines = []
    plan_groups = IndicatorGroup.objects.filter(plan=period.plan, scheme=assessment.scheme).order_by("order")
    non_bonus = [g for g in plan_groups if not g.is_bonus]
    for group, group_total in zip(non_bonus, groups):
        indicators = list(group.indicators.order_by("number"))
        share = (D(group_total) / len(indicators)).quantize(D("0.01"))
        for i, indicator in enumerate(indicators):
            result = share if i < len(indicators) - 1 else D(group_total) - share * (len(indicators) - 1)
            lines.append(
                ScoreLine(
                    score=score,
                    indicator=indicator,
                    idx=indicator.number,
                    points=indicator.weight,
                    reported_value=f"{indicator.number + 0.5}",
                    official_value=D("2.35") if indicator.number == 2 else None,
                    basis="核定值" if indicator.number == 2 else "评审打分",
                    result=result,
                    explanation=f"第{indicator.number}项：领导小组办公室评审打分 {result} 分",
                )
            )
    for group in plan_groups:
        if group.is_bonus:
            indicator = group.indicators.get()
            lines.append(
                ScoreLine(
                    score=score,
                    indicator=indicator,
                    idx=indicator.number,
                    points=group.points,
                    basis="加分申报",
                    result=bonus,
                    explanation=f"加分申报核定 {bonus_claimed} 分，超过上限的按 {BONUS_CAP} 分计",
                )
            )
    for line in lines:
        line.name = f"{score.name}-{line.indicator.number:02d}"
    ScoreLine.objects.bulk_create(lines)
    return score


def build_period() -> AssessmentPeriod:
    period = AssessmentPeriod.objects.get(name=PERIOD)
    leader = User.objects.get(username="leader")
    for table in (FIRST, SECOND):
        for name, spec in table.items():
            make_score(period, County.objects.get(name=name), *spec, leader)
    for name, spec in UNITS.items():
        make_score(period, Unit.objects.get(name=name), *spec, leader)
    # 宁都县 is waiting for the leading group: counted, not ranked.
    SelfAssessment.objects.create(
        period=period, county=County.objects.get(name="宁都县"), scheme="县级", workflow_state="待审定", docstatus=1
    )
    return period


@pytest.fixture
def period(db):
    return build_period()


def table_of(tables, category):
    return next(t for t in tables if t.category == category)


def user(username):
    return User.objects.get(username=username)


# ------------------------------------------------------------------ the table


@pytest.mark.both_databases
def test_tables_come_by_category_ranked_with_group_subtotals(period):
    tables = ranking_table(user("office"), period)
    assert [t.title for t in tables] == ["一类县（市、区）", "二类县（市、区）", "三类县（市、区）", "市直单位"]

    first = table_of(tables, "一类")
    assert [c.label for c in first.columns] == [
        "推进高质量跨越式发展成效科技创新指标（60分）",
        "政策保障（25分）",
        "综合评价（15分）",
    ]
    assert first.has_bonus and first.bonus_cap == 15
    # By rank, ties by the seed's county order (南康区 before 龙南市).
    assert [(r.assessee, r.rank, r.tied) for r in first.rows] == [
        ("章贡区", 1, False),
        ("南康区", 2, True),
        ("龙南市", 2, True),
        ("赣州经开区", 4, False),
        ("赣州蓉江新区", 5, False),
        ("赣县区（赣州高新区）", 6, False),
    ]
    assert [r.rank_text for r in first.rows[:3]] == ["1", "2（并列）", "2（并列）"]
    top = first.rows[0]
    assert top.group_scores == [D(56), D(22), D(14)]  # sums of the lines of each group
    assert (top.subtotal, top.bonus, top.total) == (D(92), D(15), D(107))
    assert top.bonus_text == "15（核定 17.5）"  # the approved bonus above the cap is shown beside it
    assert first.rows[1].bonus_text == "4"
    assert [r.badges for r in first.rows] == [
        [("表扬", "success")],
        [("表扬", "success")],
        [("取消评优", "secondary")],
        [],
        [],
        [("约谈", "danger")],
    ]
    assert "取消评优资格" in first.rows[2].outcome_note and first.rows[2].veto
    assert first.pending == []
    assert first.rule == COUNTY_RULE and "1、2、2、4" in first.rule and "末位（含并列）" in first.rule

    # The breakdown: every indicator in scheme order, how it was scored.
    assert [line.number for line in top.lines] == list(range(1, 16))
    assert top.lines[1].official_text == "2.35" and top.lines[1].basis == "核定值"
    assert top.lines[-1].basis == "加分申报" and top.lines[-1].result == 15
    assert top.lines[10].explanation == "第11项：领导小组办公室评审打分 11.00 分"
    assert sum(line.result for line in top.lines) == top.total


@pytest.mark.both_databases
def test_assessees_not_yet_approved_are_listed_as_such(period):
    tables = ranking_table(user("office"), period)
    second = table_of(tables, "二类")
    assert [(r.assessee, r.rank, r.tied, r.outcome) for r in second.rows] == [
        ("信丰县", 1, False, ""),
        ("于都县", 2, False, ""),
    ]
    assert "暂列" in second.rows[0].outcome_note
    assert [(p.assessee, p.status, p.state) for p in second.pending] == [
        ("宁都县", "未审定", "待审定"),
        ("兴国县", "未审定", "未填报"),
        ("会昌县", "未审定", "未填报"),
        ("瑞金市", "未审定", "未填报"),
    ]
    third = table_of(tables, "三类")
    assert third.rows == [] and len(third.pending) == 8 and third.pending[0].assessee == "大余县"

    units = table_of(tables, "市直单位")
    assert [c.label for c in units.columns] == ["日常履职情况（30分）", "重点任务推进情况（70分）"]
    assert not units.has_bonus and units.rule == UNIT_RULE and units.rule_label == "说明"
    assert [(r.assessee, r.group_scores, r.total) for r in units.rows] == [("市工信局", [D(28), D(62)], D(90))]
    assessed = set(Unit.objects.filter(plan_assessees__plan__name="2023").values_list("name", flat=True))
    assert {p.assessee for p in units.pending} == assessed - {"市工信局"}


@pytest.mark.both_databases
def test_a_county_user_sees_only_their_own_row(period):
    tables = ranking_table(user("zhanggong"), period)
    assert [(t.category, [r.assessee for r in t.rows], t.pending) for t in tables] == [("一类", ["章贡区"], [])]

    tables = ranking_table(user("xinfeng"), period)
    assert [(t.category, [r.assessee for r in t.rows], t.pending) for t in tables] == [("二类", ["信丰县"], [])]

    tables = ranking_table(user("gongxin"), period)  # a unit liaison: their unit, no county
    assert [(t.category, [r.assessee for r in t.rows], len(t.pending)) for t in tables] == [
        ("市直单位", ["市工信局"], 0)
    ]


@pytest.mark.both_databases
def test_a_shared_rank_is_marked_even_when_the_other_county_is_out_of_scope(period):
    """龙南市's user cannot see 南康区's row, but is told the 2nd place is shared."""
    from apps.lowcode.models import UserPermission

    longnan = User.objects.create_user("longnan", password="x")
    longnan.groups.set(user("zhanggong").groups.all())
    UserPermission.objects.create(user=longnan, allow="County", for_value="龙南市")
    [table] = ranking_table(longnan, period)
    assert [(r.assessee, r.rank_text, r.badges) for r in table.rows] == [
        ("龙南市", "2（并列）", [("取消评优", "secondary")])
    ]


# ------------------------------------------------------------------ the API


@pytest.mark.both_databases
def test_the_api_returns_the_table_as_json(period, api):
    response = api.as_user("office").get("/api/method/innovation_action.api.get_ranking", {"period": PERIOD})
    assert response.status_code == 200, response.content
    message = response.json()["message"]
    assert (message["period"], message["title"]) == (PERIOD, "2023年第一季度")
    first = message["tables"][0]
    assert (first["category"], first["title"], first["rule"]) == ("一类", "一类县（市、区）", COUNTY_RULE)
    assert [c["label"] for c in first["columns"]][1:] == ["政策保障（25分）", "综合评价（15分）"]
    top = first["rows"][0]
    assert top["assessee"] == "章贡区" and top["group_scores"] == [56.0, 22.0, 14.0]
    assert (top["bonus"], top["bonus_claimed"], top["bonus_text"], top["total"]) == (
        15.0,
        17.5,
        "15（核定 17.5）",
        107.0,
    )
    assert (top["rank"], top["outcome"], top["result"]) == (1, "表扬", "表扬")
    assert len(top["lines"]) == 15 and top["lines"][1]["official_value"] == 2.35
    assert first["rows"][2]["result"] == "取消评优" and first["rows"][2]["veto"] is True
    second = message["tables"][1]
    assert second["pending"][0] == {"assessee": "宁都县", "state": "待审定", "status": "未审定"}

    # No period: the latest with approved results.
    latest = api.get("/api/method/innovation_action.api.get_ranking").json()["message"]
    assert latest["period"] == PERIOD

    # A county user: their row only.
    county = api.as_user("zhanggong").get("/api/method/innovation_action.api.get_ranking", {"period": PERIOD})
    assert [[r["assessee"] for r in t["rows"]] for t in county.json()["message"]["tables"]] == [["章贡区"]]

    missing = api.get("/api/method/innovation_action.api.get_ranking", {"period": "2023-Q9"})
    assert (missing.status_code, missing.json()["exc_type"]) == (404, "DoesNotExistError")


@pytest.mark.both_databases
def test_the_api_says_so_when_nothing_is_approved_yet(db, api):
    message = api.as_user("office").get("/api/method/innovation_action.api.get_ranking").json()["message"]
    assert message == {"period": None, "title": "", "tables": []}


@pytest.mark.both_databases
def test_without_view_permission_on_scores_there_is_no_ranking(period, api, client):
    # No permission at all, in a role that opens the admin (a user with no role is sent to the workbench).
    from django.contrib.auth.models import Group

    from apps.lowcode.roles.desk import set_desk_access

    empty = Group.objects.create(name="空角色")
    set_desk_access(empty, True)
    User.objects.create_user("guest", password="x").groups.add(empty)
    client.force_login(User.objects.get(username="guest"))
    assert client.get("/admin/rankings/").status_code == 403
    assert client.get("/admin/rankings/export/", {"period": PERIOD}).status_code == 403
    api.force_login(User.objects.get(username="guest"))
    response = api.get("/api/method/innovation_action.api.get_ranking", {"period": PERIOD})
    assert (response.status_code, response.json()["exc_type"]) == (403, "PermissionError")


# ------------------------------------------------------------------ Excel


@pytest.mark.both_databases
def test_the_workbook_has_a_sheet_per_category_and_the_breakdown(period):
    workbook = load_workbook(BytesIO(export_xlsx(user("office"), period)))
    assert workbook.sheetnames == ["一类县（市、区）", "二类县（市、区）", "三类县（市、区）", "市直单位", "得分明细"]

    sheet = workbook["一类县（市、区）"]
    assert sheet["A1"].value == "2023年第一季度科技创新赋能行动考评排名（一类）"
    assert "A1:I1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == [
        "名次",
        "考评对象",
        "推进高质量跨越式发展成效科技创新指标\n（60分）",
        "政策保障\n（25分）",
        "综合评价\n（15分）",
        "加分项\n（上限15分）",
        "总分",
        "考评结果",
        "说明",
    ]
    assert sheet.freeze_panes == "A3"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=8)]
    assert [(r[0], r[1], r[7]) for r in rows] == [
        (1, "章贡区", "表扬"),
        (2, "南康区", "表扬"),
        (2, "龙南市", "取消评优"),
        (4, "赣州经开区", None),
        (5, "赣州蓉江新区", None),
        (6, "赣县区（赣州高新区）", "约谈"),
    ]
    assert rows[0][2:7] == [56, 22, 14, 15, 107]
    assert sheet["C3"].number_format == "0.00" and sheet["G3"].number_format == "0.00"
    assert sheet["F3"].number_format == '0.00"（核定 17.50）"'  # the number stays 15, the cap shows
    assert sheet["F4"].number_format == "0.00"
    assert sheet["C3"].border.left.style == "thin" and sheet["C2"].font.bold
    assert sheet.column_dimensions["B"].width == 22 and sheet.column_dimensions["I"].width == 44
    assert sheet["C2"].alignment.wrap_text
    assert sheet["A10"].value == f"说明：{COUNTY_RULE}"

    second = workbook["二类县（市、区）"]
    assert [(second.cell(r, 2).value, second.cell(r, 8).value, second.cell(r, 9).value) for r in (5, 6)] == [
        ("宁都县", "未审定", "自评报告：待审定"),
        ("兴国县", "未审定", "自评报告：未填报"),
    ]
    assert workbook["市直单位"]["A1"].value == "2023年第一季度科技创新赋能行动考评排名（市直单位）"
    assert [c.value for c in workbook["市直单位"][2]][2:5] == [
        "日常履职情况\n（30分）",
        "重点任务推进情况\n（70分）",
        "总分",
    ]

    detail = workbook["得分明细"]
    assert [c.value for c in detail[2]] == [
        "类别",
        "考评对象",
        "指标类别",
        "序号",
        "考核指标",
        "分值",
        "填报值",
        "核定值",
        "计分依据",
        "得分",
        "计分过程",
    ]
    assert detail.max_row == 2 + 8 * 15 + 5  # eight counties of 15 lines, one unit of 5
    row = [c.value for c in detail[4]]
    assert row[:4] == ["一类", "章贡区", "推进高质量跨越式发展成效科技创新指标", 2]
    assert row[7:10] == [2.35, "核定值", 5.6]
    assert detail["K4"].alignment.wrap_text and detail.column_dimensions["K"].width == 60
    assert detail.auto_filter.ref == f"A2:K{detail.max_row}" and detail.freeze_panes == "A3"


@pytest.mark.both_databases
def test_the_workbook_of_a_county_user_holds_their_county_only(period):
    workbook = load_workbook(BytesIO(export_xlsx(user("zhanggong"), period)))
    assert workbook.sheetnames == ["一类县（市、区）", "得分明细"]
    assert [workbook["一类县（市、区）"].cell(r, 2).value for r in (3, 4)] == ["章贡区", None]
    assert {row[1] for row in workbook["得分明细"].iter_rows(min_row=3, values_only=True)} == {"章贡区"}


# ------------------------------------------------------------------ admin pages


@pytest.mark.both_databases
def test_the_ranking_page_and_its_export(period, login):
    client = login("office")
    page = client.get("/admin/rankings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2023年第一季度" in html and "仅显示你有权查看的考评对象" in html
    assert html.count('class="score-row"') == 9
    assert html.count('class="pending-row"') == 4 + 8 + 9  # 二类, 三类, the other nine units
    assert "15（核定 17.5）" in html and "2（并列）" in html and COUNTY_RULE in html
    assert '<span class="badge bg-secondary">取消评优</span>' in html
    assert "/admin/rankings/export/?period=2023-Q1" in html

    export = client.get("/admin/rankings/export/", {"period": PERIOD})
    assert export.status_code == 200
    assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert export["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('2023年第一季度考评排名.xlsx')}"
    assert load_workbook(BytesIO(export.content)).sheetnames[-1] == "得分明细"

    assert client.get("/admin/rankings/", {"period": "2023-Q9"}).status_code == 404


@pytest.mark.both_databases
def test_the_ranking_of_a_county_user(period, login, api):
    """The workbench's door (county users are not admin users, issue 18): only their own row."""
    assert login("zhanggong").get("/admin/rankings/")["Location"] == "/app/"
    response = api.as_user("zhanggong").get("/api/method/innovation_action.api.get_ranking", {"period": PERIOD})
    assert response.status_code == 200, response.content
    text = str(response.json()["message"])
    assert "章贡区" in text and "南康区" not in text and "信丰县" not in text


@pytest.mark.both_databases
def test_the_ranking_page_before_any_approval(db, login):
    html = login("leader").get("/admin/rankings/").content.decode()
    assert "尚无审定的考评结果" in html and "导出 Excel" not in html
    assert login("leader").get("/admin/rankings/export/").status_code == 404


@pytest.mark.both_databases
def test_scores_are_read_only_in_the_admin_even_for_superusers(period, client):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    score = Score.objects.get(county__name="章贡区")
    changelist = client.get("/admin/innovation_action/score/", {"period__id__exact": period.pk})
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert 'id="ranking-link" href="/admin/rankings/?period=2023-Q1"' in html
    assert "章贡区" in html and '<span class="badge bg-success">表扬</span>' in html
    assert "/admin/innovation_action/score/add/" not in html

    change = client.get(f"/admin/innovation_action/score/{score.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert 'name="_save"' not in html and 'name="total"' not in html  # shown, not editable
    assert "第11项：领导小组办公室评审打分 11.00 分" in html and "加分申报核定 17.5 分" in html
    assert 'name="lines-0-result"' not in html
    assert re.search(r'class="field-official">\s*<p>2.35</p>', html) and "2.3500" not in html

    assert client.get("/admin/innovation_action/score/add/").status_code == 403
    assert client.post(f"/admin/innovation_action/score/{score.pk}/change/", {"total": "100"}).status_code == 403
    assert client.post(f"/admin/innovation_action/score/{score.pk}/delete/", {"post": "yes"}).status_code == 403
    score.refresh_from_db()
    assert score.total == 107


@pytest.mark.both_databases
def test_a_county_user_finds_only_their_score(period, login, api):
    """At the API (county users are not admin users, issue 18; the admin sends them to the workbench)."""
    assert login("zhanggong").get("/admin/innovation_action/score/")["Location"] == "/app/"
    county = api.as_user("zhanggong")
    listed = county.get("/api/resource/Score", {"fields": '["name", "county"]', "limit_page_length": 0})
    assert [row["county"] for row in listed.json()["data"]] == ["章贡区"]
    other = Score.objects.get(county__name="南康区")
    assert county.get(f"/api/resource/Score/{other.name}").status_code == 404


# ------------------------------------------------------------------ in the browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_reads_the_ranking_and_downloads_it(browser_page):
    page = browser_page
    build_period()
    log_in(page, "office")
    page.get_by_role("link", name="考评排名").first.click()
    page.wait_for_url("**/admin/rankings/")
    expect(page.locator("#period-select")).to_have_value(PERIOD)
    first = page.locator(".category-table[data-category='一类']")
    expect(first.locator("tr.score-row .assessee-name")).to_have_text(
        ["章贡区", "南康区", "龙南市", "赣州经开区", "赣州蓉江新区", "赣县区（赣州高新区）"]
    )
    expect(first.locator("tr.score-row").nth(2).locator(".badge")).to_have_text("取消评优")
    page.screenshot(path="/tmp/ranking_page.png", full_page=True)
    first.screenshot(path="/tmp/ranking_first_category.png")

    # A row opens its breakdown: each indicator with how it was scored.
    row = first.locator("tr.score-row", has_text="章贡区")
    breakdown = first.locator("tr.breakdown").first
    expect(breakdown).to_be_hidden()
    row.click()
    expect(breakdown).to_be_visible()
    expect(row).to_have_attribute("aria-expanded", "true")
    expect(breakdown.locator("tr.line")).to_have_count(15)
    expect(breakdown.locator("tr.line").nth(10)).to_contain_text("第11项：领导小组办公室评审打分 11.00 分")
    expect(breakdown.locator("tr.line").nth(14)).to_contain_text("加分申报核定 17.5 分，超过上限的按 15 分计")
    breakdown.screenshot(path="/tmp/ranking_breakdown.png")
    row.click()
    expect(breakdown).to_be_hidden()

    second = page.locator(".category-table[data-category='二类']")
    expect(second.locator("tr.pending-row").first).to_contain_text("未审定")
    expect(second.locator("tr.pending-row").first).to_contain_text("自评报告：待审定")

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename == "2023年第一季度考评排名.xlsx"
    target = "/tmp/ranking_export.xlsx"  # kept beside the screenshots, to look at
    download.save_as(target)
    workbook = load_workbook(target)
    assert workbook["一类县（市、区）"]["B3"].value == "章贡区"
    assert workbook["得分明细"]["B3"].value == "章贡区"

    # The scores in the admin: read-only, with a way back to the ranking.
    page.goto(f"{page.base_url}/admin/innovation_action/score/")
    expect(page.locator("#result_list")).to_contain_text("章贡区")
    page.screenshot(path="/tmp/ranking_score_list.png", full_page=True)
    page.get_by_role("link", name="章贡区").click()
    page.get_by_role("tab", name="得分明细").click()
    expect(page.locator(".field-explanation").nth(14)).to_contain_text("超过上限的按 15 分计")
    expect(page.locator(".field-explanation").first).to_be_visible()
    page.wait_for_timeout(300)  # the tab's fade-in, for the screenshot
    assert page.locator("input[name=_save]").count() == 0
    page.screenshot(path="/tmp/ranking_score_form.png", full_page=True)
    page.goto(f"{page.base_url}/admin/innovation_action/score/")
    page.click("#ranking-link")
    page.wait_for_url("**/admin/rankings/")
