"""Load benchmark: roles' realistic mixes through the API against bare views, with Locust, in one run.

Sets up a MariaDB site (bench/api_http.py's set-up: the plan, the demo accounts, bench/seed.py's data;
site "loadbench" by default, database innovation_action_loadbench, Redis db 12), starts gunicorn as the
Procfile does (sync workers, WEB_CONCURRENCY or 3) with bench/settings.py, and an RQ worker as the
Procfile does (the workflow's notifications run there), then runs bench/locustfile.py headless at each
number of users: county users, the office and the leader, each as many through the API as through the
bare views of bench/bare_views.py (the same queries without the framework: the baseline, measured in
the same run on the same machine). Prints, per request kind, requests per second, p50/p95/p99 and
errors of both sides and the ratio of the API's p50 to the bare view's.

    .venv/bin/python bench/load.py                          # 50 then 200 users, 60 s each
    .venv/bin/python bench/load.py --users 50 --duration 30
    .venv/bin/python bench/load.py --skip-setup             # the site is set up already
    .venv/bin/python bench/load.py --quick                  # 10 users for 15 s: does it work?
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_http import PYTHON, ROOT, reset_workflow, set_up, start_server  # noqa: E402

KINDS = ["list projects", "list assessments", "open", "save", "transition", "inbox", "dashboard", "ranking", "pdf"]
RESULTS = ROOT / "bench" / "results"
ACCESS_LOG = RESULTS / "access.log"
# gunicorn's access log: method, path, status and the time the worker spent on the request (µs),
# without the time the request waited for a free worker.
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
# (method, path pattern) → (side, kind), first match wins.
ROUTES = [
    (r"GET /api/resource/Project$", "api", "list projects"),
    (r"GET /bench/projects$", "bare", "list projects"),
    (r"GET /api/resource/SelfAssessment$", "api", "list assessments"),
    (r"GET /bench/assessments$", "bare", "list assessments"),
    (r"GET /api/resource/SelfAssessment/", "api", "open"),
    (r"GET /bench/assessment/", "bare", "open"),
    (r"PUT /api/resource/SelfAssessment/", "api", "save"),
    (r"POST /bench/save/", "bare", "save"),
    (r"POST /api/method/frappe.model.workflow.apply_workflow$", "api", "transition"),
    (r"POST /bench/workflow/", "bare", "transition"),
    (r"GET /api/method/lowcode.workflow.get_pending_documents$", "api", "inbox"),
    (r"GET /bench/inbox$", "bare", "inbox"),
    (r"GET /api/method/innovation_action.api.get_dashboard$", "api", "dashboard"),
    (r"GET /bench/dashboard$", "bare", "dashboard"),
    (r"GET /api/method/innovation_action.api.get_ranking$", "api", "ranking"),
    (r"GET /bench/ranking$", "bare", "ranking"),
    (r"GET /api/method/frappe.utils.print_format.download_pdf$", "api", "pdf"),
    (r"GET /bench/pdf/", "bare", "pdf"),
]


def start_worker(site: str) -> subprocess.Popen:
    """The Procfile's worker: an RQ worker with its scheduler on the site's Redis."""
    env = {**os.environ, "SITE": site, "DJANGO_SETTINGS_MODULE": "sites.settings"}
    return subprocess.Popen(
        [PYTHON, "manage.py", "rqworker", "--with-scheduler", "default"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_locust(port: int, seed_file: Path, users: int, args) -> Path:
    """One headless Locust run of ``users`` users through the API and as many through the bare views
    (Locust gives the classes of bench/locustfile.py users in proportion to their weights, the same on
    both sides); its statistics go to bench/results/load-<users>_*.csv."""
    prefix = RESULTS / f"load-{users}"
    env = {**os.environ, "LOAD_SEED": str(seed_file), "LOAD_PERIOD": args.period, "LOAD_WAIT": args.wait}
    command = [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
    command += ["--users", str(2 * users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s"]
    command += ["--stop-timeout", "30", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix)]
    command += ["--only-summary", "--loglevel", "WARNING"]
    with open(f"{prefix}.log", "w") as log:  # Locust's own summary and warnings (e.g. its CPU use)
        # Locust exits 1 when a request failed: the table says which.
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=log, stderr=log)
    return prefix


def server_times(offset: int) -> dict[tuple[str, str], list[float]]:
    """{(side, kind): [ms]} from the access log's lines after ``offset`` (one run's)."""
    routes = [(re.compile(pattern), side, kind) for pattern, side, kind in ROUTES]
    times: dict[tuple[str, str], list[float]] = {}
    with open(ACCESS_LOG, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        for line in log:
            method, path, _, micros = line.rsplit(" ", 3) if line.count(" ") >= 3 else ("", "", "", "")
            request = f"{method} {path}"
            for pattern, side, kind in routes:
                if pattern.match(request):
                    times.setdefault((side, kind), []).append(int(micros) / 1000)
                    break
    return times


def read_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def read_failures(prefix: Path) -> list[str]:
    """Failures by request kind and error, largest first (a URL in an error is left out)."""
    counts: dict[tuple[str, str], int] = {}
    with open(f"{prefix}_failures.csv", newline="") as f:
        for row in csv.DictReader(f):
            error = re.sub(r"'https?://[^']*'", "URL", row["Error"])[:160]
            counts[(row["Name"], error)] = counts.get((row["Name"], error), 0) + int(row["Occurrences"])
    return [f"{n}× {name}: {error}" for (name, error), n in sorted(counts.items(), key=lambda item: -item[1])]


def side(row) -> str:
    if row is None:
        return f"{'–':>6} {'':>6} {'':>6} {'':>6} {'':>5}"
    if "50%" not in row:  # a side's total
        return f"{float(row['Requests/s']):>6.1f} {'':>6} {'':>6} {'':>6} {int(row['Failure Count']):>5}"
    return (
        f"{float(row['Requests/s']):>6.1f} {float(row['50%']):>6.0f} {float(row['95%']):>6.0f} "
        f"{float(row['99%']):>6.0f} {int(row['Failure Count']):>5}"
    )


def print_table(users: int, stats: dict, served: dict, load_before, load_after, duration) -> int:
    """The table of one run; returns the number of failed requests."""
    print(
        f"\n{users} users through the API and {users} through the bare views, {duration} s; "
        f"load average before {' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}",
        flush=True,
    )
    head = f"{'API: rps':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>5}"
    header = (
        f"{'kind':<17} │ {head} │ {head.replace('API:', 'bare')} │ {'p50 ratio':>9} │ "
        f"{'served p50 API / bare':>21} {'ratio':>6}"
    )
    print(header)
    print("─" * len(header))
    failures = 0
    for kind in [*KINDS, None]:
        api = stats.get(f"api {kind}") if kind else None
        bare = stats.get(f"bare {kind}") if kind else None
        if kind is None:  # all kinds of each side
            api, bare = _total(stats, "api "), _total(stats, "bare ")
        if api is None and bare is None:
            continue
        paired = api and bare and "50%" in api and float(bare["50%"])
        ratio = f"{float(api['50%']) / float(bare['50%']):>8.2f}×" if paired else f"{'':>9}"
        api_served, bare_served = served.get(("api", kind)), served.get(("bare", kind))
        if api_served and bare_served:
            a, b = statistics.median(api_served), statistics.median(bare_served)
            served_text = f"{a:>10.0f} / {b:<8.0f} {a / b:>5.2f}×"
        else:
            served_text = ""
        print(f"{kind or 'all':<17} │ {side(api)} │ {side(bare)} │ {ratio} │ {served_text}")
        failures += int(api["Failure Count"]) if api and kind else 0
        failures += int(bare["Failure Count"]) if bare and kind else 0
    return failures


def _total(stats: dict, prefix: str) -> dict | None:
    """Requests/s and failures added up over a side's kinds (Locust's CSV has no per-side percentiles)."""
    rows = [row for name, row in stats.items() if name.startswith(prefix)]
    if not rows:
        return None
    return {
        "Requests/s": sum(float(row["Requests/s"]) for row in rows),
        "Failure Count": sum(int(row["Failure Count"]) for row in rows),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default="loadbench")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis db of a site config created here")
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument(
        "--users", default="50,200", help="numbers of concurrent users, one run each (as many again on the bare views)"
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds per run, ramp-up included")
    parser.add_argument("--spawn-rate", type=float, default=40, help="users started per second (both sides)")
    parser.add_argument("--wait", default="2-8", help="each user's think time between requests, seconds")
    parser.add_argument("--period", default="2023-Q1", help="the period of the dashboard and the ranking")
    parser.add_argument("--skip-setup", action="store_true", help="the site is set up already (reuse the seed)")
    parser.add_argument("--quick", action="store_true", help="10 users for 15 s, to see that it works")
    args = parser.parse_args()
    if args.quick:
        args.users, args.duration = "10", 15

    seed_file = ROOT / "sites" / args.site / "bench_seed.json"
    if args.skip_setup and seed_file.exists():
        data = json.loads(seed_file.read_text())
    else:
        data = set_up(args.site, args.redis_db)
        seed_file.write_text(json.dumps(data))
    if "leader" not in data:
        sys.exit("种子数据缺少领导账号：请去掉 --skip-setup 重新准备站点")
    RESULTS.mkdir(exist_ok=True)
    ACCESS_LOG.write_text("")
    log_args = ("--access-logfile", str(ACCESS_LOG), "--access-logformat", ACCESS_FORMAT)
    server = start_server(args.site, args.port, args.workers, 1, log_args)
    worker = start_worker(args.site)
    failures = 0
    try:
        print(
            f"gunicorn: {args.workers} sync workers, an RQ worker; {os.cpu_count()} CPUs; site {args.site}; "
            f"think time {args.wait} s; times in ms (served: the worker's own time, without the wait for a worker)",
            flush=True,
        )
        for users in [int(n) for n in args.users.split(",")]:
            reset_workflow(args.port, data)  # every document in 草稿, as the users expect
            load_before, offset = os.getloadavg(), ACCESS_LOG.stat().st_size
            prefix = run_locust(args.port, seed_file, users, args)
            served = server_times(offset)
            run_failures = print_table(users, read_stats(prefix), served, load_before, os.getloadavg(), args.duration)
            for line in read_failures(prefix)[:8]:
                print("  " + line)
            sys.stdout.flush()
            failures += run_failures
            time.sleep(2)
    finally:
        reset_workflow(args.port, data)
        for process in (worker, server):
            process.terminate()
            process.wait(15)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
