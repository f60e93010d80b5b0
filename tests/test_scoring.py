"""Scoring through the workflow, against numbers computed by hand (附件3, DESIGN.md §4).

Documents are created, edited and moved as their users would (save_document and
apply_workflow, the code paths of the API and the admin), so the hooks run as
in production.
"""

from datetime import date
from decimal import Decimal

import django_rq
import pytest
from django.contrib.auth.models import User
from rq import SimpleWorker

from apps.innovation_action import roles
from apps.innovation_action.models import (
    AssessmentPeriod,
    BonusRule,
    County,
    Indicator,
    IntegrityCase,
    OfficialValue,
    Outcome,
    Scheme,
    Score,
    SelfAssessment,
    Unit,
)
from apps.innovation_action.services import periods, ranking, scoring
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.models import UserPermission
from apps.lowcode.workflow import engine
from tests.test_period_opening import open_for_reporting

pytestmark = pytest.mark.both_databases
D = Decimal
FIRST_CATEGORY = ["赣州经开区", "赣州蓉江新区", "章贡区", "赣县区（赣州高新区）", "南康区", "龙南市"]


def user(username) -> User:
    return User.objects.get(username=username)


def assessee_user(kind, name) -> User:
    """The account of a county or unit (its User Permission makes it the 提交 approver)."""
    username = f"{kind}-{name}"
    account = User.objects.filter(username=username).first()
    if account is None:
        account = User.objects.create(username=username, first_name=name)
        role = roles.COUNTY_USER if kind == "County" else roles.UNIT_LIAISON
        account.groups.add(roles.group(role))
        UserPermission.objects.create(user=account, allow=kind, for_value=name)
    return account


def create(county=None, unit=None, period="2023-Y") -> SelfAssessment:
    """The assessee starts its report in ``period``, which the office has opened (a report is refused
    in a period not opened: tests/test_period_opening.py)."""
    open_for_reporting(period)
    owner = assessee_user("County" if county else "Unit", county or unit)
    data = {"period": period, "county": county} if county else {"period": period, "unit": unit}
    return save_document(owner, get_meta("SelfAssessment"), data)


def edit(assessment, username=None, lines=None, claims=None) -> SelfAssessment:
    """Change lines by indicator number ({2: {"value": "1.5"}}) and add bonus claims, as the form would."""
    account = (
        user(username)
        if username
        else assessee_user("County" if assessment.county_id else "Unit", assessment.assessee.name)
    )
    data = doc_to_dict(SelfAssessment.objects.get(pk=assessment.pk))
    by_number = {line.indicator.number: line.name for line in assessment.lines.select_related("indicator")}
    for row in data["lines"]:
        number = next(n for n, name in by_number.items() if name == row["name"])
        row.update((lines or {}).get(number, {}))
    for claim in claims or []:
        data.setdefault("bonus_claims", []).append(claim)
    return save_document(account, get_meta("SelfAssessment"), data, name=assessment.name)


def act(assessment, action, username=None, comment=""):
    account = (
        user(username)
        if username
        else assessee_user("County" if assessment.county_id else "Unit", assessment.assessee.name)
    )
    return engine.apply_workflow(account, SelfAssessment, assessment.name, action, comment).doc


MANUAL_POINTS = {11: 10, 12: 15, 13: 10, 14: 5}


def manual_scores(score) -> dict:
    """Every manual line (11–14 of a county) scored ``score``, or its points where they are fewer."""
    return {n: {"self_score": min(score, points)} for n, points in MANUAL_POINTS.items()}


def scored_by_hand(score, *numbers) -> dict:
    """Quantitative lines without a value, scored by hand (the fallback of an automatic method)."""
    return {n: {"self_score": score} for n in numbers}


def line(assessment, number):
    return assessment.lines.select_related("indicator").get(indicator__number=number)


def rule(item):
    """A bonus rule of the catalogue (附表3-1 第15项), by its item, as a link value."""
    return BonusRule.objects.get(indicator__group__scheme=Scheme.COUNTY, item=item).name


def approve(assessment):
    act(assessment, "提交")
    act(assessment, "初审通过", "office")
    return act(assessment, "审定通过", "leader")


