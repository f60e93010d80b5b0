"""Fixture fidelity: the loaded 2023 plan matches seed 000, table by table.

The expected values below were typed from the seed's 附件1/2/3, independently
of the YAML files, so a slip in either shows up here.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from apps.innovation_action.models import (
    BonusRule,
    County,
    Indicator,
    IndicatorGroup,
    Liaison,
    PlanAssessee,
    Scheme,
    Task,
    TaskUnit,
    Unit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# 附件1: task number -> (lead unit, responsible units in the seed's order)
TASK_UNITS = {
    1: ("市科技局", ["市政府金融办", "市工信局"]),
    2: ("市科技局", ["市工信局", "市税务局"]),
    3: ("市科技局", ["市工信局"]),
    4: ("市国资委", ["市科技局", "市工信局"]),
    5: ("市工信局", ["市科技局"]),
    6: ("市教育局", ["市科技局", "市财政局"]),
    7: ("市科技局", ["市财政局"]),
    8: ("市卫健委", ["市财政局", "市科技局"]),
    9: ("市科技局", ["市财政局"]),
    10: ("市科技局", ["市财政局"]),
    11: ("市科技局", ["市人社局"]),
    12: ("市政府金融办", ["市科技局"]),
    13: (
        "市科技局",
        ["市自然资源局", "市发展改革委", "市住建局", "赣州城投集团", "章贡区人民政府", "赣州高新区管委会"],
    ),
    14: ("市科技局", ["市发展改革委", "市工信局"]),
    15: ("市卫健委", ["市科技局"]),
    16: ("市科技局", ["市工信局", "市国资委"]),
    17: ("市科技局", ["市委人才办", "赣州高新区管委会"]),
    18: ("市科技局", ["市发展改革委", "市工信局"]),
    19: ("赣南科学院", ["市农业农村局", "市科技局", "市林业局"]),
    20: ("市科技局", ["市发展改革委", "市生态环境局", "市工信局", "市住建局"]),
    21: ("赣州高新区管委会", ["市工信局", "市科技局"]),
    22: ("市科技局", ["市工信局", "市发展改革委", "章贡区人民政府", "信丰县人民政府"]),
    23: ("市工信局", ["市科技局", "市国资委"]),
    24: ("市委人才办", []),
    25: ("市委人才办", ["市科技局", "市国资委", "市政府金融办", "市人社局", "赣州发投集团", "赣州市人才集团"]),
    26: ("市委人才办", ["市科技局", "市人社局", "市商务局", "市住建局", "赣州城投集团", "市住房服务中心"]),
    27: ("市委人才办", ["市科技局", "市卫健委", "市人社局"]),
    28: ("市教育局", ["市科技局", "市工信局", "市人社局", "市科协"]),
    29: ("市发展改革委", ["市人社局", "市科技局", "市科协", "赣州高新区管委会"]),
}

# Every liaison of 附件1: (unit, organisation as written, department, name)
LIAISONS = {
    ("市科技局", "市科技局", "赋能办", "廖家乐"),
    ("市政府金融办", "市政府金融办", "综合科", "曾俊"),
    ("市政府金融办", "市政府金融办", "资本市场科", "沈媛"),
    ("市工信局", "市工信局", "科技科", "顾宏诚"),
    ("市国资委", "市国资委", "办公室", "肖健"),
    ("市教育局", "赣州市教育局", "职成科", "李师军"),
    ("市财政局", "市财政局", "教科文科", "唐松跃"),
    ("市财政局", "市财政局", "社会保障科", "廖秋红"),
    ("市卫健委", "市卫健委", "人事科教科", "练昌富"),
    ("市人社局", "市人社局", "专技科", "钟曦"),
    ("市自然资源局", "市自然资源局", "国土空间规划科（科技办）", "陈凡"),
    ("市发展改革委", "市发展改革委", "产业科", "谭柳香"),
    ("市住建局", "市住建局", "市政科", "黄露萌"),
    ("市住建局", "市住建局", "节能设计科", "杨白明"),
    ("市住建局", "市住建局", "住保科", "廖嘉成"),
    ("赣州城投集团", "赣州城投集团", "项目负责人", "钟观保"),
    ("赣州城投集团", "赣州城投集团", "人才小镇项目负责人", "杨岗麟"),
    ("章贡区人民政府", "章贡区科技局", "科技创新中心", "金可"),
    ("赣州高新区管委会", "赣州高新区管委会", "科创局", "肖桂林"),
    ("市委人才办", "市委组织部", "市人才服务中心人才服务一科", "曾懿"),
    ("赣南科学院", "赣南科学院", "科研管理科", "王伟"),
    ("市农业农村局", "市农业农村局", "科教科", "袁芳"),
    ("市林业局", "市林业局", "科技合作科", "欧兰兰"),
    ("市生态环境局", "市生态环境局", "大气科", "赖泽浩"),
    ("信丰县人民政府", "信丰县科技局", "赋能办", "曾晓靓"),
    ("赣州发投集团", "赣州发投集团", "投资基金管理公司", "陈清清"),
    ("赣州市人才集团", "赣州市人才集团", "党群工作部", "刘耀强"),
    ("市商务局", "市商务局", "国内外投资管理科", "刘伟华"),
    ("市住房服务中心", "市住房服务中心", "", "梅常春"),
    ("市科协", "市科协", "科技服务中心", "陈彤"),
}

COUNTIES = {
    "一类": ["赣州经开区", "赣州蓉江新区", "章贡区", "赣县区（赣州高新区）", "南康区", "龙南市"],
    "二类": ["信丰县", "宁都县", "于都县", "兴国县", "会昌县", "瑞金市"],
    "三类": ["大余县", "上犹县", "崇义县", "安远县", "定南县", "全南县", "寻乌县", "石城县"],
}


def test_plan_header(plan):
    assert plan.year == 2023
    assert plan.title == "2023年赣州市科技创新赋能行动工作方案"
    assert plan.notice_title == "关于印发《2023年赣州市科技创新赋能行动工作方案》的通知"
    assert plan.document_number == "赣市科赋字〔2023〕1号"
    assert plan.issuer == "赣州市科技创新赋能行动领导小组"
    assert plan.issue_date == date(2023, 2, 21)
    assert plan.addressees == "各县（市、区）科技创新赋能行动领导小组，市政府有关部门，市属、驻市有关单位"
    assert plan.overall_targets.startswith("2023年，全社会研发支出与地区生产总值之比超过全省平均水平")
    assert plan.safeguards.count("\n") == 2 and plan.safeguards.startswith("（一）加强组织领导。")


def test_overall_targets(plan):
    targets = {t.indicator: t for t in plan.targets.all()}
    assert len(targets) == 12
    assert targets["规模以上工业企业研发支出占营业收入比重"].value == Decimal("1.31")
    assert targets["认定高新技术企业"].value == 300 and targets["认定高新技术企业"].unit == "家"
    assert targets["技术合同成交额"].target == "超过130亿元"
    assert targets["全社会研发支出与地区生产总值之比"].value is None


def test_tasks_in_seven_sections(plan):
    assert plan.tasks.count() == 29
    sections = list(plan.tasks.values_list("section_number", "section").distinct().order_by("section_number"))
    assert len(sections) == 7
    assert sections[0] == (1, "（一）突出企业主体地位，提升研发覆盖广度")
    assert sections[6] == (7, "（七）广聚各类优秀人才，提升创新创业活力")
    per_section = dict(plan.tasks.values_list("section_number").annotate(n=Count("id")))
    assert per_section == {1: 4, 2: 4, 3: 4, 4: 3, 5: 5, 6: 3, 7: 6}


@pytest.mark.parametrize("number", sorted(TASK_UNITS))
def test_task_lead_and_responsible_units(plan, number):
    lead, responsible = TASK_UNITS[number]
    task = plan.tasks.get(number=number)
    assert task.lead_unit.name == lead
    assert [u.name for u in task.responsible_units] == responsible
    lead_row = task.units.get(role__name="牵头")
    assert lead_row.unit.name == lead and lead_row.idx == 1


def test_every_liaison(plan):
    loaded = {(li.unit.name, li.organization, li.department, li.person_name) for li in Liaison.objects.all()}
    assert loaded == LIAISONS


def test_liaisons_per_task(plan):
    rows = TaskUnit.objects.filter(task__plan=plan)
    assert rows.count() == 99
    # 附件1 gives 市税务局 no liaison in task 2; every other unit row has one.
    assert [(r.task.number, r.unit.name) for r in rows.filter(liaison__isnull=True)] == [(2, "市税务局")]
    # The same unit can answer through different people on different tasks.
    assert plan.tasks.get(number=8).units.get(unit__name="市财政局").liaison.person_name == "廖秋红"
    assert plan.tasks.get(number=9).units.get(unit__name="市财政局").liaison.person_name == "唐松跃"
    assert plan.tasks.get(number=25).units.get(unit__name="市政府金融办").liaison.person_name == "沈媛"
    for row in rows.exclude(liaison__isnull=True):
        assert row.liaison.unit_id == row.unit_id


def test_task_text(plan):
    task = plan.tasks.get(number=19)
    assert task.title == "抓好农业科研攻关"
    assert task.content.startswith("抓好农业科研攻关。开展水稻新品种选育，力争1-2个新品种通过审定。")
    assert task.content.endswith("全年开展技术培训、技术指导、技术咨询、科普宣传等科技服务活动100次以上。")
    assert task.name == "2023-T19"


def test_project_sections_and_sums(plan):
    sums = {
        row["section"]: row
        for row in plan.projects.values("section").annotate(
            n=Count("id"), total=Sum("total_investment"), planned=Sum("planned_investment")
        )
    }
    assert sums["新开工"]["n"] == 11
    assert sums["新开工"]["total"] == Decimal("164600")
    assert sums["新开工"]["planned"] == Decimal("82000")
    assert sums["续建"]["n"] == 18
    assert sums["续建"]["total"] == Decimal("2737260")
    assert sums["续建"]["planned"] == Decimal("285080")


def test_project_every_column(plan):
    p = plan.projects.get(number=14)
    assert p.section == "续建"
    assert p.project_name == "中科院赣江创新研究院——战略科技力量建设"
    assert p.county.name == "赣县区（赣州高新区）"
    assert p.category == "研发和网络信息化设施"
    assert p.project_code == "2020-360709-47-01-032479"
    assert p.content == "中科院一期及相关配套项目,组建国家重点实验室,建设稀土资源绿色利用与新材料应用综合试验平台"
    assert (p.start_month, p.end_month) == (date(2021, 7, 1), date(2025, 12, 1))
    assert p.construction_unit == "中科院赣江创新研究院、赣州城投集团"
    assert (p.total_investment, p.planned_investment) == (Decimal("719700"), Decimal("68000"))
    assert p.responsible_leader == "赣县区委副书记，汤娇雯；赣县区委常委，赖根生"
    first = plan.projects.get(number=1)
    assert (first.project_name, first.county.name, first.project_code) == ("低空飞行监管平台建设项目", "南康区", "")
    last = plan.projects.get(number=29)
    assert (last.county.name, last.total_investment, last.planned_investment) == ("会昌县", 41000, 10000)
    assert plan.projects.get(number=10).responsible_leader == "寻乌县政协副主席，许伟"


def test_short_county_names_map_to_the_same_county(plan):
    rongjiang = County.objects.get(name="赣州蓉江新区")
    assert sorted(rongjiang.projects.values_list("number", flat=True)) == [3, 4, 19, 20]
    ganxian = County.objects.get(name="赣县区（赣州高新区）")
    assert sorted(ganxian.projects.values_list("number", flat=True)) == [2, 14, 15, 16]
    assert County.resolve("蓉江新区") == rongjiang
    assert County.objects.count() == 20


def test_county_categories(plan):
    """附件3's categories are the plan's data: their titles, order and outcomes (top 3 表扬, last 1 约谈)."""
    categories = plan.categories.order_by("order")
    assert [(c.short_name, c.title, c.assessee_type, c.praised, c.interviewed) for c in categories] == [
        ("一类", "一类县（市、区）", "County", 3, 1),
        ("二类", "二类县（市、区）", "County", 3, 1),
        ("三类", "三类县（市、区）", "County", 3, 1),
        ("市直单位", "市直单位", "Unit", 0, 0),
    ]
    for category, names in COUNTIES.items():
        members = plan.assessees.filter(category__short_name=category).order_by("county__order")
        assert list(members.values_list("county__name", flat=True)) == names


def test_units():
    assert Unit.objects.count() == 26
    leads = set(Task.objects.values_list("lead_unit__name", flat=True))
    assert set(Unit.objects.filter(kind="重点任务牵头单位").values_list("name", flat=True)) == leads
    assessed = PlanAssessee.objects.filter(plan__name="2023", unit__isnull=False, category__short_name="市直单位")
    assert set(assessed.values_list("unit__name", flat=True)) == leads
    assert Unit.objects.get(name="信丰县人民政府").county.name == "信丰县"


def test_county_indicators(plan):
    groups = IndicatorGroup.objects.filter(plan=plan, scheme=Scheme.COUNTY)
    assert [(g.title, g.points, g.is_bonus) for g in groups] == [
        ("推进高质量跨越式发展成效科技创新指标", 60, False),
        ("政策保障", 25, False),
        ("综合评价", 15, False),
        ("加分项", 15, True),
    ]
    indicators = Indicator.objects.filter(group__plan=plan, group__scheme=Scheme.COUNTY)
    assert list(indicators.values_list("number", flat=True)) == list(range(1, 16))
    science = indicators.filter(group__order=1)
    assert science.count() == 10 and all(i.points is None for i in science)
    assert science.get(number=2).title == "研发支出与地区生产总值之比"
    points = dict(indicators.filter(number__gte=11).values_list("number", "points"))
    assert points == {11: 10, 12: 15, 13: 10, 14: 5, 15: 15}


def test_bonus_rules(plan):
    rules = {r.item: r.points for r in BonusRule.objects.filter(indicator__group__plan=plan)}
    assert len(rules) == 24
    assert rules["辖区企业当年认定为独角兽企业"] == 5
    assert rules["辖区企业当年认定为瞪羚企业"] == 1
    assert rules["作为第一单位获国家科技奖一等奖"] == 10
    assert rules["作为第一单位获省科技奖特等奖"] == 4
    assert rules["项目列入市级重点调度"] == Decimal("0.5")
    assert rules["承办国家现场经验交流会"] == 8
    assert rules["经验做法在市媒体（刊物）头条或1000字以上版面刊登"] == 1


def test_unit_indicators(plan):
    indicators = Indicator.objects.filter(group__plan=plan, group__scheme=Scheme.UNIT)
    assert [(i.group.title, i.number, i.points) for i in indicators] == [
        ("日常履职情况", 1, 5),
        ("日常履职情况", 2, 10),
        ("日常履职情况", 3, 5),
        ("日常履职情况", 4, 10),
        ("重点任务推进情况", 5, 70),
    ]
    assert "每次扣1分，扣完为止" in indicators.get(number=4).scoring_standard
    assert sum(g.points for g in IndicatorGroup.objects.filter(plan=plan, scheme=Scheme.UNIT)) == 100
