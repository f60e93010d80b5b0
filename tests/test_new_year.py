"""复制为新年度方案: the 2023 plan copied to 2024 in one action, through the service, the API and the admin.

The copy runs against the real database holding the 2023 plan of the fixtures
(tests/conftest.py); every test compares the copy with the original record by
record, so a field added to a doctype later is checked too.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from apps.innovation_action.models import (
    ActionPlan,
    AssessmentPeriod,
    BonusRule,
    County,
    Indicator,
    IndicatorGroup,
    PeriodKind,
    Project,
    SelfAssessment,
    Task,
    TaskUnit,
)
from apps.innovation_action.services.new_year import (
    RECORD_FIELDS,
    copy_plan,
    shift_years,
)
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import (
    DoesNotExistError,
    DuplicateEntryError,
    PermissionError,
    ValidationError,
)
from apps.lowcode.scoring.rules import Method
from tests.test_period_opening import open_for_reporting
from tests.test_workflow_api import client, ok, refused

both_databases = pytest.mark.both_databases
pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return User.objects.get(username="office")


@pytest.fixture
def copied(plan, office) -> ActionPlan:
    return copy_plan(plan, 2024, office)


def same_fields(original, copy, skip=()) -> None:
    """Every concrete field equal but the record's bookkeeping, the pk and ``skip`` (links compared by id)."""
    for f in type(original)._meta.concrete_fields:
        if f.primary_key or f.name in RECORD_FIELDS or f.name in skip:
            continue
        assert getattr(copy, f.attname) == getattr(original, f.attname), f"{type(original).__name__}.{f.name}"


def unit_rows(task) -> list:
    return [(row.idx, row.unit_id, row.role, row.liaison_id) for row in task.units.order_by("idx")]


def plan_snapshot(plan) -> dict:
    """Everything the plan owns, as the API shows it, to prove the original is left as it was."""
    plan.refresh_from_db()
    indicators = Indicator.objects.filter(group__plan=plan).order_by("name")
    return {
        "plan": doc_to_dict(plan),
        "tasks": [doc_to_dict(t) for t in plan.tasks.order_by("number")],
        "groups": [doc_to_dict(g) for g in plan.indicator_groups.order_by("name")],
        "indicators": [doc_to_dict(i) for i in indicators],
        "periods": [doc_to_dict(p) for p in plan.periods.order_by("name")],
        "projects": plan.projects.count(),
    }


# ------------------------------------------------------------------ the service


@both_databases
def test_header_gets_the_new_year_and_is_not_issued(plan, copied, office):
    assert (copied.name, copied.year) == ("2024", 2024)
    assert (copied.start_date, copied.end_date) == (date(2024, 1, 1), date(2024, 12, 31))
    assert copied.title == "2024年赣州市科技创新赋能行动工作方案"
    assert copied.notice_title == "关于印发《2024年赣州市科技创新赋能行动工作方案》的通知"
    assert "《2024年赣州市科技创新赋能行动工作方案》" in copied.notice_body
    assert (copied.document_number, copied.issue_date) == ("", None)
    assert (copied.docstatus, copied.workflow_state) == (0, "")
    same_fields(
        plan,
        copied,
        skip={
            "year",
            "start_date",
            "end_date",
            "title",
            "notice_title",
            "notice_body",
            "document_number",
            "issue_date",
        },
    )
    assert (copied.owner, copied.modified_by) == (office, office)
    assert [(t.idx, t.indicator, t.target, t.value, t.unit) for t in copied.targets.order_by("idx")] == [
        (t.idx, t.indicator, t.target, t.value, t.unit) for t in plan.targets.order_by("idx")
    ]
    assert copied.targets.count() == plan.targets.count() > 0


@both_databases
def test_history_records_the_creation_by_the_user(copied, office):
    entry = copied.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        office,
        "复制自 2023 年度方案",
    )
    task = copied.tasks.get(number=1)
    assert task.history.get().history_user == office
    assert task.units.first().history.get().history_type == "+"


