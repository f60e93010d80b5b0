"""配置导出与导入: a site's configuration exported to one file and loaded into another (apps/lowcode/fixtures)."""

from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.innovation_action.models import (
    ActionPlan,
    BonusRule,
    Indicator,
    IndicatorGroup,
)
from apps.lowcode.doctype.customization import CustomField, PropertySetter
from apps.lowcode.fixtures.document import (
    MAX_FILE_SIZE,
    ConfigError,
    ConfigTooLargeError,
    dump,
    parse,
)
from apps.lowcode.fixtures.export import export_config, export_text
from apps.lowcode.fixtures.load import load_config
from apps.lowcode.print_format.model import LetterHead, PrintFormat, PrintFormatBlock
from apps.lowcode.workflow.model import Workflow, WorkflowState, WorkflowTransition

pytestmark = pytest.mark.django_db

SELF_ASSESSMENT_FLOW = "自评报告审核流程"
CONFIG_MODELS = (
    CustomField,
    PropertySetter,
    Workflow,
    WorkflowState,
    WorkflowTransition,
    LetterHead,
    PrintFormat,
    PrintFormatBlock,
    IndicatorGroup,
    Indicator,
    BonusRule,
)


def snapshot() -> dict:
    """Every configuration record and its history, to compare before and after a load."""
    return {model.__name__: (model.objects.count(), model.history.count()) for model in CONFIG_MODELS}


def exported() -> dict:
    """This site's configuration as another site receives it: written out and read back."""
    return parse(export_text().encode("utf-8"))


def total(result, action) -> int:
    return result.count(action)


def outcome(result, doctype):
    return next(d for d in result.doctypes if d.doctype == doctype)


def customize_project():
    """An administrator's customisations, made before the export (so they travel)."""
    CustomField.objects.create(dt="Project", fieldname="custom_partner", label="合作单位", fieldtype="Data")
    PropertySetter.objects.create(doc_type="Project", field_name="category", label="项目类别", hidden=False)


# --- export --------------------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_export_holds_the_configuration_with_links_as_names():
    data = exported()
    assert (data["format"], data["version"]) == ("lowcode-config", 1)
    assert data["scopes"] == {"Action Plan": {"name": "2023"}}
    assert list(data["doctypes"]) == [
        "Custom Field",
        "Property Setter",
        "Workflow",
        "Letter Head",
        "Print Format",
        "Indicator Group",
        "Indicator",
    ]
    flow = next(w for w in data["doctypes"]["Workflow"] if w["name"] == SELF_ASSESSMENT_FLOW)
    assert [s["state"] for s in flow["states"]] == ["草稿", "待初审", "待审定", "已审定"]
    assert {"state": "待审定", "action": "退回初审", "next_state": "待初审"}.items() <= flow["transitions"][-1].items()
    notice = next(f for f in data["doctypes"]["Print Format"] if f["name"] == "工作方案印发通知")
    assert notice["letter_head"] == PrintFormat.objects.get(name="工作方案印发通知").letter_head.name
    assert "standard_digest" not in notice and "modified" not in notice  # stamps of this site stay here
    indicators = data["doctypes"]["Indicator"]
    assert len(indicators) == 20 and len(data["doctypes"]["Indicator Group"]) == 6
    bonus = next(i for i in indicators if i["name"] == "2023-C-15")
    assert bonus["group"] == "2023-C4" and len(bonus["bonus_rules"]) == 24
    assert {"item": "项目列入市级重点调度", "points": 0.5}.items() <= bonus["bonus_rules"][13].items()
    assert next(i for i in indicators if i["name"] == "2023-U-04")["scoring_method"] == "deduction"


@pytest.mark.both_databases
def test_export_of_a_plan_the_site_lacks_is_refused():
    with pytest.raises(ConfigError, match="本站点没有编号为 2030 的年度工作方案"):
        export_config({"Action Plan": "2030"})


# --- loading back ------------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_loading_an_unchanged_file_changes_nothing_twice():
    data = exported()
    before = snapshot()
    for _ in range(2):
        result = load_config(data)
        assert total(result, "created") == total(result, "updated") == 0
        assert total(result, "unchanged") == 36
    assert snapshot() == before  # not even a history record


