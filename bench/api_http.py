"""The API over HTTP against bare Django views doing the same queries, side by side in one run.

Sets up a MariaDB site for the benchmark (migrate, the plan, the demo accounts, bench/seed.py),
starts gunicorn as the Procfile does (sync workers) with bench/settings.py, which adds the bare
views of bench/bare_views.py under /bench/, and measures three pairs:

- list:     GET /api/resource/Project (100 records, six fields, the county user's scope)
            vs /bench/projects;
- document: GET /api/resource/SelfAssessment/<name> (with its child rows) vs /bench/assessment/<name>;
- workflow: POST frappe.model.workflow.apply_workflow (提交 by the county's user, 退回修改 by the
            office, alternately) vs /bench/workflow/<name> (the state and a log row in a transaction);
            and the same API requests vs /bench/workflow-scored/<name>, which also runs the app's
            scoring on 提交 as plain function calls: the API's own cost, the business rule on both sides.

At concurrency 1 the API and the bare request alternate, so both see the same load on the
machine; the ratio is of the medians. At 50 connections (no think time) each side runs on its
own and each connection acts on a document of its own. Ratios, not milliseconds, compare
between machines.

    .venv/bin/python bench/api_http.py                   # site "bench" (created: MariaDB root@127.0.0.1)
    .venv/bin/python bench/api_http.py --site h_speed    # an existing MariaDB site
    .venv/bin/python bench/api_http.py --quick           # a few requests: does it work?
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIST_FIELDS = ["name", "project_name", "county", "section", "total_investment", "planned_investment"]
TARGET_RATIO, TARGET_P95_MS = 2.0, 150.0
# The same API requests against a bare view that also runs the app's scoring on 提交 (the business rule,
# called straight): the ratio of what the API adds, with the scoring's cost on both sides.
WORKFLOW_SCORED = "workflow action (bare scores)"


# ---------------------------------------------------------------- the site and the server


def ensure_site(site: str, redis_db: int) -> None:
    """A MariaDB site config for ``site`` (kept if it exists) and its database."""
    config_path = ROOT / "sites" / site / "site_config.json"
    if not config_path.exists():
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(
            json.dumps(
                {
                    "db_type": "mariadb",
                    "db_name": f"innovation_action_{site}",
                    "db_host": "127.0.0.1",
                    "db_port": 3306,
                    "db_user": "root",
                    "db_password": "",
                    "redis_url": f"redis://127.0.0.1:6379/{redis_db}",
                },
                indent=2,
            )
        )
    config = json.loads(config_path.read_text())
    if config.get("db_type") != "mariadb":
        sys.exit(f"站点 {site} 不是 MariaDB 站点：基准测试须在 MariaDB 上运行")
    import MySQLdb

    connection = MySQLdb.connect(
        host=config.get("db_host", "127.0.0.1"),
        port=int(config.get("db_port", 3306)),
        user=config.get("db_user", "root"),
        passwd=config.get("db_password", ""),
    )
    connection.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{config['db_name']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci"
    )
    connection.close()


def manage(site: str, *args, capture=False) -> str:
    env = {**os.environ, "SITE": site, "DJANGO_SETTINGS_MODULE": "sites.settings"}
    result = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout if capture else ""


def set_up(site: str, redis_db: int) -> dict:
    ensure_site(site, redis_db)
    manage(site, "manage.py", "migrate", "--noinput", "-v0")
    manage(site, "manage.py", "load_plan", "fixtures/ganzhou-2023")
    manage(site, "manage.py", "setup_roles", "--demo")
    return json.loads(manage(site, "-m", "bench.seed", capture=True).strip().splitlines()[-1])


def start_server(site: str, port: int, workers: int, threads: int, extra: tuple = ()) -> subprocess.Popen:
    # No collected static files in a checkout: WhiteNoise says so once per worker, which is noise here.
    env = {
        **os.environ,
        "SITE": site,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "sites.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/projects")
            connection.getresponse().read()
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn 未能启动")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn 60 秒内未就绪")


# ---------------------------------------------------------------- requests


class Client:
    """One keep-alive connection (reopened when a sync worker closes it); times each request."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.errors: list[str] = []

    def send(self, request) -> float:
        method, path, headers, body = request
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):  # a closed keep-alive connection: once more
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            start = time.perf_counter()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        seconds = time.perf_counter() - start
        if response.status != 200:
            self.errors.append(f"{method} {path} → {response.status} {content[:300].decode(errors='replace')}")
        return seconds