@both_databases
def test_tasks_keep_their_units_and_liaisons(plan, copied, office):
    tasks = list(copied.tasks.order_by("number"))
    assert len(tasks) == 29
    assert [t.name for t in tasks[:2]] == ["2024-T01", "2024-T02"]
    for original, copy in zip(plan.tasks.order_by("number"), tasks, strict=True):
        same_fields(original, copy, skip={"plan"})
        assert unit_rows(copy) == unit_rows(original)
        assert copy.owner == office
    assert TaskUnit.objects.filter(task__plan=copied).count() == TaskUnit.objects.filter(task__plan=plan).count()
    task24 = copied.tasks.get(number=24)  # the seed's one task with a lead unit only
    assert task24.responsible_units == [] and task24.lead_unit.name == plan.tasks.get(number=24).lead_unit.name
    # Liaisons are shared records: the copied rows point to the same people, not to copies of them.
    assert {row.liaison for row in TaskUnit.objects.filter(task__plan=copied) if row.liaison_id} == {
        row.liaison for row in TaskUnit.objects.filter(task__plan=plan) if row.liaison_id
    }


@both_databases
def test_indicators_keep_their_scoring_and_bonus_rules(plan, office):
    configured = Indicator.objects.get(group__plan=plan, group__scheme="县级", number=2)
    Indicator.objects.filter(pk=configured.pk).update(
        scoring_method=Method.EFFICACY, target=Decimal("2.5"), floor=Decimal("1"), formula="", points=Decimal("8")
    )
    copied = copy_plan(plan, 2024, office)
    originals = Indicator.objects.filter(group__plan=plan).order_by("group__scheme", "number")
    copies = Indicator.objects.filter(group__plan=copied).order_by("group__scheme", "number")
    assert copies.count() == originals.count() > 0
    assert IndicatorGroup.objects.filter(plan=copied).count() == IndicatorGroup.objects.filter(plan=plan).count()
    for original, copy in zip(originals, copies, strict=True):
        same_fields(original, copy, skip={"group"})
        same_fields(original.group, copy.group, skip={"plan"})
        assert copy.group.plan == copied
        assert copy.name == original.name.replace("2023-", "2024-", 1)
        assert [(r.idx, r.category, r.item, r.points, r.per_occurrence) for r in copy.bonus_rules.order_by("idx")] == [
            (r.idx, r.category, r.item, r.points, r.per_occurrence) for r in original.bonus_rules.order_by("idx")
        ]
    two = copies.get(group__scheme="县级", number=2)
    assert (two.scoring_method, two.target, two.floor, two.points) == (Method.EFFICACY, Decimal("2.5"), 1, 8)
    assert BonusRule.objects.filter(indicator__group__plan=copied).count() == 24


@both_databases
def test_rongjiang_scores_the_new_years_indicators_by_the_average(plan, copied):
    rongjiang = County.objects.get(name="赣州蓉江新区")
    old = sorted(rongjiang.averaged_indicators.filter(group__plan=plan).values_list("number", flat=True))
    new = sorted(rongjiang.averaged_indicators.filter(group__plan=copied).values_list("number", flat=True))
    assert old and new == old


@both_databases
def test_periods_are_recreated_for_the_new_year(plan, office):
    AssessmentPeriod.objects.filter(name="2023-M01").update(deadline=date(2023, 2, 10))
    AssessmentPeriod.objects.filter(name="2023-Q1").update(opened_at="2023-04-01T08:00:00Z")
    copied = copy_plan(plan, 2024, office)
    periods = {p.name: p for p in copied.periods.all()}
    assert len(periods) == plan.periods.count() == 17
    assert sorted((p.kind, p.number) for p in periods.values()) == sorted(
        (p.kind, p.number) for p in plan.periods.all()
    )
    assert (periods["2024-Y"].start_date, periods["2024-Y"].end_date) == (date(2024, 1, 1), date(2024, 12, 31))
    assert periods["2024-M02"].end_date == date(2024, 2, 29)  # 2024 is a leap year: February ends later
    assert periods["2024-Q1"].end_date == date(2024, 3, 31) and periods["2024-Q1"].opened_at is None
    assert periods["2024-M01"].deadline == date(2024, 2, 10)
    assert {p.kind for p in periods.values()} == set(PeriodKind.values)
    assert str(periods["2024-Q1"]) == "2024年第一季度"


def test_shifting_keeps_month_ends():
    assert shift_years(date(2023, 2, 28), 1) == date(2024, 2, 29)
    assert shift_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert shift_years(date(2023, 2, 27), 1) == date(2024, 2, 27)
    assert shift_years(date(2023, 4, 30), 2) == date(2025, 4, 30)
    assert shift_years(None, 1) is None


@both_databases
def test_projects_and_the_years_work_are_not_copied(plan, copied):
    assert Project.objects.filter(plan=plan).count() == 29
    assert Project.objects.filter(plan=copied).count() == 0
    assert not SelfAssessment.objects.filter(period__plan=copied).exists()


