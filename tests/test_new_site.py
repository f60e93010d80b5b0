"""A new site for a new jurisdiction in one command (`manage.py new_site`, `make site`), on the real MariaDB.

The site is made as an administrator makes it, then looked at from a process of its own (SITE=<name>:
Django reads its settings once per process): its own database, the administrator logs in, the default
workflows and print formats are there, and nothing of 赣州 — no plan, county, unit, task, indicator or
demo account. Every site and database a test makes is dropped at the end, whatever happened.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from django.core.management import CommandError, call_command

from sites.site_config import MARIADB_COLLATION, SITES_DIR, load_site_config
from sites.site_setup import ROOT, MariaDB, database_name

pytestmark = pytest.mark.mariadb

PASSWORD = "Qu1et-Harbor-77"
TAG = os.getpid()  # two checkouts testing at once make different sites


def new_site(*args: str) -> str:
    out = io.StringIO()
    call_command("new_site", *args, stdout=out)
    return out.getvalue()


def remove(name: str) -> None:
    """Whatever a test made: the database (also one made without its folder) and the folder."""
    MariaDB().execute(f"DROP DATABASE IF EXISTS `{database_name(name)}`")
    shutil.rmtree(SITES_DIR / name, ignore_errors=True)


@pytest.fixture(scope="module")
def district():
    """A district's site on MariaDB, made once for the tests that look at it (the last one drops it)."""
    name = f"t_district_{TAG}"
    remove(name)
    out = new_site(name, "--db-type", "mariadb", "--admin-password", PASSWORD)
    assert f"站点 {name} 已建立（MariaDB 数据库 {database_name(name)}）" in out
    yield name
    remove(name)


@pytest.fixture
def site_name(request):
    name = f"t_{request.node.name[5:25].lower()}_{TAG}".replace("[", "_").replace("]", "")
    remove(name)
    yield name
    remove(name)


# What the site holds, read by a process whose settings are the site's; the administrator logs in
# through the Frappe login (/api/method/login) and opens the admin.
PROBE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from apps.innovation_action import models as ia
    from apps.lowcode.print_format.model import LetterHead, PrintFormat
    from apps.lowcode.workflow.model import Workflow

    password = sys.argv[1]
    client = Client()
    wrong = client.post("/api/method/login", {"usr": "Administrator", "pwd": "not-" + password},
                        content_type="application/json").status_code
    login = client.post("/api/method/login", {"usr": "Administrator", "pwd": password},
                        content_type="application/json")
    counts = {model.__name__: model.objects.count() for model in (
        ia.ActionPlan, ia.County, ia.Unit, ia.Liaison, ia.Task, ia.Project, ia.IndicatorGroup, ia.Indicator,
        ia.AssessmentPeriod, ia.SelfAssessment, ia.Score)}
    print(json.dumps({
        "wrong_password": wrong,
        "login": [login.status_code, login.json().get("message")],
        "admin_page": client.get("/admin/").status_code,
        "users": list(User.objects.values_list("username", "is_superuser", "is_staff")),
        "roles": sorted(Group.objects.values_list("name", flat=True)),
        "workflows": dict(Workflow.objects.values_list("name", "document_type")),
        "print_formats": sorted(PrintFormat.objects.values_list("name", flat=True)),
        "letter_heads": list(
            LetterHead.objects.order_by("name").values("name", "issuer_mark", "number_pattern", "printed_by")
        ),
        "counts": counts,
    }, ensure_ascii=False))
    """
)


def probe(name: str, password: str = PASSWORD) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
    env.update(SITE=name, DJANGO_SETTINGS_MODULE="sites.settings", PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, password], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_new_site_on_mariadb_is_empty_but_ready(district):
    site_name = district
    # Its own config: its own database and secret key, readable by its owner only.
    config = load_site_config(site_name)
    assert config["db_type"] == "mariadb"
    assert config["db_name"] == database_name(site_name) == f"innovation_action_{site_name}"
    assert len(config["secret_key"]) >= 50 and config["secret_key"] != load_site_config("test")["secret_key"]
    assert "redis_url" not in config
    assert (SITES_DIR / site_name / "site_config.json").stat().st_mode & 0o777 == 0o600

    # Its own database, in the collation the sites use, holding the tables.
    server = MariaDB()
    [(collation,)] = server.execute(
        "SELECT default_collation_name FROM information_schema.schemata WHERE schema_name = %s",
        (config["db_name"],),
    )
    assert collation == MARIADB_COLLATION
    [(tables,)] = server.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s", (config["db_name"],)
    )
    assert tables > 50

    site = probe(site_name)
    # The administrator (and nobody else) logs in with the password given, not with another.
    assert site["wrong_password"] == 401
    assert site["login"] == [200, "Logged In"]
    assert site["admin_page"] == 200
    assert site["users"] == [["Administrator", True, True]]
    # The roles, the default workflows and the print formats, ready to adapt.
    assert site["roles"] == sorted(["县级填报员", "市直单位联络员", "领导小组办公室", "领导小组", "系统管理员"])
    assert site["workflows"] == {
        "自评报告审核流程": "SelfAssessment",
        "月度调度报送流程": "Progress Report",
        "项目月报审核流程": "Project Report",
    }
    assert site["print_formats"] == sorted(
        ["工作方案印发通知", "季度排名通报", "年度考评结果通报", "评分明细表", "自评报告表"]
    )
    # The letterheads are placeholders for the administrator to make the district's, not 赣州's.
    assert site["letter_heads"] == [
        {
            "name": "领导小组",
            "issuer_mark": "科技创新赋能行动领导小组",
            "number_pattern": "科赋字〔{year}〕{number}号",
            "printed_by": "科技创新赋能行动领导小组办公室",
        },
        {
            "name": "领导小组办公室",
            "issuer_mark": "科技创新赋能行动领导小组办公室",
            "number_pattern": "科赋办字〔{year}〕{number}号",
            "printed_by": "科技创新赋能行动领导小组办公室",
        },
    ]
    # No jurisdiction's data: no plan, county, unit, task, project, indicator, period or report.
    assert set(site["counts"].values()) == {0}, site["counts"]


def test_new_site_refuses_an_existing_site_and_leaves_it_alone(district):
    config = (SITES_DIR / district / "site_config.json").read_text()
    with pytest.raises(CommandError, match=f"站点“{district}”已存在.*加 --force.*drop_site {district}"):
        new_site(district, "--db-type", "mariadb", "--admin-password", "Another-Pass-99")
    assert (SITES_DIR / district / "site_config.json").read_text() == config
    assert MariaDB().database_exists(database_name(district))


def test_new_site_force_makes_it_again_from_nothing(district):
    """As Frappe's new-site --force: the old database is dropped; a new key, a new password."""
    config = load_site_config(district)
    new_site(district, "--db-type", "mariadb", "--admin-password", "Another-Pass-99", "--force")
    assert load_site_config(district)["secret_key"] != config["secret_key"]
    site = probe(district, "Another-Pass-99")
    assert site["login"] == [200, "Logged In"]
    assert probe(district, PASSWORD)["login"][0] == 401
    assert site["users"] == [["Administrator", True, True]]
    assert set(site["counts"].values()) == {0}


