"""The dashboard's figures in process: the API against the bare view of the same rows, alternately.

On a site set up by bench/api_http.py or bench/load.py (its bench_seed.json gives the tokens), each
round calls ``GET /api/method/innovation_action.api.get_dashboard`` and then the bare
``/bench/dashboard`` (bench/bare_views.py) through Django's test client as the office, with the same
token; it prints each one's median, their ratio and the API's queries per call.

    SITE=loadbench .venv/bin/python -m bench.dashboard [--period 2023-Q1] [--repeat 15] [--user reviewer]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2023-Q1")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--user", default="reviewer", help="the seed's role: reviewer (the office) or leader")
    args = parser.parse_args()
    site = os.environ.get("SITE", "")
    seed = json.loads((ROOT / "sites" / site / "bench_seed.json").read_text())
    username = seed[args.user]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(HTTP_AUTHORIZATION=f"token {seed['tokens'][username]}")
    paths = {
        "api": f"/api/method/innovation_action.api.get_dashboard?period={args.period}",
        "bare": f"/bench/dashboard?period={args.period}",
    }
    for path in paths.values():  # warm up: imports, the workflow definitions, the metadata
        assert client.get(path).status_code == 200, path
    captured = []  # the API's statements (the request reopens the connection, so count them as they run)

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(paths["api"])
    times = {kind: [] for kind in paths}
    for _ in range(args.repeat):
        for kind, path in paths.items():
            start = time.perf_counter()
            response = client.get(path)
            times[kind].append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    api, bare = (statistics.median(times[kind]) * 1000 for kind in ("api", "bare"))
    print(
        f"site {site}, {username}, {args.period}, {args.repeat} rounds: get_dashboard {api:.1f} ms "
        f"({len(captured)} queries), bare view {bare:.1f} ms, {api / bare:.1f}×"
    )


if __name__ == "__main__":
    main()