@both_databases
def test_the_original_is_untouched(plan, office):
    before = plan_snapshot(plan)
    copy_plan(plan, 2024, office)
    assert plan_snapshot(plan) == before
    assert plan.history.count() == 1


@both_databases
def test_the_copy_is_editable_and_independent(plan, copied, office):
    task = copied.tasks.get(number=1)
    data = doc_to_dict(task)
    data["title"] = "2024年新任务"
    data["units"] = data["units"][:1]  # only the lead unit
    save_document(office, get_meta("Task"), data, name=task.name)
    original = plan.tasks.get(number=1)
    assert original.title != "2024年新任务" and original.units.count() > 1
    assert copied.tasks.get(number=1).units.count() == 1
    plan_data = doc_to_dict(copied)
    plan_data["document_number"] = "赣市科赋字〔2024〕1号"
    save_document(office, get_meta("Action Plan"), plan_data, name="2024")
    plan.refresh_from_db()
    assert plan.document_number == "赣市科赋字〔2023〕1号"
    indicator = Indicator.objects.get(group__plan=copied, group__scheme="市直", number=1)
    indicator.bonus_rules.all().delete()
    Indicator.objects.filter(pk=indicator.pk).update(title="改过的指标")
    assert Indicator.objects.get(group__plan=plan, group__scheme="市直", number=1).title != "改过的指标"
    assert BonusRule.objects.filter(indicator__group__plan=plan).count() == 24


@both_databases
def test_a_self_assessment_can_be_created_for_the_new_year(copied):
    county_user = User.objects.get(username="zhanggong")
    open_for_reporting("2024-Y")  # the copied periods start closed; the office opens the new year
    assessment = save_document(county_user, get_meta("SelfAssessment"), {"period": "2024-Y", "county": "章贡区"})
    assert assessment.workflow_state == "草稿"
    lines = list(assessment.lines.select_related("indicator__group"))
    expected = Indicator.objects.filter(group__plan=copied, group__scheme="县级").count()
    assert len(lines) == expected > 0
    assert {line.indicator.group.plan_id for line in lines} == {copied.pk}


@both_databases
def test_a_year_with_a_plan_is_refused(plan, copied, office):
    plans = ActionPlan.objects.count()
    with pytest.raises(DuplicateEntryError, match="2024 年度已有工作方案"):
        copy_plan(plan, 2024, office)
    with pytest.raises(DuplicateEntryError, match="2023 年度已有工作方案"):
        copy_plan(copied, "2023", office)
    assert ActionPlan.objects.count() == plans
    assert Task.objects.filter(plan__year=2024).count() == 29


@both_databases
@pytest.mark.parametrize("year", ["abc", "", None, 1999, 2101, "20245", "2024.0", True, "-2024"])
def test_a_bad_year_is_refused(plan, office, year):
    plans = ActionPlan.objects.count()
    with pytest.raises(ValidationError, match="请填写 2000 至 2100 之间的四位年份"):
        copy_plan(plan, year, office)
    assert ActionPlan.objects.count() == plans


@both_databases
def test_a_missing_plan_and_a_bad_title_are_refused(plan, office):
    with pytest.raises(DoesNotExistError, match="年度工作方案 1999 不存在"):
        copy_plan("1999", 2024, office)
    with pytest.raises(ValidationError, match="方案标题不能超过 200 个字"):
        copy_plan(plan, 2024, office, title="长" * 201)
    assert not ActionPlan.objects.filter(year=2024).exists()


@both_databases
def test_a_given_title_is_used(plan, office):
    copied = copy_plan("2023", " 2025 ", office, title=" 2025年赣州市科技创新赋能行动实施方案 ")
    assert (copied.year, copied.title) == (2025, "2025年赣州市科技创新赋能行动实施方案")
    assert copied.notice_title == "关于印发《2025年赣州市科技创新赋能行动实施方案》的通知"
    assert copied.periods.get(kind=PeriodKind.YEAR).start_date == date(2025, 1, 1)


@both_databases
def test_a_county_user_may_not_copy(plan):
    with pytest.raises(PermissionError):
        copy_plan(plan, 2024, User.objects.get(username="zhanggong"))
    assert not ActionPlan.objects.filter(year=2024).exists()


# ------------------------------------------------------------------ the API

METHOD = "/api/method/innovation_action.api.copy_plan"


@both_databases
def test_api_copies_and_answers_the_new_plan(plan):
    message = ok(client("office").post(METHOD, {"plan": "2023", "year": 2024}, format="json"))
    assert (message["doctype"], message["name"], message["year"]) == ("Action Plan", "2024", 2024)
    assert message["title"] == "2024年赣州市科技创新赋能行动工作方案"
    assert message["document_number"] == "" and message["issue_date"] is None
    assert message["owner"] == "office" and len(message["targets"]) == plan.targets.count()
    assert Task.objects.filter(plan__name="2024").count() == 29


