"""Property-based fuzzing of the whole API.

Stateless, from its own OpenAPI schema (schemathesis): every operation gets
generated requests, valid and not, as the office user (who may write)
through a token: no response may be a 5xx, and every response must match
the status codes and schemas the schema documents.

Stateful (Hypothesis' rule-based state machine): random sessions of a county
user against a live server, see below.
"""

import faulthandler
import hashlib
import io
import json
import os
import re
import zipfile

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sites.wsgi import application


@pytest.fixture
def api_schema(db):
    # Requests go straight to the WSGI app, inside the test's transaction; like
    # Django's test client, keep the app from closing that connection after each.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_token(db):
    from django.contrib.auth.models import User

    from apps.lowcode.auth.api_key import generate_keys

    key, secret = generate_keys(User.objects.get(username="office"))
    return f"token {key}:{secret}"


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, office_token):
    case.call_and_validate(
        headers={"Authorization": office_token},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


# ------------------------------------------------------------------ stateful phase: a county user's random session
#
# zhanggong (县级填报员, 章贡区) creates, edits, lists with random filters, takes random workflow actions and
# deletes, over HTTP against a live server (real threads, a per-request timeout: a hang fails, never stalls).
# After every step: no 5xx, nothing outside 章贡区 changed (a snapshot of every record outside the user's scope),
# nothing outside the scope was ever answered, and `like` found exactly what SQL LIKE (MariaDB's semantics) finds.

USER = "zhanggong"
OWN_COUNTY = "章贡区"
REQUEST_TIMEOUT = 20  # seconds; a like that backtracks runs for hours
HANG_LIMIT = 300  # seconds for the whole session, when a hang holds the GIL and no request timeout can fire
LONG = "a" * 3000
SLOW_PATTERNS = ["%a%a%a%b", "%a%a%a%a%a%a%a%a%a%a%b", "a%a%a%a%a%a%a%a%ab", "%" + "a%" * 30 + "c"]
ACTIONS = ["提交", "初审通过", "退回修改", "审定通过", "退回初审", "报送", "不存在的操作", ""]
LIKE_ALPHABET = "abA%_\\章贡0"
# Where LIKE and a regular expression disagree: escapes, and which characters are wildcards.
ESCAPE_PATTERNS = ["%\\%%", "%\\_%", "a\\%%", "%b\\\\%", "%\\", "_\\_%", "%.%", "%a*%", "%[%"]
OWN_SUMMARIES = ["100%完成", "a\\b", "a_b", "A.b", "ab*", "[章贡]", LONG]
FIELDS = [
    "name",
    "summary",
    "county",
    "unit",
    "period",
    "workflow_state",
    "docstatus",
    "modified",
    "self_total",
    "`tabSelfAssessment`.`county`",
    "tabSelfAssessment.summary",
    "`tabSelfAssessment`.`workflow_state`",
    "`tabSelfAssessment Line`.`evidence`",
    "`tabSelfAssessment Line`.`self_score`",
    "`tabSelfAssessment Line`.value",
    "`tabTask Unit`.`unit`",
    "`tabNope`.`x`",
    "nope",
    "*",
    "`tabSelfAssessment`.*",
]
OPERATORS = ["=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "between", "is", "LIKE", "~"]


def like_matches(pattern: str, text: str) -> bool:
    """SQL LIKE as MariaDB reads it (% any run, _ one character, backslash escapes, a trailing backslash is literal),
    ASCII letters folded; an automaton, so it is linear whatever the pattern."""
    tokens, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            tokens.append(("=", pattern[i + 1].lower()))
            i += 2
            continue
        tokens.append((ch,) if ch in "%_" else ("=", ch.lower()))
        i += 1

    def closure(states):
        result, pending = set(states), list(states)
        while pending:
            s = pending.pop()
            if s < len(tokens) and tokens[s][0] == "%" and s + 1 not in result:
                result.add(s + 1)
                pending.append(s + 1)
        return result

    states = closure({0})
    for ch in text.lower():
        step = set()
        for s in states:
            if s < len(tokens):
                kind = tokens[s][0]
                if kind == "%":
                    step.add(s)
                elif kind == "_" or tokens[s][1] == ch:
                    step.add(s + 1)
        states = closure(step)
        if not states:
            return False
    return len(tokens) in states


def outside_snapshot(user) -> str:
    """A digest of every record the user may not see, in the doctypes a county user writes (with their rows)."""
    from apps.innovation_action.models import ProgressReport, SelfAssessment
    from apps.lowcode.doctype.meta import get_meta
    from apps.lowcode.permissions import scope_queryset
    from apps.lowcode.workflow.model import WorkflowLog

    digest = hashlib.sha256()
    for model in (SelfAssessment, ProgressReport):
        outside = model.objects.exclude(pk__in=scope_queryset(user, model).values("pk")).order_by("pk")
        tables = get_meta(model.doctype).tables.values()
        for record in outside.values():
            digest.update(repr(sorted(record.items())).encode())
            for table in tables:
                rows = get_meta(table.doctype).model.objects.filter(**{f"{table.parent_fk}_id": record["id"]})
                digest.update(repr([sorted(r.items()) for r in rows.order_by("pk").values()]).encode())
        names = list(outside.values_list("name", flat=True))
        logs = WorkflowLog.objects.filter(reference_doctype=model.doctype, reference_name__in=names).order_by("pk")
        digest.update(repr(list(logs.values_list("reference_name", "action", "to_state", "moved"))).encode())
    return digest.hexdigest()


def _json_value():
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(alphabet=LIKE_ALPHABET, max_size=12),
        st.sampled_from(["章贡区", "信丰县", "草稿", "2023-Y", "\ud800", "set", "not set", "9999-99-99", LONG]),
    )
    return st.one_of(scalars, st.lists(scalars, max_size=3))


def _filters():
    condition = st.one_of(
        st.tuples(st.sampled_from(FIELDS), st.sampled_from(OPERATORS), _json_value()).map(list),
        st.tuples(
            st.sampled_from(["SelfAssessment Line", "Task Unit", "SelfAssessment"]),
            st.sampled_from(["evidence", "value", "self_score", "`tabSelfAssessment Line`.`evidence`"]),
            st.sampled_from(["like", "=", "in", "between"]),
            _json_value(),
        ).map(list),
        st.tuples(
            st.sampled_from(FIELDS[:12]),
            st.sampled_from(["like", "not like"]),
            st.one_of(st.sampled_from(SLOW_PATTERNS), st.text(alphabet=LIKE_ALPHABET, max_size=10)),
        ).map(list),
    )
    return st.one_of(
        st.lists(condition, max_size=3), st.dictionaries(st.sampled_from(FIELDS[:10]), _json_value(), max_size=2)
    )


def _limit():
    return st.one_of(
        st.none(), st.integers(-(2**70), 2**70), st.sampled_from(["abc", "1e3", "9223372036854775808", "0"])
    )


def _dumps(value) -> str:
    """JSON text as a client sends it; NaN and lone surrogates (as \\ud800) included: the server must refuse them."""
    return json.dumps(value)


class CountySession(RuleBasedStateMachine):
    """One machine run: a sequence of zhanggong's requests. Configured by the test below (base URL, session)."""

    base = ""
    http: requests.Session = None
    user = None
    others: list[str] = []
    periods: list[str] = []
    expected_outside = ""

    created = Bundle("created")

    def call(self, method, path, **kwargs):
        response = self.http.request(method, self.base + path, timeout=REQUEST_TIMEOUT, **kwargs)
        assert response.status_code < 500, (method, path, kwargs, response.status_code, response.text[:1000])
        return response

    def names(self, data):
        return [row.get("name") for row in data if isinstance(row, dict)]

    # ---------------------------------------------------------------- writing

    @rule(
        target=created,
        period=st.sampled_from(["2023-Y", "2023-Q1", "2023-Q2", "nope"]),
        county=st.sampled_from([OWN_COUNTY, OWN_COUNTY, "信丰县", "会昌县", None]),
        summary=st.one_of(st.text(alphabet=LIKE_ALPHABET, max_size=30), st.just(LONG)),
    )
    def create(self, period, county, summary):
        response = self.call(
            "POST",
            "/api/resource/SelfAssessment",
            data=_dumps({"period": period, "county": county, "summary": summary}),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code == 200:
            return response.json()["data"]["name"]
        if response.status_code == 409 and county == OWN_COUNTY:  # its own one of that period, made earlier
            return f"{period}-{OWN_COUNTY}"
        return multiple()

    @rule(
        name=st.one_of(created, st.sampled_from(["2023-Y-信丰县", "2023-Q1-信丰县", "nope"])),
        changes=st.dictionaries(
            st.sampled_from(
                ["summary", "county", "period", "unit", "workflow_state", "docstatus", "name", "owner", "custom_x"]
            ),
            _json_value(),
            max_size=3,
        ),
    )
    def update(self, name, changes):
        self.call(
            "PUT",
            f"/api/resource/SelfAssessment/{name}",
            data=_dumps(changes),
            headers={"Content-Type": "application/json"},
        )

    @rule(
        name=st.one_of(created, st.sampled_from(["2023-Y-信丰县", "nope"])),
        score=st.one_of(st.integers(-5, 50), st.floats(allow_nan=True), st.text(max_size=5)),
        evidence=st.one_of(st.text(alphabet=LIKE_ALPHABET, max_size=10), st.just(LONG)),
    )
    def update_lines(self, name, score, evidence):
        response = self.call("GET", f"/api/resource/SelfAssessment/{name}")
        if response.status_code != 200:
            return
        doc = response.json()["data"]
        lines = [{**line, "self_score": score, "evidence": evidence} for line in doc["lines"][:3]] + doc["lines"][3:]
        self.call(
            "PUT",
            f"/api/resource/SelfAssessment/{name}",
            data=_dumps({"lines": lines}),
            headers={"Content-Type": "application/json"},
        )

    @rule(
        name=st.one_of(created, st.sampled_from(["2023-Y-信丰县", "2023-Q1-信丰县", "nope"])),
        action=st.sampled_from(ACTIONS),
        seen=st.sampled_from([None, "草稿", "待初审"]),
    )
    def workflow(self, name, action, seen):
        doc = {"doctype": "SelfAssessment", "name": name}
        if seen:
            doc["workflow_state"] = seen
        self.call(
            "POST",
            "/api/method/frappe.model.workflow.apply_workflow",
            data=_dumps({"doc": doc, "action": action, "comment": "随机操作"}),
            headers={"Content-Type": "application/json"},
        )

    @rule(name=st.one_of(created, st.sampled_from(["2023-Y-信丰县", "nope"])))
    def delete(self, name):
        self.call("DELETE", f"/api/resource/SelfAssessment/{name}")

    @rule(
        name=st.one_of(created, st.sampled_from(["2023-Y-信丰县", "2023-Q1-信丰县", "nope"])),
        door=st.sampled_from(
            [
                "set_value",
                "save",
                "delete",
                "rename_doc",
                "bulk_update",
                "run_doc_method",
                "cmd",
                "v2_patch",
                "v2_delete",
            ]
        ),
        value=st.one_of(st.text(alphabet=LIKE_ALPHABET, max_size=10), st.just(LONG)),
    )
    def write_through_another_door(self, name, door, value):
        """Frappe's other ways to write (frappe.client, run_doc_method, the cmd= door, API v2) meet the
        same rules: the invariant below checks that no other county's record changed."""
        doc = {"doctype": "SelfAssessment", "name": name, "summary": value}
        client = {
            "set_value": {"doctype": "SelfAssessment", "name": name, "fieldname": "summary", "value": value},
            "save": {"doc": doc},
            "delete": {"doctype": "SelfAssessment", "name": name},
            "rename_doc": {"doctype": "SelfAssessment", "old_name": name, "new_name": f"{name}-改名"},
            "bulk_update": {"docs": [doc]},
            "run_doc_method": {"dt": "SelfAssessment", "dn": name, "method": "get_unfilled_lines"},
        }
        if door in client:
            method = door if door == "run_doc_method" else f"frappe.client.{door}"
            body = {k: v if isinstance(v, str) else _dumps(v) for k, v in client[door].items()}
            self.call("POST", f"/api/method/{method}", data=body)
        elif door == "cmd":
            self.call("POST", "/", data={"cmd": "frappe.client.set_value", **client["set_value"]})
        elif door == "v2_patch":
            self.call(
                "PATCH",
                f"/api/v2/document/SelfAssessment/{name}",
                data=_dumps({"summary": value}),
                headers={"Content-Type": "application/json"},
            )
        else:
            self.call("DELETE", f"/api/v2/document/SelfAssessment/{name}")

    @rule(
        name=st.sampled_from(["2023-Y-信丰县", "2023-Q1-信丰县", "2023-Y-市工信局"]),
        door=st.sampled_from(["v2", "getdoc", "get_value", "validate_link"]),
    )
    def read_another_county_through_another_door(self, name, door):
        if door == "v2":
            assert self.call("GET", f"/api/v2/document/SelfAssessment/{name}").status_code in (403, 404)
            return
        method, params = {
            "getdoc": ("frappe.desk.form.load.getdoc", {"doctype": "SelfAssessment", "name": name}),
            "get_value": (
                "frappe.client.get_value",
                {"doctype": "SelfAssessment", "fieldname": "summary", "filters": name},
            ),
            "validate_link": ("frappe.client.validate_link", {"doctype": "SelfAssessment", "docname": name}),
        }[door]
        response = self.call("GET", f"/api/method/{method}", params=params)
        assert response.status_code != 200 or not response.json().get("message") or name not in response.text, (
            door,
            response.text[:300],
        )

    # ---------------------------------------------------------------- reading

    @rule(
        filters=_filters(),
        or_filters=st.one_of(st.none(), _filters()),
        fields=st.lists(st.sampled_from(FIELDS), max_size=3),
        order_by=st.one_of(st.none(), st.sampled_from(FIELDS[:12]).map(lambda f: f + " desc")),
        start=_limit(),
        length=_limit(),
    )
    def list_random(self, filters, or_filters, fields, order_by, start, length):
        params = {"filters": _dumps(filters), "fields": _dumps(fields + ["`tabSelfAssessment`.`name`"])}
        for key, value in (
            ("or_filters", or_filters and _dumps(or_filters)),
            ("order_by", order_by),
            ("limit_start", start),
            ("limit_page_length", length),
        ):
            if value is not None:
                params[key] = value
        response = self.call("GET", "/api/resource/SelfAssessment", params=params)
        if response.status_code == 200:
            leaked = set(self.names(response.json()["data"])) & set(self.others)
            assert not leaked, (params, leaked)

    @rule(
        filters=_filters(),
        method=st.sampled_from(
            ["frappe.client.get_count", "frappe.client.get_list", "frappe.desk.reportview.export_query"]
        ),
        start=_limit(),
        as_body=st.booleans(),
    )
    def method_random(self, filters, method, start, as_body):
        params = {"doctype": "SelfAssessment", "filters": filters, "limit_start": start}
        if as_body:
            response = self.call(
                "POST", f"/api/method/{method}", data=_dumps(params), headers={"Content-Type": "application/json"}
            )
        else:
            response = self.call(
                "GET",
                f"/api/method/{method}",
                params={k: v if isinstance(v, str | int) else _dumps(v) for k, v in params.items() if v is not None},
            )
        if response.status_code == 200 and method == "frappe.client.get_list":
            assert not set(self.names(response.json()["message"])) & set(self.others)

    @rule(
        pattern=st.one_of(
            st.text(alphabet=LIKE_ALPHABET, max_size=12),
            st.sampled_from(SLOW_PATTERNS),
            st.sampled_from(ESCAPE_PATTERNS),
        ),
        negate=st.booleans(),
        where=st.sampled_from(["summary", "tabSelfAssessment.summary"]),
    )
    def like_is_sql_like(self, pattern, negate, where):
        """The like's answer is exactly SQL LIKE's, computed here without the server."""
        from apps.innovation_action.models import SelfAssessment
        from apps.lowcode.permissions import scope_queryset

        response = self.call(
            "GET",
            "/api/resource/SelfAssessment",
            params={"filters": _dumps([[where, "not like" if negate else "like", pattern]]), "limit": 0},
        )
        assert response.status_code == 200, response.text
        visible = scope_queryset(self.user, SelfAssessment).values_list("name", "summary")
        expected = {name for name, summary in visible if like_matches(pattern, summary) != negate}
        assert set(self.names(response.json()["data"])) == expected, pattern

    @rule(name=st.sampled_from(["2023-Y-信丰县", "2023-Q1-信丰县", "2023-Y-市工信局"]))
    def read_another_county(self, name):
        assert self.call("GET", f"/api/resource/SelfAssessment/{name}").status_code in (403, 404)

    @invariant()
    def nothing_outside_changed(self):
        assert outside_snapshot(self.user) == self.expected_outside


@pytest.fixture
def watchdog(request):
    """A regex hang in SQLite's Python function holds the GIL, so no timeout in Python can fire:
    faulthandler's own thread ends the run with every thread's traceback instead of stalling CI.
    It writes to the real stderr (pytest captures fd 2 during the test and would lose it at exit)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    capture.suspend_global_capture(in_=False)
    try:
        stderr = os.fdopen(os.dup(2), "w")
    finally:
        capture.resume_global_capture()
    faulthandler.dump_traceback_later(HANG_LIMIT, exit=True, file=stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
    stderr.close()


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True)
def test_a_county_users_random_session_stays_in_its_county(live_server, settings, watchdog):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from apps.innovation_action.models import AssessmentPeriod, SelfAssessment
    from apps.innovation_action.services.demo_accounts import (
        DEMO_PASSWORD,
        create_demo_accounts,
    )
    from apps.innovation_action.services.plan_loader import load_plan
    from tests.conftest import PLAN_FOLDER
    from tests.test_workflow_api import act, create_assessment, fill_in

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    # The office has opened every period of the year: reports may be started in any of them.
    AssessmentPeriod.objects.update(opened_at=timezone.now())
    # Other assessees' records, in several states, long texts for the likes to chew on.
    fill_in("xinfeng", create_assessment("xinfeng", "信丰县", summary=LONG)["name"], evidence=LONG)
    name = create_assessment("xinfeng", "信丰县", period="2023-Q1", summary="ab%_\\" + LONG)["name"]
    fill_in("xinfeng", name)
    act("xinfeng", name, "提交")
    create_assessment("gongxin", None, unit="市工信局", summary=LONG)
    # The user's own records, whose texts tell LIKE from a regular expression.
    periods = AssessmentPeriod.objects.exclude(name__in=["2023-Y", "2023-Q1", "2023-Q2"]).order_by("pk")
    for period, summary in zip(periods, OWN_SUMMARIES):
        create_assessment(USER, OWN_COUNTY, period=period.name, summary=summary)

    http = requests.Session()
    assert (
        http.post(
            f"{live_server.url}/api/method/login", json={"usr": USER, "pwd": DEMO_PASSWORD}, timeout=REQUEST_TIMEOUT
        ).status_code
        == 200
    )
    user = User.objects.get(username=USER)
    CountySession.base, CountySession.http, CountySession.user = live_server.url, http, user
    CountySession.others = list(SelfAssessment.objects.exclude(county__name=OWN_COUNTY).values_list("name", flat=True))
    CountySession.expected_outside = outside_snapshot(user)
    assert CountySession.others
    run_state_machine_as_test(CountySession, settings=settings_for_machine())


def settings_for_machine():
    # Bounded for CI (about a minute), the same sequences every run; no shrinking: the first failing
    # sequence is reported as found (shrinking a live-server session takes minutes).
    return settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )


# ------------------------------------------------------------------ the yearly target import, with hostile input
#
# The schema phase above sends the import random indicator names (never an existing one) and random bytes; here
# the indicators are real as often as not, the files are workbooks of hostile cells (wrong types, NaN, huge
# numbers, long texts, a floor column without targets), broken zips, random bytes or over the size limit, fields
# go missing or come as JSON, and the callers include users who may not import. Every answer is a success or a
# 4xx with a Chinese message, never a 5xx; nobody but the office (and administrators) ever imports.

CJK = re.compile(r"[\u4e00-\u9fff]")
TARGET_USERS = ["office", "admin", "zhanggong", "leader", None]  # None: not logged in
IMPORTERS = {"office", "admin"}
HEADINGS = [
    "街办、镇",
    "县（市、区）",
    "单位",
    "序号",
    "2023",
    "2023年",
    "2023年目标",
    "2023年不允许值",
    "2030年",
    "",
    None,
]
CELLS = st.one_of(
    st.none(),
    st.sampled_from(["章贡区", "南康", "合计", "市工信局", "无名镇", "八", "1,234", "12%", "—", "=1/0", "\x00"]),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)
OVERSIZED = object()  # a file over the upload limit, built once


def hostile_workbook(header, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        try:
            sheet.append(row)
        except Exception:  # noqa: BLE001 - openpyxl refuses some values (control characters): leave them out
            sheet.append([None for _ in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def broken_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "garbage")
    return buffer.getvalue()


FILES = st.one_of(
    st.builds(
        hostile_workbook,
        st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=6),
        st.lists(st.lists(CELLS, max_size=6), max_size=6),
    ),
    st.binary(max_size=512),
    st.just(broken_zip()),
    st.just(b""),
    st.just(OVERSIZED),
    st.none(),  # no file at all
)
INDICATORS = st.one_of(
    st.sampled_from(
        ["2023-C-03", "2023-C-04", "2023-U-05", "2023-C-15", "2023-C-3", " 2023-C-03 ", "", "2023-C-03" * 200]
    ),
    st.text(max_size=60),
    st.none(),  # the field left out
)


@pytest.mark.django_db
@given(
    username=st.sampled_from(TARGET_USERS),
    indicator=INDICATORS,
    upload=FILES,
    as_json=st.booleans(),
    get_template=st.booleans(),
)
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_yearly_target_import_answers_hostile_input_with_a_chinese_4xx(
    username, indicator, upload, as_json, get_template
):
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from apps.innovation_action.models import AssesseeTarget
    from apps.lowcode.xlsx.reader import MAX_FILE_SIZE

    api = APIClient()
    if username:
        api.force_login(User.objects.get(username=username))
    params = {} if indicator is None else {"indicator": indicator}
    before = AssesseeTarget.objects.count()
    if get_template:
        response = api.get("/api/method/innovation_action.api.year_targets_template", params)
    elif as_json:
        body = {**params, "file": "" if upload is None else "a.xlsx"}
        response = api.post("/api/method/innovation_action.api.import_year_targets", body, format="json")
    else:
        content = b"\0" * (MAX_FILE_SIZE + 1) if upload is OVERSIZED else upload
        if content is not None:
            params["file"] = SimpleUploadedFile("目标.xlsx", content)
        response = api.post("/api/method/innovation_action.api.import_year_targets", params, format="multipart")
    assert response.status_code < 500, response.content[:2000]
    if response.status_code >= 400:
        message = response.json().get("message") or response.json().get("exc") or ""
        assert CJK.search(str(message)), response.content[:2000]
    if username not in IMPORTERS:  # refused (403, or 417 for a missing field, checked first), nothing changed
        assert 400 <= response.status_code < 500, response.content[:2000]
        assert AssesseeTarget.objects.count() == before
    elif response.status_code == 200 and not get_template:
        assert {"created", "updated", "unchanged", "summary"} <= set(response.json()["message"])


# ------------------------------------------------------------------ the workbench's methods, as every role, hostile
#
# County users and unit liaisons work only in the workbench (issue 18), so its methods are their door: every
# method the workbench's source calls (read from apps/innovation_action/frontend/src, so a method a page starts
# using tomorrow is fuzzed tomorrow) and every other GET method of the app's api, called as every demo account and
# as nobody, with no arguments, with real names in and out of the caller's scope, and with hostile values. Every
# answer is a success or a 4xx with a Chinese message, never a 5xx; nobody is asked to be an admin (staff) user.

FRONTEND_SRC = os.path.join(os.path.dirname(__file__), "..", "apps", "innovation_action", "frontend", "src")
METHOD_NAME = re.compile(r"\b((?:innovation_action|lowcode)\.api\.\w+|frappe(?:\.\w+)+)\b")
WORKBENCH_USERS = ["zhanggong", "xinfeng", "gongxin", "office", "leader", "admin", None]
HOSTILE = [
    "",
    " ",
    "no-such-record",
    "2023-Y",
    "2023-Q1",
    "2023-M03",
    "SelfAssessment",
    "Progress Report",
    "Project Report",
    "提交",
    "../../etc/passwd",
    "'; DROP TABLE auth_user; --",
    "<script>alert(1)</script>",
    "\x00",
    "%",
    "[]",
    "{}",
    '["a", 1]',
    '{"name": ["in", ["x"]]}',
    "null",
    "-1",
    "99999999999999999999",
    "1e308",
    "2023-13-45",
    "章" * 3000,
]


def workbench_methods() -> list[str]:
    """The whitelisted methods the workbench calls, and the app's own GET methods."""
    from apps.lowcode.whitelist import registry

    called = set()
    for folder, _, files in os.walk(FRONTEND_SRC):
        for file in files:
            if file.endswith((".js", ".vue")):
                with open(os.path.join(folder, file), encoding="utf-8") as source:
                    called.update(METHOD_NAME.findall(source.read()))
    app_reads = {
        name for name, m in registry.items() if name.startswith("innovation_action.api.") and "GET" in m.http_methods
    }
    return sorted(name for name in called | app_reads if name in registry)


def method_parameters(name: str) -> list[str]:
    import inspect

    from apps.lowcode.whitelist import registry

    signature = inspect.signature(registry[name].func)
    return [p for p in list(signature.parameters)[1:] if p not in ("_", "request")]


def call_method(api, name: str, args: dict):
    from apps.lowcode.whitelist import registry

    url = f"/api/method/{name}"
    if "GET" in registry[name].http_methods:
        return api.get(url, args)
    return api.post(url, args, format="json")


def assert_answer_is_sound(who, name, args, response):
    context = f"{who} {name} {args!r:.300}: {response.status_code} {response.content[:1000]!r}"
    assert response.status_code < 500, context
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert CJK.search(str(body.get("message") or body.get("exc") or body)), context


@pytest.fixture
def workbench_names(db):
    """Real record names: zhanggong's report (in one county's scope, out of the others'), a month, a project."""
    from apps.innovation_action.models import AssessmentPeriod, Project, SelfAssessment
    from tests.test_workflow_api import create_assessment

    own = create_assessment("zhanggong", "章贡区")["name"]
    return {
        "assessment": own,
        "period": AssessmentPeriod.objects.order_by("name").values_list("name", flat=True).first(),
        "project": Project.objects.order_by("name").values_list("name", flat=True).first(),
        "others": list(SelfAssessment.objects.values_list("name", flat=True)[:3]),
    }


@pytest.mark.django_db
def test_every_workbench_method_as_every_role_never_answers_5xx(workbench_names):
    """Deterministic: every method × every user, with no arguments and with each argument a real name."""
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    methods = workbench_methods()
    assert {
        "innovation_action.api.get_workbench_session",
        "innovation_action.api.get_todo",
        "innovation_action.api.get_self_assessment_page",
        "innovation_action.api.get_done",
        "innovation_action.api.get_finished",
        "innovation_action.api.search_documents",
        "innovation_action.api.get_approval_queue",
        "innovation_action.api.get_ranking_periods",
        "innovation_action.api.get_monthly_reports",
        "frappe.model.workflow.apply_workflow",
        "frappe.utils.print_format.download_pdf",
    } <= set(methods), methods
    real = [workbench_names["assessment"], workbench_names["period"], workbench_names["project"], "SelfAssessment"]
    for username in WORKBENCH_USERS:
        api = APIClient()
        if username:
            api.force_login(User.objects.get(username=username))
        for name in methods:
            parameters = method_parameters(name)
            for args in [{}, *({p: value for p in parameters} for value in real)]:
                assert_answer_is_sound(username, name, args, call_method(api, name, args))
    # A county user's door needs no admin access: zhanggong (not staff) reads their own report's page.
    zhanggong = User.objects.get(username="zhanggong")
    assert not zhanggong.is_staff
    api = APIClient()
    api.force_login(zhanggong)
    page = api.get(
        "/api/method/innovation_action.api.get_self_assessment_page", {"name": workbench_names["assessment"]}
    )
    assert page.status_code == 200, page.content[:500]


@pytest.mark.django_db
@given(data=st.data())
@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_workbench_methods_answer_hostile_arguments_with_a_chinese_4xx(data, workbench_names):
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    name = data.draw(st.sampled_from(workbench_methods()), label="method")
    username = data.draw(st.sampled_from(WORKBENCH_USERS), label="user")
    values = st.one_of(
        st.sampled_from(HOSTILE + workbench_names["others"] + [workbench_names["assessment"]]),
        st.text(max_size=50),
        st.integers(),
    )
    parameters = method_parameters(name) + ["unexpected"]
    args = {p: data.draw(values, label=p) for p in parameters if data.draw(st.booleans(), label=f"send {p}")}
    api = APIClient()
    if username:
        api.force_login(User.objects.get(username=username))
    assert_answer_is_sound(username, name, args, call_method(api, name, args))
