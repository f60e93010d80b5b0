"""How much the Frappe-style API costs over the bare database query it wraps.

Runs in-process against the site's database (make setup first) and reports,
per scenario, the median time of one request and its ratio to the baseline
measured in the same run: the ORM query that fetches the same rows. Ratios,
not seconds, are what to compare between machines and runs.

    SITE=default .venv/bin/python bench/api_list.py [--repeat 200]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from apps.innovation_action.models import Project  # noqa: E402
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD  # noqa: E402
from apps.lowcode.auth.api_key import generate_keys  # noqa: E402

FIELDS = ["name", "project_name", "county", "section", "total_investment", "planned_investment"]
PARAMS = {"fields": json.dumps(FIELDS), "limit_page_length": 100, "order_by": "number asc"}


def median_seconds(func, repeat):
    func()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(scenarios: dict, repeat: int) -> None:
    """Print each scenario's median per action and its ratio to the last baseline above it.

    ``scenarios``: {label: (function, actions per call)}; labels with "baseline" set the baseline.
    """
    print(f"{'scenario':<48} {'median':>10} {'× baseline':>11}")
    baseline = None
    for label, (func, actions) in scenarios.items():
        seconds = median_seconds(func, repeat) / actions
        if "baseline" in label:
            baseline = seconds
        print(f"{label:<48} {seconds * 1000:>8.2f}ms {seconds / baseline:>10.1f}×")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    setup_test_environment()

    def orm_baseline():
        list(Project.objects.order_by("number").values(*[f if f != "county" else "county__name" for f in FIELDS]))

    session = Client()
    session.login(username="office", password=DEMO_PASSWORD)
    key, secret = generate_keys(User.objects.get(username="office"))
    token = Client(HTTP_AUTHORIZATION=f"token {key}:{secret}")
    county = Client()
    county.login(username="zhanggong", password=DEMO_PASSWORD)

    def get(client, url, params=None):
        def call():
            response = client.get(url, params or {})
            assert response.status_code == 200, response.content[:200]

        return call

    scenarios = {
        "ORM values() of 29 projects (baseline)": orm_baseline,
        "GET /api/resource/Project, session": get(session, "/api/resource/Project", PARAMS),
        "GET /api/resource/Project, token": get(token, "/api/resource/Project", PARAMS),
        "GET /api/resource/Project, county user (scoped)": get(county, "/api/resource/Project", PARAMS),
        "GET /api/resource/Task/2023-T13 (with child rows)": get(session, "/api/resource/Task/2023-T13"),
        "frappe.client.get_count with a filter": get(
            session, "/api/method/frappe.client.get_count", {"doctype": "Project", "filters": '{"section": "续建"}'}
        ),
    }
    baseline = None
    print(f"{'scenario':<52} {'median':>10} {'× baseline':>11}")
    for label, func in scenarios.items():
        seconds = median_seconds(func, repeat)
        baseline = baseline or seconds
        print(f"{label:<52} {seconds * 1000:>8.2f}ms {seconds / baseline:>10.1f}×")


if __name__ == "__main__":
    main()