# ------------------------------------------------------------------ weights


def test_quantitative_indicators_share_the_sixty_points_until_weights_are_set(plan):
    one, two = (Indicator.objects.get(group__plan=plan, group__scheme=Scheme.COUNTY, number=n) for n in (1, 2))
    assert (one.weight, two.weight) == (D("6.00"), D("6.00"))  # 60 ÷ 10
    one.points = D(15)
    one.full_clean()
    one.save()
    two = Indicator.objects.get(pk=two.pk)
    assert (Indicator.objects.get(pk=one.pk).weight, two.weight) == (D(15), D("5.00"))  # (60 − 15) ÷ 9
    two.points = D(50)
    with pytest.raises(Exception) as refused:
        two.full_clean()
    assert "各指标分值合计 65 分，超过该类别的 60 分" in str(refused.value)


def test_an_indicators_rule_is_checked_when_it_is_saved(plan):
    indicator = Indicator.objects.get(group__plan=plan, group__scheme=Scheme.COUNTY, number=3)
    indicator.scoring_method = "efficacy_coefficient"
    indicator.target, indicator.floor = D(2), D(3)
    with pytest.raises(Exception) as refused:
        indicator.full_clean()
    assert "功效系数法的不允许值须小于目标值" in str(refused.value)
    indicator.scoring_method, indicator.formula = "formula", "value / tagret * points"
    with pytest.raises(Exception) as refused:
        indicator.full_clean()
    assert "tagret" in str(refused.value) and "可用的名称" in str(refused.value)


# ------------------------------------------------------------------ self and reviewed scores


def test_ratio_to_best_within_the_category_and_the_official_value_at_review(plan):
    """Indicator 2 (6 points, 比最优法): 章贡区 2.0, 南康区 1.5, 龙南市 1.0 → 6, 4.5, 3."""
    docs = {name: create(name) for name in ("章贡区", "南康区", "龙南市")}
    for name, value in (("章贡区", "2.0"), ("南康区", "1.5%"), ("龙南市", "1")):
        edit(docs[name], lines={2: {"value": value}})
    # Relative scores move as peers report: refresh the first two once all three are in.
    for doc in docs.values():
        scoring.refresh(doc, scoring.Stage.SELF)
    scores = {name: line(doc, 2).self_score for name, doc in docs.items()}
    assert scores == {"章贡区": D("6.00"), "南康区": D("4.50"), "龙南市": D("3.00")}
    assert line(docs["南康区"], 2).self_note == "填报值 1.5；比最优法：得分 = 6 × 1.5 ÷ 同类最优 2 = 4.50"

    # The statistics bureau confirms 1.2 for 南康区: its review uses it, and shows both.
    OfficialValue.objects.create(
        period=docs["南康区"].period,
        county=docs["南康区"].county,
        indicator=line(docs["南康区"], 2).indicator,
        value=D("1.2"),
        source="市统计局",
    )
    from apps.innovation_action.services.official_data import sync_lines

    sync_lines(docs["南康区"].period)
    edit(docs["南康区"], lines={**manual_scores(5), **scored_by_hand(5, 1, 3, 4, 5, 6, 7, 8, 9, 10)})
    act(docs["南康区"], "提交")
    reviewed = line(docs["南康区"], 2)
    assert reviewed.self_score == D("4.50")  # as submitted
    assert reviewed.reviewed_score == D("3.60")  # 6 × 1.2 ÷ 2
    assert reviewed.reviewed_note == "核定值 1.2（填报值 1.5%）；比最优法：得分 = 6 × 1.2 ÷ 同类最优 2 = 3.60"


