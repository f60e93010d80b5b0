"""考评目标: each assessee scored against its own target (issue 16).

A district scores its sub-districts by completion rate against each one's own yearly target, not
against the district's total (the indicator's target): 12 of a target of 15 is 80%, not 12 ÷ 513.
Targets are set per year (the yearly table a plan publishes, imported as rows of assessees and a
column per year) or per period (which wins); where an assessee has none, the indicator's applies.
Documents are created and moved as in production (save_document, the hooks), on the site's database.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.innovation_action.models import (
    AssesseeTarget,
    AssessmentPeriod,
    County,
    Indicator,
    OfficialValue,
    PeriodKind,
    PlanAssessee,
    Scheme,
)
from apps.innovation_action.services import assessee_targets
from apps.innovation_action.services.assessee_targets import TargetImportError, import_year_targets
from apps.lowcode.data_import import import_workbook, template
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.scoring.rules import FORMULA_NAMES
from tests.test_data_import import fill, sheet_rows, upload
from tests.test_scoring import create, edit, line
from tests.test_workflow_api import client as api_client
from tests.test_workflow_api import deleted, ok, refused

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
D = Decimal
SUB_DISTRICT = "水西镇"  # a district's sub-district, assessed like a county


@pytest.fixture
def office(db):
    return User.objects.get(username="office")


@pytest.fixture
def district(plan):
    """Two sub-districts in the first category, and indicator 3 scored by completion rate against the
    district's total of 513 (the indicator's target)."""
    first = plan.categories.get(short_name="一类")
    for order, (name, aliases) in enumerate([(SUB_DISTRICT, ""), ("沙河镇", "沙河")], 90):
        county = County.objects.create(name=name, order=order, aliases=aliases)
        PlanAssessee.objects.create(plan=plan, category=first, county=county)
    configure(plan, 3, scoring_method="completion_rate", target=D(513))
    return plan


def indicator(plan, number) -> Indicator:
    return Indicator.objects.get(group__plan=plan, group__scheme=Scheme.COUNTY, number=number)


def configure(plan, number, **fields):
    Indicator.objects.filter(group__plan=plan, group__scheme=Scheme.COUNTY, number=number).update(**fields)


def set_target(user, plan, number, county, target, floor=None, year=2023, period=None) -> AssesseeTarget:
    """A target saved as the admin and the API save it (permissions, validation, history, hooks)."""
    data = {"indicator": indicator(plan, number).name, "county": county, "target": target}
    data.update({"period": period} if period else {"year": year})
    if floor is not None:
        data["floor"] = floor
    return save_document(user, get_meta("Assessee Target"), data)


# ------------------------------------------------------------------ scoring against one's own target


def test_a_sub_district_is_scored_against_its_own_target_not_the_district_total(district, office):
    set_target(office, district, 3, SUB_DISTRICT, 15)
    own, other = create(SUB_DISTRICT), create("沙河镇")
    edit(own, lines={3: {"value": "12"}})
    edit(other, lines={3: {"value": "12"}})
    assert line(own, 3).self_score == D("4.80")  # 6 points × 12 ÷ 15 = 80%
    assert line(own, 3).self_note == (
        "填报值 12；目标值 15（本单位2023年目标）；完成率法：完成率 = 12 ÷ 15 = 80%；得分 = 6 × 80% = 4.80"
    )
    # 沙河镇 has no target of its own: the indicator's, as before, and the line says so.
    assert line(other, 3).self_score == D("0.14")  # 6 × 12 ÷ 513 = 2.34%
    assert line(other, 3).self_note == (
        "填报值 12；目标值 513（指标目标）；完成率法：完成率 = 12 ÷ 513 = 2.34%；得分 = 6 × 2.34% = 0.14"
    )


def test_a_target_for_one_period_wins_over_the_years_and_only_there(district, office):
    set_target(office, district, 3, SUB_DISTRICT, 15)
    set_target(office, district, 3, SUB_DISTRICT, 10, period="2023-Q1")
    quarter, year = create(SUB_DISTRICT, period="2023-Q1"), create(SUB_DISTRICT)
    edit(quarter, lines={3: {"value": "8"}})
    edit(year, lines={3: {"value": "12"}})
    assert line(quarter, 3).self_score == D("4.80")  # 8 ÷ 10
    assert "目标值 10（本单位2023年第一季度目标）" in line(quarter, 3).self_note
    assert line(year, 3).self_score == D("4.80")  # 12 ÷ 15
    assert "目标值 15（本单位2023年目标）" in line(year, 3).self_note


def test_a_new_target_rescores_the_open_reports_at_once(district, office):
    own = create(SUB_DISTRICT)
    edit(own, lines={3: {"value": "12"}})
    assert line(own, 3).self_score == D("0.14")
    target = set_target(office, district, 3, SUB_DISTRICT, 15)
    assert line(own, 3).self_score == D("4.80")
    response = api_client("office").put(f"/api/resource/Assessee Target/{target.name}", {"target": 24}, format="json")
    assert ok(response)["target"] == 24
    assert line(own, 3).self_score == D("3.00")  # 12 ÷ 24 = 50%


def delete_in_admin(web, target):
    page = reverse("admin:innovation_action_assesseetarget_delete", args=[target.pk])
    assert web.post(page, {"post": "yes"}).status_code == 302


def delete_selected_in_admin(web, target):
    listing = reverse("admin:innovation_action_assesseetarget_changelist")
    answer = web.post(listing, {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"})
    assert answer.status_code == 302


def delete_by_api(web, target):
    deleted(api_client("office").delete(f"/api/resource/Assessee Target/{target.name}"))


def delete_by_client_method(web, target):
    body = {"doctype": "Assessee Target", "name": target.name}
    assert api_client("office").post("/api/method/frappe.client.delete", body, format="json").status_code == 200


@pytest.mark.parametrize("delete", [delete_in_admin, delete_selected_in_admin, delete_by_api, delete_by_client_method])
def test_deleting_a_target_from_any_door_rescores_against_the_indicators_target(district, office, client, delete):
    """A deleted target is gone from the scores at once, as a saved one is there at once: the line goes
    back to the indicator's target and says so (沙河镇 keeps one, so the indicator still has targets)."""
    target = set_target(office, district, 3, SUB_DISTRICT, 15)
    set_target(office, district, 3, "沙河镇", 20)
    own = create(SUB_DISTRICT)
    edit(own, lines={3: {"value": "12"}})
    assert line(own, 3).self_score == D("4.80")
    client.force_login(office)
    delete(client, target)
    assert not AssesseeTarget.objects.filter(pk=target.pk).exists()
    assert line(own, 3).self_score == D("0.14")  # 6 × 12 ÷ 513
    assert line(own, 3).self_note == (
        "填报值 12；目标值 513（指标目标）；完成率法：完成率 = 12 ÷ 513 = 2.34%；得分 = 6 × 2.34% = 0.14"
    )


