"""The users of the load benchmark (bench/load.py runs this file with Locust, headless).

Three roles, each twice: once through the API (what the system serves) and once through the bare views
of bench/bare_views.py (the same queries, no framework: the baseline), in the same run, with the same
weights, so both meet the same load. Each request is named "<side> <kind>" (side: api or bare), and
bench/load.py pairs the kinds.

- 县级填报员 (weight 3): the list of 100 projects, open a self-assessment, save its draft (自评总体情况),
  take it through the workflow (提交; then, as the office, 退回修改, so it can be submitted again), now
  and then a PDF. A user owns one document of its side while there are documents left (the API and
  the bare views each have half of the seeded ones); users without one only read.
- 市办 office (weight 2): the list of self-assessments, open one, 待我处理, the dashboard figures, a PDF.
- 领导小组 leader (weight 1): 待我处理, the ranking, the dashboard figures.

The seed (bench/seed.py's JSON) comes from the file named by LOAD_SEED; LOAD_PERIOD is the period of
the dashboard and the ranking; LOAD_WAIT is each user's think time in seconds ("min-max").
"""

import itertools
import json
import os
import random
from urllib.parse import quote, urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

SEED = json.loads(open(os.environ["LOAD_SEED"]).read())
PERIOD = os.environ.get("LOAD_PERIOD", "2023-Q1")
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "2-8").split("-")]
TOKENS = SEED["tokens"]
DOCS = SEED["workflow_docs"]
# Each side takes documents of its own: a bare view's state change must not meet an API action.
POOLS = {"api": iter(DOCS[0::2]), "bare": iter(DOCS[1::2])}
PROJECT_FIELDS = ["name", "project_name", "county", "section", "total_investment", "planned_investment"]
ASSESSMENT_FIELDS = ["name", "county", "period", "workflow_state", "self_total", "modified"]
PDF_FORMAT = "自评报告表"
SUBMITTED = "待初审"
counter = itertools.count()


def auth(user: str, json_body: bool = False) -> dict:
    headers = {"Authorization": f"token {TOKENS[user]}"}
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


class Role(FastHttpUser):
    """One user of a role on one side; ``side`` is "api" or "bare"."""

    abstract = True
    side = "api"
    wait_time = between(*WAIT)

    def get(self, kind: str, api_path: str, bare_path: str, user: str):
        path = api_path if self.side == "api" else bare_path
        return self.client.get(path, headers=auth(user), name=f"{self.side} {kind}")

    def list_projects(self):
        query = urlencode({"fields": json.dumps(PROJECT_FIELDS), "limit_page_length": 100, "order_by": "number asc"})
        self.get("list projects", f"/api/resource/Project?{query}", "/bench/projects", SEED["list_user"])

    def list_assessments(self, user):
        query = urlencode(
            {"fields": json.dumps(ASSESSMENT_FIELDS), "limit_page_length": 20, "order_by": "modified desc"}
        )
        self.get("list assessments", f"/api/resource/SelfAssessment?{query}", "/bench/assessments", user)

    def open(self, name, user):
        path = quote(name)
        self.get("open", f"/api/resource/SelfAssessment/{path}", f"/bench/assessment/{path}", user)

    def inbox(self, user):
        self.get("inbox", "/api/method/lowcode.workflow.get_pending_documents", "/bench/inbox", user)

    def dashboard(self, user):
        query = urlencode({"period": PERIOD})
        self.get(
            "dashboard", f"/api/method/innovation_action.api.get_dashboard?{query}", f"/bench/dashboard?{query}", user
        )

    def ranking(self, user):
        query = urlencode({"period": PERIOD})
        self.get("ranking", f"/api/method/innovation_action.api.get_ranking?{query}", f"/bench/ranking?{query}", user)

    def pdf(self, name, user):
        query = urlencode({"doctype": "SelfAssessment", "name": name, "format": PDF_FORMAT})
        self.get(
            "pdf", f"/api/method/frappe.utils.print_format.download_pdf?{query}", f"/bench/pdf/{quote(name)}", user
        )