def test_other_methods_as_configured_by_an_administrator(plan):
    def configure(number, **fields):
        Indicator.objects.filter(group__plan=plan, group__scheme=Scheme.COUNTY, number=number).update(**fields)

    configure(3, scoring_method="completion_rate", target=D(40), cap=D("1.2"))
    configure(4, scoring_method="efficacy_coefficient", target=D(2), floor=D(0))
    configure(5, scoring_method="rank_points", rank_step=D(1))
    configure(6, scoring_method="formula", formula="min(value / target, 1) * points", target=D(50))
    one, two = create("信丰县"), create("宁都县")
    edit(two, lines={5: {"value": "30"}})
    edit(one, lines={3: {"value": "60"}, 4: {"value": "0.5"}, 5: {"value": "30"}, 6: {"value": "25"}})
    assert [line(one, n).self_score for n in (3, 4, 5, 6)] == [
        D("7.20"),  # 60 ÷ 40 = 150%, capped at 120%: 6 × 1.2
        D("4.20"),  # 60 + 40 × 0.5 ÷ 2 = 70: 6 × 70%
        D("6.00"),  # tied first with 宁都县: full points
        D("3.00"),  # 25 ÷ 50 × 6
    ]
    assert "并列" not in line(one, 5).self_note and "第1位" in line(one, 5).self_note


def test_a_bad_value_is_explained_not_scored_and_blocks_submission(plan):
    doc = create("章贡区")
    edit(doc, lines={3: {"value": "约两成"}, **manual_scores(8)})
    assert line(doc, 3).self_score is None
    assert line(doc, 3).self_note == "“约两成”不是数字，无法自动计分；尚未打分"
    with pytest.raises(ValidationError) as refused:
        act(doc, "提交")
    assert refused.value.message.startswith("以下指标尚无自评得分，请补充后再办理：")
    assert "第3项（“约两成”不是数字，无法自动计分；尚未打分）" in refused.value.message
    assert "第1、2、4、5、6、7、8、9、10项（未填写指标值，无法自动计分；尚未打分）" in refused.value.message
    assert SelfAssessment.objects.get(pk=doc.pk).workflow_state == "草稿"


def test_the_office_scores_only_where_it_disagrees(plan):
    doc = create("章贡区")
    edit(doc, lines={**{n: {"self_score": 5} for n in range(1, 11)}, **manual_scores(8)})
    assert SelfAssessment.objects.get(pk=doc.pk).self_total == D(79)  # 10 × 5 + 8 + 8 + 8 + 5
    act(doc, "提交")
    assert SelfAssessment.objects.get(pk=doc.pk).reviewed_total == D(79)  # 初审 adopts the self scores
    assert line(doc, 11).reviewed_note == "采用自评分 8"
    edit(doc, "office", lines={11: {"reviewed_score": 6, "review_comment": "队伍建设材料不全"}})
    assert SelfAssessment.objects.get(pk=doc.pk).reviewed_total == D(77)
    assert line(doc, 11).reviewed_note == "评审打分 6"


# ------------------------------------------------------------------ bonus claims


def test_bonus_claims_are_capped_at_fifteen(plan):
    doc = create("章贡区")
    edit(
        doc,
        lines={**{n: {"self_score": 5} for n in range(1, 11)}, **manual_scores(8)},
        claims=[
            {
                "rule": rule("辖区企业当年认定为独角兽企业"),
                "quantity": 2,
                "description": "甲公司、乙公司",
            },  # 2 × 5 = 10
            {"rule": rule("获批组建国家级科技创新平台"), "quantity": 1, "description": "国家重点实验室"},  # 5
            {"rule": rule("辖区企业当年认定为瞪羚企业"), "quantity": 3, "description": "丙、丁、戊公司"},  # 3 × 1 = 3
        ],
    )
    bonus = line(doc, 15)
    assert bonus.self_score == D("15.00")
    assert bonus.self_note.endswith("合计 18 分，超过上限 15 分，按 15 分计")
    act(doc, "提交")
    # The office accepts one unicorn and the platform, no gazelle: 5 + 5 = 10.
    data = doc_to_dict(SelfAssessment.objects.get(pk=doc.pk))
    for claim, accepted in zip(data["bonus_claims"], (1, 1, 0)):
        claim["accepted_quantity"] = accepted
    save_document(user("office"), get_meta("SelfAssessment"), data, name=doc.name)
    assert line(doc, 15).reviewed_score == D("10.00")
    act(doc, "初审通过", "office")
    score = act(doc, "审定通过", "leader").score
    assert (score.subtotal, score.bonus_claimed, score.bonus, score.total) == (D(79), D(10), D(10), D(89))