def test_restoring_a_deleted_target_rescores_as_saving_it_does(district, office, client):
    """已删除的记录 → 恢复 is a save like any other: validated, and the apps' events run (the line goes back
    to the sub-district's own target at once)."""
    target = set_target(office, district, 3, SUB_DISTRICT, 15)
    set_target(office, district, 3, "沙河镇", 20)
    own = create(SUB_DISTRICT)
    edit(own, lines={3: {"value": "12"}})
    client.force_login(office)
    delete_by_api(client, target)
    assert line(own, 3).self_score == D("0.14")
    version = AssesseeTarget.history.filter(id=target.pk, history_type="-").get()
    deleted = client.get(reverse("admin:innovation_action_assesseetarget_deleted"))
    assert deleted.status_code == 200 and SUB_DISTRICT in deleted.content.decode()
    restore = reverse("admin:innovation_action_assesseetarget_restore", args=[version.history_id])
    assert client.post(restore).status_code == 302
    assert AssesseeTarget.objects.get(pk=target.pk).target == 15
    assert line(own, 3).self_score == D("4.80")
    assert "目标值 15（本单位2023年目标）" in line(own, 3).self_note


def test_a_deleted_target_that_no_longer_validates_is_not_restored(district, office, client):
    """A version that no longer passes the indicator's rule (完成率法 needs a target above 0; the history
    row is edited here to stand for a rule changed since) is refused with a message, and nothing is written."""
    target = set_target(office, district, 3, SUB_DISTRICT, 15)
    client.force_login(office)
    delete_by_api(client, target)
    AssesseeTarget.history.filter(id=target.pk, history_type="-").update(target=D(0))
    version = AssesseeTarget.history.filter(id=target.pk, history_type="-").get()
    restore = reverse("admin:innovation_action_assesseetarget_restore", args=[version.history_id])
    answer = client.post(restore, follow=True)
    assert answer.status_code == 200
    assert "无法恢复" in answer.content.decode()
    assert not AssesseeTarget.objects.filter(pk=target.pk).exists()


