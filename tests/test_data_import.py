"""Data import and list export (apps/lowcode/data_import), as an administrator sets up a plan from xlsx.

Workbooks are real xlsx files written with openpyxl: the downloaded template,
filled in the way a person fills it, and read back by the importer in
read-only mode. The database is the site's (MariaDB, or SQLite on the second
run for the tests marked both_databases).
"""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.innovation_action import roles
from apps.innovation_action.models import (
    ActionPlan,
    County,
    IndicatorGroup,
    Liaison,
    Project,
    SelfAssessment,
    Task,
    Unit,
)
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from apps.lowcode.data_import import (
    export_queryset,
    import_workbook,
    importer,
    template,
)
from apps.lowcode.data_import.columns import header_key
from apps.lowcode.data_import.keys import natural_keys
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.exceptions import FileTooLargeError, PermissionError, ValidationError
from apps.lowcode.models import UserPermission
from apps.lowcode.xlsx import reader

pytestmark = pytest.mark.django_db
both_databases = pytest.mark.both_databases

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- helpers


def user(username):
    return User.objects.get(username=username)


def upload(data: bytes, name="导入.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def sheet_rows(data: bytes, sheet=0) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def fill(data: bytes, rows: list[dict]) -> bytes:
    """The workbook ``data`` (a template or an export) with ``rows`` appended under its header, by label."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for values in rows:
        unknown = set(values) - set(header)
        assert not unknown, f"not in the template: {unknown}"
        sheet.append([values.get(title) for title in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_of(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def by_row(report) -> dict:
    return {r.row: r for r in report.rows}


def project(number, **values):
    row = {
        "工作方案": "2023",
        "项目类型": "新开工",
        "序号": number,
        "项目名称": f"导入测试项目{number}",
        "隶属": "章贡区",
        "类别": "科技创新平台",
        "建设内容或建设规模": "建设研发中心",
        "开工年月": date(2024, 3, 1),
        "竣工年月": date(2025, 12, 1),
        "建设单位": "某某公司",
        "总投资（万元）": 1200,
        "年度投资计划（万元）": 300,
    }
    row.update(values)
    return {k: v for k, v in row.items() if v is not None}


@pytest.fixture
def admin_user(db):
    return user("admin")


@pytest.fixture
def office(db):
    return user("office")


@pytest.fixture
def zhanggong_office(db):
    """An office account limited to 章贡区 (User Permission), as a county-level office would have."""
    account = User.objects.create_user("zg_office", password=DEMO_PASSWORD)
    account.groups.add(roles.group(roles.OFFICE))
    UserPermission.objects.create(user=account, allow="County", for_value="章贡区")
    return account


# ---------------------------------------------------------------- the template


@both_databases
def test_template_has_labels_fieldnames_child_columns_and_notes(admin_user):
    data = template(admin_user, "Task")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "重点任务"
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["编号", "工作方案"]
    assert {"任务名称", "牵头单位", "牵头及责任单位.单位", "牵头及责任单位.职责", "牵头及责任单位.联络员"} <= set(
        header
    )
    assert "创建时间" not in header and "工作流状态" not in header
    # The fieldname is in each header's comment and on the notes sheet.
    comments = {cell.value: cell.comment.text for cell in sheet[1]}
    assert "字段名：plan" in comments["工作方案"] and "必填" in comments["工作方案"]
    assert "字段名：units.role" in comments["牵头及责任单位.职责"] and "任务职责" in comments["牵头及责任单位.职责"]
    assert "新建记录时留空" in comments["编号"]
    notes = workbook["填写说明"]
    listed = {row[0]: row[1] for row in notes.iter_rows(values_only=True) if row[0]}
    assert listed["牵头及责任单位.单位"] == "units.unit" and listed["任务名称"] == "title"
    assert any("工作方案、序号" in (row[1] or "") for row in notes.iter_rows(values_only=True))
    # Drop-downs: the roles (data, Task Role), the units the user may link to on the hidden options sheet.
    assert workbook["选项"].sheet_state == "hidden"
    lists = {column[0]: column[1:] for column in workbook["选项"].iter_cols(values_only=True)}
    assert "市科技局" in lists["单位"] and "市科技局-廖家乐" in lists["联络员"]
    assert {"牵头", "责任", "配合"} <= set(lists["任务职责"])


@both_databases
def test_template_follows_renamed_labels(admin_user):
    from apps.lowcode.doctype.customization import PropertySetter

    PropertySetter.objects.create(doc_type="Project", field_name="responsible_leader", label="包保领导")
    header = sheet_rows(template(admin_user, "Project"))[0]
    assert "包保领导" in header and "包保责任领导" not in header
    data = fill(template(admin_user, "Project"), [project(40, 包保领导="张三")])
    report = import_workbook(admin_user, "Project", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["新建"], report.rows
    assert Project.objects.get(plan__name="2023", number=40).responsible_leader == "张三"


# ---------------------------------------------------------------- dry run, real run, all or nothing


def exported(user, doctype, name) -> dict:
    """A record as its export's row shows it, by header: what a person edits."""
    header, row = sheet_rows(export_queryset(user, doctype, [["name", "=", name]]))[:2]
    return {title: value for title, value in zip(header, row) if value is not None}


def bad_project_rows(user):
    """Rows 2–8 of a filled template: three good, four bad, one of the good an update of 2023-P01."""
    return [
        project(40),  # row 2: new
        project(41, **{"总投资（万元）": "很多"}),  # row 3: not a number
        project(42, 项目名称=None),  # row 4: required field missing
        project(43, 隶属="不存在县"),  # row 5: unknown link
        project(40, 项目名称="重复的项目"),  # row 6: same plan and number as row 2
        {**exported(user, "Project", "2023-P01"), "总投资（万元）": 99999},  # row 7: an update, by its name
        project(44),  # row 8: new
    ]


@both_databases
def test_dry_run_reports_each_bad_row_and_saves_nothing(office):
    data = fill(template(office, "Project"), bad_project_rows(office))
    before = Project.objects.count()
    p01 = Project.objects.get(name="2023-P01")

    report = import_workbook(office, "Project", upload(data), dry_run=True)

    rows = by_row(report)
    assert [(r.row, r.status) for r in report.rows] == [
        (2, "新建"),
        (3, "错误"),
        (4, "错误"),
        (5, "错误"),
        (6, "错误"),
        (7, "更新"),
        (8, "新建"),
    ]
    assert rows[3].message == "字段“总投资（万元）”应为数字，而不是“很多”"
    assert "缺少必填字段" in rows[4].message and "项目名称" in rows[4].message
    assert rows[5].message == "字段“隶属”：找不到县（市、区）“不存在县”"
    assert rows[6].message.startswith("与第2行重复（工作方案=2023、序号=40）")
    assert rows[2].name == "2023-P40" and rows[7].name == "2023-P01"
    assert report.dry_run and not report.saved and "未保存" in report.summary
    # Nothing was saved.
    assert Project.objects.count() == before
    p01.refresh_from_db()
    assert Project.objects.get(name="2023-P01").modified == p01.modified and p01.total_investment != 99999


@both_databases
def test_real_run_saves_good_rows_and_skips_bad_ones(office):
    data = fill(template(office, "Project"), bad_project_rows(office))
    before = Project.objects.count()

    report = import_workbook(office, "Project", upload(data), dry_run=False)

    assert report.saved and [r.status for r in report.rows].count("错误") == 4
    assert Project.objects.count() == before + 2
    assert Project.objects.get(name="2023-P40").project_name == "导入测试项目40"
    assert Project.objects.get(name="2023-P01").total_investment == Decimal("99999")
    assert not Project.objects.filter(number__in=[41, 42, 43]).exists()
    assert "有错误的 4 条未导入" in report.summary
    # Saved through the API's write path: the owner and the change history are recorded.
    created = Project.objects.get(name="2023-P40")
    assert created.owner == office and created.history.count() == 1
    assert Project.objects.get(name="2023-P01").history.first().history_user == office


@both_databases
def test_all_or_nothing_saves_nothing_when_a_row_is_bad(office):
    data = fill(template(office, "Project"), bad_project_rows(office))
    before = Project.objects.count()
    report = import_workbook(office, "Project", upload(data), dry_run=False, all_or_nothing=True)
    assert not report.saved and "全部不导入，未保存任何数据" in report.summary
    assert len(report.errors) == 4
    assert Project.objects.count() == before
    assert Project.objects.get(name="2023-P01").total_investment != 99999

    good = fill(template(office, "Project"), [project(40), project(44)])
    report = import_workbook(office, "Project", upload(good), dry_run=False, all_or_nothing=True)
    assert report.saved and Project.objects.count() == before + 2


@both_databases
def test_dry_run_sees_records_created_by_earlier_rows(admin_user):
    """A new unit, then a liaison of it, in one dry run: the second row links to the first's record."""
    units = fill(template(admin_user, "Unit"), [{"编号": "市数据局", "单位类型": "其他责任单位"}])
    report = import_workbook(admin_user, "Unit", upload(units), dry_run=True)
    assert [r.status for r in report.rows] == ["新建"]
    assert not Unit.objects.filter(name="市数据局").exists()

    data = workbook_of([["单位", "所在机构", "姓名"], ["市数据局", "市数据局", "李四"]])
    report = import_workbook(admin_user, "Liaison", upload(data), dry_run=True)
    assert report.rows[0].status == "错误" and "找不到单位“市数据局”" in report.rows[0].message


@both_databases
def test_value_outside_the_users_county_is_refused(zhanggong_office):
    data = fill(template(zhanggong_office, "Project"), [project(40), project(41, 隶属="信丰县")])
    report = import_workbook(zhanggong_office, "Project", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["新建", "错误"]
    assert report.rows[1].message == "字段“隶属”：找不到县（市、区）“信丰县”"
    assert Project.objects.get(number=40).county.name == "章贡区"
    # The template offers only the counties the user may link to.
    options = load_workbook(io.BytesIO(template(zhanggong_office, "Project")))["选项"]
    assert [c for c in options.iter_cols(values_only=True) if c[0] == "县（市、区）"][0][1:] == ("章贡区",)


@both_databases
def test_records_outside_the_users_scope_are_not_updated(zhanggong_office):
    other = Project.objects.exclude(county__name="章贡区").first()
    data = workbook_of([["编号", "总投资（万元）"], [other.name, 1]])
    report = import_workbook(zhanggong_office, "Project", upload(data), dry_run=False)
    assert report.rows[0].status == "错误"
    assert report.rows[0].message == f"找不到编号“{other.name}”的重点项目，或你没有权限修改它；该行未导入"
    other.refresh_from_db()
    assert other.total_investment != 1


# ---------------------------------------------------------------- re-import updates


@both_databases
def test_reimport_updates_instead_of_duplicating(office):
    rows = [project(40), project(41)]
    first = import_workbook(office, "Project", upload(fill(template(office, "Project"), rows)), dry_run=False)
    assert [r.status for r in first.rows] == ["新建", "新建"]
    count = Project.objects.count()
    stamp = Project.objects.get(number=40).modified

    again = import_workbook(office, "Project", upload(fill(template(office, "Project"), rows)), dry_run=False)
    assert [r.status for r in again.rows] == ["未变化", "未变化"]
    assert Project.objects.get(number=40).modified == stamp  # nothing written

    rows[1]["总投资（万元）"] = 1500.5
    changed = import_workbook(office, "Project", upload(fill(template(office, "Project"), rows)), dry_run=False)
    assert [r.status for r in changed.rows] == ["未变化", "更新"]
    assert Project.objects.count() == count
    assert Project.objects.get(number=41).total_investment == Decimal("1500.50")


@both_databases
def test_natural_keys_come_from_the_models():
    assert natural_keys(get_meta("Task")) == [("plan", "number")]
    assert natural_keys(get_meta("Liaison")) == [("unit", "person_name")]
    assert natural_keys(get_meta("SelfAssessment")) == [("period", "county"), ("period", "unit")]
    assert natural_keys(get_meta("Task Unit")) == [("unit", "role")]  # within its task: a unit once per role


@both_databases
def test_empty_cells_and_missing_columns_leave_an_existing_record_alone(office):
    """As in Frappe: a few cells filled in a full template update those fields and nothing else."""
    first, second = Project.objects.exclude(project_code="").exclude(responsible_leader="").order_by("id")[:2]
    code = first.project_code
    data = fill(template(office, "Project"), [{"编号": first.name}, {"编号": second.name, "项目代码": "X-2"}])
    report = import_workbook(office, "Project", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["未变化", "更新"]
    first.refresh_from_db()
    assert first.project_code == code and first.responsible_leader
    second = Project.objects.get(pk=second.pk)
    assert second.project_code == "X-2" and second.project_name and second.responsible_leader

    data = workbook_of([["编号", "总投资（万元）"], [first.name, 1]])  # a sheet of two columns
    assert [r.status for r in import_workbook(office, "Project", upload(data), dry_run=False).rows] == ["更新"]
    first.refresh_from_db()
    assert first.total_investment == 1 and first.project_code == code


# ---------------------------------------------------------------- a new jurisdiction from xlsx


def new_plan(admin_user):
    """What a new administrator loads first: counties, units, liaisons, the plan; returns the reports."""
    counties = fill(
        template(admin_user, "County"),
        [
            {"编号": "示范县", "排列顺序": 1},
            {"编号": "样板区", "排列顺序": 2, "简称/别名": "样板"},
        ],
    )
    units = fill(
        template(admin_user, "Unit"),
        [
            {"编号": "市数据局", "单位类型": "重点任务牵头单位", "排列顺序": 1},
            {"编号": "市统计局", "单位类型": "其他责任单位", "排列顺序": 2},
            {"编号": "示范县人民政府", "所属县（市、区）": "示范县", "排列顺序": 3},
        ],
    )
    liaisons = fill(
        template(admin_user, "Liaison"),
        [
            {
                "单位": "市数据局",
                "所在机构": "市数据局",
                "科室/职务": "规划科",
                "姓名": "王五",
                "联系电话": 13800000000,
            },
            {"单位": "市统计局", "所在机构": "市统计局", "姓名": "赵六"},
        ],
    )
    plan = fill(
        template(admin_user, "Action Plan"),
        [
            {
                "编号": "2024",
                "方案标题": "2024年科技创新赋能行动工作方案",
                "开始日期": "2024年1月1日",
                "结束日期": "2024年12月31日",
                "发文机关": "示范市科技创新赋能行动领导小组",
                "成文日期": "2024年2月1日",
                "总体目标.目标项": "认定高新技术企业",
                "总体目标.目标值（原文）": "300家",
                "总体目标.目标数值": 300,
                "总体目标.计量单位": "家",
            },
            {"总体目标.目标项": "研发投入强度", "总体目标.目标值（原文）": "1.5%", "总体目标.目标数值": "1.5"},
        ],
    )
    categories = fill(
        template(admin_user, "Assessment Category"),
        [
            {
                "工作方案": "2024",
                "类别名称": "一类县（市、区）",
                "简称": "一类",
                "排列顺序": 1,
                "考评对象类型": "县（市、区）",
            },
            {
                "工作方案": "2024",
                "类别名称": "市直单位",
                "简称": "市直单位",
                "排列顺序": 2,
                "考评对象类型": "单位",
                "表扬名额": 0,
                "约谈名额": 0,
            },
        ],
    )
    assessees = fill(
        template(admin_user, "Plan Assessee"),
        [
            {"工作方案": "2024", "考评分类": "2024-一类", "县（市、区）": "示范县"},
            {"工作方案": "2024", "考评分类": "2024-一类", "县（市、区）": "样板区"},
            {"工作方案": "2024", "考评分类": "2024-市直单位", "单位": "市数据局"},
        ],
    )
    return [
        import_workbook(admin_user, doctype, upload(data), dry_run=False)
        for doctype, data in (
            ("County", counties),
            ("Unit", units),
            ("Liaison", liaisons),
            ("Action Plan", plan),
            ("Assessment Category", categories),
            ("Plan Assessee", assessees),
        )
    ]


TASK_ROWS = [
    {
        "工作方案": "2024",
        "板块序号": 1,
        "任务板块": "（一）数据赋能",
        "序号": 1,
        "任务名称": "建设数据平台",
        "具体任务及要求": "建设全市科技数据平台。",
        "牵头单位": "市数据局",
        "牵头及责任单位.单位": "市数据局",
        "牵头及责任单位.职责": "牵头单位",
        "牵头及责任单位.联络员": "市数据局-王五",
    },
    {"牵头及责任单位.单位": "市统计局", "牵头及责任单位.职责": "责任单位", "牵头及责任单位.联络员": "市统计局-赵六"},
    {"牵头及责任单位.单位": "示范县人民政府", "牵头及责任单位.职责": "责任"},
    {
        "工作方案": "2024",
        "板块序号": 1,
        "任务板块": "（一）数据赋能",
        "序号": 2,
        "任务名称": "开展统计监测",
        "具体任务及要求": "按季度监测研发投入。",
        "牵头单位": "市统计局",
        "牵头及责任单位.单位": "市统计局",
        "牵头及责任单位.职责": "牵头",
    },
]


@both_databases
def test_a_new_plan_is_set_up_from_xlsx_with_task_units_as_continuation_rows(admin_user):
    reports = new_plan(admin_user)
    for report in reports:
        assert all(r.status == "新建" for r in report.rows), report.rows
    assert County.objects.get(name="样板区").alias_list() == ["样板"]
    assert Unit.objects.get(name="示范县人民政府").county.name == "示范县"
    assert Liaison.objects.get(name="市数据局-王五").phone == "13800000000"
    plan = ActionPlan.objects.get(name="2024")
    assert plan.issue_date == date(2024, 2, 1) and (plan.start_date, plan.end_date, plan.year) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        2024,
    )
    assert [(c.short_name, c.assessee_type, c.praised, c.interviewed) for c in plan.categories.all()] == [
        ("一类", "County", 3, 1),
        ("市直单位", "Unit", 0, 0),
    ]
    assert sorted(str(a) for a in plan.assessees.all()) == ["市数据局", "样板区", "示范县"]
    assert [(t.indicator, t.value) for t in plan.targets.all()] == [
        ("认定高新技术企业", 300),
        ("研发投入强度", Decimal("1.5")),
    ]

    report = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), TASK_ROWS)), dry_run=False)
    assert [(r.row, r.last_row, r.status) for r in report.rows] == [(2, 4, "新建"), (5, 5, "新建")], report.rows
    task = Task.objects.get(plan__name="2024", number=1)
    assert [(row.unit.name, row.role.name, row.liaison_id and row.liaison.person_name) for row in task.units.all()] == [
        ("市数据局", "牵头", "王五"),
        ("市统计局", "责任", "赵六"),
        ("示范县人民政府", "责任", None),
    ]
    assert [row.idx for row in task.units.all()] == [1, 2, 3]

    # The same sheet again: nothing changes, nothing is duplicated.
    again = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), TASK_ROWS)), dry_run=False)
    assert [r.status for r in again.rows] == ["未变化", "未变化"]
    assert Task.objects.filter(plan__name="2024").count() == 2 and task.units.count() == 3