class County(Role):
    abstract = True
    weight = 3

    def on_start(self):
        self.doc = next(POOLS[self.side], None)
        self.user = self.doc["user"] if self.doc else SEED["read_user"]
        self.name = self.doc["name"] if self.doc else SEED["read_doc"]
        self.submitted = False  # the seed and bench/load.py leave every document in 草稿

    @task(4)
    def list_projects_task(self):
        self.list_projects()

    @task(3)
    def open_task(self):
        self.open(self.name, self.user)

    @task(2)
    def save(self):
        if not self.doc or self.submitted:
            return
        summary = f"基准测试自评总体情况 {next(counter)}"
        if self.side == "api":
            path, method = f"/api/resource/SelfAssessment/{quote(self.name)}", self.client.put
        else:
            path, method = f"/bench/save/{quote(self.name)}", self.client.post
        body = json.dumps({"summary": summary}, ensure_ascii=False).encode()
        method(path, data=body, headers=auth(self.user, json_body=True), name=f"{self.side} save")

    @task(2)
    def transition(self):
        """提交 by the county's user; the next time, 退回修改 by the office (a comment is required)."""
        if not self.doc:
            return
        user, action, comment = (
            (SEED["reviewer"], "退回修改", "基准测试") if self.submitted else (self.user, "提交", "")
        )
        if self.side == "api":
            path = "/api/method/frappe.model.workflow.apply_workflow"
            body = json.dumps(
                {"doc": {"doctype": "SelfAssessment", "name": self.name}, "action": action, "comment": comment},
                ensure_ascii=False,
            ).encode()
            headers = auth(user, json_body=True)
        else:
            path = f"/bench/workflow/{quote(self.name)}"
            body = urlencode({"action": action}).encode()
            headers = {**auth(user), "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            path, data=body, headers=headers, name=f"{self.side} transition", catch_response=True
        ) as r:
            if r.status_code == 200:
                self.submitted = not self.submitted
            else:  # counted as an error; learn the document's state before the next action
                r.failure(f"{r.status_code} {(r.text or '')[:200]}")
                self.resync()

    def resync(self):
        path = f"/api/resource/SelfAssessment/{quote(self.name)}"
        response = self.client.get(path, headers=auth(SEED["reviewer"]), name="(resync)")
        if response.status_code == 200:
            self.submitted = response.json()["data"]["workflow_state"] == SUBMITTED

    @task(1)
    def pdf_task(self):
        if random.random() < 0.5:  # now and then: one action in thirty
            self.pdf(self.name, self.user)


class Office(Role):
    abstract = True
    weight = 2

    @task(3)
    def list_task(self):
        self.list_assessments(SEED["reviewer"])

    @task(2)
    def open_task(self):
        self.open(random.choice(DOCS)["name"], SEED["reviewer"])

    @task(2)
    def inbox_task(self):
        self.inbox(SEED["reviewer"])

    @task(2)
    def dashboard_task(self):
        self.dashboard(SEED["reviewer"])

    @task(1)
    def pdf_task(self):
        if random.random() < 0.3:
            self.pdf(random.choice(DOCS)["name"], SEED["reviewer"])


class Leader(Role):
    abstract = True
    weight = 1

    @task(2)
    def inbox_task(self):
        self.inbox(SEED["leader"])

    @task(2)
    def ranking_task(self):
        self.ranking(SEED["leader"])

    @task(1)
    def dashboard_task(self):
        self.dashboard(SEED["leader"])


class ApiCounty(County):
    side = "api"


class ApiOffice(Office):
    side = "api"


class ApiLeader(Leader):
    side = "api"


class BareCounty(County):
    side = "bare"


class BareOffice(Office):
    side = "bare"


class BareLeader(Leader):
    side = "bare"
