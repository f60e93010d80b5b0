"""A whole assessment year through the workflow: 20 counties and the assessed city units.

The office opens the year and January, imports the departments' figures from
the xlsx template, the assessees fill in and submit, the office reviews (bulk),
the leading group approves (bulk). The ranking tables must match numbers worked
out here independently from 附件3's rules, and stay the same after a recompute.

Values are chosen so the arithmetic is easy: in each category the j-th county
(0-based, in the seed's order) reports 10 − j for every quantitative indicator,
so under 比最优法 each of the ten indicators scores 6 × (10 − j) ÷ 10.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    IntegrityCase,
    ProgressReport,
    ProgressReportLine,
    Score,
    SelfAssessment,
    Task,
    Unit,
)
from apps.innovation_action.services import official_data, periods, scoring
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document
from apps.lowcode.scoring.methods import competition_ranks, rounded
from apps.lowcode.workflow import engine
from tests.test_scoring import assessee_user, edit, rule, user

D = Decimal
MANUAL = {11: 8, 12: 12, 13: 8, 14: 4}  # 32 points for every county
UNIT_MANUAL = {1: 5, 2: 8, 3: 4}  # 17 points for every unit


def county_value(county) -> int:
    category = county.plan_assessees.get(plan__name="2023").category
    siblings = list(County.objects.filter(plan_assessees__category=category).order_by("order"))
    return 10 - siblings.index(county)


def import_official_values(period):
    """The office downloads the template, the statistics bureau's figures go in, the office uploads it."""
    book = openpyxl.load_workbook(BytesIO(official_data.template(period)))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    county_col, value_col, source_col = (header.index(h) for h in ("县（市、区）", "核定值", "数据来源"))
    rows = 0
    for row in sheet.iter_rows(min_row=2):
        name = row[county_col].value
        if not name or name not in COUNTY_NAMES:
            continue
        row[value_col].value = county_value(County.objects.get(name=name))
        row[source_col].value = "市统计局"
        rows += 1
    buffer = BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("核定数据.xlsx", buffer.getvalue())
    official_data.import_official_values(user("office"), period.name, upload)
    return rows


COUNTY_NAMES = set()


def expected_county_totals() -> dict:
    """Each county's total by 附件3's rules, worked out without the scoring service."""
    quantitative = {}
    for county in County.objects.all():
        quantitative[county.name] = {n: D(6) * county_value(county) / 10 for n in range(1, 11)}
    first = [
        c.name for c in County.objects.filter(plan_assessees__category__name="2023-一类") if c.name != "赣州蓉江新区"
    ]
    for n in range(2, 11):  # 蓉江新区: indicators 2–10 take the average of the other 一类 counties
        quantitative["赣州蓉江新区"][n] = rounded(sum(quantitative[c][n] for c in first) / len(first))
    bonus = {"赣州经开区": D(15), "赣县区（赣州高新区）": D(6)}  # 4 unicorns = 20, capped; 6 gazelles
    totals = {
        name: rounded(sum(rounded(v) for v in lines.values()) + sum(MANUAL.values()) + bonus.get(name, 0))
        for name, lines in quantitative.items()
    }
    totals["信丰县"] -= 2  # the office gives 6 instead of 8 on indicator 11
    return totals


def fill_county(assessment):
    claims = {
        "赣州经开区": [
            {"rule": rule("辖区企业当年认定为独角兽企业"), "quantity": 4, "description": "甲、乙、丙、丁公司"}
        ],
        "赣县区（赣州高新区）": [
            {"rule": rule("辖区企业当年认定为瞪羚企业"), "quantity": 6, "description": "六家企业"}
        ],
    }.get(assessment.county.name, [])
    value = county_value(assessment.county)
    edit(
        assessment,
        lines={
            **{n: {"value": str(value + 1)} for n in range(1, 11)},  # overridden by 核定值
            **{n: {"self_score": s, "evidence": "见附件"} for n, s in MANUAL.items()},
        },
        claims=claims,
    )


def accept_all_claims(assessment):
    data = doc_to_dict(SelfAssessment.objects.get(pk=assessment.pk))
    for claim in data["bonus_claims"]:
        claim["accepted_quantity"] = claim["quantity"]
    if assessment.county.name == "信丰县":
        next(line for line in data["lines"] if line["name"].endswith("-11"))["reviewed_score"] = 6
    save_document(user("office"), get_meta("SelfAssessment"), data, name=assessment.name)


def january_reports(plan):
    """January's deadline is 2月5日: one unit reports late (2月9日), one not at all, the rest on time
    with every task completed; the late one has completed nothing."""
    january = AssessmentPeriod.objects.get(plan=plan, kind="月度", number=1)
    AssessmentPeriod.objects.filter(pk=january.pk).update(deadline=date(2023, 2, 5))
    periods.open_period(user("office"), january)
    reports = list(ProgressReport.objects.filter(period=january).select_related("unit").order_by("unit__order"))
    late, missing = reports[0].unit.name, reports[1].unit.name
    for report in reports[2:] + reports[:1]:
        liaison = assessee_user("Unit", report.unit.name)
        status = "推进中" if report.unit.name == late else "已完成"
        ProgressReportLine.objects.filter(report=report).update(status=status)
        engine.apply_workflow(liaison, ProgressReport, report.name, "报送")
        day = "2023-02-09" if report.unit.name == late else "2023-02-03"
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=f"{day} 10:00:00+08:00")
    return late, missing