@both_databases
def test_child_rows_are_replaced_by_the_sheet_and_unchanged_rows_keep_their_identity(admin_user):
    new_plan(admin_user)
    import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), TASK_ROWS)), dry_run=False)
    task = Task.objects.get(plan__name="2024", number=1)
    lead_row = task.units.get(unit__name="市数据局")

    # 示范县人民政府 is dropped, 样板 unit added in its place; 市统计局's liaison cell left empty keeps it.
    Unit.objects.create(name="样板区人民政府")
    rows = [
        dict(TASK_ROWS[0]),
        {**TASK_ROWS[1], "牵头及责任单位.联络员": None},
        {"牵头及责任单位.单位": "样板区人民政府", "牵头及责任单位.职责": "责任单位"},
    ]
    report = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), rows)), dry_run=False)
    assert [r.status for r in report.rows] == ["更新"], report.rows
    assert [(row.unit.name, row.liaison_id and row.liaison.person_name) for row in task.units.all()] == [
        ("市数据局", "王五"),
        ("市统计局", "赵六"),
        ("样板区人民政府", None),
    ]
    assert task.units.get(unit__name="市数据局").pk == lead_row.pk

    # A unit twice in one role of a task is refused by the table's own rule, with the sheet row
    # (in two roles it is accepted: tests/test_task_roles.py).
    rows = [dict(TASK_ROWS[0]), {"牵头及责任单位.单位": "市数据局", "牵头及责任单位.职责": "牵头单位"}]
    report = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), rows)), dry_run=True)
    assert report.rows[0].status == "错误" and "牵头及责任单位" in report.rows[0].message


