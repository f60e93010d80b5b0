"""Loading a plan folder: idempotent, all-or-nothing, clear Chinese errors."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from apps.innovation_action.models import County, Liaison, Project, Task, TaskUnit
from apps.innovation_action.services.plan_loader import PlanDataError, load_plan
from tests.conftest import PLAN_FOLDER

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def counts():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (County, Liaison, Project, Task, TaskUnit)
    }


def test_loading_again_changes_nothing():
    before = counts()
    load_plan(PLAN_FOLDER)
    assert counts() == before


def test_corrected_file_updates_in_place(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_FOLDER, folder)
    projects = folder / "projects.yaml"
    projects.write_text(
        projects.read_text(encoding="utf-8").replace("total_investment: 63100", "total_investment: 63200"),
        encoding="utf-8",
    )
    load_plan(folder)
    project = Project.objects.get(name="2023-P02")
    assert project.total_investment == 63200
    assert Project.objects.count() == 29
    assert project.history.count() == 2
    assert project.history.first().diff_against(project.history.last()).changed_fields == ["total_investment"]


def break_file(tmp_path, filename, old, new):
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_FOLDER, folder)
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_unknown_unit_is_refused_and_nothing_is_written(tmp_path):
    folder = break_file(tmp_path, "tasks.yaml", "lead_unit: 市国资委", "lead_unit: 市不存在局")
    # a change earlier in the load that must be rolled back with the rest
    (folder / "projects.yaml").write_text(
        (folder / "projects.yaml")
        .read_text(encoding="utf-8")
        .replace("total_investment: 63100", "total_investment: 1"),
        encoding="utf-8",
    )
    before = counts()
    with pytest.raises(PlanDataError, match="任务清单第4项：单位“市不存在局”不在 units.yaml 中"):
        load_plan(folder)
    assert counts() == before
    assert Project.objects.get(name="2023-P02").total_investment == 63100


def test_unknown_county_in_project_list(tmp_path):
    folder = break_file(tmp_path, "projects.yaml", "county: 南康区", "county: 南康市")
    with pytest.raises(PlanDataError, match="项目清单第1项：没有名为“南康市”的县（市、区）"):
        load_plan(folder)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(PlanDataError, match="缺少数据文件"):
        load_plan(tmp_path)
    folder = break_file(tmp_path, "counties.yaml", "一类:", "一类: [")
    with pytest.raises(PlanDataError, match="数据文件 counties.yaml 格式错误"):
        load_plan(folder)


def test_command_reports_in_chinese(capsys, tmp_path):
    call_command("load_plan", str(PLAN_FOLDER))
    assert "任务 29 项，项目 29 个" in capsys.readouterr().out
    with pytest.raises(CommandError, match="缺少数据文件"):
        call_command("load_plan", str(tmp_path))


def test_other_roles_and_a_unit_in_two_roles(tmp_path):
    """tasks.yaml may give more roles by name (other_units), and a unit in two roles on one task."""
    folder = break_file(
        tmp_path,
        "tasks.yaml",
        "  lead_unit: 市委人才办\n  responsible_units: []\n",
        "  lead_unit: 市委人才办\n  responsible_units: [市委人才办]\n  other_units:\n    配合: [市科技局, 市国资委]\n",
    )
    load_plan(folder)
    task = Task.objects.get(name="2023-T24")
    assert [(row.unit.name, row.role.name) for row in task.units.all()] == [
        ("市委人才办", "牵头"),
        ("市委人才办", "责任"),
        ("市科技局", "配合"),
        ("市国资委", "配合"),
    ]
    assert task.lead_unit.name == "市委人才办"
    assert task.units.get(role__name="责任").liaison.person_name == "曾懿"


def test_unknown_role_is_refused(tmp_path):
    folder = break_file(
        tmp_path,
        "tasks.yaml",
        "  lead_unit: 市委人才办\n  responsible_units: []\n",
        "  lead_unit: 市委人才办\n  responsible_units: []\n  other_units:\n    督办: [市科技局]\n",
    )
    with pytest.raises(PlanDataError, match="任务清单第24项：职责“督办”不是已有的任务职责"):
        load_plan(folder)
