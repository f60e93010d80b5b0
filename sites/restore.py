"""Restoring a site's archive into a new site (`manage.py restore ARCHIVE --site NEW`), as Frappe's ``bench restore``.

The archive is checked whole before anything is made (sites/backup.py: open_archive). The new site gets
what ``manage.py new_site`` gives one: its own folder, its own database (MariaDB: ``innovation_action_<name>``
on the server named, SQLite: ``sites/<name>/db.sqlite3``; the archive's database type), its own secret key,
the Redis URL given; the archived site's other settings (allowed hosts, https, mail server, …) come along,
its secrets do not (they were never archived). Then the database is loaded, the files put in place, and
``migrate`` brings an archive of older code up to this code's tables (an archive of the current code is left
as it was). A restore that fails half-way drops what it made: no half-restored site remains.
"""

import json
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sites.backup import (
    CONFIG,
    FILES,
    BackupError,
    client_program,
    mariadb_options,
    open_archive,
)
from sites.site_config import MARIADB_CHARSET, MARIADB_COLLATION, SITES_DIR, load_site_config
from sites.site_setup import (
    MariaDB,
    check_name,
    database_name,
    drop_site,
    run_on_site,
    site_config,
    site_exists,
)

# What belongs to the new site and never comes from the archive (the old site's backup folder is not the new one's).
SITE_OWN_KEYS = {
    "db_type",
    "db_name",
    "db_host",
    "db_port",
    "db_user",
    "db_password",
    "redis_url",
    "secret_key",
    "backup_path",
}


def restore(
    archive: Path,
    name: str,
    server: MariaDB | None = None,
    redis_url: str = "",
    force: bool = False,
    say=print,
) -> dict:
    """Restore ``archive`` into the new site ``name``; returns its manifest. ``force`` replaces an existing site."""
    check_name(name)
    server = server or MariaDB()
    if site_exists(name) and not force:
        raise BackupError(
            f"站点“{name}”已存在（{SITES_DIR / name}），没有做任何恢复。"
            "恢复到新站点请换一个站点名；要删除它并用备份替换（其现有数据全部丢失），加 --force。"
        )
    staging = Path(tempfile.mkdtemp(dir=SITES_DIR, prefix=f".restore-{name}-"))
    try:
        say(f"校验备份文件 {archive.name}……")
        manifest = open_archive(Path(archive), staging)
        db_type = manifest["db_type"]
        config = site_config(name, db_type, server, redis_url)
        archived = json.loads((staging / CONFIG).read_text(encoding="utf-8"))
        config.update({key: value for key, value in archived.items() if key not in SITE_OWN_KEYS})
        if db_type == "mariadb":
            client_program("mariadb", "mysql")
            if not server.answers():
                raise BackupError(f"MariaDB 没有应答（{server.host}:{server.port}），没有做任何恢复。")
            if server.database_exists(config["db_name"]) and not force:
                raise BackupError(
                    f"数据库 {config['db_name']} 已存在（不属于任何站点文件夹），没有做任何恢复。要删除它重建，加 --force。"
                )
        with _replacing(name, config, server, say) if force else nullcontext():
            _make_site(name, config, manifest, staging, server, say)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    left_out = [
        key for key in manifest.get("secrets_left_out", []) if key not in SITE_OWN_KEYS and "redis_url" not in key
    ]
    if left_out:
        say(f"备份不含机密项，请在 sites/{name}/site_config.json 中补上：{'、'.join(left_out)}。")
    return manifest


@contextmanager
def _replacing(name: str, config: dict, server: MariaDB, say):
    """Keep the site being replaced (its folder moved aside, its database untouched) until the new one is
    complete: the new site loads into a database of another name; a restore that fails puts the old back."""
    old_folder = SITES_DIR / name
    old_config = load_site_config(name) if site_exists(name) else None
    token = uuid.uuid4().hex[:8]
    aside = SITES_DIR / f".replaced-{name}-{token}"
    if old_config is not None:
        old_folder.rename(aside)
    if config.get("db_type") == "mariadb" and server.database_exists(config["db_name"]):
        config["db_name"] = f"{config['db_name']}_{token}"
    try:
        yield
    except BaseException:
        if old_config is not None:
            aside.rename(old_folder)
            say(f"恢复失败，站点 {name} 保持原样。")
        raise
    old_databases = {database_name(name)}
    if old_config is not None and old_config.get("db_type") == "mariadb":
        old_databases.add(old_config["db_name"])
        old_server = MariaDB.of(old_config)
    else:
        old_server = server
    say(f"新站点已就绪，删除被替换的站点 {name} 的旧数据……")
    for database in old_databases - {config.get("db_name")}:
        old_server.execute(f"DROP DATABASE IF EXISTS `{database}`")
    shutil.rmtree(aside, ignore_errors=True)


def _make_site(name: str, config: dict, manifest: dict, staging: Path, server: MariaDB, say) -> None:
    folder = SITES_DIR / name
    folder.mkdir(parents=True)
    path = folder / "site_config.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)  # the secret key and the database password
    try:
        dump = staging / manifest["database"]
        if manifest["db_type"] == "mariadb":
            say(f"建立数据库 {config['db_name']} 并载入数据……")
            server.execute(
                f"CREATE DATABASE `{config['db_name']}` CHARACTER SET {MARIADB_CHARSET} COLLATE {MARIADB_COLLATION}"
            )
            load_mariadb(dump, config)
        else:
            say("载入数据库（SQLite）……")
            load_sqlite(dump, folder / "db.sqlite3")
        if (staging / FILES).is_dir():
            say("放回附件……")
            shutil.move(staging / FILES, folder / FILES)
        say("按当前代码升级数据表（migrate，已是最新则不变）……")
        run_on_site(name, "migrate", "--noinput", "-v0")
    except BaseException:
        drop_site(name)  # nothing half-restored is left behind
        raise


def load_mariadb(dump: Path, config: dict) -> None:
    program = client_program("mariadb", "mysql")
    with (
        mariadb_options(config["db_host"], config["db_port"], config["db_user"], config["db_password"]) as options,
        open(dump, "rb") as source,
    ):
        result = subprocess.run(
            [program, options, "--default-character-set=utf8mb4", "--binary-mode", config["db_name"]],
            stdin=source,
            capture_output=True,
        )
    if result.returncode:
        detail = result.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise BackupError("载入数据库失败：" + "\n".join(detail))


def load_sqlite(dump: Path, target: Path) -> None:
    shutil.copyfile(dump, target)
    connection = sqlite3.connect(target)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份中的 SQLite 数据库无法打开：{exc}") from None
    finally:
        connection.close()
    if problems != ["ok"]:
        raise BackupError(f"备份中的 SQLite 数据库已损坏：{'；'.join(problems[:3])}")