def test_efficacy_coefficient_with_the_assessees_target_and_floor(district, office):
    configure(district, 4, scoring_method="efficacy_coefficient", target=D(2), floor=D(0))
    set_target(office, district, 4, SUB_DISTRICT, 10, floor=5)
    set_target(office, district, 4, "沙河镇", 10)  # no floor of its own: the indicator's
    own, other = create(SUB_DISTRICT), create("沙河镇")
    edit(own, lines={4: {"value": "7.5"}})
    edit(other, lines={4: {"value": "7.5"}})
    assert line(own, 4).self_score == D("4.80")  # 60 + 40 × (7.5 − 5) ÷ (10 − 5) = 80
    assert line(own, 4).self_note.startswith("填报值 7.5；目标值 10、不允许值 5（本单位2023年目标）；功效系数法：")
    assert line(other, 4).self_score == D("5.40")  # 60 + 40 × 7.5 ÷ 10 = 90
    assert "目标值 10（本单位2023年目标）、不允许值 0（指标）" in line(other, 4).self_note


def test_a_formula_reads_the_assessees_target_and_the_official_value(district, office):
    formula = "min((value if official is None else official) / target, 1) * points"
    configure(district, 6, scoring_method="formula", formula=formula, target=D(50))
    assert "official" in FORMULA_NAMES
    indicator(district, 6).full_clean()  # the formula checker knows the name
    set_target(office, district, 6, SUB_DISTRICT, 20)
    own, other = create(SUB_DISTRICT), create("沙河镇")
    OfficialValue.objects.create(period=own.period, county=own.county, indicator=indicator(district, 6), value=16)
    edit(own, lines={6: {"value": "10"}})
    edit(other, lines={6: {"value": "10"}})
    assert line(own, 6).self_score == D("4.80")  # the official 16 ÷ its own 20 × 6
    assert "目标值 20（本单位2023年目标）" in line(own, 6).self_note
    assert "official = 16" in line(own, 6).self_note and "target = 20" in line(own, 6).self_note
    assert line(other, 6).self_score == D("1.20")  # no official value: its 10 ÷ the indicator's 50 × 6
    assert "目标值 50（指标目标）" in line(other, 6).self_note


def test_an_indicator_without_assessee_targets_explains_as_before(plan, office):
    """The 赣州 demo sets no assessee targets: its lines read as they always did."""
    configure(plan, 3, scoring_method="completion_rate", target=D(40))
    doc = create("章贡区")
    edit(doc, lines={3: {"value": "20"}})
    assert line(doc, 3).self_note == "填报值 20；完成率法：完成率 = 20 ÷ 40 = 50%；得分 = 6 × 50% = 3.00"


# ------------------------------------------------------------------ what a target may be


def test_a_target_is_checked_like_the_indicators_rule(district, office):
    meta = get_meta("Assessee Target")
    three = indicator(district, 3).name

    def message(data):
        with pytest.raises(ValidationError) as caught:
            save_document(office, meta, {"indicator": three, "target": 15, **data})
        return caught.value.message

    assert "年度和考评周期须填写且只填写其中一个" in message({"county": SUB_DISTRICT})
    assert "年度和考评周期须填写且只填写其中一个" in message({"county": SUB_DISTRICT, "year": 2023, "period": "2023-Y"})
    assert "县（市、区）和市直单位须填写且只填写其中一个" in message({"year": 2023})
    assert "2030年不在该指标所属工作方案的年度内（2023）" in message({"county": SUB_DISTRICT, "year": 2030})
    assert "完成率法的目标值须大于 0" in message({"county": SUB_DISTRICT, "year": 2023, "target": 0})
    unit_indicator = Indicator.objects.get(group__plan=district, group__scheme=Scheme.UNIT, number=1).name
    assert "只能用于“县（市、区）考评指标（附表3-1）”中的指标" in message(
        {"county": SUB_DISTRICT, "year": 2023, "indicator": unit_indicator}
    )
    set_target(office, district, 3, SUB_DISTRICT, 15)
    with pytest.raises(Exception) as duplicate:
        set_target(office, district, 3, SUB_DISTRICT, 16)
    assert f"{SUB_DISTRICT}已有2023年第3项的目标（15），请修改该记录" in str(duplicate.value)
    assert AssesseeTarget.objects.count() == 1


