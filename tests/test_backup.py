"""Backups (`manage.py backup`) and restores into a new site (`manage.py restore ARCHIVE --site NEW`), for real.

A site in use — the 2023 plan, a county's 自评报告 taken through its workflow with attachments (history rows,
the workflow log, files) — is backed up with the command, restored into a new site (its own database on the
same server, or its own SQLite file: the test runs on both engines), and the two are compared table by table
(every table's definition and rows) and file by file (every byte); then the new site is started in a process
of its own and a user logs in with their old password. A tampered, truncated or foreign archive is refused
with a Chinese message and nothing made; the daily job, run by a real RQ worker, keeps the newest N.
Every site and database a test makes is dropped at the end, whatever happened.
"""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import textwrap
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from rq import SimpleWorker
from rq.cron import CronScheduler

from apps.innovation_action.services.demo_accounts import create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from sites.backup import BackupError, backup_lock, backups_of
from sites.site_config import SITES_DIR, load_site_config
from sites.site_setup import ROOT, MariaDB, database_name, drop_site
from tests.conftest import PLAN_FOLDER
from tests.test_workflow_api import act, client, create_assessment, fill_in, ok

TAG = os.getpid()  # two checkouts testing at once make different sites
JOB = "sites.backup.daily_backup"


def remove(name: str) -> None:
    if (SITES_DIR / name).is_dir():
        drop_site(name)
    if connection.vendor == "mysql":
        MariaDB().execute(f"DROP DATABASE IF EXISTS `{database_name(name)}`")


@pytest.fixture
def new_site_name(request):
    name = f"t_{request.node.name[5:22].lower()}_{TAG}".replace("[", "_").replace("]", "")
    remove(name)
    yield name
    remove(name)


def backup(folder: Path, *args: str) -> Path:
    out = io.StringIO()
    call_command("backup", "--backup-path", str(folder), *args, stdout=out)
    [archive] = [
        line.split("：", 1)[1].rsplit("（", 1)[0] for line in out.getvalue().splitlines() if "已备份：" in line
    ]
    return Path(archive)


def restore(archive: Path, name: str, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), "--site", name, *args, stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------ reading a database as it is stored


def raw_connection(settings_dict: dict):
    """A connection of the database driver itself (no Django conversions), the same kind for both sides."""
    if settings_dict["ENGINE"].endswith("mysql"):
        import MySQLdb

        return MySQLdb.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=int(settings_dict["PORT"] or 3306),
            user=settings_dict["USER"],
            passwd=settings_dict["PASSWORD"],
            db=settings_dict["NAME"],
            charset="utf8mb4",
        )
    return sqlite3.connect(settings_dict["NAME"])


def tables(settings_dict: dict) -> dict[str, tuple[str, list]]:
    """Every table: (its definition, its rows in a stable order)."""
    db = raw_connection(settings_dict)
    try:
        cursor = db.cursor()
        if settings_dict["ENGINE"].endswith("mysql"):
            cursor.execute("SHOW TABLES")
            names = [name for (name,) in cursor.fetchall()]
            definitions = {}
            for name in names:
                cursor.execute(f"SHOW CREATE TABLE `{name}`")
                definitions[name] = cursor.fetchone()[1]
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            definitions = dict(cursor.fetchall())
        result = {}
        for name, definition in definitions.items():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            result[name] = (definition, sorted(cursor.fetchall(), key=repr))
        return result
    finally:
        db.close()


def site_database(name: str) -> dict:
    config = load_site_config(name)
    if config["db_type"] == "mariadb":
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": config["db_name"],
            "HOST": config["db_host"],
            "PORT": config["db_port"],
            "USER": config["db_user"],
            "PASSWORD": config["db_password"],
        }
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": SITES_DIR / name / "db.sqlite3"}


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