def test_the_office_must_decide_every_claim_before_passing_the_review(plan):
    doc = create("章贡区")
    edit(
        doc,
        lines={**{n: {"self_score": 5} for n in range(1, 11)}, **manual_scores(8)},
        claims=[{"rule": rule("辖区企业当年认定为瞪羚企业"), "quantity": 1, "description": "丙公司"}],
    )
    act(doc, "提交")
    with pytest.raises(ValidationError) as refused:
        act(doc, "初审通过", "office")
    assert "第15项" in refused.value.message and "未核定" in refused.value.message


def test_claims_beyond_the_catalogue_or_by_units_are_refused(plan):
    doc = create(unit="市工信局")
    with pytest.raises(ValidationError) as refused:
        edit(doc, claims=[{"rule": rule("辖区企业当年认定为瞪羚企业"), "quantity": 1, "description": "丙公司"}])
    assert "加分项只适用于县（市、区）考评" in refused.value.message


# ------------------------------------------------------------------ 蓉江新区


def test_rongjiang_gets_the_average_of_the_first_category(plan):
    """Indicator 2 for 赣州蓉江新区: (6 + 4.5 + 3) ÷ 3 = 4.50, its own reported value ignored."""
    for name, value in (("章贡区", "2"), ("南康区", "1.5"), ("龙南市", "1")):
        edit(create(name), lines={2: {"value": value}})
    rongjiang = create("赣州蓉江新区")
    edit(rongjiang, lines={2: {"value": "9"}})
    assert line(rongjiang, 2).self_score == D("4.50")
    assert line(rongjiang, 2).self_note == "难以单独统计，按一类平均得分计算：(6 + 4.5 + 3) ÷ 3 = 4.50"
    # Its value does not become the best of the category either.
    assert line(SelfAssessment.objects.get(county__name="章贡区"), 2).self_score == D("6.00")


# ------------------------------------------------------------------ city units


def test_a_unit_loses_a_point_per_late_or_missing_monthly_report(plan):
    months = {n: AssessmentPeriod.objects.get(plan=plan, kind="月度", number=n) for n in (1, 2, 3)}
    for month in months.values():
        AssessmentPeriod.objects.filter(pk=month.pk).update(deadline=date(2023, month.number + 1, 5))
    liaison = assessee_user("Unit", "市工信局")
    meta = get_meta("Progress Report")
    january = save_document(liaison, meta, {"period": months[1].name, "unit": "市工信局"})
    february = save_document(liaison, meta, {"period": months[2].name, "unit": "市工信局"})
    from apps.innovation_action.models import ProgressReport

    # January on time, February late (stamped after 3月5日), March missing.
    for report, day in ((january, date(2023, 2, 3)), (february, date(2023, 3, 9))):
        engine.apply_workflow(liaison, ProgressReport, report.name, "报送")
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=f"{day.isoformat()} 10:00:00+08:00")
    doc = create(unit="市工信局", period="2023-Q1")
    timely = line(doc, 4)
    assert timely.self_score == D("8.00")  # 10 − 2 × 1
    assert "10 − 2 次 × 1 分 = 8.00" in timely.self_note
    assert "迟报" in timely.self_note and "漏报" in timely.self_note


def test_deductions_stop_at_zero():
    from apps.lowcode.scoring.rules import Rule, apply

    scored = apply(Rule(method="deduction", points=D(10), deduction=D(1)), 12)
    assert (scored.score, scored.explanation) == (D("0.00"), "10 − 12 次 × 1 分 = 0.00，扣完为止")


# ------------------------------------------------------------------ frozen scores and ranking


def approved_with_total(county, total) -> SelfAssessment:
    """An approved assessment whose reviewed total is ``total``: ten lines of 5 and lines 11–14 sharing the rest."""
    doc = create(county)
    rest = D(total) - 50
    manual = {11: min(rest, 10), 12: min(max(rest - 10, 0), 15), 13: min(max(rest - 25, 0), 10), 14: max(rest - 35, 0)}
    edit(
        doc, lines={**{n: {"self_score": 5} for n in range(1, 11)}, **{n: {"self_score": s} for n, s in manual.items()}}
    )
    approve(doc)
    return doc


