"""A second plan on the 赣州 site: a district's three-year plan (2021—2023) with its own assessees and categories.

Its sub-districts (街办、镇、集聚区) are ranked in two categories of its own (2 praised, 1 interviewed);
opening its period creates only its documents, 赣州's users do not see it, and 赣州's plan is left as it was.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.innovation_action.models import (
    ActionPlan,
    AssessmentCategory,
    AssessmentPeriod,
    Indicator,
    IndicatorGroup,
    PeriodKind,
    PlanAssessee,
    Scheme,
    Score,
    SelfAssessment,
    Task,
)
from apps.innovation_action.services import periods, ranking
from apps.innovation_action.services.ranking_report import ranking_table
from apps.innovation_action.services.ranking_xlsx import export_xlsx
from apps.innovation_action.services.scoring import category_assessments, category_of
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.permissions.user_permission import UserPermission

pytestmark = pytest.mark.django_db

PLAN = "示范区2021-2023"
STREETS = ["东街办", "西街办", "南街办", "北街办"]
TOWNS = ["河镇", "山镇", "产业集聚区"]


def office():
    return User.objects.get(username="office")


def save(doctype, data, user=None):
    """As the office would, through the document service (permissions, validation, naming)."""
    return save_document(user or office(), get_meta(doctype), data)


@pytest.fixture
def district(db):
    admin = User.objects.get(username="admin")
    save(
        "Action Plan",
        {
            "name": PLAN,
            "title": "示范区科技创新赋能行动三年工作方案（2021—2023年）",
            "issuer": "示范区科技创新赋能行动领导小组",
            "document_number": "示区科赋字〔2021〕1号",
            "start_date": "2021-01-01",
            "end_date": "2023-12-31",
        },
    )
    for order, name in enumerate(STREETS + TOWNS, start=1):
        save("County", {"name": name, "order": 100 + order}, admin)
    for order, (short, title) in enumerate((("街办", "街道办事处"), ("镇", "镇/集聚区")), start=1):
        save(
            "Assessment Category",
            {"plan": PLAN, "title": title, "short_name": short, "order": order, "praised": 2, "interviewed": 1},
        )
    for name in STREETS:
        save("Plan Assessee", {"plan": PLAN, "category": f"{PLAN}-街办", "county": name})
    for name in TOWNS:
        save("Plan Assessee", {"plan": PLAN, "category": f"{PLAN}-镇", "county": name})
    plan = ActionPlan.objects.get(name=PLAN)
    group = IndicatorGroup.objects.create(plan=plan, scheme=Scheme.COUNTY, order=1, title="重点指标", points=100)
    Indicator.objects.create(group=group, number=1, title="研发投入增长", points=100)
    for year in (2021, 2022):
        save(
            "Assessment Period",
            {"plan": PLAN, "kind": PeriodKind.YEAR, "start_date": f"{year}-01-01", "end_date": f"{year}-12-31"},
        )
    return plan


def test_a_plan_over_three_years_beside_ganzhou_2023(district):
    assert ActionPlan.objects.filter(name="2023", year=2023).exists()  # 赣州's plan, the same year included
    assert (district.year, district.years_text) == (None, "2021—2023")
    first, second = district.periods.order_by("start_date")
    # Each year's periods are that year's: named and titled by it, numbered in it (〔2022〕).
    assert (first.name, first.title, first.year) == (f"{PLAN}-2021-Y", "2021年度", 2021)
    assert (second.name, second.title, second.year) == (f"{PLAN}-2022-Y", "2022年度", 2022)
    with pytest.raises(ValidationError, match="考评周期应在工作方案的起止日期"):
        save("Assessment Period", {"plan": PLAN, "kind": "年度", "start_date": "2024-01-01", "end_date": "2024-12-31"})
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        save(
            "Action Plan",
            {"name": "倒置", "title": "倒置", "issuer": "某", "start_date": "2024-01-01", "end_date": "2023-01-01"},
        )


def test_opening_its_period_creates_only_its_documents(district):
    period = district.periods.get(start_date=date(2022, 1, 1))
    opened = periods.open_period(office(), period)
    assert sorted(opened.created) == sorted(f"{period.name}-{name}" for name in STREETS + TOWNS)
    assert not SelfAssessment.objects.filter(period=period, unit__isnull=False).exists()
    # 赣州's plan still names its own 20 counties and 10 units, none of the district's.
    ganzhou = periods.assessees(ActionPlan.objects.get(name="2023"))
    assert len(ganzhou) == 30 and not {a.get("county") for a in ganzhou} & set(STREETS + TOWNS)
    # A 赣州 county is no assessee of the district's plan: a report for it is refused.
    with pytest.raises(ValidationError, match="不是“示范区科技创新赋能行动三年工作方案"):
        save("SelfAssessment", {"period": period.name, "county": "章贡区"})


def test_users_see_the_plans_they_take_part_in(district):
    zhanggong = User.objects.get(username="zhanggong")
    assert list(scope_queryset(zhanggong, ActionPlan).values_list("name", flat=True)) == ["2023"]
    gongxin = User.objects.get(username="gongxin")  # a unit of many of 赣州's tasks: the plan once
    assert list(scope_queryset(gongxin, ActionPlan).values_list("name", flat=True)) == ["2023"]
    assert not scope_queryset(zhanggong, AssessmentPeriod).filter(plan=district).exists()
    assert scope_queryset(zhanggong, AssessmentPeriod).filter(plan__name="2023").exists()
    assert not scope_queryset(zhanggong, AssessmentCategory).filter(plan=district).exists()
    assert list(scope_queryset(zhanggong, PlanAssessee).values_list("name", flat=True)) == ["2023-章贡区"]
    street = User.objects.create_user("east", password="x")
    UserPermission.objects.create(user=street, allow="County", for_value="东街办")
    assert set(scope_queryset(street, ActionPlan).values_list("name", flat=True)) == {PLAN}
    assert set(scope_queryset(street, AssessmentPeriod).values_list("plan__name", flat=True)) == {PLAN}


def test_a_plans_tasks_and_indicators_are_seen_only_by_its_own_users(district):
    """A task that involves no county is shared with every county, but of its own plan only."""
    save("Unit", {"name": "示范区科技局", "order": 200}, User.objects.get(username="admin"))
    save(
        "Task",
        {
            "plan": PLAN,
            "section_number": 1,
            "section": "（一）",
            "number": 1,
            "title": "建平台",
            "content": "建设研发平台",
            "units": [{"unit": "示范区科技局", "role": "牵头"}],
        },
    )
    zhanggong = User.objects.get(username="zhanggong")
    street = User.objects.create_user("east", password="x")
    UserPermission.objects.create(user=street, allow="County", for_value="东街办")
    for model, plan_path in ((Task, "plan__name"), (IndicatorGroup, "plan__name"), (Indicator, "group__plan__name")):
        assert set(scope_queryset(zhanggong, model).values_list(plan_path, flat=True)) == {"2023"}, model
        assert set(scope_queryset(street, model).values_list(plan_path, flat=True)) == {PLAN}, model
    assert scope_queryset(User.objects.get(username="office"), Task).filter(plan=district).count() == 1


def approve_all(period, totals: dict) -> None:
    """Scores as the leading group's approval writes them, then the categories re-ranked."""
    leader = User.objects.get(username="leader")
    for name, total in totals.items():
        assessment = SelfAssessment.objects.get(period=period, county__name=name)
        Score.objects.create(
            name=assessment.name,
            period=period,
            self_assessment=assessment,
            scheme=assessment.scheme,
            county=assessment.county,
            category=category_of(assessment),
            subtotal=Decimal(total),
            total=Decimal(total),
            approved_at=timezone.now(),
            approved_by=leader,
        )
    ranking.rerank_period(period)


