"""The issue's check: a new administrator sets up another jurisdiction's plan with only the admin's
customisation and xlsx imports — its own units, a task table with 牵头/责任/配合 columns, yearly targets
per county — then a county runs its self-assessment through the workflow and the office prints for it.
No code knows this jurisdiction; everything below goes through the generic machinery."""

import pytest
from django.contrib.auth.models import User

from apps.innovation_action import roles
from apps.innovation_action.models import AssessmentPeriod, County, SelfAssessment, Task
from apps.innovation_action.services import periods
from apps.lowcode.data_import import export_queryset, import_workbook, template
from apps.lowcode.doctype.customization import CustomField
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document
from apps.lowcode.models import UserPermission
from apps.lowcode.print_format.service import print_document
from apps.lowcode.workflow import engine
from tests import pdf_tools
from tests.test_data_import import fill, sheet_rows, upload

pytestmark = pytest.mark.django_db


def user(username):
    return User.objects.get(username=username)


def imported(admin, doctype, rows):
    """Fill the downloaded template, try it, then import it; every row must be new."""
    data = fill(template(admin, doctype), rows)
    trial = import_workbook(admin, doctype, upload(data), dry_run=True)
    assert not trial.errors, trial.errors
    report = import_workbook(admin, doctype, upload(data), dry_run=False, all_or_nothing=True)
    assert {r.status for r in report.rows} == {"新建"}, report.rows
    return report


