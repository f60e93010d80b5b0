"""The dashboard reads its records set by set: its number of queries does not grow with the records.

A dashboard (services/dashboard.py) judges every project, task and assessee of a period; it once read
each one's reports on its own (500+ queries on the load benchmark's data, seconds of a worker's time).
Here the dashboard of test_dashboard's seeded month is read as the office, as a county and as a unit's
liaison, then more projects, reports and a second month of reports are added, and it is read again:
the queries are as many as before, and below a bound that per-record reads would break at once.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.innovation_action.models import AssessmentPeriod, ProgressReport, Project, ProjectReport
from apps.innovation_action.services import dashboard, periods, status_lights
from tests.test_dashboard import User, period, seeded  # noqa: F401 (seeded is a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2023, 4, 11)
USERS = ("office", "zhanggong", "gongxin")
# The most a whole dashboard may take, whatever the number of records (about 50 today; the per-record
# reads it replaced took one or more per project, task and assessee: 500+ on the benchmark's data).
MOST = 70


def queries(username: str, name: str) -> int:
    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as captured:
        dashboard.dashboard(user, period(name), AS_OF)
    return len(captured)


def add_records():
    """Twenty more projects in two counties with March reports, and February reports for every project and
    reporting unit."""
    template = Project.objects.filter(plan__year=2023).order_by("number").first()
    march, february = period("2023-M03"), period("2023-M02")
    for number, county in enumerate(("章贡区", "信丰县") * 10, start=901):
        project = Project.objects.create(
            name=f"{template.plan.name}-P{number}",
            plan=template.plan,
            section=template.section,
            number=number,
            project_name=f"追加项目 {number}",
            county=template.county.__class__.objects.get(name=county),
            category=template.category,
            content="追加",
            start_month=date(2023, 1, 1),
            end_month=date(2023, 12, 1),
            construction_unit="追加单位",
            total_investment=Decimal(5000),
            planned_investment=Decimal(1200),
        )
        ProjectReport.objects.create(
            period=march, project=project, county=project.county, year_investment=Decimal(300 + number % 7)
        )
    for project in Project.objects.filter(plan=template.plan):
        ProjectReport.objects.create(period=february, project=project, county=project.county)
    for unit in periods.reporting_units(march.plan):
        ProgressReport.objects.create(period=february, unit=unit)


def test_the_dashboard_reads_set_by_set(seeded):  # noqa: F811 (the fixture)
    AssessmentPeriod.objects.filter(name="2023-M02").update(deadline=date(2023, 3, 10))
    queries("office", "2023-Q1")  # the first request of a process reads the workflows and the metadata once
    before = {(u, p): queries(u, p) for u in USERS for p in ("2023-Q1", "2023-M03")}
    lights_before = len(status_lights.project_lights(User.objects.get(username="office"), period("2023-Q1"), AS_OF))
    add_records()
    after = {(u, p): queries(u, p) for u in USERS for p in ("2023-Q1", "2023-M03")}
    office = User.objects.get(username="office")
    assert len(status_lights.project_lights(office, period("2023-Q1"), AS_OF)) == lights_before + 20
    assert after == before
    assert max(after.values()) <= MOST, after


def test_each_kind_of_light_reads_a_fixed_number_of_queries(seeded):  # noqa: F811 (the fixture)
    office = User.objects.get(username="office")
    q1 = period("2023-Q1")
    dashboard.dashboard(office, q1, AS_OF)  # what a process reads once (the user's permissions, the workflows)
    counted = {}
    for kind, lights in status_lights.KINDS.items():
        with CaptureQueriesContext(connection) as captured:
            found = lights(office, q1, AS_OF)
        assert found, kind
        counted[kind] = len(captured)
    # The months and their deadlines, the setting, then the records: a few queries, not one per light.
    assert counted["project"] <= 7, counted
    assert counted["task"] <= 8, counted
    assert counted["assessee"] <= 10, counted
