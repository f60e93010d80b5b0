"""Per-site configuration, as Frappe keeps it: ``sites/<site>/site_config.json``.

The site is chosen by the ``SITE`` environment variable (default ``default``);
``manage.py new_site NAME`` makes one (sites/site_setup.py).
A site without a config file is a development site: embedded SQLite, jobs run
inline, DEBUG off. Keys understood (all optional):

    db_type       "sqlite" (default) or "mariadb"
    db_name, db_host, db_port, db_user, db_password    MariaDB connection
    db_conn_max_age  seconds a worker keeps its MariaDB connection between requests
                  (default 60; 0 opens one per request); checked before reuse
    redis_url     e.g. "redis://127.0.0.1:6379/0"; without it jobs run inline
    secret_key    default: a random key kept in sites/<site>/secret_key
    debug         true/false (default false: error pages never show code or settings)
    https         true when served over HTTPS: secure cookies, HSTS, redirect to https
    allowed_hosts list of host names
    email_host, email_port, email_user, email_password, email_from
    backup_path   where `manage.py backup` and the daily backup put the archives (default sites/<site>/backups)
    backup_keep   how many of the newest archives the daily backup keeps (default 7)
    trusted_proxies  reverse proxies (IPs or networks, e.g. ["127.0.0.1"]) whose
                  X-Forwarded-For gives the client's address; without it REMOTE_ADDR
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path

SITES_DIR = Path(__file__).resolve().parent
# A MariaDB site's database (created by `manage.py new_site`, and by the tests for theirs). unicode_520
# weighs supplementary-plane characters (rare names such as 𬭚) individually; the older unicode_ci
# makes them all equal.
MARIADB_CHARSET = "utf8mb4"
MARIADB_COLLATION = "utf8mb4_unicode_520_ci"


def current_site() -> str:
    return os.environ.get("SITE", "default")


def site_dir(site: str | None = None) -> Path:
    return SITES_DIR / (site or current_site())


def load_site_config(site: str | None = None) -> dict:
    path = site_dir(site) / "site_config.json"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def database_settings(config: dict, directory: Path) -> dict:
    if config.get("db_type", "sqlite") == "mariadb":
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": config["db_name"],
            "HOST": config.get("db_host", "127.0.0.1"),
            "PORT": str(config.get("db_port", 3306)),
            "USER": config.get("db_user", "root"),
            "PASSWORD": config.get("db_password", ""),
            "OPTIONS": {
                "charset": "utf8mb4",
                "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
            },
            "TEST": {"CHARSET": MARIADB_CHARSET, "COLLATION": MARIADB_COLLATION},
            # A worker keeps its connection between requests instead of connecting (TCP, login, the
            # init command) for each one; a connection the server dropped is noticed and replaced.
            "CONN_MAX_AGE": int(config.get("db_conn_max_age", 60)),
            "CONN_HEALTH_CHECKS": True,
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": directory / "db.sqlite3",
        # IMMEDIATE: a transaction takes the write lock when it begins, as MariaDB's SELECT … FOR
        # UPDATE does for a row. With SQLite's default (deferred) two workflow actions on one
        # document both read, then the second to write fails at once with "database is locked";
        # now it waits (up to the timeout) and then reads what the first one wrote.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        # Tests run on a file, not in memory: the live server's threads then each have their own
        # connection and lock as the site does (an in-memory database is one shared connection).
        "TEST": {"NAME": sqlite_test_file(directory)},
    }


def test_worker_redis_url(url: str | None) -> str | None:
    """A parallel test worker's own Redis database, so that flushing it touches no other worker's jobs.

    pytest-xdist names its workers gw0, gw1, …; worker n uses the site's database number minus n
    (the test site's 15 → 15, 14, …). pytest-django gives each worker its own SQL database likewise.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    base, _, number = url.rpartition("/")
    if not number.isdigit() or int(number) < int(worker[2:]):
        raise ValueError(f"redis_url {url} leaves no database number for test worker {worker}")
    return f"{base}/{int(number) - int(worker[2:])}"


def sqlite_test_file(directory: Path) -> Path:
    """The SQLite test database of a site: in the temporary folder, one per checkout and site."""
    tag = hashlib.sha1(str(directory.resolve()).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"innovation_action_test_{directory.name}_{tag}.sqlite3"
