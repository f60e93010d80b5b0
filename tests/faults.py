"""A private copy of the whole system for fault runs: its own MariaDB, Redis, gunicorn and RQ worker.

The fault tests (tests/test_faults_*.py) stop, kill and starve these processes, so they never touch the
machine's shared MariaDB (3306) or Redis (6379). Each test module gets its own stack on free ports:

    stack = Stack.start(tmp_path_factory.mktemp("faults"))
    stack.session("office").get(stack.url("/api/resource/Project"))
    stack.restart_mariadb(); stack.stop_redis(); stack.kill_work_horse(); …
    stack.stop()

Migrating a MariaDB database takes most of a minute, so the migrated database with the 2023 plan and
the demo accounts is built once per machine and code state (a hash of apps/, fixtures/ and
print_formats/) as a data folder in the temporary folder, and each stack starts on a copy of it.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "faults"
PLAN = ROOT / "fixtures" / "ganzhou-2023"


def binary(name: str) -> str:
    for folder in ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"):
        path = Path(folder) / name
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (Debian: mariadb-server, redis-server)")
    return found


def free_port() -> int:
    """A port nobody listens on now; the kernel picks it, so parallel test workers never collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except Exception:  # noqa: BLE001 - not up yet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(every)


def listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


# What the template database is built from: the migrations, the data loaded and the code that loads it.
TEMPLATE_SOURCES = (
    "apps/*/migrations",
    "apps/innovation_action/services",
    "apps/*/management",
    "apps/lowcode/fixtures",
    "fixtures",
    "print_formats",
)