@pytest.mark.both_databases
def test_loading_the_export_back_restores_what_was_changed():
    customize_project()
    data = exported()
    WorkflowTransition.objects.get(workflow__name=SELF_ASSESSMENT_FLOW, action="退回初审").delete()
    # Points moved between two indicators of 政策保障 (25): 10 + 15 → 8 + 17. Putting 10 back first
    # makes 27 for a moment; the check is made once the group is complete.
    Indicator.objects.filter(name="2023-C-11").update(points=8)
    Indicator.objects.filter(name="2023-C-12").update(points=17)
    BonusRule.objects.filter(indicator__name="2023-C-15", idx=24).delete()
    block = PrintFormatBlock.objects.filter(print_format__name="工作方案印发通知").order_by("idx").first()
    original_text = block.text
    block.text = "改过的正文"
    block.save()
    CustomField.objects.filter(fieldname="custom_partner").update(label="合作方")
    PropertySetter.objects.all().delete()

    result = load_config(data, source="config.yaml")

    assert WorkflowTransition.objects.filter(
        workflow__name=SELF_ASSESSMENT_FLOW,
        action="退回初审",
        state="待审定",
        next_state="待初审",
        comment_required=True,
    ).exists()
    assert [t.action for t in Workflow.objects.get(name=SELF_ASSESSMENT_FLOW).transitions.order_by("idx")] == [
        "提交",
        "撤回",
        "初审通过",
        "退回修改",
        "审定通过",
        "退回初审",
    ]
    assert Indicator.objects.get(name="2023-C-11").points == 10
    assert Indicator.objects.get(name="2023-C-12").points == 15
    assert BonusRule.objects.filter(indicator__name="2023-C-15").count() == 24
    assert PrintFormatBlock.objects.get(pk=block.pk).text == original_text  # the same row, updated in place
    assert CustomField.objects.get(fieldname="custom_partner").label == "合作单位"
    assert PropertySetter.objects.get(doc_type="Project", field_name="category").label == "项目类别"

    assert outcome(result, "Property Setter").created[0].label == "Project-category（Project：category）"
    updated = {r.label.split("（")[0]: r.changes for d in result.doctypes for r in d.updated}
    assert updated[SELF_ASSESSMENT_FLOW] == ["转换：新增 1 行"]
    assert updated["2023-C-11"] == updated["2023-C-12"] == ["分值"]
    assert updated["2023-C-15"] == ["加分规则：新增 1 行"]
    assert updated["工作方案印发通知"] == ["内容块：修改 1 行"]
    assert updated["Project-custom_partner"] == ["标签"]
    assert result.summary() == "已导入：新增 1 条、更新 6 条、未变化 31 条"
    assert total(load_config(data), "unchanged") == 38  # and a second load finds nothing to do


@pytest.mark.both_databases
def test_records_the_file_does_not_name_are_left_alone():
    data = exported()
    CustomField.objects.create(dt="Project", fieldname="custom_added_later", label="后加字段")
    load_config(data)
    assert CustomField.objects.filter(fieldname="custom_added_later").exists()


@pytest.mark.both_databases
def test_loading_into_a_clean_site_recreates_everything():
    customize_project()
    data = exported()
    before = {model.__name__: model.objects.count() for model in CONFIG_MODELS}
    PrintFormat.objects.all().delete()
    LetterHead.objects.all().delete()
    Workflow.objects.all().delete()
    Indicator.objects.all().delete()
    IndicatorGroup.objects.all().delete()
    CustomField.objects.all().delete()
    PropertySetter.objects.all().delete()

    result = load_config(data)

    assert {model.__name__: model.objects.count() for model in CONFIG_MODELS} == before
    assert total(result, "created") == 38 and total(result, "updated") == 0
    group = IndicatorGroup.objects.get(plan__year=2023, scheme="县级", order=2)
    assert group.name == "2023-C2" and group.indicators.count() == 2
    notice = next(f for f in data["doctypes"]["Print Format"] if f["name"] == "工作方案印发通知")
    assert PrintFormat.objects.get(name="工作方案印发通知").letter_head.name == notice["letter_head"]
    assert total(load_config(data), "unchanged") == 38