@both_databases
def test_api_refusals(plan):
    office = client("office")
    assert "权限" in refused(
        client("zhanggong").post(METHOD, {"plan": "2023", "year": 2024}, format="json"), 403, "PermissionError"
    )
    assert refused(office.post(METHOD, {"plan": "1999", "year": 2024}, format="json"), 404, "DoesNotExistError")
    assert "四位年份" in refused(
        office.post(METHOD, {"plan": "2023", "year": "明年"}, format="json"), 417, "ValidationError"
    )
    assert refused(office.post(METHOD, {"plan": "2023"}, format="json"), 417, "ValidationError") == "缺少参数 year"
    assert "已有工作方案" in refused(
        office.post(METHOD, {"plan": "2023", "year": 2023}, format="json"), 409, "DuplicateEntryError"
    )
    assert office.get(METHOD, {"plan": "2023", "year": 2024}).status_code == 405
    assert not ActionPlan.objects.filter(year=2024).exists()


# ------------------------------------------------------------------ the admin

CHANGELIST = "admin:innovation_action_actionplan_changelist"


def copy_url(plan):
    return reverse("admin:innovation_action_actionplan_copy", args=[plan.pk])


def test_admin_action_end_to_end(plan, login):
    office = login("office")
    response = office.post(reverse(CHANGELIST), {"action": "copy_as_new_year", "_selected_action": [plan.pk]})
    assert response.status_code == 302 and response["Location"] == copy_url(plan)

    page = office.get(copy_url(plan))
    text = page.content.decode()
    assert page.status_code == 200
    assert "复制为新年度方案" in text and 'value="2024"' in text
    assert "2024年赣州市科技创新赋能行动工作方案" in text  # the title the copy will get unless one is typed
    assert "重点任务 29 项" in text and "发文字号、成文日期清空" in text
    assert "重点项目清单" in text and "本方案 29 个" in text  # not copied, and why
    assert "工作流和打印格式" in text and "联络员" in text  # shared, not copied

    response = office.post(copy_url(plan), {"year": "2024", "title": ""}, follow=True)
    new = ActionPlan.objects.get(year=2024)
    assert response.redirect_chain == [(reverse("admin:innovation_action_actionplan_change", args=[new.pk]), 302)]
    text = response.content.decode()
    indicators = Indicator.objects.filter(group__plan=new).count()
    assert f"已复制为 2024 年度方案：重点任务 29 项、考评指标 {indicators} 项、考评周期 17 个" in text
    assert new.title == "2024年赣州市科技创新赋能行动工作方案" and new.owner.username == "office"


def test_admin_confirmation_refuses_in_chinese(plan, login):
    office = login("office")
    page = office.post(copy_url(plan), {"year": "2023"}).content.decode()
    assert "2023 年度已有工作方案" in page
    page = office.post(copy_url(plan), {"year": "24"}).content.decode()
    assert "请填写 2000 至 2100 之间的四位年份" in page
    assert ActionPlan.objects.count() == 1


def test_admin_action_takes_exactly_one_plan(plan, office, login):
    second = copy_plan(plan, 2024, office)
    response = login("office").post(
        reverse(CHANGELIST), {"action": "copy_as_new_year", "_selected_action": [plan.pk, second.pk]}, follow=True
    )
    assert "请只选择一个年度工作方案进行复制" in response.content.decode()
    assert ActionPlan.objects.count() == 2


def test_the_button_is_on_the_plans_form_for_the_office_only(plan, login, client):
    change = reverse("admin:innovation_action_actionplan_change", args=[plan.pk])
    page = login("office").get(change).content.decode()
    assert 'id="copy-plan-button"' in page and copy_url(plan) in page
    client.logout()
    assert login("zhanggong").get(change)["Location"] == "/app/"  # not an admin user (issue 18)
    client.logout()
    county = login("leader")  # a reader of the plan
    page = county.get(change).content.decode()
    assert 'id="copy-plan-button"' not in page
    actions = county.get(reverse(CHANGELIST)).content.decode()
    assert "copy_as_new_year" not in actions
    assert county.get(copy_url(plan)).status_code == 403
    assert county.post(copy_url(plan), {"year": "2024"}).status_code == 403
    assert not ActionPlan.objects.filter(year=2024).exists()