@both_databases
def test_continuation_row_without_a_record_above_is_an_error(admin_user):
    data = workbook_of([["工作方案", "序号", "牵头及责任单位.单位"], [None, None, "市科技局"]])
    report = import_workbook(admin_user, "Task", upload(data))
    assert report.rows[0].status == "错误" and "上方没有它所属的记录" in report.rows[0].message


# ---------------------------------------------------------------- reading cells and headers


@both_databases
def test_headers_by_label_or_fieldname_tolerating_spaces_and_full_width_forms(admin_user):
    new_plan(admin_user)
    data = workbook_of(
        [
            [
                "plan",
                " 板块序号 ",
                "任务板块",
                "ＮＵＭＢＥＲ",
                "任务名称*",
                "具体任务及要求",
                "牵头单位",
                "牵头及责任单位 ． 单位",
                "units.role",
                "牵头及责任单位。联络员",
                "备用列",
            ],
            [
                "2024",
                "１",
                "（一）数据赋能",
                "３",
                "第三项",
                "内容",
                "市数据局",
                "市数据局",
                "牵头",
                "市数据局-王五",
                "x",
            ],
        ]
    )
    report = import_workbook(admin_user, "Task", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["新建"], report.rows
    assert report.warnings == ["以下列不是“重点任务”的字段，已忽略：“备用列”"]
    task = Task.objects.get(plan__name="2024", number=3)
    assert task.section_number == 1 and task.units.get().liaison.person_name == "王五"
    assert header_key("牵头及责任单位 ． 单位") == header_key("牵头及责任单位.单位")


@both_databases
def test_cells_are_normalised(admin_user):
    data = workbook_of(
        [
            ["编号", "排列顺序", "简称/别名"],
            ["  新区甲 ", "1,234", "甲区"],
            ["新区乙", 7.0, None],
        ]
    )
    report = import_workbook(admin_user, "County", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["新建", "新建"], report.rows
    assert County.objects.get(name="新区甲").order == 1234 and County.objects.get(name="新区乙").order == 7

    data = workbook_of(
        [
            ["编号", "单位类型", "所属县（市、区）"],
            ["单位甲", "重点任务牵头单位", "赣县区(赣州高新区)"],  # half-width brackets in a link name
            ["单位戊", "不存在的类型", None],
        ]
    )
    report = import_workbook(admin_user, "Unit", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["新建", "错误"], report.rows
    assert Unit.objects.get(name="单位甲").county.name == "赣县区（赣州高新区）"
    assert by_row(report)[3].message.startswith(
        "字段“单位类型”只能填：领导小组成员单位、重点任务牵头单位、其他责任单位"
    )

    label = "市直单位考评指标（附表3-2）"
    data = workbook_of(
        [
            ["工作方案", "考评方案", "顺序", "指标类别", "分值", "加分项"],
            ["2023", label, 11, "甲", 1, "是"],
            ["2023", label, 12, "乙", 1, "√"],
            ["2023", label, 13, "丙", 1, "否"],
            ["2023", label, 14, "丁", 1, "也许"],
        ]
    )
    report = import_workbook(admin_user, "Indicator Group", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["新建", "新建", "新建", "错误"], report.rows
    bonus = dict(IndicatorGroup.objects.filter(plan__name="2023", order__gt=10).values_list("title", "is_bonus"))
    assert bonus == {"甲": True, "乙": True, "丙": False}
    assert by_row(report)[5].message == "字段“加分项”应填“是”或“否”，而不是“也许”"


@both_databases
def test_dates_and_numbers_in_every_form(office):
    rows = [
        project(40, 开工年月="2024年3月", 竣工年月="2025/6/1", **{"总投资（万元）": "１，２００．５"}),
        project(41, 开工年月=datetime(2024, 4, 1), 竣工年月=45627, **{"年度投资计划（万元）": "300"}),
        project(42, 开工年月="明年"),
    ]
    rows[2]["序号"] = 42.5
    report = import_workbook(office, "Project", upload(fill(template(office, "Project"), rows)), dry_run=False)
    assert [r.status for r in report.rows] == ["新建", "新建", "错误"], report.rows
    first, second = Project.objects.get(number=40), Project.objects.get(number=41)
    assert (first.start_month, first.end_month, first.total_investment) == (
        date(2024, 3, 1),
        date(2025, 6, 1),
        Decimal("1200.50"),
    )
    assert (second.start_month, second.end_month) == (date(2024, 4, 1), date(2024, 12, 1))
    assert "字段“序号”应为整数" in report.rows[2].message and "字段“开工年月”应为日期" in report.rows[2].message


# ---------------------------------------------------------------- export


@both_databases
def test_export_of_a_filtered_list_has_only_matching_records(office):
    data = export_queryset(office, "Project", [["county", "=", "崇义县"]])
    rows = sheet_rows(data)
    header = rows[0]
    assert header[0] == "编号" and "隶属" in header and "总投资（万元）" in header
    county = header.index("隶属")
    assert len(rows) == 4 and {row[county] for row in rows[1:]} == {"崇义县"}
    started = rows[1][header.index("开工年月")]
    assert isinstance(started, datetime)  # a real Excel date


@both_databases
def test_a_county_user_exports_only_their_county(zhanggong_office):
    rows = sheet_rows(export_queryset(zhanggong_office, "Project"))
    county = rows[0].index("隶属")
    assert len(rows) > 1 and {row[county] for row in rows[1:]} == {"章贡区"}
    # Even a queryset of every project (the admin's) is narrowed to the user's scope.
    rows = sheet_rows(export_queryset(zhanggong_office, "Project", Project.objects.all()))
    assert {row[county] for row in rows[1:]} == {"章贡区"}


@both_databases
def test_export_then_reimport_is_unchanged_throughout(admin_user):
    for doctype in ("Task", "Project", "Unit", "County", "Liaison", "Action Plan", "Indicator"):
        data = export_queryset(admin_user, doctype)
        report = import_workbook(admin_user, doctype, upload(data), dry_run=False)
        assert report.rows and {r.status for r in report.rows} == {"未变化"}, (doctype, report.errors[:3])


@both_databases
def test_edited_export_updates_the_records_it_came_from(office):
    data = export_queryset(office, "Task", [["plan", "=", "2023"]])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    title = header.index("任务名称") + 1
    sheet.cell(row=2, column=title, value="实施企业创新能力提升行动（修订）")
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_workbook(office, "Task", upload(buffer.getvalue()), dry_run=False)
    assert report.count("更新") == 1 and report.count("未变化") == 28 and report.count("新建") == 0
    assert Task.objects.get(name="2023-T01").title.endswith("（修订）")


@both_databases
def test_export_with_chosen_fields(office):
    rows = sheet_rows(export_queryset(office, "Task", None, fields=["title", "units.unit"]))
    assert rows[0] == ("编号", "任务名称", "牵头及责任单位.单位")
    with pytest.raises(ValidationError, match="没有字段 nonsense"):
        export_queryset(office, "Task", None, fields=["nonsense"])


@both_databases
def test_the_workflow_state_is_exported_and_checked_not_set(office):
    from tests.test_workflow_api import create_assessment

    assessment = SelfAssessment.objects.get(name=create_assessment("zhanggong")["name"])
    data = export_queryset(office, "SelfAssessment", [["name", "=", assessment.name]])
    header = sheet_rows(data)[0]
    assert "工作流状态" in header
    assert [r.status for r in import_workbook(office, "SelfAssessment", upload(data)).rows] == ["未变化"]

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=header.index("工作流状态") + 1, value="已审定")
    sheet.cell(row=2, column=header.index("自评总体情况") + 1, value="改过的总体情况")
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_workbook(office, "SelfAssessment", upload(buffer.getvalue()), dry_run=False)
    assert report.rows[0].status == "错误" and "不能直接修改工作流状态" in report.rows[0].message
    assert SelfAssessment.objects.get(pk=assessment.pk).workflow_state == assessment.workflow_state


# ---------------------------------------------------------------- custom fields


@pytest.fixture
def task_fields(db):
    """Fields an administrator adds to Task: 配合单位 (a multi-link), a select, a date and a check."""
    from apps.lowcode.doctype.customization import CustomField

    values = [
        dict(
            fieldname="cooperating_units",
            label="配合单位",
            fieldtype="Table MultiSelect",
            options="Unit",
            insert_after="lead_unit",
        ),
        dict(
            fieldname="custom_level", label="任务级别", fieldtype="Select", options="省级\n市级\n县级", default="市级"
        ),
        dict(fieldname="custom_due", label="完成时限", fieldtype="Date"),
        dict(fieldname="custom_key", label="重点督办", fieldtype="Check"),
    ]
    for field in values:
        custom = CustomField(dt="Task", **field)
        custom.full_clean()
        custom.save()


CUSTOM_TASK_ROWS = [
    {
        **TASK_ROWS[0],
        "配合单位": "市统计局、示范县人民政府",
        "任务级别": "省级",
        "完成时限": "2024年6月30日",
        "重点督办": "是",
    },
    TASK_ROWS[1],
    TASK_ROWS[2],
    {**TASK_ROWS[3], "配合单位": "市数据局", "完成时限": date(2024, 12, 31), "重点督办": "否"},
]


@both_databases
def test_custom_fields_are_columns_of_the_template(admin_user, task_fields):
    workbook = load_workbook(io.BytesIO(template(admin_user, "Task")))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[header.index("牵头单位") + 1] == "配合单位"  # where the administrator placed it
    assert {"任务级别", "完成时限", "重点督办"} <= set(header)
    comments = {cell.value: cell.comment.text for cell in sheet[1]}
    assert "多个以顿号“、”分隔" in comments["配合单位"] and "字段名：custom_cooperating_units" in comments["配合单位"]
    assert "可选：省级、市级、县级" in comments["任务级别"]
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"省级,市级,县级"' in formulas and '"是,否"' in formulas


@both_databases
def test_custom_fields_import_export_and_round_trip(admin_user, task_fields):
    new_plan(admin_user)
    rows = [dict(r) for r in CUSTOM_TASK_ROWS]
    report = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), rows)), dry_run=False)
    assert [r.status for r in report.rows] == ["新建", "新建"], report.rows
    first, second = Task.objects.get(plan__name="2024", number=1), Task.objects.get(plan__name="2024", number=2)
    assert first.custom_values == {
        "custom_cooperating_units": ["市统计局", "示范县人民政府"],
        "custom_level": "省级",
        "custom_due": "2024-06-30",
        "custom_key": 1,
    }
    assert second.custom_level == "市级"  # the field's default, the cell being empty
    assert (second.custom_due, second.custom_key, second.custom_cooperating_units) == ("2024-12-31", 0, ["市数据局"])

    data = export_queryset(admin_user, "Task", [["plan", "=", "2024"], ["custom_key", "=", 1]])
    exported_rows = sheet_rows(data)
    header = exported_rows[0]
    record = dict(zip(header, exported_rows[1]))
    assert len([r for r in exported_rows[1:] if r[0]]) == 1 and record["编号"] == first.name
    assert record["配合单位"] == "市统计局、示范县人民政府" and record["重点督办"] == "是"
    assert record["任务级别"] == "省级" and record["完成时限"] == datetime(2024, 6, 30)

    everything = export_queryset(admin_user, "Task", [["plan", "=", "2024"]])
    assert {r.status for r in import_workbook(admin_user, "Task", upload(everything)).rows} == {"未变化"}

    # The same sheet again (任务级别 of task 2 empty: it keeps its default), with two cells of task 1 changed.
    rows[0]["配合单位"] = "市统计局"
    rows[0]["重点督办"] = "否"
    report = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), rows)), dry_run=False)
    assert [r.status for r in report.rows] == ["更新", "未变化"], report.rows
    first.refresh_from_db()
    assert (first.custom_cooperating_units, first.custom_key) == (["市统计局"], 0)