@pytest.mark.both_databases
def test_indicators_go_to_the_plan_chosen():
    data = exported()
    plan = ActionPlan.objects.create(
        name="2024",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        title="2024年赣州市科技创新赋能行动工作方案",
        issuer="赣州市科技创新赋能行动领导小组",
    )
    before_2023 = Indicator.objects.filter(group__plan__year=2023).count()

    result = load_config(data, scope_values={"Action Plan": "2024"})

    assert result.scopes == ["年度工作方案：2024年赣州市科技创新赋能行动工作方案（编号 2024）"]
    assert sorted(plan.indicator_groups.values_list("name", flat=True)) == [
        "2024-C1",
        "2024-C2",
        "2024-C3",
        "2024-C4",
        "2024-U1",
        "2024-U2",
    ]
    assert Indicator.objects.filter(group__plan=plan).count() == 20
    assert Indicator.objects.get(name="2024-C-15").bonus_rules.count() == 24
    assert Indicator.objects.get(name="2024-U-04").deduction == 1
    assert Indicator.objects.filter(group__plan__year=2023).count() == before_2023
    assert outcome(result, "Workflow").unchanged  # the rest of the configuration is the same site's
    assert total(load_config(data, scope_values={"Action Plan": "2024"}), "created") == 0


@pytest.mark.both_databases
def test_a_plan_the_site_lacks_is_refused_in_chinese():
    before = snapshot()
    with pytest.raises(ConfigError) as error:
        load_config(exported(), scope_values={"Action Plan": "2030"})
    assert error.value.problems == [
        "本站点没有编号为 2030 的年度工作方案，无法导入指标类别、考评指标。请先建立该年度工作方案，或选择其他编号"
    ]
    assert snapshot() == before


def district_plan_of_2023() -> ActionPlan:
    """A second plan of 2023 on the same site, with one indicator of its own."""
    plan = ActionPlan.objects.create(
        name="城区2023",
        start_date=date(2023, 1, 1),
        end_date=date(2023, 12, 31),
        title="某区2023年科技创新工作方案",
        issuer="某区科技创新工作领导小组",
    )
    group = IndicatorGroup.objects.create(plan=plan, scheme="县级", order=1, title="重点指标", points=100)
    Indicator.objects.create(group=group, number=1, title="研发投入增长", points=100)
    return plan


@pytest.mark.both_databases
def test_two_plans_of_one_year_are_exported_and_loaded_by_their_names():
    district = district_plan_of_2023()
    assert ActionPlan.objects.filter(year=2023).count() == 2

    data = parse(export_text({"Action Plan": "城区2023"}).encode("utf-8"))
    assert data["scopes"] == {"Action Plan": {"name": "城区2023"}}
    assert [g["title"] for g in data["doctypes"]["Indicator Group"]] == ["重点指标"]
    assert [i["title"] for i in data["doctypes"]["Indicator"]] == ["研发投入增长"]
    ganzhou = exported()  # the default: the first plan in the plans' own order, 赣州's
    assert ganzhou["scopes"] == {"Action Plan": {"name": "2023"}} and len(ganzhou["doctypes"]["Indicator"]) == 20

    # Loaded back, each file goes to the plan of its own name, not to whichever plan has the year.
    Indicator.objects.filter(group__plan=district).update(points=50)
    result = load_config(data)
    assert result.scopes == ["年度工作方案：某区2023年科技创新工作方案（编号 城区2023）"]
    assert Indicator.objects.get(group__plan=district).points == 100
    assert total(load_config(ganzhou), "updated") == 0 and Indicator.objects.filter(group__plan=district).count() == 1


def test_the_administrator_picks_one_of_two_plans_of_a_year(login, media):
    district_plan_of_2023()
    client = login("admin")
    page = client.get(reverse("config-transfer")).content.decode()
    assert '<option value="城区2023">城区2023：某区2023年科技创新工作方案</option>' in page
    download = client.get(reverse("config-export"), {"export-scope_plan": "城区2023"})
    assert parse(download.content)["scopes"]["Action Plan"] == {"name": "城区2023"}
    assert len(parse(download.content)["doctypes"]["Indicator"]) == 1


@pytest.mark.both_databases
def test_custom_field_values_travel_with_the_field():
    CustomField.objects.create(dt="Indicator", fieldname="custom_data_source", label="数据来源部门")
    Indicator.objects.filter(name="2023-C-02").update(custom_values={"custom_data_source": "市统计局"})
    data = exported()
    assert (
        next(i for i in data["doctypes"]["Indicator"] if i["name"] == "2023-C-02")["custom_data_source"] == "市统计局"
    )
    ActionPlan.objects.create(
        name="2024", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), title="2024年方案", issuer="领导小组"
    )
    load_config(data, scope_values={"Action Plan": "2024"})
    assert Indicator.objects.get(name="2024-C-02").custom_values["custom_data_source"] == "市统计局"


