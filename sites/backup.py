"""A site's backup as one dated archive (`manage.py backup`, the daily scheduled job), as Frappe's ``bench backup``.

``YYYYMMDD_HHMMSS-<site>-backup.tar.gz`` (the site's local time) holds:

    database.sql | database.sqlite3   the database: mariadb-dump (one consistent transaction, routines and
                                      triggers) or SQLite's online backup API, never a copy of a live file
    files/…                           the site's uploaded files (MEDIA_ROOT: attachments, notices, fonts)
    site_config.json                  the site's configuration without its secrets (passwords, secret key):
                                      a leaked archive gives no access to the servers; a restored site gets
                                      its own database and secret key (nothing stored depends on the old one:
                                      passwords and API secrets are hashed without it; sessions just end)
    manifest.json                     the last member: the site, the time, the database type and each
                                      member's size and SHA-256, checked member by member on restore

Next to it, ``<archive>.sha256`` (``sha256sum -c`` reads it) checks the whole file. The archive is written
under a temporary name and renamed when complete, so a crash never leaves a half archive with a real name.
The database is dumped before the files are read (as Frappe does): a file uploaded meanwhile may be in the
archive without its row, never a row without its file unless the file was deleted meanwhile.
"""

import fcntl
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sites.site_setup import SiteError

FORMAT = "innovation-action-site-backup"
VERSION = 1
MANIFEST = "manifest.json"
CONFIG = "site_config.json"
FILES = "files"
DUMPS = {"mariadb": "database.sql", "sqlite": "database.sqlite3"}
DEFAULT_KEEP = 7
CHUNK = 1 << 20


class BackupError(SiteError):
    """A backup that cannot be made, or an archive that cannot be restored; the message says why, in Chinese."""


def archive_name(site: str, when: datetime) -> str:
    return f"{when:%Y%m%d_%H%M%S}-{site}-backup.tar.gz"


def archive_pattern(site: str) -> re.Pattern:
    return re.compile(rf"\d{{8}}_\d{{6}}-{re.escape(site)}-backup\.tar\.gz")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_secret(key: str) -> bool:
    return key == "secret_key" or key.endswith(("password", "secret", "token"))


def public_config(config: dict) -> tuple[dict, list[str]]:
    """The site's configuration without its secrets (and without the password in a Redis URL), and the keys left out."""
    public, removed = {}, []
    for key, value in config.items():
        if is_secret(key):
            removed.append(key)
        elif key == "redis_url" and isinstance(value, str) and urlsplit(value).password:
            parts = urlsplit(value)
            host = parts.hostname + (f":{parts.port}" if parts.port else "")
            public[key] = urlunsplit(parts._replace(netloc=host))
            removed.append("redis_url 中的密码")
        else:
            public[key] = value
    return public, removed


def database_type(database: dict) -> str:
    """'mariadb' or 'sqlite', from a Django DATABASES entry."""
    engine = database["ENGINE"]
    if engine.endswith("mysql"):
        return "mariadb"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"不支持备份这种数据库：{engine}")


def client_program(*names: str) -> str:
    for name in names:
        if path := shutil.which(name):
            return path
    raise BackupError(
        f"找不到 {names[0]}（或 {names[1]}）：请安装 Debian 软件包 mariadb-client（apt-get install mariadb-client）。"
    )


@contextmanager
def mariadb_options(host: str, port, user: str, password: str):
    """A client option file (mode 0600) for the MariaDB tools, so the password never shows in the process list."""

    def quoted(value) -> str:  # option files read "…" with \\ and \" escapes: any password survives
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    handle, path = tempfile.mkstemp(prefix="backup-", suffix=".cnf")
    try:
        with os.fdopen(handle, "w") as f:
            f.write(
                f"[client]\nhost={quoted(host or '127.0.0.1')}\nport={int(port or 3306)}\n"
                f"user={quoted(user)}\npassword={quoted(password)}\n"
            )
        yield f"--defaults-extra-file={path}"
    finally:
        os.unlink(path)