@both_databases
def test_bad_custom_values_are_reported_by_field(admin_user, task_fields):
    new_plan(admin_user)
    rows = [
        {**CUSTOM_TASK_ROWS[0], "配合单位": "市统计局、不存在的单位"},
        {**CUSTOM_TASK_ROWS[3], "任务级别": "国家级"},
        {**CUSTOM_TASK_ROWS[3], "序号": 3, "完成时限": "年底"},
    ]
    report = import_workbook(admin_user, "Task", upload(fill(template(admin_user, "Task"), rows)))
    assert [r.status for r in report.rows] == ["错误", "错误", "错误"]
    assert report.rows[0].message == "字段“配合单位”：找不到单位“不存在的单位”"
    assert report.rows[1].message.startswith("字段“任务级别”只能填：省级、市级、县级")
    assert report.rows[2].message.startswith("字段“完成时限”应为日期")


# ---------------------------------------------------------------- hostile files and limits


@both_databases
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("任务.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不支持旧版 .xls 文件"),
        ("任务.csv", b"a,b\n1,2\n", "只能导入 .xlsx 格式"),
        ("任务.xlsx", b"just some text, renamed", "不是 .xlsx 格式"),
        ("任务.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .xls 格式或设置了打开密码"),
        ("任务.xlsx", b"", "文件为空"),
    ],
)
def test_files_that_are_not_xlsx_are_refused(office, name, content, message):
    with pytest.raises(ValidationError, match=message):
        import_workbook(office, "Task", SimpleUploadedFile(name, content))