# What the restored site answers, from a process whose settings are its own: the county logs in with its
# old password, reads its 自评报告 and downloads its attachment.
PROBE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.test import Client
    client = Client()
    login = client.post("/api/method/login", {"usr": "zhanggong", "pwd": "ganzhou2023"},
                        content_type="application/json")
    doc = client.get("/api/resource/SelfAssessment/" + sys.argv[1]).json()["data"]
    download = client.get(sys.argv[2])
    print(json.dumps({"login": login.status_code, "state": doc["workflow_state"],
                      "file": download.status_code, "bytes": b"".join(download).hex()}))
    """
)


def probe(site: str, *args: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
    env.update(SITE=site, DJANGO_SETTINGS_MODULE="sites.settings", PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ backup and restore a site in use


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True)
def test_a_site_in_use_restores_into_a_new_site_identical_table_by_table(
    settings, tmp_path, new_site_name, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "files"
    load_plan(PLAN_FOLDER)  # a transactional test may start from a database an earlier one emptied
    create_demo_accounts()
    # The county fills in its report with two attachments (one binary, one with a Chinese name) and
    # takes it through the workflow: history rows, the workflow log, files.
    name = create_assessment()["name"]
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40 + "证明材料".encode()
    uploaded = []
    for file_name, content in (("统计年报.pdf", pdf), ("说明.txt", "第11项佐证\n".encode())):
        uploaded.append(
            ok(
                client("zhanggong").post(
                    "/api/method/upload_file",
                    {"file": SimpleUploadedFile(file_name, content), "doctype": "SelfAssessment", "docname": name},
                    format="multipart",
                )
            )
        )
    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "退回修改", "请补充证明材料"))
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "初审通过"))

    archive = backup(tmp_path / "backups")
    assert archive.parent == tmp_path / "backups"
    assert archive.name.endswith(f"-{settings.SITE_NAME}-backup.tar.gz")
    datetime.strptime(archive.name[:15], "%Y%m%d_%H%M%S")  # named by its time, as Frappe names backups
    # The checksum beside it is sha256sum's, and the archive holds no secret of the site.
    check = subprocess.run(["sha256sum", "-c", archive.name + ".sha256"], cwd=archive.parent, capture_output=True)
    assert check.returncode == 0, check.stdout
    with tarfile.open(archive) as tar:
        archived_config = json.load(tar.extractfile("site_config.json"))
        manifest = json.load(tar.extractfile("manifest.json"))
    assert not {"secret_key", "db_password"} & set(archived_config)
    assert manifest["db_type"] == ("mariadb" if connection.vendor == "mysql" else "sqlite")
    assert manifest["file_count"] == 2

    out = restore(archive, new_site_name)
    assert f"恢复为站点 {new_site_name}（附件 2 个）" in out
    config = load_site_config(new_site_name)
    if connection.vendor == "mysql":  # its own database, not the source's
        assert config["db_name"] == database_name(new_site_name) != connection.settings_dict["NAME"]
    assert config["secret_key"] != settings.SECRET_KEY

    # Table by table: the same tables, definitions and rows (history and the workflow log among them).
    source, restored = tables(connection.settings_dict), tables(site_database(new_site_name))
    assert sorted(source) == sorted(restored) and len(source) > 50
    for table in source:
        assert source[table] == restored[table], f"table {table} differs after the restore"
    history = {table: len(rows) for table, (_, rows) in source.items() if "historical" in table}
    assert history["innovation_action_historicalselfassessment"] >= 5
    assert sum(history.values()) > 100  # the plan's history too
    assert len(source["lowcode_workflowlog"][1]) == 5  # 新建, 提交, 退回修改, 提交, 初审通过
    assert len(source["lowcode_file"][1]) == 2
    # File by file, byte by byte.
    files = files_of(tmp_path / "files")
    assert len(files) == 2 and pdf in files.values()
    assert files_of(SITES_DIR / new_site_name / "files") == files

    # The new site runs: the county logs in with its old password and finds its report and its attachment.
    site = probe(new_site_name, name, uploaded[0]["file_url"])
    assert site == {"login": 200, "state": "待审定", "file": 200, "bytes": pdf.hex()}

    # Restoring again over the site is refused without --force, and replaces it with --force.
    with pytest.raises(CommandError, match=f"站点“{new_site_name}”已存在.*没有做任何恢复.*--force"):
        restore(archive, new_site_name)
    assert "恢复为站点" in restore(archive, new_site_name, "--force")
    assert tables(site_database(new_site_name)) == restored

    # A replacement that fails half-way (here: the upgrade after loading) leaves the site as it was, its
    # configuration, database and files; nothing of the attempt remains.
    replaced_config = load_site_config(new_site_name)

    def upgrade_fails(*args):
        raise BackupError("升级数据表失败")

    monkeypatch.setattr("sites.restore.run_on_site", upgrade_fails)
    with pytest.raises(CommandError, match="升级数据表失败"):
        restore(archive, new_site_name, "--force")
    assert load_site_config(new_site_name) == replaced_config
    assert tables(site_database(new_site_name)) == restored
    assert files_of(SITES_DIR / new_site_name / "files") == files
    assert not list(SITES_DIR.glob(f".replaced-{new_site_name}-*"))
    assert not list(SITES_DIR.glob(f".restore-{new_site_name}-*"))


# ------------------------------------------------------------------ archives that are refused


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive whose members pass through ``change(name, data) -> data | None`` (None: left out)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
    return target


def assert_refused(archive: Path, name: str, why: str) -> None:
    with pytest.raises(CommandError) as refusal:
        restore(archive, name)
    message = str(refusal.value)
    assert why in message and "没有做任何恢复" in message, message
    # Nothing made: no site folder, no database, no restore left in progress.
    assert not (SITES_DIR / name).exists()
    assert not list(SITES_DIR.glob(f".restore-{name}-*"))
    if connection.vendor == "mysql":
        assert not MariaDB().database_exists(database_name(name))


@pytest.mark.django_db
def test_tampered_truncated_and_foreign_archives_are_refused(settings, tmp_path, new_site_name):
    settings.MEDIA_ROOT = tmp_path / "files"
    (tmp_path / "files" / "private").mkdir(parents=True)
    (tmp_path / "files" / "private" / "a.txt").write_text("附件")
    archive = backup(tmp_path / "backups")
    sidecar = archive.with_name(archive.name + ".sha256")
    work = tmp_path / "work"
    work.mkdir()
    dump = next(n for n in ("database.sql", "database.sqlite3") if n in tarfile.open(archive).getnames())

    # One byte of the database changed inside (the manifest kept): its SHA-256 gives it away.
    def flip(member, data):
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if member == dump else data

    assert_refused(rewrite(archive, work / archive.name, flip), new_site_name, f"{dump} 的大小或 SHA-256 与清单不符")
    # A file slipped in, or one left out.
    intact = rewrite(archive, work / "intact.tar.gz", lambda m, d: d)
    with tarfile.open(archive) as tar, tarfile.open(work / "extra2.tar.gz", "w:gz") as copy:
        for member in tar.getmembers():
            copy.addfile(member, tar.extractfile(member))
        info = tarfile.TarInfo("files/private/evil.txt")
        info.size = 4
        copy.addfile(info, io.BytesIO(b"evil"))
    assert_refused(work / "extra2.tar.gz", new_site_name, "含有清单之外的文件：files/private/evil.txt")
    missing = rewrite(archive, work / "missing.tar.gz", lambda m, d: None if m == "files/private/a.txt" else d)
    assert_refused(missing, new_site_name, "缺少清单所列的文件：files/private/a.txt")
    # Truncated in transfer (no .sha256 beside it): the gzip stream ends early.
    truncated = work / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert_refused(truncated, new_site_name, "文件已损坏或不完整")
    # The archive changed beside its .sha256 (here: one byte appended).
    with open(archive, "ab") as f:
        f.write(b"\0")
    assert_refused(archive, new_site_name, f"与校验文件 {sidecar.name} 的 SHA-256 不符")
    # A tar.gz that is not a site backup, and a member that is a link.
    foreign = work / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(intact, arcname="other.tar.gz")
    assert_refused(foreign, new_site_name, "这不是本系统的站点备份")
    with tarfile.open(work / "link.tar.gz", "w:gz") as tar:
        link = tarfile.TarInfo("files/private/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    assert_refused(work / "link.tar.gz", new_site_name, "含有不是普通文件的成员 files/private/passwd")
    with pytest.raises(CommandError, match="找不到备份文件"):
        restore(work / "nothing.tar.gz", new_site_name)
    # A site name that is not one, and an existing site, are refused before anything is read.
    with pytest.raises(CommandError, match="站点名“../x”不可用"):
        restore(archive, "../x")
    with pytest.raises(CommandError, match=f"站点“{settings.SITE_NAME}”已存在"):
        restore(intact, settings.SITE_NAME)


# ------------------------------------------------------------------ the daily job keeps N


@pytest.mark.redis
@pytest.mark.django_db
def test_the_daily_job_backs_up_the_site_and_keeps_the_newest_n(settings, tmp_path, redis_queue):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.BACKUP_DIR = folder = tmp_path / "backups"
    settings.BACKUP_KEEP = 2
    folder.mkdir()
    (folder / "notes.txt").write_text("运维笔记")  # not an archive of this site: never deleted
    other = folder / "20200101_020000-other_site-backup.tar.gz"
    other.write_bytes(b"another site's archive")
    # What the Procfile's scheduler does every night at 2 (its local time): the cron job goes on the queue,
    # the worker runs it.
    scheduler = CronScheduler(connection=redis_queue.connection)
    scheduler.load_config_from_file("apps.lowcode.jobs.cron")
    [cron_job] = [job for job in scheduler.get_jobs() if job.args == (JOB,)]
    assert (cron_job.cron, cron_job.queue_name) == ("0 2 * * *", "default")
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)
    for day in (1, 2, 3):
        with time_machine.travel(datetime(2026, 11, day, 2, 0, 5, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
            job = cron_job.enqueue(redis_queue.connection)
            worker.work(burst=True)
        job.refresh()
        assert job.get_status() == "finished", job.latest_result().exc_string
        assert "保留最近 2 份" in job.return_value()
    site = settings.SITE_NAME
    assert [path.name for path in backups_of(folder, site)] == [
        f"20261102_020005-{site}-backup.tar.gz",
        f"20261103_020005-{site}-backup.tar.gz",
    ]
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == sorted(
        [
            "notes.txt",
            other.name,
            *(f"2026110{day}_020005-{site}-backup.tar.gz{ext}" for day in (2, 3) for ext in ("", ".sha256")),
        ]
    )
    # An overlapping run (a second scheduler, a slow night) makes no second archive at once.
    with backup_lock(folder, site), pytest.raises(CommandError, match="另一个备份正在进行"):
        backup(folder)
    # The command keeps N too when asked.
    backup(folder, "--keep", "1")
    assert len(backups_of(folder, site)) == 1