def outcomes(period="2023-Y", category="一类"):
    return [
        (s.county.name, s.total, s.rank, s.outcome, s.veto)
        for s in Score.objects.filter(period__name=period, category=category).order_by("rank", "county__order")
    ]


def test_approval_freezes_the_score_and_ranks_the_category_with_ties(plan):
    totals = dict(zip(FIRST_CATEGORY, (90, 85, 85, 80, 70, 60)))
    for county in FIRST_CATEGORY[:5]:
        approved_with_total(county, totals[county])
    # Five of six approved: ranks are provisional, no outcome yet.
    assert [row[2:4] for row in outcomes()] == [(1, ""), (2, ""), (2, ""), (4, ""), (5, "")]
    assert (
        Score.objects.get(county__name="章贡区").outcome_note
        == "一类暂列与赣州蓉江新区并列第2名；尚有 1 个县（市、区）未审定，考评结果待定"
    )

    approved_with_total("龙南市", 60)
    assert outcomes() == [
        ("赣州经开区", D(90), 1, Outcome.PRAISE, False),
        ("赣州蓉江新区", D(85), 2, Outcome.PRAISE, False),
        ("章贡区", D(85), 2, Outcome.PRAISE, False),
        ("赣县区（赣州高新区）", D(80), 4, "", False),
        ("南康区", D(70), 5, "", False),
        ("龙南市", D(60), 6, Outcome.INTERVIEW, False),
    ]
    score = Score.objects.get(county__name="章贡区")
    assert score.outcome_note == "一类与赣州蓉江新区并列第2名，予以表扬"
    assert score.lines.count() == 15 and score.approved_by.username == "leader"
    eleven = score.lines.get(indicator__number=11)
    assert (eleven.points, eleven.result, eleven.basis, eleven.explanation) == (
        D(10),
        D(10),
        "采用自评分",
        "采用自评分 10",
    )


def test_a_research_integrity_case_takes_away_the_praise_not_the_rank(plan):
    for county, total in zip(FIRST_CATEGORY, (90, 85, 85, 80, 70, 60)):
        approved_with_total(county, total)
    IntegrityCase.objects.create(
        plan=plan,
        county=County.objects.get(name="章贡区"),
        title="论文数据造假",
        found_on=date(2023, 9, 1),
        name="case",
    )
    ranking.rerank_plan(plan)  # what saving the case through the API or admin does (its on_update hook)
    assert outcomes()[2] == ("章贡区", D(85), 2, "", True)
    assert (
        Score.objects.get(county__name="章贡区").outcome_note
        == "一类与赣州蓉江新区并列第2名；因重大科研诚信问题（论文数据造假）取消评优资格，不予表扬"
    )
    # Praise is not passed down to the fourth.
    assert outcomes()[3][3] == ""


def test_a_frozen_score_stays_as_approved_and_recompute_reports_the_difference(plan):
    doc = create("章贡区")
    edit(
        doc,
        lines={2: {"value": "2"}, **{n: {"self_score": 5} for n in (1, 3, 4, 5, 6, 7, 8, 9, 10)}, **manual_scores(8)},
    )
    approve(doc)
    score = Score.objects.get(self_assessment=doc)
    assert score.total == D("80.00")  # 9 × 5 + 6 (best of its category so far) + 8 + 8 + 8 + 5
    period = doc.period
    first = scoring.recompute_period(period)
    assert (first.refreshed, first.frozen, first.differences) == (0, 1, [])
    again = scoring.recompute_period(period)
    assert (again.frozen, again.differences) == (1, [])
    assert Score.objects.get(pk=score.pk).total == D("80.00")

    # Data changes after approval (the bureau confirms 1.5): the score stands, the office is told.
    OfficialValue.objects.create(period=period, county=doc.county, indicator=line(doc, 2).indicator, value=D("1.5"))
    other = create("南康区")
    edit(other, lines={2: {"value": "3"}})
    result = scoring.recompute_period(period)
    assert Score.objects.get(pk=score.pk).total == D("80.00")
    assert result.differences == ["章贡区 第2项：已审定 6.00，按现有数据为 3.00"]


