"""The app's shipped print formats: the ranking notices of a period, the 自评报告表 and the 评分明细表.

Approved scores are written straight with the ORM, as the scoring service
leaves them at approval (Score and its lines; the self-assessment in 已审定),
then the ranking service ranks them (ranking.rerank_period): ranks, ties,
praise, interview and the research-integrity veto are the service's, and the
notices must say what its ranking table says. Each format is composed
(plain text, compared with the data) and rendered (pdftotext finds the key
strings in the PDF).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    IndicatorGroup,
    IntegrityCase,
    Scheme,
    Score,
    ScoreLine,
    SelfAssessment,
    Unit,
)
from apps.innovation_action.services import ranking
from apps.innovation_action.services.ranking_report import ranking_table
from apps.innovation_action.services.scoring import category_of
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import PermissionError, ValidationError
from apps.lowcode.print_format import service
from apps.lowcode.print_format.compose import compose
from apps.lowcode.print_format.model import Notice, PrintFormat
from tests import pdf_tools
from tests.test_scoring import act, create, edit, rule

pytestmark = pytest.mark.both_databases
D = Decimal
QUARTER_NOTICE, YEAR_NOTICE = "季度排名通报", "年度考评结果通报"
SELF_ASSESSMENT_FORM, SCORE_SHEET = "自评报告表", "评分明细表"

# Group totals (科技创新指标, 政策保障, 综合评价) and bonus as approved, per county; a unit has two groups.
COUNTIES = {
    # 一类: 赣州经开区 first but vetoed (no praise); 章贡区 and 赣县区 tied second; 龙南市 last.
    "赣州经开区": ((56, 22, 14), D("17.5")),
    "章贡区": ((55, 21, 13), 4),
    "赣县区（赣州高新区）": ((54, 22, 14), 3),
    "赣州蓉江新区": ((53, 20, 12), 2),
    "南康区": ((50, 20, 12), 0),
    "龙南市": ((48, 18, 11), 1),
    # 二类: 会昌县 and 瑞金市 tied last (both interviewed).
    "信丰县": ((55, 22, 13), 2),
    "宁都县": ((54, 21, 13), 1),
    "于都县": ((52, 21, 12), 3),
    "兴国县": ((51, 20, 12), 0),
    "会昌县": ((49, 19, 11), 0),
    "瑞金市": ((50, 18, 11), 0),
    # 三类: 崇义县 and 安远县 tied third (four praised); 石城县 last.
    "大余县": ((57, 23, 14), 0),
    "上犹县": ((55, 22, 13), D("0.5")),
    "崇义县": ((54, 21, 13), 0),
    "安远县": ((53, 22, 13), 0),
    "定南县": ((50, 20, 12), 0),
    "全南县": ((49, 20, 12), 0),
    "寻乌县": ((48, 19, 11), 0),
    "石城县": ((45, 18, 10), 0),
}
VETOED = "赣州经开区"


def leader() -> User:
    return User.objects.get(username="leader")


def give_score(period, assessee, groups, bonus_claimed=0) -> Score:
    """An approved result: the self-assessment in 已审定 and its Score, each group total spread over its indicators."""
    kind = "county" if isinstance(assessee, County) else "unit"
    scheme = Scheme.COUNTY if kind == "county" else Scheme.UNIT
    assessment = SelfAssessment(period=period, scheme=scheme, workflow_state="已审定", docstatus=1, **{kind: assessee})
    assessment.save()
    plan_groups = list(
        IndicatorGroup.objects.filter(plan=period.plan, scheme=scheme).prefetch_related("indicators").order_by("order")
    )
    bonus_claimed = D(bonus_claimed)
    bonus_cap = next((g.points for g in plan_groups if g.is_bonus), D(0))
    bonus = min(bonus_claimed, bonus_cap)
    subtotal = D(sum(groups))
    score = Score.objects.create(
        period=period,
        self_assessment=assessment,
        scheme=scheme,
        category=category_of(assessment),
        subtotal=subtotal,
        bonus_claimed=bonus_claimed,
        bonus=bonus,
        total=subtotal + bonus,
        approved_at=timezone.now(),
        approved_by=leader(),
        **{kind: assessee},
    )
    lines = []
    for group, group_total in zip([g for g in plan_groups if not g.is_bonus], groups):
        indicators = sorted(group.indicators.all(), key=lambda i: i.number)
        share = (D(group_total) / len(indicators)).quantize(D("0.01"))
        for position, indicator in enumerate(indicators):
            result = share if position < len(indicators) - 1 else D(group_total) - share * (len(indicators) - 1)
            quantitative = scheme == Scheme.COUNTY and indicator.number <= 10
            lines.append(
                ScoreLine(
                    score=score,
                    indicator=indicator,
                    points=indicator.weight,
                    basis="核定值" if quantitative else "评审打分",
                    reported_value="2.35" if quantitative else "",
                    official_value=D("2.4") if quantitative else None,
                    result=result,
                    explanation=(
                        f"核定值 2.4（填报值 2.35）；比最优法：得分 = {result}"
                        if quantitative
                        else f"评审打分 {result}"
                    ),
                )
            )
    for group in plan_groups:
        if group.is_bonus:
            indicator = group.indicators.get()
            lines.append(
                ScoreLine(
                    score=score,
                    indicator=indicator,
                    points=indicator.weight,
                    basis="加分申报",
                    result=bonus,
                    explanation=f"加分申报核定合计 {bonus_claimed} 分",
                )
            )
    for idx, line in enumerate(lines, 1):
        line.idx, line.name = idx, f"{score.name}-{line.indicator.number:02d}"
    ScoreLine.objects.bulk_create(lines)
    return score


def unit_totals() -> dict:
    """Every assessed unit: 日常履职 and 重点任务 totals, 市科技局 and 市工信局 tied."""
    units = list(Unit.objects.filter(plan_assessees__plan__name="2023").order_by("order", "id"))
    totals = {unit.name: (28 - position % 3, 70 - 3 * position) for position, unit in enumerate(units)}
    totals[units[2].name] = totals[units[0].name]
    return totals


def build_period(name, counties=COUNTIES, units=True, pending=(), veto=True) -> AssessmentPeriod:
    """Approved results for ``counties`` (and every unit), a 待审定 self-assessment for ``pending``, ranked."""
    period = AssessmentPeriod.objects.select_related("plan").get(name=name)
    if veto:
        IntegrityCase.objects.create(
            plan=period.plan,
            county=County.objects.get(name=VETOED),
            title="项目申报材料造假",
            found_on=period.start_date,
            name=f"2023-IC-{name}",
        )
    for county_name, (groups, bonus) in counties.items():
        give_score(period, County.objects.get(name=county_name), groups, bonus)
    for county_name in pending:
        SelfAssessment.objects.create(
            period=period,
            county=County.objects.get(name=county_name),
            scheme=Scheme.COUNTY,
            workflow_state="待审定",
            docstatus=1,
        )
    if units:
        for unit_name, groups in unit_totals().items():
            give_score(period, Unit.objects.get(name=unit_name), groups)
    ranking.rerank_period(period)
    return period


def office() -> User:
    return User.objects.get(username="office")


def fmt(name) -> PrintFormat:
    return PrintFormat.objects.get(name=name)


def pdf_text(doctype, name, format_name) -> str:
    printed = service.print_document(office(), doctype, name, format_name)
    assert printed.pages >= 1
    return pdf_tools.text(printed.pdf).replace(" ", "").replace("\n", "")


def table_rows(block) -> list[list[str]]:
    return [row for row in block.table.rows if not isinstance(row, str)]


# ------------------------------------------------------------------ 季度排名通报


@pytest.mark.django_db
def test_quarter_notice_says_what_the_ranking_says():
    period = build_period("2023-Q1")
    composed = compose(fmt(QUARTER_NOTICE), period)
    assert composed.official and composed.issuer_mark == "赣州市科技创新赋能行动领导小组"
    assert composed.title == "关于2023年第一季度科技创新赋能行动\n考评排名情况的通报"
    assert composed.addressees == "各县（市、区）科技创新赋能行动领导小组，市直有关单位"
    body = composed.blocks[0].paragraphs
    assert body[0].startswith("按照《2023年赣州市科技创新赋能行动工作方案》（赣市科赋字〔2023〕1号）")
    assert body[0].endswith("经领导小组审定，现将考评排名情况通报如下。")
    assert [p for p in body if p[:1] in "一二三四五" and p[1:2] == "、"] == [
        "一、县（市、区）考评排名情况",
        "二、通报表扬",
        "三、约谈",
        "四、市直单位考评排名情况",
        "五、有关要求",
    ]

    # Each category's order is the ranking service's, ties named once.
    tables = {t.category: t for t in ranking_table(office(), period)}
    assert (
        "（一）一类县（市、区）。第1名赣州经开区，第2名章贡区、赣县区（赣州高新区）（并列），第4名赣州蓉江新区，"
        "第5名南康区，第6名龙南市。" in body
    )
    for number, category in enumerate(("一类", "二类", "三类")):
        line = next(p for p in body if p.startswith(f"（{'一二三'[number]}）{category}县（市、区）。"))
        names = [r.assessee for r in tables[category].rows]
        assert [line.index(name) for name in names] == sorted(line.index(name) for name in names)
    assert next(p for p in body if p.startswith("（二）")).endswith("第5名会昌县、瑞金市（并列）。")

    # Praise: the top three with ties, not the vetoed county; interview: the last, ties included.
    praise = body[body.index("二、通报表扬") + 1]
    praised = {c: [r.assessee for r in tables[c].rows if r.outcome == "表扬"] for c in ("一类", "二类", "三类")}
    assert praised == {
        "一类": ["章贡区", "赣县区（赣州高新区）"],
        "二类": ["信丰县", "宁都县", "于都县"],
        "三类": ["大余县", "上犹县", "崇义县", "安远县"],
    }
    assert praise == (
        "根据考评结果，对各类别排名前三（含并列）的县（市、区）予以通报表扬：一类县（市、区）章贡区、赣县区（赣州高新区）；"
        "二类县（市、区）信丰县、宁都县、于都县；三类县（市、区）大余县、上犹县、崇义县、安远县。"
        "赣州经开区因发生重大科研诚信问题，取消当年评优资格，不予表扬。"
    )
    interview = body[body.index("三、约谈") + 1]
    assert interview.endswith("：一类县（市、区）龙南市；二类县（市、区）会昌县、瑞金市；三类县（市、区）石城县。")
    units = tables["市直单位"]
    assert body[body.index("四、市直单位考评排名情况") + 1] == (
        f"市直单位按总分排名：第1名{units.rows[0].assessee}、{units.rows[1].assessee}（并列），"
        f"第3名{units.rows[2].assessee}，"
        + "，".join(f"第{r.rank}名{r.assessee}" for r in units.rows[3:])
        + "。评价结果纳入市直单位综合考核。"
    )

    # 附件1: every county by category in the service's order, with its subtotals, bonus, total and result.
    first, second = composed.attachments
    assert (first.label, first.title) == ("附件1", "2023年第一季度县（市、区）科技创新赋能行动考评得分排名表")
    assert [c.header for c in first.table.columns] == [
        "排名",
        "县（市、区）",
        "科技创新（60分）",
        "政策保障（25分）",
        "综合评价（15分）",
        "加分",
        "总分",
        "结果",
    ]
    assert [r for r in first.table.rows if isinstance(r, str)] == [
        "一类县（市、区）",
        "二类县（市、区）",
        "三类县（市、区）",
    ]
    expected = [
        [
            r.rank_text,
            r.assessee,
            *(f"{s.normalize():f}" for s in r.group_scores),
            r.bonus_text,
            f"{r.total.normalize():f}",
            r.result_text or "—",
        ]
        for c in ("一类", "二类", "三类")
        for r in tables[c].rows
    ]
    assert table_rows(first) == expected
    assert table_rows(first)[:3] == [
        ["1", "赣州经开区", "56", "22", "14", "15（核定 17.5）", "107", "取消评优"],
        ["2（并列）", "章贡区", "55", "21", "13", "4", "93", "表扬"],
        ["2（并列）", "赣县区（赣州高新区）", "54", "22", "14", "3", "93", "表扬"],
    ]
    assert (
        "3.赣州经开区发生重大科研诚信问题（项目申报材料造假），取消当年评优资格，保留名次。" in first.paragraphs_after
    )
    # 附件2: the units.
    assert (second.label, second.title) == ("附件2", "2023年第一季度市直单位科技创新赋能行动考评得分排名表")
    assert [c.header for c in second.table.columns] == [
        "排名",
        "单位",
        "日常履职情况（30分）",
        "重点任务推进情况（70分）",
        "总分",
    ]
    assert [row[1] for row in table_rows(second)] == [r.assessee for r in units.rows]
    assert len(units.rows) == Unit.objects.filter(plan_assessees__plan__name="2023").count()

    text = pdf_text("Assessment Period", period.name, QUARTER_NOTICE)
    for key in (
        "赣州市科技创新赋能行动领导小组",
        "关于2023年第一季度科技创新赋能行动考评排名情况的通报",
        "二、通报表扬",
        "三、约谈",
        "附件1",
        "附件2",
        "考评得分排名表",
        "赣县区（赣州高新区）",
        "取消评优",
        "石城县",
        "—1—",
    ):
        assert key in text, key

    # Final results: the office issues it, numbered; the annual format does not fit a quarter.
    with pytest.raises(ValidationError) as refused:
        service.issue(office(), "Assessment Period", period.name, YEAR_NOTICE)
    assert refused.value.message == "“年度考评结果通报”用于年度考评周期，2023年第一季度请使用“季度排名通报”"
    notice = service.issue(office(), "Assessment Period", period.name, QUARTER_NOTICE, date(2023, 4, 20))
    assert notice.number.startswith("赣市科赋字〔2023〕")
    assert notice.title == "关于2023年第一季度科技创新赋能行动考评排名情况的通报"


# ------------------------------------------------------------------ provisional results


@pytest.mark.django_db
def test_provisional_results_print_as_such_and_cannot_be_issued():
    approved = {name: spec for name, spec in COUNTIES.items() if name not in ("宁都县", "石城县", "寻乌县")}
    period = build_period("2023-Y", counties=approved, pending=["宁都县"])
    composed = compose(fmt(YEAR_NOTICE), period)
    assert composed.title == "关于2023年度科技创新赋能行动\n考评结果的通报\n（考评结果待定）"
    body = composed.blocks[0].paragraphs
    assert "尚有 3 个县（市、区）未审定，以下排名为暂列，考评结果待领导小组审定后确定。" in body[0]
    assert body[body.index("二、通报表扬") + 1] == "考评结果待定，表扬名单待领导小组审定后确定。"
    # 一类 is complete: its order stands; 二类 is provisional and names who is missing.
    assert next(p for p in body if p.startswith("（二）")).endswith("宁都县尚未审定。")
    assert "暂列第1名信丰县" in next(p for p in body if p.startswith("（二）"))
    ranked = table_rows(composed.attachments[0])
    assert ["—", "宁都县", "", "", "", "", "", "未审定"] in ranked
    assert composed.attachments[0].paragraphs == ["考评结果待定（尚有 3 个县（市、区）未审定）"]

    # Preview is allowed, and shows it; issuing is refused, and takes no number.
    text = pdf_text("Assessment Period", period.name, YEAR_NOTICE)
    assert "（考评结果待定）" in text and "未审定" in text
    # …for the office: a county user sees only their own row on the ranking page, so not this yet.
    zhanggong = User.objects.get(username="zhanggong")
    with pytest.raises(PermissionError, match="考评结果审定前，通报仅领导小组办公室和领导小组可以预览"):
        service.print_document(zhanggong, "Assessment Period", period.name, YEAR_NOTICE)
    numbers = Notice.objects.count()
    with pytest.raises(ValidationError) as refused:
        service.issue(office(), "Assessment Period", period.name, YEAR_NOTICE)
    assert refused.value.message == "尚有 3 个县（市、区）未审定，考评结果待定，不能印发通报"
    assert Notice.objects.count() == numbers
    with pytest.raises(ValidationError) as refused:
        service.issue(office(), "Assessment Period", period.name, QUARTER_NOTICE)
    assert refused.value.message == "“季度排名通报”用于季度考评周期，2023年度请使用“年度考评结果通报”"
    with pytest.raises(ValidationError) as refused:
        service.issue(office(), "Assessment Period", "2023-M01", QUARTER_NOTICE)
    assert refused.value.message == "2023年1月是月度调度周期，不通报考评排名；请印发季度或年度考评周期的通报"
    assert Notice.objects.count() == numbers


@pytest.mark.django_db
def test_without_unit_results_there_is_no_unit_section_or_attachment():
    period = build_period("2023-Q2", units=False, veto=False)
    composed = compose(fmt(QUARTER_NOTICE), period)
    body = composed.blocks[0].paragraphs
    assert "四、有关要求" in body and not any("市直单位" in p for p in body)
    assert [a.label for a in composed.attachments] == ["附件1"]
    assert "3.赣州经开区" not in "".join(composed.attachments[0].paragraphs_after)
    assert table_rows(composed.attachments[0])[0][-1] == "表扬"  # no veto this time
    text = pdf_text("Assessment Period", period.name, QUARTER_NOTICE)
    assert "附件1" in text and "附件2" not in text


# ------------------------------------------------------------------ 自评报告表


@pytest.mark.django_db
def test_self_assessment_form_lists_lines_claims_and_review():
    doc = create("章贡区", period="2023-Q1")
    edit(
        doc,
        lines={
            **{n: {"value": "2.35", "evidence": f"统计公报第{n}项"} for n in range(1, 11)},
            11: {"self_score": 8, "evidence": "科技局增设编制2名", "analysis": "能力建设明显加强"},
            12: {"self_score": 12, "evidence": "兑现政策资金1200万元"},
            13: {"self_score": 8},
            14: {"self_score": 4},
        },
        claims=[
            {
                "rule": rule("辖区企业当年认定为瞪羚企业"),
                "quantity": 3,
                "description": "甲、乙、丙公司",
                "evidence": "省科技厅公示",
            },
            {"rule": rule("获批组建省级科技创新平台"), "quantity": 1, "description": "省级重点实验室"},
        ],
    )
    act(doc, "提交")
    data = doc_to_dict(SelfAssessment.objects.get(pk=doc.pk))
    for claim, accepted in zip(data["bonus_claims"], (2, 1)):
        claim["accepted_quantity"] = accepted
    data["bonus_claims"][0]["review_comment"] = "丙公司认定在下一年度"
    next(line for line in data["lines"] if line["name"].endswith("-11")).update(
        reviewed_score=6, review_comment="编制未落实"
    )
    save_document(office(), get_meta("SelfAssessment"), data, name=doc.name)
    doc = SelfAssessment.objects.get(pk=doc.pk)

    composed = compose(fmt(SELF_ASSESSMENT_FORM), doc)
    assert not composed.official and composed.number == "" and composed.date == ""
    assert composed.title == "章贡区2023年第一季度科技创新赋能行动自评报告表"
    lines_block, claims_block, closing = composed.blocks
    info = lines_block.paragraphs
    assert info[0] == "考评对象：章贡区　　类别：一类县（市、区）　　考评周期：2023年第一季度"
    today = timezone.localdate()
    assert info[1].startswith(f"状态：待初审　　提交时间：{today.year}年{today.month}月{today.day}日 ")
    assert [c.header for c in lines_block.table.columns] == [
        "序号",
        "考评指标",
        "分值",
        "指标值/核定值",
        "自评分",
        "事实依据和分析意见",
        "初审得分",
        "初审意见",
    ]
    groups = [r for r in lines_block.table.rows if isinstance(r, str)]
    assert [g.split("　")[0] for g in groups] == [
        "一、推进高质量跨越式发展成效科技创新指标（60分）",
        "二、政策保障（25分）",
        "三、综合评价（15分）",
        "四、加分项（15分）",
    ]
    assert groups[1] == "二、政策保障（25分）　自评小计20分　初审小计18分"
    rows = {row[0]: row for row in table_rows(lines_block)}
    assert len(rows) == doc.lines.count() == 15
    assert rows["11"] == [
        "11",
        "科技管理部门能力建设",
        "10",
        "",
        "8",
        "事实依据：科技局增设编制2名\n分析意见：能力建设明显加强",
        "6",
        "编制未落实",
    ]
    assert rows["2"][3] == "2.35" and rows["2"][4] == "6"  # the only county of its category with a value: best
    assert rows["15"][4] == "5"  # 3 gazelles + a provincial platform, as claimed
    assert rows["15"][6] == "4"  # 2 gazelles accepted + the platform
    assert lines_block.paragraphs_after == [
        f"自评总分：{doc.self_total.normalize():f}分（含加分5分）；初审总分：{doc.reviewed_total.normalize():f}分（含加分4分）。"
    ]
    assert claims_block.paragraphs == ["加分申报："]
    assert table_rows(claims_block) == [
        [
            "1",
            "辖区企业当年认定为瞪羚企业",
            "甲、乙、丙公司",
            "3",
            "3",
            "2",
            "2",
            "佐证：省科技厅公示\n核定意见：丙公司认定在下一年度",
        ],
        ["2", "获批组建省级科技创新平台", "省级重点实验室", "1", "2", "1", "2", ""],
    ]
    assert claims_block.paragraphs_after == ["申报加分合计5分，核定加分合计4分；加分上限15分，超过上限的按上限计。"]
    assert closing.paragraphs_after[0].startswith("填报单位（盖章）：")

    printed = service.print_document(office(), "SelfAssessment", doc.name, SELF_ASSESSMENT_FORM)
    page = pdf_tools.pages(printed.pdf)[0]
    assert page.width > page.height  # landscape from the first page
    text = pdf_tools.text(printed.pdf).replace(" ", "").replace("\n", "")
    for key in (
        "章贡区2023年第一季度科技创新赋能行动自评报告表",
        "事实依据和分析意见",
        "编制未落实",
        "加分申报",
        "甲、乙、丙公司",
        "填报单位（盖章）",
        "联系电话",
    ):
        assert key in text, key
    with pytest.raises(ValidationError):  # a form prints, it is not issued
        service.issue(office(), "SelfAssessment", doc.name, SELF_ASSESSMENT_FORM)


@pytest.mark.django_db
def test_a_units_form_has_no_bonus_part():
    unit = Unit.objects.filter(plan_assessees__plan__name="2023").order_by("order").first()
    doc = create(unit=unit.name, period="2023-Q1")
    composed = compose(fmt(SELF_ASSESSMENT_FORM), doc)
    assert composed.title == f"{unit.name}2023年第一季度科技创新赋能行动自评报告表"
    assert composed.blocks[0].paragraphs[0].startswith(f"考评对象：{unit.name}　　类别：市直单位")
    assert composed.blocks[0].paragraphs[1] == "状态：草稿　　提交时间：未提交"
    assert len(composed.blocks) == 2 and not any("加分申报：" in b.paragraphs for b in composed.blocks)
    assert [g.split("（")[0] for g in composed.blocks[0].table.rows if isinstance(g, str)] == [
        "一、日常履职情况",
        "二、重点任务推进情况",
    ]


# ------------------------------------------------------------------ 评分明细表


@pytest.mark.django_db
def test_score_sheet_explains_every_number():
    period = build_period("2023-Q1")
    score = Score.objects.get(period=period, county__name="赣州经开区")
    composed = compose(fmt(SCORE_SHEET), score)
    assert composed.title == "赣州经开区2023年第一季度科技创新赋能行动考评评分明细表"
    block = composed.blocks[0]
    assert block.paragraphs[0] == "考评对象：赣州经开区　　排名类别：一类县（市、区）　　考评周期：2023年第一季度"
    assert block.paragraphs[1] == "类别排名：第1名　　考评结果：取消评优　　总分：107分"
    assert block.paragraphs[2].startswith("审定时间：")
    assert [c.header for c in block.table.columns] == [
        "序号",
        "考评指标",
        "分值",
        "填报值",
        "核定值",
        "计分依据",
        "得分",
        "计分说明",
    ]
    groups = [r for r in block.table.rows if isinstance(r, str)]
    assert groups == [
        "一、推进高质量跨越式发展成效科技创新指标（60分）　得分56分",
        "二、政策保障（25分）　得分22分",
        "三、综合评价（15分）　得分14分",
        "四、加分项（15分）　得分15分",
    ]
    rows = table_rows(block)
    lines = list(score.lines.select_related("indicator").order_by("indicator__number"))
    assert [(r[0], r[6], r[7]) for r in rows] == [
        (str(line.indicator.number), f"{line.result.normalize():f}", line.explanation) for line in lines
    ]
    assert rows[1][3:6] == ["2.35", "2.4", "核定值"]
    assert block.paragraphs_after == [
        "指标得分92分；加分核定17.5分，计入15分（上限15分）；总分107分。",
        f"结果说明：{score.outcome_note}。",
    ]
    assert "取消评优资格" in score.outcome_note

    tied = Score.objects.get(period=period, county__name="章贡区")
    assert (
        compose(fmt(SCORE_SHEET), tied).blocks[0].paragraphs[1].startswith("类别排名：第2名（并列）　　考评结果：表扬")
    )
    unit_score = Score.objects.filter(period=period, unit__isnull=False).order_by("rank").first()
    unit_block = compose(fmt(SCORE_SHEET), unit_score).blocks[0]
    assert "加分" not in unit_block.paragraphs_after[0]
    assert unit_block.paragraphs[0].endswith("排名类别：市直单位　　考评周期：2023年第一季度")

    printed = service.print_document(office(), "Score", score.name, SCORE_SHEET)
    text = pdf_tools.text(printed.pdf).replace(" ", "").replace("\n", "")
    for key in ("赣州经开区2023年第一季度科技创新赋能行动考评评分明细表", "计分说明", "比最优法", "总分107分"):
        assert key in text, key