@both_databases
def test_too_big_and_too_many_rows_are_refused(office, monkeypatch):
    data = fill(template(office, "Project"), [project(40 + i) for i in range(4)])
    with pytest.raises(FileTooLargeError, match="文件过大"):
        import_workbook(office, "Project", upload(data + b"\0" * reader.MAX_FILE_SIZE))
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="数据超过 3 行，请分成几个文件分批导入"):
        import_workbook(office, "Project", upload(data))
    assert not Project.objects.filter(number=40).exists()


@both_databases
def test_a_sheet_without_a_header_or_with_a_column_twice_is_refused(office):
    with pytest.raises(ValidationError, match="找不到表头"):
        import_workbook(office, "Task", upload(workbook_of([["甲", "乙"], [1, 2]])))
    with pytest.raises(ValidationError, match="“序号”出现了两次"):
        import_workbook(office, "Task", upload(workbook_of([["序号", "序号"], [1, 2]])))
    with pytest.raises(ValidationError, match="“序号”和“number”是同一个字段"):
        import_workbook(office, "Task", upload(workbook_of([["序号", "number"], [1, 2]])))


@both_databases
def test_an_empty_sheet_imports_nothing(office):
    report = import_workbook(office, "Task", upload(template(office, "Task")), dry_run=False)
    assert report.rows == [] and not report.saved and "没有数据行" in report.summary