def expected_unit_totals(plan, late, missing) -> dict:
    totals = {}
    for unit in Unit.objects.filter(plan_assessees__plan__name="2023"):
        has_tasks = (
            Task.objects.filter(plan=plan, lead_unit=unit).exists()
            or Task.objects.filter(plan=plan, units__unit=unit).exists()
        )
        timely = D(10) - (1 if unit.name in (late, missing) and has_tasks else 0)
        completed = D(70) if not has_tasks or unit.name not in (late, missing) else D(0)
        totals[unit.name] = sum(UNIT_MANUAL.values()) + timely + completed
    return totals


def snapshot(period) -> list:
    return [
        (
            s.name,
            s.subtotal,
            s.bonus,
            s.total,
            s.rank,
            s.outcome,
            s.veto,
            s.outcome_note,
            [(line.indicator.number, line.result, line.explanation) for line in s.lines.select_related("indicator")],
        )
        for s in Score.objects.filter(period=period).order_by("name")
    ]


@pytest.mark.both_databases
def test_a_full_year_of_assessment(plan):
    COUNTY_NAMES.update(County.objects.values_list("name", flat=True))
    year = AssessmentPeriod.objects.get(plan=plan, name="2023-Y")
    opened = periods.open_period(user("office"), year)
    units = Unit.objects.filter(plan_assessees__plan__name="2023").count()
    assert len(opened.created) == 20 + units
    assert import_official_values(year) == 20 * 10
    late, missing = january_reports(plan)

    assessments = list(SelfAssessment.objects.filter(period=year).select_related("county", "unit"))
    for assessment in assessments:
        if assessment.county_id:
            fill_county(assessment)
        else:
            edit(assessment, lines={n: {"self_score": s} for n, s in UNIT_MANUAL.items()})
        owner = assessee_user("County" if assessment.county_id else "Unit", assessment.assessee.name)
        engine.apply_workflow(owner, SelfAssessment, assessment.name, "提交")
    for assessment in assessments:
        if assessment.county_id:
            accept_all_claims(assessment)
    names = [a.name for a in assessments]
    reviewed = engine.bulk_apply(user("office"), SelfAssessment, names, "初审通过")
    assert reviewed.failed == []
    IntegrityCase.objects.create(
        plan=plan,
        county=County.objects.get(name="赣州经开区"),
        title="项目申报材料造假",
        found_on=date(2023, 6, 1),
        name="2023-IC-0601-赣州经开区",
    )
    approved = engine.bulk_apply(user("leader"), SelfAssessment, names, "审定通过")
    assert approved.failed == [] and Score.objects.filter(period=year).count() == 20 + units

    # Counties: totals, ranks with ties, praise, interview, the veto.
    expected = expected_county_totals()
    scores = {s.county.name: s for s in Score.objects.filter(period=year, county__isnull=False)}
    assert {name: s.total for name, s in scores.items()} == expected
    for category in ("一类", "二类", "三类"):
        members = {
            name: total
            for name, total in expected.items()
            if County.objects.filter(name=name, plan_assessees__category__name=f"2023-{category}").exists()
        }
        ranks = competition_ranks(members)
        last = max(ranks.values())
        for name, rank in ranks.items():
            praised = rank <= 3 and name != "赣州经开区"
            outcome = "表扬" if praised else ("约谈" if rank == last and rank > 3 else "")
            assert (name, scores[name].rank, scores[name].outcome) == (name, rank, outcome)
    assert [
        (s.county.name, s.total, s.rank)
        for s in sorted((s for s in scores.values() if s.category == "一类"), key=lambda s: (s.rank, s.county.order))
    ] == [
        ("赣州经开区", D("107.00"), 1),
        ("章贡区", D("80.00"), 2),
        ("赣县区（赣州高新区）", D("80.00"), 2),
        ("赣州蓉江新区", D("76.28"), 4),
        ("南康区", D("68.00"), 5),
        ("龙南市", D("62.00"), 6),
    ]
    assert scores["赣州经开区"].veto and scores["赣州经开区"].bonus_claimed == D(20)
    assert scores["赣州蓉江新区"].lines.get(indicator__number=2).basis == "同类平均"
    assert (
        scores["南康区"].lines.get(indicator__number=2).explanation
        == "核定值 6（填报值 7）；比最优法：得分 = 6 × 6 ÷ 同类最优 10 = 3.60"
    )

    # City units: −1 for the late and the missing January report, tasks from the monthly reports.
    unit_totals = {s.unit.name: s.total for s in Score.objects.filter(period=year, unit__isnull=False)}
    assert unit_totals == expected_unit_totals(plan, late, missing)

    # A recompute changes nothing, twice over.
    before = snapshot(year)
    for _ in range(2):
        result = scoring.recompute_period(year)
        assert (result.refreshed, result.frozen, result.differences) == (0, 20 + units, [])
        assert snapshot(year) == before