def scenarios(data: dict) -> dict:
    """{name: (api request maker, bare request maker)}; a maker takes (connection index, iteration)."""
    tokens = data["tokens"]

    def auth(user, extra=None):
        return {"Authorization": f"token {tokens[user]}", **(extra or {})}

    list_query = urlencode({"fields": json.dumps(LIST_FIELDS), "limit_page_length": 100, "order_by": "number asc"})
    read_doc = quote(data["read_doc"])
    docs = data["workflow_docs"]

    def workflow_step(conn, i):
        """Even iterations: the county's user submits; odd: the office returns it (a comment is required)."""
        doc = docs[conn % len(docs)]
        return (doc["user"], "提交", "") if i % 2 == 0 else (data["reviewer"], "退回修改", "基准测试")

    def workflow_api(conn, i):
        user, action, comment = workflow_step(conn, i)
        body = json.dumps(
            {
                "doc": {"doctype": "SelfAssessment", "name": docs[conn % len(docs)]["name"]},
                "action": action,
                "comment": comment,
            },
            ensure_ascii=False,
        ).encode()
        return (
            "POST",
            "/api/method/frappe.model.workflow.apply_workflow",
            auth(user, {"Content-Type": "application/json"}),
            body,
        )

    def workflow_bare(view):
        def request(conn, i):
            user, action, _ = workflow_step(conn, i)
            return (
                "POST",
                f"/bench/{view}/{quote(docs[conn % len(docs)]['name'])}",
                auth(user, {"Content-Type": "application/x-www-form-urlencoded"}),
                urlencode({"action": action}).encode(),
            )

        return request

    list_user, read_user = data["list_user"], data["read_user"]
    return {
        "list of 100 projects": (
            lambda c, i: ("GET", f"/api/resource/Project?{list_query}", auth(list_user), None),
            lambda c, i: ("GET", "/bench/projects", auth(list_user), None),
        ),
        f"document with {data['lines']} child rows": (
            lambda c, i: ("GET", f"/api/resource/SelfAssessment/{read_doc}", auth(read_user), None),
            lambda c, i: ("GET", f"/bench/assessment/{read_doc}", auth(read_user), None),
        ),
        "workflow action": (workflow_api, workflow_bare("workflow")),
        WORKFLOW_SCORED: (workflow_api, workflow_bare("workflow-scored")),
    }


def reset_workflow(port: int, data: dict) -> None:
    body = json.dumps({"names": [d["name"] for d in data["workflow_docs"]]}).encode()
    client = Client(port)
    client.send(("POST", "/bench/reset", {"Authorization": f"token {data['tokens'][data['reviewer']]}"}, body))
    if client.errors:
        sys.exit(client.errors[0])


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def sequential(port, api, bare, repeat, api_conn, bare_conn) -> tuple[list, list, list]:
    """API and bare requests alternating on two connections, so both see the same machine."""
    api_client, bare_client = Client(port), Client(port)
    api_times, bare_times = [], []
    for i in range(-4, repeat):  # four of each to warm up
        a = api_client.send(api(api_conn, i % 2 if i < 0 else i))
        b = bare_client.send(bare(bare_conn, i % 2 if i < 0 else i))
        if i >= 0:
            api_times.append(a)
            bare_times.append(b)
    return api_times, bare_times, api_client.errors + bare_client.errors


def concurrent(port, make, connections, per_connection) -> tuple[list, float, list]:
    """``connections`` threads each sending ``per_connection`` requests back to back.

    Returns (latencies per connection, in order; requests per second; errors)."""
    clients = [Client(port) for _ in range(connections)]
    times = [[] for _ in range(connections)]
    barrier = threading.Barrier(connections + 1)

    def run(index):
        barrier.wait()
        for i in range(per_connection):
            times[index].append(clients[index].send(make(index, i)))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return times, sum(map(len, times)) / elapsed, [e for c in clients for e in c.errors]


def print_row(label, api_c1, bare_c1, api_cn, bare_cn, rates) -> tuple[float, float]:
    """One line of the table; returns (ratio of the medians at concurrency 1, API p95 under load in ms)."""
    ratio = statistics.median(api_c1) / statistics.median(bare_c1)
    api_p95 = percentile(api_cn, 0.95) * 1000
    print(
        f"{label:<30} {statistics.median(api_c1) * 1000:>6.1f}ms {statistics.median(bare_c1) * 1000:>6.1f}ms "
        f"{ratio:>5.2f}× │ {'':>4} {api_p95:>6.0f}ms {percentile(bare_cn, 0.95) * 1000:>6.0f}ms {rates}",
        flush=True,
    )
    return ratio, api_p95