def code_hash() -> str:
    """The template's key: a change to what it is built from builds it again."""
    digest = hashlib.sha256()
    for pattern in TEMPLATE_SOURCES:
        for path in sorted(p for folder in ROOT.glob(pattern) for p in folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ------------------------------------------------------------------ processes


class MariaDB:
    def __init__(self, datadir: Path, port: int, durable: bool = True):
        self.datadir, self.port, self.durable = datadir, port, durable
        self.process: subprocess.Popen | None = None
        self.log = datadir.parent / f"mariadb-{port}.log"

    def start(self):
        command = [
            binary("mariadbd"),
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.datadir.parent / f'mariadb-{self.port}.sock'}",
            f"--pid-file={self.datadir.parent / f'mariadb-{self.port}.pid'}",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=16M",
            "--max-connections=300",
            f"--innodb-flush-log-at-trx-commit={1 if self.durable else 2}",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_520_ci",
        ]
        if os.geteuid() == 0:
            command.append("--user=root")
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: self.query("SELECT 1", database=None), 60, f"MariaDB on port {self.port} (log: {self.log})")

    def connect(self, database: str | None = None):
        import MySQLdb

        kwargs = {"db": database} if database else {}
        return MySQLdb.connect(
            host="127.0.0.1", port=self.port, user="root", passwd="", charset="utf8mb4", connect_timeout=3, **kwargs
        )

    def query(self, sql: str, *args, database: str | None = DB_NAME):
        connection = self.connect(database)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, args or None)
            rows = list(cursor.fetchall())
            connection.commit()
            return rows
        finally:
            connection.close()

    def stop(self, kill: bool = False):
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class Redis:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.process: subprocess.Popen | None = None

    def start(self):
        command = [binary("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.folder), "--daemonize", "no"]  # fmt: skip
        with open(self.folder / f"redis-{self.port}.log", "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: listening(self.port), 20, f"Redis on port {self.port}")

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=20)
        self.process = None


def site_environment(site: str) -> dict:
    """A child process's environment: the private site, and no trace of the test worker's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(SITE=site, PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="sites.settings")
    return env


def manage(site: str, *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=site_environment(site),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def write_site(site: str, mariadb_port: int, redis_port: int | None) -> Path:
    folder = ROOT / "sites" / site
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "db_type": "mariadb",
        "db_name": DB_NAME,
        "db_host": "127.0.0.1",
        "db_port": mariadb_port,
        "db_user": "root",
        "db_password": "",
        "secret_key": f"faults-{site}-not-a-secret",
    }
    if redis_port:
        config["redis_url"] = f"redis://127.0.0.1:{redis_port}/0"
    (folder / "site_config.json").write_text(json.dumps(config, indent=2))
    return folder


def template_datadir() -> Path:
    """The migrated data folder with the plan and demo accounts, built once per code state (under a lock)."""
    base = Path(tempfile.gettempdir()) / f"innovation_action_faults_{code_hash()}"
    ready = base / "ready"
    if ready.exists():
        ready.touch()  # in use: kept by forget_old_templates
        return base / "db"
    forget_old_templates()
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test worker may be building it right now
        if ready.exists():
            return base / "db"
        datadir = base / "db"
        shutil.rmtree(datadir, ignore_errors=True)
        subprocess.run(
            [binary("mariadb-install-db"), "--no-defaults", f"--datadir={datadir}", "--auth-root-authentication-method=normal",
             "--skip-test-db", *(["--user=root"] if os.geteuid() == 0 else [])],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        server = MariaDB(datadir, free_port(), durable=False)
        site = f"faults_template_{uuid.uuid4().hex[:8]}"
        server.start()
        try:
            server.query(
                f"CREATE DATABASE {DB_NAME} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci", database=None
            )
            write_site(site, server.port, None)
            manage(site, "migrate", "--noinput", "-v0")
            manage(site, "load_plan", str(PLAN))
            manage(site, "setup_roles", "--demo")
        finally:
            server.stop()
            shutil.rmtree(ROOT / "sites" / site, ignore_errors=True)
        ready.touch()
    return base / "db"


def forget_old_templates(days: float = 2.0) -> None:
    """Templates of older code states (about 140 MB each) not used for ``days``; other checkouts keep theirs."""
    for ready in Path(tempfile.gettempdir()).glob("innovation_action_faults_*/ready"):
        if time.time() - ready.stat().st_mtime > days * 86400:
            shutil.rmtree(ready.parent, ignore_errors=True)


# ------------------------------------------------------------------ the stack


class Stack:
    """MariaDB, Redis, gunicorn (as the Procfile runs it) and an RQ worker of one private site."""

    def __init__(self, folder: Path, files_limit: int | None = None):
        self.folder = folder
        self.site = f"faults_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.mariadb = MariaDB(folder / "db", free_port())
        self.redis = Redis(folder, free_port())
        self.web_port = free_port()
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.site_dir = write_site(self.site, self.mariadb.port, self.redis.port)
        self.files_mount: Path | None = None
        self.files_limit = files_limit

    @classmethod
    def start(cls, folder: Path, web: bool = True, worker: bool = False, files_limit: int | None = None) -> "Stack":
        stack = cls(folder, files_limit)
        try:
            shutil.copytree(template_datadir(), stack.mariadb.datadir)
            stack.mariadb.start()
            stack.redis.start()
            if files_limit:
                stack.limit_files(files_limit)
            if web:
                stack.start_web()
            if worker:
                stack.start_worker()
        except BaseException:
            stack.stop()
            raise
        return stack

    # --- the files folder on a small disk

    def limit_files(self, size: int):
        """The site's files folder on a tmpfs of ``size`` bytes when this machine lets us mount one."""
        files = self.site_dir / "files"
        files.mkdir(exist_ok=True)
        if os.environ.get("FAULTS_NO_TMPFS"):  # try the other way on a machine that could mount
            return
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", f"faults_{self.site}", str(files)], capture_output=True
        )
        if mounted.returncode == 0:
            self.files_mount = files

    # --- web and worker

    def start_web(self, workers: int = 3):
        env = site_environment(self.site)
        limit = None
        if self.files_limit and self.files_mount is None:
            # No tmpfs here (not root, or a container without mount): the web processes may write no file
            # larger than the limit, so a write beyond it fails with EFBIG as a full disk fails with ENOSPC.
            limit = self.files_limit

        def preexec():
            if limit:
                import resource

                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "sites.wsgi",
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        ]
        log = open(self.folder / "web.log", "ab")  # noqa: SIM115 - kept open for the process's life
        self.web = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=preexec
        )
        wait_for(lambda: self.get("/health/").status_code in (200, 503), 60, "gunicorn")

    def start_worker(self):
        log = open(self.folder / "worker.log", "ab")  # noqa: SIM115 - kept open for the process's life
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "rqworker", "--with-scheduler", "default"],
            cwd=ROOT,
            env=site_environment(self.site),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        known = set(self.redis_client().keys("rq:worker:*"))
        wait_for(lambda: set(self.redis_client().keys("rq:worker:*")) - known, 60, "the RQ worker")

    def jobs_idle(self) -> bool:
        """No job waits on the queue and none is running."""
        from rq import Queue

        queue = Queue("default", connection=self.redis_client())
        return queue.count == 0 and queue.started_job_registry.count == 0

    def worker_children(self) -> set[int]:
        """The processes the worker forked: its scheduler (--with-scheduler) and the work horse of a running job."""
        if self.worker is None:
            return set()
        path = Path(f"/proc/{self.worker.pid}/task/{self.worker.pid}/children")
        return {int(pid) for pid in path.read_text().split()} if path.exists() else set()

    def stop_worker(self):
        _stop(self.worker)
        self.worker = None

    def stop_web(self):
        _stop(self.web)
        self.web = None

    def stop_redis(self):
        self.redis.stop()

    def start_redis(self):
        self.redis.start()

    def restart_mariadb(self, down_for: float = 0.0, kill: bool = True):
        self.mariadb.stop(kill=kill)
        time.sleep(down_for)
        self.mariadb.start()

    def stop(self):
        self.stop_worker()
        self.stop_web()
        self.redis.stop()
        self.mariadb.stop()
        if self.files_mount is not None:
            subprocess.run(["umount", "-l", str(self.files_mount)], capture_output=True)
        shutil.rmtree(self.site_dir, ignore_errors=True)
        shutil.rmtree(self.mariadb.datadir, ignore_errors=True)

    # --- talking to it

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.web_port}{path}"

    def get(self, path: str, **kwargs):
        import requests

        return requests.get(self.url(path), timeout=kwargs.pop("timeout", 30), **kwargs)

    def session(self, username: str):
        import requests

        from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD

        session = requests.Session()
        answer = session.post(self.url("/api/method/login"), json={"usr": username, "pwd": DEMO_PASSWORD}, timeout=60)
        assert answer.status_code == 200, answer.text
        return session

    def redis_client(self):
        import redis

        return redis.Redis(port=self.redis.port, socket_connect_timeout=2)

    def sql(self, statement: str, *args):
        return self.mariadb.query(statement, *args)

    def scalar(self, statement: str, *args):
        return self.sql(statement, *args)[0][0]