def test_a_county_user_sees_only_their_own_targets_and_cannot_set_them(district, office):
    set_target(office, district, 3, "章贡区", 30)
    set_target(office, district, 3, "南康区", 40)
    rows = ok(api_client("zhanggong").get("/api/resource/Assessee Target", {"fields": '["county", "target"]'}))
    assert rows == [{"county": "章贡区", "target": 30}]
    response = api_client("zhanggong").post(
        "/api/resource/Assessee Target",
        {"indicator": indicator(district, 3).name, "county": "章贡区", "year": 2023, "target": 1},
        format="json",
    )
    refused(response, 403, "PermissionError")


# ------------------------------------------------------------------ importing a yearly target table


@pytest.fixture
def two_years(district):
    """The plan runs over 2022 and 2023: it has a year period in each."""
    AssessmentPeriod.objects.create(
        name="2023-Y2022", plan=district, kind=PeriodKind.YEAR, start_date=date(2022, 1, 1), end_date=date(2022, 12, 31)
    )
    return district


def wide_sheet(*rows, title="某区2022—2023年目标任务分解表") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(["序号", "街办、镇", "2022年", "2023年目标", "备注"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("目标.xlsx", buffer.getvalue(), content_type=assessee_targets.XLSX_CONTENT_TYPE)


def stored_targets() -> dict:
    return {(t.county.name, t.year): t.target for t in AssesseeTarget.objects.select_related("county")}


def test_a_yearly_table_is_imported_one_target_per_assessee_and_year(two_years, office):
    own = create(SUB_DISTRICT)
    edit(own, lines={3: {"value": "12"}})
    result = import_year_targets(
        office,
        indicator(two_years, 3).name,
        wide_sheet(
            [1, SUB_DISTRICT, 10, 15, None],
            [2, "沙河", 8, None, "2023年待定"],  # an alias; an empty cell sets nothing
            [None, "合计", 18, 513, None],  # the district's total: the indicator's own target
        ),
    )
    assert (result.created, result.updated, result.unchanged, result.skipped_totals) == (3, 0, 0, 1)
    assert stored_targets() == {(SUB_DISTRICT, 2022): D(10), (SUB_DISTRICT, 2023): D(15), ("沙河镇", 2022): D(8)}
    assert result.messages[0] == f"第3行：{SUB_DISTRICT} 2022年 新增目标 10"
    assert "已重新计算" in result.scores
    assert line(own, 3).self_score == D("4.80")  # scored against the imported 15 at once
    # Importing again changes only what changed.
    again = import_year_targets(
        office, indicator(two_years, 3).name, wide_sheet([1, SUB_DISTRICT, 10, 20], [2, "沙河镇", 8, None])
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert again.messages == [f"第3行：{SUB_DISTRICT} 2023年 目标 15 → 20"]


def test_a_bad_row_is_reported_in_chinese_and_nothing_is_imported(two_years, office):
    import_year_targets(office, indicator(two_years, 3).name, wide_sheet([1, SUB_DISTRICT, 10, 15]))
    before = stored_targets()
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(
            office,
            indicator(two_years, 3).name,
            wide_sheet(
                [1, SUB_DISTRICT, 11, 16],  # fine alone, saved only if all are
                [2, "蓉江街道", 5, 6],  # no such sub-district
                [3, "沙河镇", "八", 9],  # not a number
                [4, "水西", 1, 2],  # not an alias of anything
                [5, SUB_DISTRICT, 1, 2],  # twice
            ),
        )
    assert caught.value.http_status == 417
    assert caught.value.problems == [
        "第4行：县（市、区）“蓉江街道”不存在（可填全称或简称）",
        "第5行：2022年目标“八”不是数字",
        "第6行：县（市、区）“水西”不存在（可填全称或简称）",
        f"第7行：{SUB_DISTRICT}与第3行重复",
    ]
    assert caught.value.message.startswith("导入失败，未保存任何数据。共 4 处问题：")
    assert stored_targets() == before


def test_a_year_outside_the_plan_or_a_sheet_without_years_is_refused(district, office):
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(office, indicator(district, 3).name, wide_sheet([1, SUB_DISTRICT, 10, 15]))
    assert caught.value.problems == ["表头：2022年不在该指标所属工作方案的年度内（2023年）"]
    workbook = Workbook()
    workbook.active.append(["街办、镇", "目标"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(office, indicator(district, 3).name, SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert "找不到年度列" in caught.value.problems[0]
    assert not AssesseeTarget.objects.exists()


def test_the_template_round_trips(two_years, office):
    import_year_targets(office, indicator(two_years, 3).name, wide_sheet([1, SUB_DISTRICT, 10, 15]))
    workbook = load_workbook(io.BytesIO(assessee_targets.year_template(indicator(two_years, 3))))
    rows = list(workbook["年度目标"].iter_rows(values_only=True))
    assert rows[0] == ("县（市、区）", "2022年", "2023年")
    assert (SUB_DISTRICT, 10, 15) in rows and ("沙河镇", None, None) in rows
    assert len(rows) == 1 + County.objects.count()
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_year_targets(office, indicator(two_years, 3), SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    # A template of another indicator is refused: its targets would land on the wrong one.
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(office, indicator(two_years, 4), SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert "与所选指标" in caught.value.problems[0]


def test_the_admin_page_and_the_api_import_a_table(two_years, office, client):
    three = indicator(two_years, 3)
    client.force_login(office)
    page = client.get(reverse("admin:innovation_action_assesseetarget_import"))
    assert page.status_code == 200 and "按年度导入目标" in page.content.decode()
    listing = client.get(reverse("admin:innovation_action_assesseetarget_changelist"))
    assert "year-targets-import-link" in listing.content.decode()
    template = client.get(reverse("admin:innovation_action_assesseetarget_template"), {"indicator": three.pk})
    assert template.status_code == 200 and template["Content-Type"] == assessee_targets.XLSX_CONTENT_TYPE
    answer = client.post(
        reverse("admin:innovation_action_assesseetarget_import"),
        {"indicator": three.pk, "file": wide_sheet([1, SUB_DISTRICT, 10, 15], [2, "无名镇", 1, 1])},
    )
    assert "第4行：县（市、区）“无名镇”不存在（可填全称或简称）" in answer.content.decode()
    assert not AssesseeTarget.objects.exists()
    answer = client.post(
        reverse("admin:innovation_action_assesseetarget_import"),
        {"indicator": three.pk, "file": wide_sheet([1, SUB_DISTRICT, 10, 15])},
    )
    assert "新增 2 条" in answer.content.decode()
    # 预览 first: what the sheet would do, nothing saved; 确认导入 then imports the file the preview kept.
    url = reverse("admin:innovation_action_assesseetarget_import")
    preview = client.post(url, {"indicator": three.pk, "file": wide_sheet([1, "沙河镇", 5, 6]), "action": "preview"})
    page = preview.content.decode()
    assert "预览：尚未保存任何数据" in page and "确认导入后将：新增 2 条" in page and 'id="import-confirm"' in page
    assert AssesseeTarget.objects.count() == 2
    token = preview.context["token"]
    assert token
    confirmed = client.post(url, {"indicator": three.pk, "token": token, "action": "import"})
    assert "导入成功" in confirmed.content.decode() and "新增 2 条" in confirmed.content.decode()
    assert stored_targets()[("沙河镇", 2023)] == D(6)
    again = client.post(url, {"indicator": three.pk, "token": token, "action": "import"})
    assert "试导入的文件已过期，请重新选择文件" in again.content.decode()  # the kept file went with the import
    AssesseeTarget.objects.filter(county__name="沙河镇").delete()
    # The API: the office imports, a county user is refused.
    response = api_client("office").post(
        "/api/method/innovation_action.api.import_year_targets",
        {"indicator": three.name, "file": wide_sheet([1, "沙河镇", 8, 9])},
        format="multipart",
    )
    assert ok(response)["created"] == 2
    response = api_client("zhanggong").post(
        "/api/method/innovation_action.api.import_year_targets",
        {"indicator": three.name, "file": wide_sheet([1, "章贡区", 8, 9])},
        format="multipart",
    )
    refused(response, 403, "PermissionError")
    assert AssesseeTarget.objects.count() == 4


def test_the_generic_data_import_sets_targets_for_a_year_or_a_period(district, office):
    """Like every doctype, 考评目标 goes in through Data Import too: one row per target, a period's included."""
    three = indicator(district, 3).name
    data = fill(
        template(office, "Assessee Target"),
        [
            {"考评指标": three, "县（市、区）": SUB_DISTRICT, "年度": 2023, "目标值": 15},
            {"考评指标": three, "县（市、区）": SUB_DISTRICT, "考评周期": "2023-Q1", "目标值": 10},
            {"考评指标": three, "县（市、区）": "无名镇", "年度": 2023, "目标值": 1},
        ],
    )
    report = import_workbook(office, "Assessee Target", upload(data), dry_run=False, all_or_nothing=True)
    assert report.errors and not report.saved
    assert "无名镇" in report.rows[2].message
    assert not AssesseeTarget.objects.exists()  # all or nothing
    good = fill(template(office, "Assessee Target"), [row for row in rows_of(data)[:2]])
    report = import_workbook(office, "Assessee Target", upload(good), dry_run=False, all_or_nothing=True)
    assert not report.errors, report.rows
    assert {(t.year, t.period and t.period.name, t.target) for t in AssesseeTarget.objects.all()} == {
        (2023, None, D(15)),
        (None, "2023-Q1", D(10)),
    }
    quarter = create(SUB_DISTRICT, period="2023-Q1")
    edit(quarter, lines={3: {"value": "8"}})
    assert "目标值 10（本单位2023年第一季度目标）" in line(quarter, 3).self_note


def rows_of(data: bytes) -> list[dict]:
    """The rows under the header of a filled template, by label (empty cells left out)."""
    rows = sheet_rows(data)
    return [{k: v for k, v in zip(rows[0], row) if v is not None} for row in rows[1:]]


def test_a_city_unit_has_targets_too(plan, office):
    """附表3-2 第5项 (完成率法 over the unit's tasks, the indicator's target 100): 市工信局's own is 50."""
    five = Indicator.objects.get(group__plan=plan, group__scheme=Scheme.UNIT, number=5)
    workbook = Workbook()
    workbook.active.append(["单位", "2023"])
    workbook.active.append(["市工信局", 50])
    workbook.active.append(["市科协", 60])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(office, five, SimpleUploadedFile("u.xlsx", buffer.getvalue()))
    assert caught.value.problems == [f"第3行：市科协不是“{plan}”的考评对象"]
    workbook.active.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_year_targets(office, five, SimpleUploadedFile("u.xlsx", buffer.getvalue())).created == 1
    own, other = create(unit="市工信局"), create(unit="市科技局")
    assert "完成率 = 0 ÷ 50" in line(own, 5).self_note
    assert "目标值 50（本单位2023年目标）" in line(own, 5).self_note
    assert "目标值 100（指标目标）" in line(other, 5).self_note


def test_a_workbook_with_a_sheet_per_indicator_is_read_at_the_chosen_indicators_sheet(district, office):
    configure(district, 4, scoring_method="completion_rate", target=D(100))
    workbook = Workbook()
    workbook.active.title = "第3项 高新技术产业"
    workbook.active.append(["街办、镇", "2023年"])
    workbook.active.append([SUB_DISTRICT, 15])
    four = workbook.create_sheet("4")
    four.append(["街办、镇", "2023年"])
    four.append([SUB_DISTRICT, 40])
    buffer = io.BytesIO()
    workbook.save(buffer)
    for number in (4, 3):
        import_year_targets(office, indicator(district, number), SimpleUploadedFile("w.xlsx", buffer.getvalue()))
    assert {(t.indicator.number, t.target) for t in AssesseeTarget.objects.select_related("indicator")} == {
        (3, D(15)),
        (4, D(40)),
    }


# ------------------------------------------------------------------ 不允许值 in the yearly table


def floor_sheet(header, *rows) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("不允许值.xlsx", buffer.getvalue())


def stored_floors() -> dict:
    return {(t.county.name, t.year): (t.target, t.floor) for t in AssesseeTarget.objects.select_related("county")}


FLOOR_HEADER = ["序号", "街办、镇", "2022年", "2023年", "2022年不允许值", "2023年不允许值"]


def test_a_yearly_table_sets_floors_in_their_own_columns(two_years, office):
    """功效系数法 reads 不允许值: a column per year titled 2023年不允许值, beside the targets."""
    configure(two_years, 4, scoring_method="efficacy_coefficient", target=D(2), floor=D(0))
    four = indicator(two_years, 4)
    own = create(SUB_DISTRICT)
    edit(own, lines={4: {"value": "9"}})
    result = import_year_targets(
        office,
        four.name,
        floor_sheet(FLOOR_HEADER, [1, SUB_DISTRICT, 10, 12, 5, 6], [2, "沙河", None, 9, None, None]),
    )
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert stored_floors() == {
        (SUB_DISTRICT, 2022): (D(10), D(5)),
        (SUB_DISTRICT, 2023): (D(12), D(6)),
        ("沙河镇", 2023): (D(9), None),
    }
    assert result.messages[0] == f"第2行：{SUB_DISTRICT} 2022年 新增目标 10、不允许值 5"
    assert line(own, 4).self_score == D("4.80")  # 60 + 40 × (9 − 6) ÷ (12 − 6) = 80
    assert line(own, 4).self_note.startswith("填报值 9；目标值 12、不允许值 6（本单位2023年目标）；功效系数法：")
    # A sheet of floors alone changes the floors of stored targets and nothing else.
    again = import_year_targets(office, four, floor_sheet(["街办、镇", "2023年不允许值"], [SUB_DISTRICT, 8]))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    assert again.messages == [f"第2行：{SUB_DISTRICT} 2023年 不允许值 6 → 8"]
    assert stored_floors()[(SUB_DISTRICT, 2023)] == (D(12), D(8))
    assert line(own, 4).self_score == D("4.20")  # 60 + 40 × (9 − 8) ÷ (12 − 8) = 70, of 6 points


def test_bad_floors_are_reported_by_row_and_nothing_is_saved(two_years, office):
    configure(two_years, 4, scoring_method="efficacy_coefficient", target=D(2), floor=D(0))
    four = indicator(two_years, 4)
    import_year_targets(office, four, floor_sheet(FLOOR_HEADER, [1, SUB_DISTRICT, 10, 12, 5, 6]))
    before = stored_floors()
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(
            office,
            four,
            floor_sheet(
                [*FLOOR_HEADER, "2030年不允许值"],
                [1, SUB_DISTRICT, 11, 13, 4, 5],  # fine alone, saved only if all are
                [2, "沙河镇", 8, None, "八", None],  # not a number
            ),
        )
    assert caught.value.problems == [
        "表头：2030年不在该指标所属工作方案的年度内（2022年、2023年）",
        "第3行：2022年不允许值“八”不是数字",
    ]
    with pytest.raises(TargetImportError) as caught:
        import_year_targets(
            office,
            four,
            floor_sheet(
                FLOOR_HEADER,
                [1, SUB_DISTRICT, 11, 13, 4, 13],  # the floor must be below the target
                [2, "沙河镇", None, None, 3, None],  # a floor without any target
            ),
        )
    assert caught.value.http_status == 417
    assert caught.value.problems == [
        f"第2行：{SUB_DISTRICT} 2023年：不允许值：功效系数法的不允许值须小于目标值",
        "第3行：沙河镇 2022年：只填了不允许值，没有目标值；请同时填写该年度的目标值",
    ]
    assert stored_floors() == before


def test_the_template_of_an_indicator_with_floors_has_floor_columns(two_years, office):
    configure(two_years, 4, scoring_method="efficacy_coefficient", target=D(2), floor=D(0))
    four = indicator(two_years, 4)
    import_year_targets(office, four, floor_sheet(FLOOR_HEADER, [1, SUB_DISTRICT, 10, 12, None, 6]))
    workbook = load_workbook(io.BytesIO(assessee_targets.year_template(four)))
    rows = list(workbook["年度目标"].iter_rows(values_only=True))
    assert rows[0] == ("县（市、区）", "2022年", "2023年", "2022年不允许值", "2023年不允许值")
    assert (SUB_DISTRICT, 10, 12, None, 6) in rows
    notes = " ".join(str(cell) for row in workbook["填写说明"].iter_rows(values_only=True) for cell in row)
    assert "2023年不允许值" in notes
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_year_targets(office, four, SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