def test_drop_site_drops_its_database_and_folder(district):
    call_command("drop_site", district, "--yes", stdout=io.StringIO())
    assert not (SITES_DIR / district).exists()
    assert not MariaDB().database_exists(database_name(district))


@pytest.mark.parametrize("name", ["District", "a.b", "../escape", "区", "a b", "_private", "x" * 41])
def test_new_site_refuses_a_bad_name(name):
    with pytest.raises(CommandError, match="只能用小写字母、数字、下划线和连字符"):
        new_site(name, "--admin-password", PASSWORD)
    assert not (SITES_DIR / name).exists()


def test_new_site_refuses_the_name_of_the_sites_code():
    with pytest.raises(CommandError, match="站点名“settings”不可用：与 sites/settings.py 同名"):
        new_site("settings", "--admin-password", PASSWORD)
    assert not (SITES_DIR / "settings").exists()


def test_new_site_refuses_an_unreachable_mariadb_and_makes_nothing(site_name):
    with pytest.raises(CommandError, match=r"MariaDB 没有应答（127\.0\.0\.1:1）：请先启动它，或用 --db-type sqlite"):
        new_site(site_name, "--db-type", "mariadb", "--db-port", "1", "--admin-password", PASSWORD)
    assert not (SITES_DIR / site_name).exists()


def test_new_site_refuses_a_database_that_exists_without_its_site(site_name):
    MariaDB().execute(f"CREATE DATABASE `{database_name(site_name)}`")
    with pytest.raises(CommandError, match=f"数据库 {database_name(site_name)} 已存在"):
        new_site(site_name, "--db-type", "mariadb", "--admin-password", PASSWORD)
    assert not (SITES_DIR / site_name).exists()
    assert MariaDB().database_exists(database_name(site_name))  # not someone else's to drop


def test_new_site_never_uses_a_default_password(site_name, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="请给出管理员密码：--admin-password 或环境变量 ADMIN_PASSWORD"):
        new_site(site_name, "--db-type", "sqlite")
    with pytest.raises(CommandError, match="管理员密码不合要求：密码太短，至少要有 8 个字符。"):
        new_site(site_name, "--db-type", "sqlite", "--admin-password", "1234567")
    with pytest.raises(CommandError, match="管理员密码不合要求：密码跟 用户名 太相似了"):
        new_site(site_name, "--db-type", "sqlite", "--admin-password", "administrator1")
    assert not (SITES_DIR / site_name).exists()


def test_drop_site_asks_before_dropping_and_refuses_an_unknown_site(site_name, monkeypatch):
    with pytest.raises(CommandError, match=f"站点“{site_name}”不存在"):
        call_command("drop_site", site_name, "--yes")
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: nobody to ask
    with pytest.raises(CommandError, match="删除站点会丢失其全部数据：确认请加 --yes"):
        call_command("drop_site", site_name)


@pytest.mark.django_db
def test_installing_the_defaults_again_keeps_what_the_administrators_made_their_own():
    """The letterhead and the workflows are the site's once installed; the 赣州 plan sets its own letterheads."""
    from apps.innovation_action.models import ProjectStage
    from apps.innovation_action.services.site_defaults import install_defaults
    from apps.lowcode.print_format.model import LetterHead
    from apps.lowcode.workflow.model import Workflow

    assert LetterHead.objects.get(name="领导小组").issuer_mark == "赣州市科技创新赋能行动领导小组"  # the demo's
    LetterHead.objects.filter(name="领导小组").update(issuer_mark="某某区科技创新赋能行动领导小组")
    Workflow.objects.filter(name="自评报告审核流程").update(is_active=False)
    ProjectStage.objects.filter(name="停缓建").delete()  # the office's list of project stages is theirs
    install_defaults()
    assert LetterHead.objects.get(name="领导小组").issuer_mark == "某某区科技创新赋能行动领导小组"
    assert not Workflow.objects.get(name="自评报告审核流程").is_active
    assert list(ProjectStage.objects.values_list("name", flat=True)) == ["前期", "在建", "竣工", "投产"]
    # An emptied database (flush) gets the stages back, as migrate gave them.
    ProjectStage.objects.all().delete()
    install_defaults()
    assert ProjectStage.default().name == "在建" and ProjectStage.objects.count() == 5