# --- errors: nothing is saved ------------------------------------------------------------------------------------


def problems_of(data) -> list[str]:
    before = snapshot()
    with pytest.raises(ConfigError) as error:
        load_config(data)
    assert snapshot() == before, "a refused file must leave the site as it was"
    return error.value.problems


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "raw, message",
    [
        ("format: lowcode-config\nversion: 1\ndoctypes: {Workflow: [\n", "文件不是有效的 YAML：第4行第1列"),
        ("- just\n- a list\n", "不是配置导出文件（应以 format: lowcode-config 开头）"),
        (
            "format: lowcode-config\nversion: 2\ndoctypes: {}\n",
            "配置文件的版本为 2，本系统只能读取版本 1，请升级系统后再导入",
        ),
        ("format: lowcode-config\nversion: '1'\ndoctypes: {}\n", "配置文件的版本号“1”不正确，应为 1"),
        ("format: lowcode-config\nversion: 1\n", "配置文件缺少 doctypes"),
        ("format: lowcode-config\nversion: 1\nx: &a [1]\ndoctypes: {Workflow: *a}\n", "配置文件不能使用 YAML 别名"),
    ],
)
def test_a_file_that_is_not_a_configuration_is_refused(raw, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(raw.encode("utf-8"))


@pytest.mark.both_databases
def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ConfigError, match="不是 UTF-8 编码"):
        parse("format: lowcode-config".encode("gbk") + "中文".encode("gbk"))


@pytest.mark.both_databases
def test_a_file_too_big_is_refused_before_it_is_read():
    with pytest.raises(ConfigTooLargeError, match="文件过大（5.0 MB），配置文件最大 5 MB") as error:
        parse(b"#" * (MAX_FILE_SIZE + 1))
    assert error.value.http_status == 413


@pytest.mark.both_databases
def test_unknown_doctypes_are_named():
    data = exported()
    data["doctypes"]["Unknown Thing"] = [{"name": "x"}]
    data["doctypes"]["County"] = [{"name": "章贡区"}]
    assert problems_of(data) == ["未知的单据类型“Unknown Thing”", "单据类型“County”不是可导入的配置"]


@pytest.mark.both_databases
def test_a_missing_link_target_names_the_record_and_the_field():
    data = exported()
    notice = next(f for f in data["doctypes"]["Print Format"] if f["name"] == "工作方案印发通知")
    notice["letter_head"] = "不存在的版头"
    notice["title"] = "改过的标题"  # a change in the same record, never saved
    assert problems_of(data) == ["打印格式“工作方案印发通知”：字段“版头”：找不到版头“不存在的版头”"]


@pytest.mark.both_databases
def test_one_invalid_record_and_nothing_is_saved():
    data = exported()
    data["doctypes"]["Indicator"][12]["title"] = "一个合法的修改"  # 2023-C-13, loaded after the workflow
    flow = next(w for w in data["doctypes"]["Workflow"] if w["name"] == SELF_ASSESSMENT_FLOW)
    flow["transitions"][0]["next_state"] = "不存在的状态"
    indicator = next(i for i in data["doctypes"]["Indicator"] if i["name"] == "2023-C-11")
    indicator["points"] = 30  # more than its group's 25
    indicator["unknown_field"] = 1
    other = next(i for i in data["doctypes"]["Indicator"] if i["name"] == "2023-C-12")
    other["scoring_method"] = "no_such_method"
    assert problems_of(data) == [
        "工作流“自评报告审核流程”：转换“草稿 —提交→ 不存在的状态”：状态“不存在的状态”不在本工作流的状态中",
        "考评指标“2023-C-11”：没有可导入的字段“unknown_field”",
        "考评指标“2023-C-12”：字段“计分方法”：值 'no_such_method' 不是有效选项。",
    ]
    assert Indicator.objects.get(name="2023-C-13").title != "一个合法的修改"