def test_opening_a_period_creates_every_assessment_once(plan):
    period = AssessmentPeriod.objects.get(plan=plan, name="2023-Q1")
    opened = periods.open_period(user("office"), period)
    assessed_units = Unit.objects.filter(plan_assessees__plan__name="2023").count()
    assert len(opened.created) == 20 + assessed_units and opened.existing == 0
    assert SelfAssessment.objects.filter(period=period, county__isnull=False).count() == 20
    assert AssessmentPeriod.objects.get(pk=period.pk).opened_at is not None
    doc = SelfAssessment.objects.get(period=period, county__name="章贡区")
    assert (doc.workflow_state, doc.lines.count(), doc.owner.username) == ("草稿", 15, "office")
    assert SelfAssessment.objects.get(period=period, unit__name="市工信局").lines.count() == 5
    again = periods.open_period(user("office"), period)
    assert (again.created, again.existing) == ([], 20 + assessed_units)
    assert again.message == f"已生成 0 份，已有 {20 + assessed_units} 份保持不变"


# ------------------------------------------------------------------ over the API


def test_opening_and_recomputing_are_for_the_office(api, plan, settings, django_capture_on_commit_callbacks):
    response = api.as_user("zhanggong").post(
        "/api/method/innovation_action.api.open_period", {"period": "2023-Q2"}, format="json"
    )
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"
    assert not SelfAssessment.objects.filter(period__name="2023-Q2").exists()
    office = api.as_user("office")
    response = office.post("/api/method/innovation_action.api.open_period", {"period": "2023-Q9"}, format="json")
    assert response.status_code == 404 and response.json()["message"] == "考评周期 2023-Q9 不存在"
    # Both run as background jobs (on RQ when the site has Redis, else inline): the answer names the job;
    # its status gives the result.
    for method, key, expected in (("open_period", "created", 30), ("recompute_scores", "refreshed", 30)):
        with django_capture_on_commit_callbacks(execute=True):
            response = office.post(f"/api/method/innovation_action.api.{method}", {"period": "2023-Q2"}, format="json")
        assert response.status_code == 200
        job_id = response.json()["message"]["job_id"]
        if settings.REDIS_URL:
            queue = django_rq.get_queue("default")
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        result = office.get("/api/method/lowcode.api.get_job_status", {"job_id": job_id}).json()["message"]["result"]
        assert (len(result[key]) if key == "created" else result[key]) == expected


def test_an_integrity_case_saved_or_removed_over_the_api_reranks(api, plan):
    approved_with_total("章贡区", 80)
    office = api.as_user("office")
    response = office.post(
        "/api/resource/Integrity Case",
        {"plan": "2023", "county": "章贡区", "title": "论文数据造假", "found_on": "2023-09-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Score.objects.get(county__name="章贡区").veto
    name = response.json()["data"]["name"]
    assert office.delete(f"/api/resource/Integrity Case/{name}").status_code == 202
    assert not Score.objects.get(county__name="章贡区").veto


def test_scores_are_read_only_over_the_api(api, plan):
    approved_with_total("章贡区", 80)
    admin = api.as_user("admin")
    response = admin.put("/api/resource/Score/2023-Y-章贡区", {"total": 100}, format="json")
    assert response.status_code == 403
    assert Score.objects.get(county__name="章贡区").total == D(80)
    # A county sees its own score, not another's.
    county = api.as_user("xinfeng")
    assert county.get("/api/resource/Score/2023-Y-章贡区").status_code == 404


def test_computed_fields_sent_by_a_client_are_ignored(api, plan):
    """Totals, explanations and official values are the server's: a client sending them back changes nothing."""
    doc = create("章贡区")
    county = api.as_user("zhanggong")
    data = county.get(f"/api/resource/SelfAssessment/{doc.name}").json()["data"]
    data["self_total"] = 100
    data["lines"][1].update(value="2", official_value=99, self_note="满分")
    response = county.put(f"/api/resource/SelfAssessment/{doc.name}", data, format="json")
    assert response.status_code == 200, response.content
    saved = response.json()["data"]
    assert saved["self_total"] == 6 and saved["lines"][1]["official_value"] is None
    assert saved["lines"][1]["self_note"] == "填报值 2；比最优法：得分 = 6 × 2 ÷ 同类最优 2 = 6.00"