def check_same_rows(port, data, pairs) -> None:
    """The list pair answers the same 100 records: otherwise the comparison means nothing."""
    import urllib.request

    api, bare = pairs["list of 100 projects"]
    rows = []
    for method, path, headers, _ in (api(0, 0), bare(0, 0)):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers, method=method)
        rows.append([row["name"] for row in json.load(urllib.request.urlopen(request))["data"]])
    if rows[0] != rows[1] or len(rows[0]) != 100:
        sys.exit(f"列表不一致：API {len(rows[0])} 条，对照视图 {len(rows[1])} 条")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default="bench")
    parser.add_argument("--redis-db", type=int, default=9, help="Redis db of a site config created here")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=200, help="requests per side at concurrency 1")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--per-connection", type=int, default=12, help="requests per connection under load")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument("--quick", action="store_true", help="a few requests, to see that it works")
    parser.add_argument("--skip-setup", action="store_true", help="the site is set up already (reuse the seed)")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.connections, args.per_connection = 6, 4, 2
    args.per_connection += args.per_connection % 2  # workflow actions go in pairs: every document ends in 草稿

    seed_file = ROOT / "sites" / args.site / "bench_seed.json"
    if args.skip_setup and seed_file.exists():
        data = json.loads(seed_file.read_text())
    else:
        data = set_up(args.site, args.redis_db)
        seed_file.write_text(json.dumps(data))
    if len(data["workflow_docs"]) < args.connections:
        sys.exit(f"只有 {len(data['workflow_docs'])} 张单据，少于连接数 {args.connections}")
    server = start_server(args.site, args.port, args.workers, args.threads)
    failures = []
    pairs = scenarios(data)
    try:
        check_same_rows(args.port, data, pairs)
        print(
            f"gunicorn: {args.workers} sync workers × {args.threads} threads; {os.cpu_count()} CPUs; "
            f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        header = (
            f"{'':<30} {'API med':>8} {'bare med':>8} {'ratio':>6} │ {'@' + str(args.connections):>4} "
            f"{'API p95':>8} {'bare p95':>8} {'API rps':>8} {'bare rps':>8}"
        )
        print(header)
        print("─" * len(header))
        for name, (api, bare) in pairs.items():
            if args.only and args.only not in name:
                continue
            workflow = name.startswith("workflow action")
            if workflow:
                reset_workflow(args.port, data)
            api_c1, bare_c1, errors = sequential(args.port, api, bare, args.repeat, 0, 1)
            if workflow:
                reset_workflow(args.port, data)
            api_cn, api_rps, api_errors = concurrent(args.port, api, args.connections, args.per_connection)
            if workflow:
                reset_workflow(args.port, data)
            bare_cn, bare_rps, bare_errors = concurrent(args.port, bare, args.connections, args.per_connection)
            errors += api_errors + bare_errors
            rows = [(name, lambda i: True, f"{api_rps:>8.0f} {bare_rps:>8.0f}")]
            if workflow:  # the two actions differ: 提交 runs the app's scoring hooks
                rows += [
                    ("  submit (with scoring hooks)", lambda i: i % 2 == 0, ""),
                    ("  return for correction", lambda i: i % 2 == 1, ""),
                ]
            for label, keep, rates in rows:
                ratio, api_p95 = print_row(
                    label,
                    [t for i, t in enumerate(api_c1) if keep(i)],
                    [t for i, t in enumerate(bare_c1) if keep(i)],
                    [t for per in api_cn for i, t in enumerate(per) if keep(i)],
                    [t for per in bare_cn for i, t in enumerate(per) if keep(i)],
                    rates,
                )
                if label == name and (ratio > TARGET_RATIO or api_p95 > TARGET_P95_MS):
                    failures.append(
                        f"{name}: 未达目标（≤{TARGET_RATIO}×，{args.connections} 连接 p95 ≤ {TARGET_P95_MS:.0f}ms）"
                    )
            if errors:
                failures.append(f"{name}: {len(errors)} 个请求失败，例如 {errors[0]}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if not args.only:
            reset_workflow(args.port, data)
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: workers still finishing; the port must be free
            server.kill()
            server.wait()
    for failure in failures:
        print(failure)
    sys.exit(1 if any("失败" in f for f in failures) else 0)


if __name__ == "__main__":
    main()