# ---------------------------------------------------------------- permissions


@both_databases
def test_who_may_import(office):
    with pytest.raises(PermissionError, match="没有导入“单位”的权限"):
        import_workbook(user("zhanggong"), "Unit", upload(template(user("admin"), "Unit")))
    with pytest.raises(PermissionError, match="没有导入“重点任务”的权限"):
        import_workbook(user("leader"), "Task", upload(template(office, "Task")))
    with pytest.raises(PermissionError, match="是子表"):
        import_workbook(office, "Task Unit", upload(template(office, "Task")))
    with pytest.raises(PermissionError, match="不能导入"):
        import_workbook(user("admin"), "Score", upload(template(office, "Task")))
    with pytest.raises(PermissionError):
        template(user("zhanggong"), "Unit")
    with pytest.raises(PermissionError, match="没有查看"):
        export_queryset(User.objects.create_user("nobody"), "Task")


# ---------------------------------------------------------------- the admin


def changelist(model):
    return reverse(f"admin:innovation_action_{model}_changelist")


def test_admin_list_offers_export_and_import(login):
    page = login("office").get(changelist("task")).content.decode()
    assert "导出 Excel" in page and "导入 Excel" in page and "导出所选记录到 Excel" in page


def test_a_county_user_may_export_but_not_import_units(login, api):
    """At their door, the API (county users are not admin users, issue 18); the admin's pages send them away."""
    client = api.as_user("zhanggong")
    exported = client.get("/api/method/frappe.desk.reportview.export_query", {"doctype": "Unit"})
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX
    template = client.get(
        "/api/method/frappe.core.doctype.data_import.data_import.download_template", {"doctype": "Unit"}
    )
    assert template.status_code == 403 and template.json()["exc_type"] == "PermissionError"
    imported = client.post(
        "/api/method/frappe.core.doctype.data_import.data_import.import_file",
        {"doctype": "Unit", "file": upload(fill(template_bytes_for_admin("Unit"), []))},
        format="multipart",
    )
    assert imported.status_code == 403 and imported.json()["exc_type"] == "PermissionError"
    admin_pages = login("zhanggong")
    for name in ("changelist", "excel_import", "excel_template"):
        assert admin_pages.get(reverse(f"admin:innovation_action_unit_{name}"))["Location"] == "/app/"