def run_tool(command: list[str], what: str, **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode:
        detail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise BackupError(f"{what}失败：{detail}")


def dump_database(database: dict, target: Path) -> None:
    if database_type(database) == "mariadb":
        program = client_program("mariadb-dump", "mysqldump")
        with mariadb_options(database["HOST"], database["PORT"], database["USER"], database["PASSWORD"]) as options:
            run_tool(
                [
                    program,
                    options,  # must come first
                    "--single-transaction",  # one consistent snapshot while the site keeps working
                    "--routines",
                    "--triggers",
                    "--hex-blob",
                    "--default-character-set=utf8mb4",
                    "--no-tablespaces",
                    "--skip-dump-date",
                    f"--result-file={target}",
                    database["NAME"],  # no CREATE DATABASE / USE: the dump loads into any database
                ],
                "导出数据库（mariadb-dump）",
            )
        return
    source = sqlite3.connect(f"file:{database['NAME']}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # SQLite's online backup: a consistent copy even while others write
    finally:
        copy.close()
        source.close()


class _Hashing:
    """A file object that hashes what tarfile reads from it, so the manifest says what the archive holds."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, source: Path, name: str, manifest: dict) -> None:
    info = tar.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(source, "rb") as f:
        hashing = _Hashing(f)
        tar.addfile(info, hashing)
    manifest[name] = {"size": info.size, "sha256": hashing.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, when: datetime) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(when.timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


@contextmanager
def backup_lock(backup_dir: Path, site: str):
    """One backup of a site at a time (two schedulers, or a run that outlasts the next, may overlap)."""
    with open(backup_dir / f".{site}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"站点 {site} 的另一个备份正在进行，本次不再备份。") from None
        yield


def make_archive(
    site: str, database: dict, files_dir: Path, config: dict, backup_dir: Path, when: datetime, say=print
) -> Path:
    """Write the site's archive (and its .sha256) into backup_dir; returns the archive's path."""
    db_type = database_type(database)
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / archive_name(site, when)
    with backup_lock(backup_dir, site), tempfile.TemporaryDirectory(dir=backup_dir, prefix=".partial-") as work:
        work = Path(work)
        dump = work / DUMPS[db_type]
        say(f"导出数据库（{'MariaDB' if db_type == 'mariadb' else 'SQLite'}）……")
        dump_database(database, dump)
        public, removed = public_config(config)
        partial = work / "archive.tar.gz"
        members: dict = {}
        say("打包数据库与附件……")
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            _add(tar, dump, DUMPS[db_type], members)
            config_data = json.dumps(public, ensure_ascii=False, indent=2).encode() + b"\n"
            config_file = work / CONFIG
            config_file.write_bytes(config_data)
            _add(tar, config_file, CONFIG, members)
            count = 0
            if files_dir.is_dir():
                for path in sorted(files_dir.rglob("*")):
                    # Regular files only: a link could point anywhere, and the site never makes one.
                    if path.is_file() and not path.is_symlink():
                        _add(tar, path, f"{FILES}/{path.relative_to(files_dir).as_posix()}", members)
                        count += 1
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "site": site,
                "created": when.isoformat(),
                "db_type": db_type,
                "database": DUMPS[db_type],
                "file_count": count,
                "secrets_left_out": removed,
                "members": members,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode(), when)
        if target.exists():
            raise BackupError(f"备份文件已存在：{target}")
        os.replace(partial, target)
    (backup_dir / f"{target.name}.sha256").write_text(f"{sha256_of(target)}  {target.name}\n")
    return target


# ------------------------------------------------------------------ reading an archive back


def _refuse(archive: Path, why: str) -> BackupError:
    return BackupError(f"备份文件 {archive.name} 不能恢复：{why}。没有做任何恢复。")


def open_archive(archive: Path, into: Path) -> dict:
    """Check the archive whole and member by member, extract it into ``into``; returns its manifest.

    Refused, before anything is restored: a missing file, a .sha256 beside it that does not match, a file
    that is not a complete gzip tar (truncated, overwritten), a member that is not a plain file or
    directory or lies outside the archive, a member missing from the manifest or the manifest naming one
    that is absent, a size or SHA-256 that differs.
    """
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.is_file():
        expected = sidecar.read_text().split()[:1]
        if expected != [sha256_of(archive)]:
            raise _refuse(archive, f"与校验文件 {sidecar.name} 的 SHA-256 不符（文件被改动或不完整）")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                if not (member.isfile() or member.isdir()):
                    raise _refuse(archive, f"含有不是普通文件的成员 {member.name}")
            tar.extractall(into, filter="data")  # no absolute paths, no "..", no links out of the folder
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise _refuse(archive, f"文件已损坏或不完整（{type(exc).__name__}）") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _refuse(archive, "缺少或读不出清单 manifest.json，这不是本系统的站点备份") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(archive, "清单 manifest.json 不是本系统站点备份的清单")
    if manifest.get("version") != VERSION:
        raise _refuse(archive, f"备份格式版本 {manifest.get('version')} 不受支持（本系统读第 {VERSION} 版）")
    listed = manifest.get("members") or {}
    present = {m.name for m in members if m.isfile()} - {MANIFEST}
    if present - set(listed):
        raise _refuse(archive, f"含有清单之外的文件：{'、'.join(sorted(present - set(listed))[:5])}")
    if set(listed) - present:
        raise _refuse(archive, f"缺少清单所列的文件：{'、'.join(sorted(set(listed) - present)[:5])}")
    for name, expected in listed.items():
        path = into / name
        if path.stat().st_size != expected.get("size") or sha256_of(path) != expected.get("sha256"):
            raise _refuse(archive, f"{name} 的大小或 SHA-256 与清单不符（文件被改动或损坏）")
    if manifest.get("db_type") not in DUMPS or manifest.get("database") != DUMPS[manifest["db_type"]]:
        raise _refuse(archive, "清单中的数据库类型无法识别")
    if manifest["database"] not in listed or CONFIG not in listed:
        raise _refuse(archive, "缺少数据库或站点配置")
    return manifest


# ------------------------------------------------------------------ the site's own backups, kept N


def backups_of(backup_dir: Path, site: str) -> list[Path]:
    """The site's complete archives in backup_dir, oldest first (their names begin with the time)."""
    if not backup_dir.is_dir():
        return []
    pattern = archive_pattern(site)
    return sorted(path for path in backup_dir.iterdir() if pattern.fullmatch(path.name) and path.is_file())


def prune(backup_dir: Path, site: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives of the site (with their .sha256); nothing else is touched."""
    if keep < 1:
        raise BackupError(f"保留份数须至少为 1，而不是 {keep}。")
    old = backups_of(backup_dir, site)[:-keep]
    for path in old:
        path.unlink()
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
    return old


def backup_current_site(backup_dir: Path | None = None, say=print) -> Path:
    """Back up the site this process runs (its Django settings and database connection)."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    return make_archive(
        settings.SITE_NAME,
        connection.settings_dict,
        Path(settings.MEDIA_ROOT),
        settings.SITE_CONFIG,
        Path(backup_dir or settings.BACKUP_DIR),
        timezone.localtime().replace(microsecond=0),
        say=say,
    )


def daily_backup() -> str:
    """The scheduler's daily job (apps/lowcode/hooks.py): back the site up, keep its newest N archives."""
    from django.conf import settings

    archive = backup_current_site(say=lambda message: None)
    removed = prune(archive.parent, settings.SITE_NAME, settings.BACKUP_KEEP)
    return f"已备份到 {archive}；保留最近 {settings.BACKUP_KEEP} 份，删除了 {len(removed)} 份旧备份。"
