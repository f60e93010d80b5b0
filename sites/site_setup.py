"""Making and dropping a site (`manage.py new_site`, `manage.py drop_site`), as Frappe's ``bench new-site``.

A site is a folder ``sites/<name>/`` with its ``site_config.json`` and, on MariaDB, a database of its
own. Django reads its settings once per process, so what runs on the new site (migrate, the apps'
defaults, the administrator's account) runs in child processes started with ``SITE=<name>``: the
process that makes the site never connects to it through Django.

A site that exists is refused; ``force`` drops it (its database and folder) and makes it again, as
Frappe's ``new-site --force`` reinstalls. A creation that fails half-way drops what it made.
"""

import getpass
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass

from sites.site_config import MARIADB_CHARSET, MARIADB_COLLATION, SITES_DIR, load_site_config

ROOT = SITES_DIR.parent
# Lower-case letters, digits, "_" and "-": a folder name and (with "-" as "_") part of a database name.
SITE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
DATABASE_PREFIX = "innovation_action_"
ADMINISTRATOR = "Administrator"  # Frappe's name for the site's first account
ADMIN_PASSWORD_ENV = "ADMIN_PASSWORD"


class SiteError(Exception):
    """A site that cannot be made or dropped; the message says why, in Chinese."""


@dataclass
class MariaDB:
    """The server a new site's database is created on, and the account that creates it and then uses it."""

    host: str = "127.0.0.1"
    port: int = 3306
    user: str = "root"
    password: str = ""

    def answers(self, timeout: float = 2) -> bool:
        try:
            socket.create_connection((self.host, self.port), timeout=timeout).close()
        except OSError:
            return False
        return True

    def connect(self):
        import MySQLdb

        try:
            return MySQLdb.connect(host=self.host, port=self.port, user=self.user, passwd=self.password)
        except MySQLdb.OperationalError as exc:
            raise SiteError(f"无法连接 MariaDB（{self.user}@{self.host}:{self.port}）：{exc.args[-1]}") from None

    def execute(self, sql: str, params=()) -> list:
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            connection.close()

    def database_exists(self, name: str) -> bool:
        return bool(self.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (name,)))

    @classmethod
    def of(cls, config: dict) -> "MariaDB":
        return cls(
            host=config.get("db_host", "127.0.0.1"),
            port=int(config.get("db_port", 3306)),
            user=config.get("db_user", "root"),
            password=config.get("db_password", ""),
        )


def check_name(name: str) -> None:
    if not SITE_NAME.fullmatch(name or ""):
        raise SiteError(
            f"站点名“{name}”不可用：只能用小写字母、数字、下划线和连字符（a-z、0-9、_、-），"
            "以字母或数字开头，最长 40 个字符。"
        )
    if (SITES_DIR / f"{name}.py").exists():  # sites/settings.py and the like are code, not sites
        raise SiteError(f"站点名“{name}”不可用：与 sites/{name}.py 同名。")


def database_name(site: str) -> str:
    return DATABASE_PREFIX + site.replace("-", "_")


def site_exists(name: str) -> bool:
    return (SITES_DIR / name).exists()


def site_config(name: str, db_type: str, server: MariaDB | None = None, redis_url: str = "") -> dict:
    """The new site's site_config.json (sites/site_config.py lists the keys), with a secret key of its own."""
    config: dict = {"db_type": db_type}
    if db_type == "mariadb":
        config.update(
            db_name=database_name(name),
            db_host=server.host,
            db_port=server.port,
            db_user=server.user,
            db_password=server.password,
        )
    if redis_url:
        config["redis_url"] = redis_url
    config["secret_key"] = secrets.token_urlsafe(50)
    return config


def read_admin_password(given: str | None, prompt: bool) -> str:
    """From the option, else the environment (ADMIN_PASSWORD, as `make site` passes it), else asked twice."""
    password = given or os.environ.get(ADMIN_PASSWORD_ENV, "")
    if password:
        return password
    if not prompt:
        raise SiteError(f"请给出管理员密码：--admin-password 或环境变量 {ADMIN_PASSWORD_ENV}（不会使用默认密码）。")
    password = getpass.getpass(f"{ADMINISTRATOR} 的密码：")
    if password != getpass.getpass("再输入一次："):
        raise SiteError("两次输入的密码不一致。")
    if not password:
        raise SiteError("管理员密码不能为空。")
    return password


def run_on_site(site: str, *args: str, env: dict | None = None) -> str:
    """``manage.py <args>`` in a child process whose settings are the site's."""
    child_env = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
    child_env.update({"SITE": site, "DJANGO_SETTINGS_MODULE": "sites.settings", **(env or {})})
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=child_env, capture_output=True, text=True
    )
    if result.returncode:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SiteError(f"在站点 {site} 上执行 manage.py {args[0]} 失败：\n" + "\n".join(detail))
    return result.stdout


def new_site(
    name: str,
    admin_password: str,
    db_type: str = "mariadb",
    server: MariaDB | None = None,
    redis_url: str = "",
    force: bool = False,
    say=print,
) -> dict:
    """Make the site: its config and database, the tables, the apps' defaults, the administrator."""
    check_name(name)
    server = server or MariaDB()
    if site_exists(name) and not force:
        raise SiteError(
            f"站点“{name}”已存在（{SITES_DIR / name}）。"
            f"要删除它重建（其数据全部丢失），加 --force；要删除它，用 manage.py drop_site {name}。"
        )
    config = site_config(name, db_type, server, redis_url)
    if db_type == "mariadb":
        if not server.answers():
            raise SiteError(f"MariaDB 没有应答（{server.host}:{server.port}）：请先启动它，或用 --db-type sqlite。")
        if server.database_exists(config["db_name"]) and not force:
            raise SiteError(
                f"数据库 {config['db_name']} 已存在（不属于任何站点文件夹，或属于名字相近的站点）。"
                "要删除它重建，加 --force。"
            )
    if force:
        if site_exists(name):
            drop_site(name)
        if db_type == "mariadb":
            server.execute(f"DROP DATABASE IF EXISTS `{config['db_name']}`")
    if db_type == "mariadb":
        server.execute(
            f"CREATE DATABASE `{config['db_name']}` CHARACTER SET {MARIADB_CHARSET} COLLATE {MARIADB_COLLATION}"
        )
    folder = SITES_DIR / name
    folder.mkdir(parents=True)
    path = folder / "site_config.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)  # the secret key and the database password
    try:
        say("建立数据表（migrate）……")
        run_on_site(name, "migrate", "--noinput", "-v0")
        say("载入默认配置：角色、默认工作流、打印格式……")
        run_on_site(name, "install_defaults")
        say(f"建立管理员账号 {ADMINISTRATOR}……")
        run_on_site(name, "set_admin_password", env={ADMIN_PASSWORD_ENV: admin_password})
    except BaseException:
        drop_site(name)  # nothing half-made is left behind
        raise
    return config


def drop_site(name: str) -> None:
    """Drop the site's database (MariaDB) and delete its folder (config, SQLite database, uploaded files)."""
    check_name(name)
    folder = SITES_DIR / name
    if not folder.is_dir():
        raise SiteError(f"站点“{name}”不存在（{folder}）。")
    config = load_site_config(name)
    if config.get("db_type") == "mariadb":
        MariaDB.of(config).execute(f"DROP DATABASE IF EXISTS `{config['db_name']}`")
    shutil.rmtree(folder)