def template_bytes_for_admin(doctype):
    from django.contrib.auth.models import User

    return template(User.objects.get(username="admin"), doctype)


def test_admin_export_is_the_filtered_list(login):
    client = login("office")
    county = County.objects.get(name="崇义县")
    page = client.get(changelist("project"), {"county__id__exact": county.pk}).content.decode()
    export_url = reverse("admin:innovation_action_project_excel_export")
    assert f"{export_url}?county__id__exact={county.pk}" in page
    response = client.get(export_url, {"county__id__exact": county.pk})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert len(rows) == 4 and {row[rows[0].index("隶属")] for row in rows[1:]} == {"崇义县"}
    # A search too.
    rows = sheet_rows(client.get(reverse("admin:innovation_action_task_excel_export"), {"q": "廖秋红"}).content)
    assert [row[0] for row in rows[1:] if row[0]] == ["2023-T08"]


def test_admin_action_exports_the_selected_records(login):
    client = login("office")
    chosen = list(Project.objects.order_by("id")[:2])
    response = client.post(
        changelist("project"), {"action": "export_selected_to_excel", "_selected_action": [p.pk for p in chosen]}
    )
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert [row[0] for row in sheet_rows(response.content)[1:]] == [p.name for p in chosen]


def test_admin_import_dry_run_then_import(login):
    client = login("office")
    url = reverse("admin:innovation_action_project_excel_import")
    page = client.get(url).content.decode()
    assert "下载导入模板" in page and "试导入（不保存）" in page and "任何一行有错误时全部不导入" in page
    blank = client.get(reverse("admin:innovation_action_project_excel_template"))
    assert blank.status_code == 200 and sheet_rows(blank.content)[0][0] == "编号"

    data = fill(blank.content, [project(40), project(41, 隶属="不存在县")])
    before = Project.objects.count()
    response = client.post(url, {"file": upload(data), "action": "dry_run"})
    page = response.content.decode()
    assert response.status_code == 200 and "试导入结果（未保存）" in page
    assert "第2行" in page and "新建" in page and "找不到县（市、区）“不存在县”" in page
    assert Project.objects.count() == before
    token = response.context["token"]
    assert token

    # 导入 with "all or nothing": the bad row stops everything.
    response = client.post(url, {"token": token, "action": "import", "all_or_nothing": "1"})
    assert "全部不导入" in response.content.decode() and Project.objects.count() == before
    # The kept file is gone after an import: a new dry run is needed.
    response = client.post(url, {"token": token, "action": "import"})
    assert "已过期" in response.content.decode()

    response = client.post(url, {"file": upload(data), "action": "dry_run"})
    response = client.post(url, {"token": response.context["token"], "action": "import"})
    assert "导入完成" in response.content.decode() and Project.objects.count() == before + 1


