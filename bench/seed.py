"""Data for the HTTP benchmark (bench/api_http.py), added to a site that has the plan and the demo accounts.

Idempotent: a second run adds nothing and only issues fresh API keys. It adds
- 100 projects of 章贡区 (numbers 1001–1100), so the county user's list has 100 records;
- one self-assessment per county for the four quarters (2023-Q1..Q4), owned by the office,
  with every line self-scored, so each connection of the load test has a document of its own
  to take through 提交 and 退回修改;
- a 县级填报员 per county (bench-<county pk>), scoped to it, who may 提交 its documents.

Prints one JSON line: the tokens, the list user, the document to read and the workflow documents.

    SITE=bench python -m bench.seed
"""

import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.innovation_action import roles  # noqa: E402
from apps.innovation_action.models import (  # noqa: E402
    AssessmentPeriod,
    County,
    Project,
    SelfAssessment,
)
from apps.lowcode.auth.api_key import generate_keys  # noqa: E402
from apps.lowcode.doctype.meta import get_meta  # noqa: E402
from apps.lowcode.document.service import save_document  # noqa: E402
from apps.lowcode.permissions.user_permission import UserPermission  # noqa: E402

LIST_USER = "zhanggong"
LEADER = "leader"  # a demo account (领导小组): the load benchmark's leader (bench/locustfile.py)
LIST_COUNTY = "章贡区"
PERIODS = ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
DRAFT = "草稿"


def seed_projects():
    template = Project.objects.order_by("number").first()
    county = County.objects.get(name=LIST_COUNTY)
    have = set(Project.objects.filter(number__gt=1000).values_list("number", flat=True))
    Project.objects.bulk_create(
        [
            Project(
                name=f"{template.plan.name}-P{number}",
                plan=template.plan,
                section=template.section,
                number=number,
                project_name=f"基准测试项目 {number}",
                county=county,
                category=template.category,
                content="基准测试",
                start_month=date(2023, 1, 1),
                end_month=date(2023, 12, 1),
                construction_unit="基准测试单位",
                total_investment=Decimal("12345.67"),
                planned_investment=Decimal("2345.60"),
            )
            for number in range(1001, 1101)
            if number not in have
        ]
    )


def county_user(county) -> User:
    user, created = User.objects.get_or_create(username=f"bench-{county.pk}", defaults={"first_name": county.name})
    if created:
        user.groups.add(roles.group(roles.COUNTY_USER))
        UserPermission.objects.create(user=user, allow="County", for_value=county.name)
    return user


def seed_assessments(office) -> list[dict]:
    AssessmentPeriod.objects.filter(name__in=PERIODS, opened_at__isnull=True).update(opened_at=timezone.now())
    meta = get_meta("SelfAssessment")
    docs = []
    for period in PERIODS:
        for county in County.objects.order_by("pk"):
            doc = SelfAssessment.objects.filter(period__name=period, county=county).first()
            if doc is None:
                with transaction.atomic():
                    doc = save_document(office, meta, {"period": period, "county": county.name})
                    doc.lines.update(self_score=1)  # complete: submitting needs every line scored
            docs.append({"name": doc.name, "user": county_user(county).username})
    return docs


def main():
    seed_projects()
    office = User.objects.get(username="office")
    docs = seed_assessments(office)
    users = {LIST_USER, "office", LEADER, *(d["user"] for d in docs)}
    tokens = {}
    for username in sorted(users):
        key, secret = generate_keys(User.objects.get(username=username))
        tokens[username] = f"{key}:{secret}"
    read_doc = SelfAssessment.objects.get(period__name=PERIODS[0], county__name=LIST_COUNTY)
    print(
        json.dumps(
            {
                "tokens": tokens,
                "list_user": LIST_USER,
                "read_doc": read_doc.name,
                "read_user": LIST_USER,
                "lines": read_doc.lines.count(),
                "workflow_docs": docs,
                "reviewer": "office",
                "leader": LEADER,
                "visible_projects": Project.objects.filter(county__name=LIST_COUNTY).count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