@pytest.mark.both_databases
def test_a_check_that_fails_for_itself_is_reported_after_the_retries():
    data = exported()
    next(i for i in data["doctypes"]["Indicator"] if i["name"] == "2023-C-11")["points"] = 30
    assert problems_of(data) == ["考评指标“2023-C-11”：字段“分值”：分值不能超过所在类别的 25 分"]


@pytest.mark.both_databases
def test_the_same_record_twice_in_a_file_is_refused():
    data = exported()
    data["doctypes"]["Letter Head"].append(dict(data["doctypes"]["Letter Head"][0]))
    name = data["doctypes"]["Letter Head"][0]["name"]
    assert problems_of(data) == [f"版头“{name}”：与文件中的另一条记录重复（识别字段相同）"]


@pytest.mark.both_databases
def test_a_dry_run_reports_and_saves_nothing():
    data = exported()
    Indicator.objects.filter(name="2023-C-11").update(points=7)
    before = snapshot()
    result = load_config(data, dry_run=True)
    assert result.summary() == "试运行（未保存）：新增 0 条、更新 1 条、未变化 35 条"
    assert snapshot() == before
    assert Indicator.objects.get(name="2023-C-11").points == 7


# --- history -----------------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_load_is_in_the_change_history_and_can_be_reverted():
    data = exported()
    indicator = Indicator.objects.get(name="2023-C-11")
    indicator.points = Decimal(7)
    indicator.save()
    admin = User.objects.get(username="admin")

    load_config(data, user=admin, source="2023配置.yaml")

    latest, previous = indicator.history.all()[:2]
    assert latest.history_change_reason == "导入配置：2023配置.yaml"
    assert latest.history_user == admin
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["points"] == (Decimal(7), Decimal(10))
    previous.instance.save()  # simple-history's revert: the version before the load
    assert Indicator.objects.get(pk=indicator.pk).points == 7


# --- commands ----------------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_the_commands_export_and_load(tmp_path, capsys):
    path = tmp_path / "config.yaml"
    call_command("export_config", str(path), plan="2023")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["scopes"]["Action Plan"] == {"name": "2023"}
    Indicator.objects.filter(name="2023-C-11").update(points=7)

    call_command("load_config", str(path), dry_run=True)
    out = capsys.readouterr().out
    assert "  ~ 2023-C-11（11. 科技管理部门能力建设）：分值" in out and "试运行（未保存）" in out
    assert Indicator.objects.get(name="2023-C-11").points == 7

    call_command("load_config", str(path))
    assert Indicator.objects.get(name="2023-C-11").points == 10
    assert Indicator.objects.get(name="2023-C-11").history.first().history_change_reason == "导入配置：config.yaml"

    with pytest.raises(CommandError, match="本站点没有编号为 2030 的年度工作方案"):
        call_command("load_config", str(path), plan="2030")


# --- the admin page ----------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, raw: bytes, name="config.yaml", **fields):
    return client.post(reverse("config-preview"), {"file": SimpleUploadedFile(name, raw), **fields})


def test_the_administrator_exports_previews_and_confirms(login, media):
    client = login("admin")
    page = client.get(reverse("config-transfer"))
    assert page.status_code == 200
    assert "导出配置" in page.content.decode() and "导入配置" in page.content.decode()

    download = client.get(reverse("config-export"), {"export-scope_plan": "2023"})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/x-yaml; charset=utf-8"
    assert "attachment" in download["Content-Disposition"] and ".yaml" in download["Content-Disposition"]
    raw = download.content
    assert parse(raw)["scopes"]["Action Plan"] == {"name": "2023"}

    Indicator.objects.filter(name="2023-C-11").update(points=7)
    preview = upload(client, raw, name="赣州2023配置.yaml")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "预览：赣州2023配置.yaml" in html and "确认导入" in html
    assert "2023-C-11（11. 科技管理部门能力建设）：分值" in html
    counts = {
        d.doctype: (len(d.created), len(d.updated), len(d.unchanged)) for d in preview.context["preview"].doctypes
    }
    assert counts["Indicator"] == (0, 1, 19) and counts["Workflow"] == (0, 0, 3)
    assert Indicator.objects.get(name="2023-C-11").points == 7  # a preview saves nothing

    done = client.post(reverse("config-confirm"), {"sha256": preview.context["sha256"], "scope_plan": ""})
    assert done.status_code == 302 and done.url == reverse("config-transfer")
    assert "赣州2023配置.yaml 已导入：新增 0 条、更新 1 条、未变化 35 条" in str(
        list(get_messages(done.wsgi_request))[-1]
    )
    indicator = Indicator.objects.get(name="2023-C-11")
    assert indicator.points == 10
    assert indicator.history.first().history_user.username == "admin"
    assert not list(media.rglob("*.yaml"))  # the kept upload is gone

    again = client.post(reverse("config-confirm"), {"sha256": preview.context["sha256"]})
    assert "要导入的文件已失效" in str(list(get_messages(again.wsgi_request))[-1])