def test_admin_import_refuses_a_bad_file_with_a_message(login):
    response = login("office").post(
        reverse("admin:innovation_action_task_excel_import"),
        {"file": SimpleUploadedFile("旧表.xls", b"\xd0\xcf\x11\xe0"), "action": "dry_run"},
    )
    assert "不支持旧版 .xls 文件" in response.content.decode()
    response = login("office").post(reverse("admin:innovation_action_task_excel_import"), {"action": "dry_run"})
    assert "请选择要导入的 Excel 文件" in response.content.decode()


def test_admin_lists_with_their_own_template_keep_the_buttons(login):
    client = login("office")
    for model in ("project", "officialvalue", "score"):
        assert "导出 Excel" in client.get(changelist(model)).content.decode(), model


# ---------------------------------------------------------------- the API


def test_api_export_query(api):
    response = api.as_user("office").get(
        "/api/method/frappe.desk.reportview.export_query",
        {"doctype": "Project", "fields": '["project_name", "county"]', "filters": '[["county", "=", "崇义县"]]'},
    )
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = sheet_rows(response.content)
    assert rows[0] == ("编号", "项目名称", "隶属") and len(rows) == 4
    response = api.get("/api/method/frappe.desk.reportview.export_query", {"doctype": "Nope"})
    assert response.status_code == 404


def test_api_import_file_dry_run_and_real(api):
    client = api.as_user("office")
    blank = client.get(
        "/api/method/frappe.core.doctype.data_import.data_import.download_template", {"doctype": "Project"}
    )
    assert blank.status_code == 200
    data = fill(blank.content, [project(40), project(41, **{"总投资（万元）": "abc"})])
    url = "/api/method/frappe.core.doctype.data_import.data_import.import_file"
    response = client.post(url, {"doctype": "Project", "file": upload(data)}, format="multipart")
    assert response.status_code == 200, response.content
    message = response.json()["message"]
    assert message["dry_run"] and not message["saved"]
    assert message["counts"] == {"新建": 1, "更新": 0, "未变化": 0, "错误": 1}
    assert message["rows"][1]["row"] == 3 and "应为数字" in message["rows"][1]["message"]
    assert not Project.objects.filter(number=40).exists()

    response = client.post(url, {"doctype": "Project", "file": upload(data), "dry_run": "0"}, format="multipart")
    assert response.json()["message"]["saved"] and Project.objects.filter(number=40).exists()


def test_api_import_refusals(api):
    client = api.as_user("zhanggong")
    url = "/api/method/frappe.core.doctype.data_import.data_import.import_file"
    response = client.post(
        url, {"doctype": "Unit", "file": upload(workbook_of([["编号"], ["甲"]]))}, format="multipart"
    )
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"
    response = api.as_user("office").post(url, {"doctype": "Task"}, format="multipart")
    assert response.status_code == 417 and "multipart" in response.json()["message"]


def test_api_methods_are_in_the_openapi_document(api):
    paths = api.get("/api/schema/").json()["paths"]
    assert "/api/method/frappe.desk.reportview.export_query" in paths
    assert "requestBody" in paths["/api/method/frappe.core.doctype.data_import.data_import.import_file"]["post"]