def submitted_assessment(stack: Stack, county: str = "章贡区", username: str = "zhanggong") -> str:
    """A filled-in 2023 yearly self-assessment its county has submitted (待初审), through the API; its name."""
    session = stack.session(username)
    created = session.post(stack.url("/api/resource/SelfAssessment"), json={"period": "2023-Y", "county": county})
    assert created.status_code == 200, created.text
    doc = created.json()["data"]
    lines = [{**line, "self_score": 2, "evidence": "统计局年报数据"} for line in doc["lines"]]
    saved = session.put(
        stack.url(f"/api/resource/SelfAssessment/{doc['name']}"), json={"lines": lines, "modified": doc["modified"]}
    )
    assert saved.status_code == 200, saved.text
    answer = apply_workflow(stack, session, doc["name"], "提交")
    assert answer.status_code == 200, answer.text
    return doc["name"]


def apply_workflow(stack: Stack, session, name: str, action: str, doctype: str = "SelfAssessment"):
    return session.post(
        stack.url("/api/method/frappe.model.workflow.apply_workflow"),
        json={"doc": {"doctype": doctype, "name": name}, "action": action},
        timeout=120,
    )


def _stop(process: subprocess.Popen | None):
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def is_json(response) -> bool:
    return response.headers.get("Content-Type", "").startswith("application/json")