def test_ranked_within_its_own_categories_with_its_own_numbers(district):
    period = district.periods.get(start_date=date(2022, 1, 1))
    periods.open_period(office(), period)
    assert {a.county.name for a in category_assessments(period, "街办")} == set(STREETS)
    approve_all(
        period, {"东街办": 90, "西街办": 85, "南街办": 80, "北街办": 70, "河镇": 88, "山镇": 88, "产业集聚区": 60}
    )
    outcomes = {s.county.name: (s.rank, s.outcome) for s in Score.objects.filter(period=period)}
    assert outcomes == {
        "东街办": (1, "表扬"),
        "西街办": (2, "表扬"),  # 2 praised, not 3
        "南街办": (3, ""),
        "北街办": (4, "约谈"),
        "河镇": (1, "表扬"),
        "山镇": (1, "表扬"),
        "产业集聚区": (3, "约谈"),
    }
    tables = ranking_table(office(), period)
    assert [(t.category, t.title) for t in tables] == [("街办", "街道办事处"), ("镇", "镇/集聚区")]
    assert "名次前二（含并列）予以表扬，末位（含并列）由领导小组组长约谈" in tables[0].rule
    # The export: a sheet per category, its title as Excel allows it.
    workbook = load_workbook(BytesIO(export_xlsx(office(), period)))
    assert workbook.sheetnames == ["街道办事处", "镇、集聚区", "得分明细"]
    # 赣州's counties are in none of the district's tables.
    assert {r.assessee for t in tables for r in t.rows} == set(STREETS + TOWNS)


def test_the_plan_page_manages_its_categories_and_assessees(district, login):
    page = login("admin").get(reverse("admin:innovation_action_actionplan_change", args=[district.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="categories-TOTAL_FORMS"' in html and 'name="assessees-TOTAL_FORMS"' in html
    assert "街道办事处" in html and "产业集聚区" in html
    # A category is chosen among the plan's own: 赣州's 一类县（市、区） is not offered here.
    assert ">一类县（市、区）</option>" not in html and ">街道办事处</option>" in html