def test_the_administrator_loads_into_another_plan(login, media):
    client = login("admin")
    raw = client.get(reverse("config-export")).content
    ActionPlan.objects.create(
        name="2024", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), title="2024年方案", issuer="领导小组"
    )
    page = client.get(reverse("config-transfer"))
    assert '<option value="2024">2024：2024年方案</option>' in page.content.decode()
    preview = upload(client, raw, scope_plan="2024")
    assert preview.context["preview"].count("created") == 26
    client.post(reverse("config-confirm"), {"sha256": preview.context["sha256"], "scope_plan": "2024"})
    assert Indicator.objects.filter(group__plan__year=2024).count() == 20


def test_the_preview_lists_the_problems_and_offers_no_confirmation(login, media):
    client = login("admin")
    data = exported()
    data["doctypes"]["Print Format"][0]["letter_head"] = "不存在的版头"
    preview = upload(client, dump(data).encode("utf-8"))
    html = preview.content.decode()
    assert "有误，未导入任何内容" in html and "找不到版头“不存在的版头”" in html
    assert "确认导入" not in html
    assert not list(media.rglob("*.yaml"))

    broken = upload(client, b"format: [", name="broken.yaml")
    assert "文件不是有效的 YAML" in broken.content.decode()
    big = upload(client, b"#" * (MAX_FILE_SIZE + 1), name="big.yaml")
    assert "文件过大" in big.content.decode()


def test_a_preview_of_an_identical_file_says_so(login, media):
    client = login("admin")
    preview = upload(client, export_text().encode("utf-8"))
    assert "文件中的配置与本站点完全一致，无需导入" in preview.content.decode()


@pytest.mark.parametrize("username", ["office", "leader", "zhanggong", "gongxin"])
def test_only_administrators_export_and_import(login, media, username):
    client = login(username)
    raw = export_text().encode("utf-8")
    if username in ("zhanggong", "gongxin"):  # not admin users (issue 18): every page sends them to the workbench
        for response in (
            client.get(reverse("config-transfer")),
            client.get(reverse("config-export")),
            upload(client, raw),
            client.post(reverse("config-confirm"), {"sha256": "x"}),
        ):
            assert response.status_code == 302 and response["Location"] == "/app/"
        return
    assert client.get(reverse("config-transfer")).status_code == 403
    assert client.get(reverse("config-export")).status_code == 403
    assert upload(client, raw).status_code == 403
    assert client.post(reverse("config-confirm"), {"sha256": "x"}).status_code == 403
    assert "配置导出与导入" not in client.get(reverse("admin:index")).content.decode()


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(reverse("config-transfer"))
    assert response.status_code == 302 and reverse("admin:login") in response.url


def test_the_menu_offers_the_page_to_administrators(login):
    html = login("admin").get(reverse("admin:index")).content.decode()
    assert "配置导出与导入" in html and reverse("config-transfer") in html


def test_an_administrator_reverts_a_load_in_the_history_admin(login):
    data = exported()
    indicator = Indicator.objects.get(name="2023-C-11")
    indicator.points = Decimal(7)
    indicator.save()
    load_config(data, user=User.objects.get(username="admin"))
    before_load = indicator.history.all()[1]
    client = login("admin")
    url = reverse("admin:innovation_action_indicator_simple_history", args=[indicator.pk, before_load.history_id])
    history_page = client.get(reverse("admin:innovation_action_indicator_history", args=[indicator.pk]))
    assert "导入配置" in history_page.content.decode()

    form = client.get(url).context["adminform"].form
    response = client.post(url, form_data(form))

    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).points == 7


def form_data(form) -> dict:
    """What a browser posts for an unchanged form: every field's current value."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = value
    return data