def test_a_new_jurisdiction_from_the_admin_and_xlsx_only(client):
    admin = user("admin")
    # 1. Fields the jurisdiction needs that the doctypes lack, added as data.
    for values in (
        {
            "dt": "Task",
            "fieldname": "custom_cooperating_units",
            "label": "配合单位",
            "fieldtype": "Table MultiSelect",
            "options": "Unit",
            "insert_after": "lead_unit",
            "in_list_view": True,
            "in_standard_filter": True,
        },
        {
            "dt": "County",
            "fieldname": "custom_rd_target_2025",
            "label": "2025年研发投入强度目标（%）",
            "fieldtype": "Float",
        },
        {
            "dt": "County",
            "fieldname": "custom_new_firms_target_2025",
            "label": "2025年新增高企目标（家）",
            "fieldtype": "Int",
        },
    ):
        field = CustomField(**values)
        field.full_clean()
        field.save()

    # 2. Reference data and the plan, from the templates the admin downloads.
    imported(
        admin,
        "County",
        [
            {
                "编号": "东湖区",
                "排列顺序": 101,
                "2025年研发投入强度目标（%）": 2.6,
                "2025年新增高企目标（家）": 40,
            },
            {
                "编号": "西山县",
                "排列顺序": 102,
                "2025年研发投入强度目标（%）": 1.8,
                "2025年新增高企目标（家）": 15,
            },
        ],
    )
    imported(
        admin,
        "Unit",
        [
            {"编号": "湖城市科技局", "单位类型": "重点任务牵头单位", "排列顺序": 101},
            {"编号": "湖城市财政局", "单位类型": "其他责任单位", "排列顺序": 102},
            {"编号": "湖城市统计局", "单位类型": "其他责任单位", "排列顺序": 103},
            {"编号": "东湖区人民政府", "所属县（市、区）": "东湖区", "排列顺序": 104},
        ],
    )
    imported(
        admin,
        "Liaison",
        [
            {
                "单位": "湖城市科技局",
                "所在机构": "湖城市科技局",
                "科室/职务": "规划科",
                "姓名": "周一",
                "联系电话": "13900000001",
            },
            {"单位": "湖城市财政局", "所在机构": "湖城市财政局", "科室/职务": "教科文科", "姓名": "吴二"},
        ],
    )
    imported(
        admin,
        "Action Plan",
        [
            {
                "编号": "2025",
                "方案标题": "2025年湖城市科技创新赋能行动工作方案",
                "发文机关": "湖城市科技创新赋能行动领导小组",
                "开始日期": "2025-01-01",
                "结束日期": "2025-12-31",
            },
        ],
    )
    # Its categories and who takes part in which: the plan's own, none of 赣州's.
    imported(
        admin,
        "Assessment Category",
        [
            {"工作方案": "2025", "类别名称": "一类县（市、区）", "简称": "一类", "排列顺序": 1},
            {"工作方案": "2025", "类别名称": "二类县（市、区）", "简称": "二类", "排列顺序": 2},
        ],
    )
    imported(
        admin,
        "Plan Assessee",
        [
            {"工作方案": "2025", "考评分类": "2025-一类", "县（市、区）": "东湖区"},
            {"工作方案": "2025", "考评分类": "2025-二类", "县（市、区）": "西山县"},
        ],
    )
    # The task table: 牵头 as the lead unit, 责任 as rows of the unit table (continuation rows), 配合 in one cell.
    imported(
        admin,
        "Task",
        [
            {
                "工作方案": "2025",
                "板块序号": 1,
                "任务板块": "（一）强化企业创新主体地位",
                "序号": 1,
                "任务名称": "培育高新技术企业",
                "具体任务及要求": "新增高新技术企业55家。",
                "牵头单位": "湖城市科技局",
                "配合单位": "湖城市统计局、湖城市财政局",
                "牵头及责任单位.单位": "湖城市科技局",
                "牵头及责任单位.职责": "牵头单位",
                "牵头及责任单位.联络员": "湖城市科技局-周一",
            },
            {
                "牵头及责任单位.单位": "湖城市财政局",
                "牵头及责任单位.职责": "责任单位",
                "牵头及责任单位.联络员": "湖城市财政局-吴二",
            },
            {"牵头及责任单位.单位": "东湖区人民政府", "牵头及责任单位.职责": "责任单位"},
        ],
    )
    imported(
        admin,
        "Indicator Group",
        [
            {"工作方案": "2025", "考评方案": "县级", "顺序": 1, "指标类别": "科技创新指标", "分值": 100},
        ],
    )
    group = get_meta("Indicator Group").model.objects.get(plan__name="2025")
    imported(
        admin,
        "Indicator",
        [
            {"指标类别": group.name, "序号": 1, "考核指标": "新增高新技术企业数", "分值": 60, "计分方法": "评审打分"},
            {"指标类别": group.name, "序号": 2, "考核指标": "科技管理部门能力建设", "分值": 40, "计分方法": "评审打分"},
        ],
    )
    imported(
        admin,
        "Assessment Period",
        [
            {
                "工作方案": "2025",
                "周期类型": "季度",
                "序号": 1,
                "开始日期": "2025-01-01",
                "结束日期": "2025-03-31",
                "报送截止日期": "2025-04-10",
            },
        ],
    )

    task = Task.objects.get(plan__name="2025", number=1)
    assert task.lead_unit.name == "湖城市科技局"
    assert [(r.unit.name, r.role.name) for r in task.units.all()] == [
        ("湖城市科技局", "牵头"),
        ("湖城市财政局", "责任"),
        ("东湖区人民政府", "责任"),
    ]
    assert task.custom_cooperating_units == ["湖城市统计局", "湖城市财政局"]
    assert County.objects.get(name="东湖区").custom_values["custom_new_firms_target_2025"] == 40
    # The targets come back out the way they went in.
    exported = sheet_rows(export_queryset(admin, "County", [["name", "in", ["东湖区", "西山县"]]]))
    assert ("东湖区", 101, None, 2.6, 40) in exported

    # 3. The county's user, then the self-assessment through the workflow.
    county_user = User.objects.create_user("donghu", password="x")
    county_user.groups.add(roles.group(roles.COUNTY_USER))
    UserPermission.objects.create(user=county_user, allow="County", for_value="东湖区")
    period = AssessmentPeriod.objects.get(plan__name="2025")
    opened = periods.open_period(user("office"), period)
    assert sorted(opened.created) == ["2025-Q1-东湖区", "2025-Q1-西山县"]  # its assessees only
    assessment = SelfAssessment.objects.get(period=period, county__name="东湖区")
    assert [line.indicator.title for line in assessment.lines.select_related("indicator")] == [
        "新增高新技术企业数",
        "科技管理部门能力建设",
    ]  # the plan's own indicators, prefilled
    data = doc_to_dict(assessment)
    for row, score in zip(data["lines"], (55, 36)):
        row.update(self_score=score, evidence="新增高企52家", analysis="基本完成")
    save_document(county_user, get_meta("SelfAssessment"), data, name=assessment.name)
    engine.apply_workflow(county_user, SelfAssessment, assessment.name, "提交")
    engine.apply_workflow(user("office"), SelfAssessment, assessment.name, "初审通过")
    engine.apply_workflow(user("leader"), SelfAssessment, assessment.name, "审定通过")
    assessment.refresh_from_db()
    assert assessment.workflow_state == "已审定"

    # 4. Printing for it: the county's 自评报告表, and the quarter's ranking notice (a preview: other
    #    西山县 has not finished, so it is marked provisional).
    form = pdf_tools.text(print_document(user("office"), "SelfAssessment", assessment.name, "自评报告表").pdf)
    assert "东湖区" in form and "新增高新技术企业数" in form.replace(" ", "")
    notice = pdf_tools.text(print_document(user("office"), "Assessment Period", period.name, "季度排名通报").pdf)
    assert "东湖区" in notice.replace(" ", "")
