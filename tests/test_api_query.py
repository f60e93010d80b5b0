"""The list query of the API (issue 14): like in SQL, paging numbers, qualified names, strict JSON.

Each case goes through the real API as a demo account; the same query code
serves /api/resource, frappe.client.get_list/get_count and export_query.
"""

import faulthandler
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.innovation_action.models import SelfAssessment
from tests.test_workflow_api import client as client_of

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DOCTYPE = "SelfAssessment"
SLOW_PATTERN = "%a%a%a%b"  # backtracks for ever as a regular expression against a long run of "a"


def ok(response):
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    return body["data"] if "data" in body else body["message"]


def refused(response, status=417, exc_type="ValidationError") -> str:
    body = response.json()
    assert (response.status_code, body["exc_type"]) == (status, exc_type), body
    return body["message"]


@pytest.fixture
def watchdog():
    """A hang fails the run instead of stalling it: a regex in SQLite's Python function never lets go of the GIL,
    so only faulthandler's own thread can end the process (with every thread's traceback)."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def draft(api):
    """zhanggong's own draft self-assessment with a long summary."""
    client = api.as_user("zhanggong")
    doc = ok(
        client.post(
            f"/api/resource/{DOCTYPE}", {"period": "2023-Y", "county": "章贡区", "summary": "a" * 2000}, format="json"
        )
    )
    return client, doc["name"]


def names(client, filters, **params):
    query = {"filters": json.dumps(filters, ensure_ascii=False), **params}
    return [row["name"] for row in ok(client.get(f"/api/resource/{DOCTYPE}", query))]


# ------------------------------------------------------------------ like is SQL LIKE


def test_like_is_sql_like_not_a_regular_expression(draft):
    client, name = draft
    with CaptureQueriesContext(connection) as queries:
        assert names(client, [["summary", "like", "%a_a%"]]) == [name]
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert " LIKE " in sql and "REGEXP" not in sql


def test_a_like_that_backtracks_as_a_regex_answers_at_once(draft, watchdog):
    client, name = draft
    assert names(client, [["summary", "like", SLOW_PATTERN]]) == []
    assert names(client, [["summary", "not like", SLOW_PATTERN]]) == [name]
    assert (
        ok(
            client.get(
                "/api/method/frappe.client.get_count",
                {"doctype": DOCTYPE, "filters": json.dumps([["summary", "like", SLOW_PATTERN]])},
            )
        )
        == 0
    )
    assert ok(
        client.post(
            "/api/method/frappe.client.get_list",
            {"doctype": DOCTYPE, "filters": [["summary", "like", "%a%a%a%"]]},
            format="json",
        )
    ) == [{"name": name}]
    export = client.get(
        "/api/method/frappe.desk.reportview.export_query",
        {"doctype": DOCTYPE, "filters": json.dumps([["summary", "like", SLOW_PATTERN]])},
    )
    assert export.status_code == 200, export.content[:300]
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert cells and name not in cells
    # The server still answers.
    assert ok(client.get("/api/method/frappe.auth.get_logged_user")) == "zhanggong"


@pytest.mark.parametrize(
    "pattern, matches",
    [
        ("100\\%%", True),  # \% is a literal percent sign
        ("100\\%x%", False),
        ("100%", True),
        ("10_\\%%", True),  # _ is one character
        ("1\\_0%", False),  # \_ is a literal underscore
        ("%完成_。%", True),
        ("%完成", False),
        ("100\\%完成了%", True),
        ("%A_B\\\\C%", True),  # case-insensitive as in Frappe; \\ is a backslash
        ("%a_b\\c%", False),  # \c is just c: "a-bc" is not in the text
    ],
)
def test_like_wildcards_and_escapes_as_in_mariadb(draft, pattern, matches):
    client, name = draft
    ok(client.put(f"/api/resource/{DOCTYPE}/{name}", {"summary": "100%完成了。a-b\\c"}, format="json"))
    assert names(client, [["summary", "like", pattern]]) == ([name] if matches else [])


def test_like_stays_inside_the_users_scope(draft):
    client, name = draft
    other = ok(
        client_of("xinfeng").post(
            f"/api/resource/{DOCTYPE}", {"period": "2023-Y", "county": "信丰县", "summary": "a" * 10}, format="json"
        )
    )["name"]
    office = client_of("office")
    assert names(client, [["summary", "like", "a%"]], limit=0) == [name]
    assert set(names(office, [["summary", "like", "a%"]], limit=0)) == {name, other}


def test_like_on_custom_fields_and_child_rows_in_sql(api, draft):
    from apps.lowcode.doctype.customization import CustomField

    client, name = draft
    for fieldname, label, fieldtype in (("custom_remark", "备注", "Data"), ("custom_count", "次数", "Int")):
        field = CustomField(dt=DOCTYPE, fieldname=fieldname, label=label, fieldtype=fieldtype)
        field.full_clean()
        field.save()
    # Written as the office would in its review; the query is what is under test here.
    SelfAssessment.objects.filter(name=name).update(
        custom_values={"custom_remark": "赣州_50%达标Ab", "custom_count": 1234}
    )
    with CaptureQueriesContext(connection) as queries:
        assert names(client, [["custom_remark", "like", "%50\\%达%"]]) == [name]
        assert names(client, [["custom_remark", "like", "%赣州\\_%"]]) == [name]
        assert names(client, [["custom_remark", "like", "%赣州\\%%"]]) == []
        assert names(client, [["custom_remark", "like", "%达标aB"]]) == [name]  # case-insensitive, as on columns
        assert names(client, [["custom_count", "like", "12%"]]) == [name]
        assert names(client, [["custom_remark", "like", "a" * 50 + SLOW_PATTERN]]) == []
    assert "REGEXP" not in " ".join(q["sql"] for q in queries.captured_queries).upper()

    line = ok(client.get(f"/api/resource/{DOCTYPE}/{name}"))["lines"][0]
    doc = ok(client.get(f"/api/resource/{DOCTYPE}/{name}"))
    doc["lines"][0]["evidence"] = "a" * 2000
    ok(client.put(f"/api/resource/{DOCTYPE}/{name}", {"lines": doc["lines"]}, format="json"))
    assert names(client, [["SelfAssessment Line", "evidence", "like", SLOW_PATTERN]]) == []
    assert names(client, [["`tabSelfAssessment Line`.`evidence`", "like", "a%a"]]) == [name]
    assert line["doctype"] == "SelfAssessment Line"


# ------------------------------------------------------------------ paging numbers


@pytest.mark.parametrize(
    "params, status, text",
    [
        ({"limit_start": "9223372036854775808"}, 200, None),  # past the last row: an empty page, as in Frappe
        ({"limit_start": str(10**29)}, 200, None),
        ({"limit_start": "-1"}, 417, "不能为负数"),
        ({"limit_start": "-9223372036854775809"}, 417, "不能为负数"),
        ({"limit_start": "1e3"}, 417, "应为整数"),
        ({"limit_start": "1" * 5000}, 417, "应为整数"),
        ({"limit_start": "٣"}, 417, "应为整数"),
        ({"limit_page_length": "9223372036854775808"}, 417, "每页最多"),
        ({"limit_page_length": "-9223372036854775809"}, 417, "不能为负数"),
        ({"limit_page_length": "abc"}, 417, "应为整数"),
        ({"limit": "18446744073709551616"}, 417, "每页最多"),
        ({"limit": "-5"}, 417, "不能为负数"),
        ({"start": "99999999999999999999999"}, 200, None),
    ],
)
def test_paging_numbers_never_reach_sql_unchecked(api, params, status, text):
    client = api.as_user("zhanggong")
    response = client.get(f"/api/resource/{DOCTYPE}", params)
    if status == 200:
        assert ok(response) == []
    else:
        assert text in refused(response)
    method = client.post(
        "/api/method/frappe.client.get_list",
        {
            "doctype": DOCTYPE,
            **{
                ("limit_start" if k == "start" else k): int(v)
                if v.lstrip("-").isdigit() and v.isascii() and len(v) < 100
                else v
                for k, v in params.items()
            },
        },
        format="json",
    )
    assert method.status_code == status, method.content.decode()


# ------------------------------------------------------------------ qualified names


def test_qualified_names_in_filters_fields_and_order_by(api):
    client = api.as_user("office")
    rows = ok(
        client.resource(
            "Project",
            fields=["`tabProject`.`name`", "tabProject.number", "`tabProject`.county"],
            filters=[["`tabProject`.`county`", "=", "崇义县"]],
            order_by="`tabProject`.`number` desc, tabProject.name asc",
        )
    )
    assert rows == [{"name": f"2023-P{n}", "number": n, "county": "崇义县"} for n in (26, 25, 24)]
    assert ok(
        client.resource(
            "Project", fields=["number"], filters={"tabProject.county": "崇义县"}, order_by="tabProject.number"
        )
    ) == [{"number": n} for n in (24, 25, 26)]
    assert (
        ok(
            client.get(
                "/api/method/frappe.client.get_count",
                {"doctype": "Project", "filters": json.dumps([["tabProject.county", "=", "崇义县"]])},
            )
        )
        == 3
    )


def test_child_table_fields_by_qualified_name(api):
    client = api.as_user("office")
    tasks = ok(
        client.resource("Task", fields=["number"], filters=[["`tabTask Unit`.`unit`", "=", "市国资委"]], limit=0)
    )
    assert sorted(t["number"] for t in tasks) == [4, 16, 23, 25]
    tasks = ok(
        client.resource(
            "Task", fields=["number"], filters=[["Task Unit", "`tabTask Unit`.unit", "=", "市国资委"]], limit=0
        )
    )
    assert sorted(t["number"] for t in tasks) == [4, 16, 23, 25]
    # A child field among the fields gives a row per child row, as Frappe's join does.
    rows = ok(
        client.resource(
            "Task", fields=["name", "`tabTask Unit`.`unit`", "`tabTask Unit`.role"], filters=[["name", "=", "2023-T08"]]
        )
    )
    assert sorted((r["name"], r["unit"], r["role"]) for r in rows) == [
        ("2023-T08", "市卫健委", "牵头"),
        ("2023-T08", "市科技局", "责任"),
        ("2023-T08", "市财政局", "责任"),
    ]


@pytest.mark.parametrize(
    "params, exc_type, text",
    [
        ({"filters": '[["`tabNope`.`county`", "=", 1]]'}, "DataError", "Nope 不是 Project 的子表"),
        ({"filters": '[["`tabProject`.`nope`", "=", 1]]'}, "DataError", "字段 nope 不存在于 Project"),
        ({"filters": '[["`tabTask Unit`.`unit`", "=", 1]]'}, "DataError", "Task Unit 不是 Project 的子表"),
        ({"filters": '[["Task", "`tabProject`.`county`", "=", 1]]'}, "DataError", "不一致"),
        ({"filters": '[["tabProject.county.x", "=", 1]]'}, "DataError", "不存在"),
        ({"filters": '[[1, "county", "=", 1]]'}, "ValidationError", "必须是字符串"),
        ({"fields": '["`tabProject`.`nope`"]'}, "DataError", "字段 nope 不存在"),
        ({"fields": '["`tabNope`.*"]'}, "DataError", "Nope"),
        ({"fields": '["version()"]'}, "DataError", "不支持函数 version"),
        ({"order_by": "`tabProject`.`nope` desc"}, "DataError", "字段 nope 不存在"),
        ({"order_by": "`tabNope`.`county` desc"}, "DataError", "Nope 不是 Project 的子表"),
        ({"order_by": "`tabProject`.`county` sideways"}, "ValidationError", "排序格式不正确"),
        ({"order_by": "a" * 10000 + " desc"}, "ValidationError", "排序格式不正确"),
        ({"order_by": " " * 10000 + "x"}, "DataError", "字段 x 不存在"),
    ],
)
def test_bad_qualified_names_are_clear_417(api, params, exc_type, text):
    response = api.as_user("office").get("/api/resource/Project", params)
    assert text in refused(response, 417, exc_type)


def test_ordering_by_a_child_field_is_refused_clearly(api):
    message = refused(
        api.as_user("office").get("/api/resource/Task", {"order_by": "`tabTask Unit`.`unit` asc"}), 417, "DataError"
    )
    assert "不能按子表字段排序" in message


# ------------------------------------------------------------------ JSON that no database keeps


SURROGATE = '"\\ud800"'  # the JSON text of a lone surrogate


def raw(client, method, url, body: str):
    return getattr(client, method)(url, body, content_type="application/json")


def test_lone_surrogates_are_refused_everywhere(draft):
    client, name = draft
    before = SelfAssessment.objects.get(name=name).summary
    bodies = [
        ("post", f"/api/resource/{DOCTYPE}", '{"period": "2023-Q1", "county": "章贡区", "summary": %s}' % SURROGATE),
        ("put", f"/api/resource/{DOCTYPE}/{name}", '{"summary": %s}' % SURROGATE),
        ("put", f"/api/resource/{DOCTYPE}/{name}", "{%s: 1}" % SURROGATE),
        ("put", f"/api/resource/{DOCTYPE}/{name}", '{"data": "{\\"summary\\": \\"\\\\ud800\\"}"}'),
        (
            "post",
            "/api/method/frappe.client.get_list",
            '{"doctype": "SelfAssessment", "filters": [["summary", "=", %s]]}' % SURROGATE,
        ),
        ("post", "/api/method/frappe.client.get_count", '{"doctype": %s}' % SURROGATE),
        (
            "post",
            "/api/method/frappe.model.workflow.apply_workflow",
            '{"doc": {"doctype": "SelfAssessment", "name": %s}, "action": "提交"}' % SURROGATE,
        ),
        (
            "post",
            "/api/method/frappe.model.workflow.apply_workflow",
            '{"doc": "{\\"doctype\\": \\"SelfAssessment\\", \\"name\\": \\"\\\\udc00\\"}", "action": "提交"}',
        ),
    ]
    for method, url, body in bodies:
        message = refused(raw(client, method, url, body))
        assert "无效的字符" in message and "\\ud" in message, (url, body, message)
    for params in (
        {"filters": '[["summary", "like", %s]]' % SURROGATE},
        {"fields": "[%s]" % SURROGATE},
        {"or_filters": '{"summary": %s}' % SURROGATE},
    ):
        assert "无效的字符" in refused(client.get(f"/api/resource/{DOCTYPE}", params))
    assert "无效的字符" in refused(
        client.get(
            "/api/method/frappe.model.workflow.get_transitions",
            {"doc": '{"doctype": "SelfAssessment", "name": %s}' % SURROGATE},
        )
    )
    assert SelfAssessment.objects.get(name=name).summary == before


@pytest.mark.parametrize(
    "body, text",
    [
        ('{"doctype": "Project", "filters": [["number", "=", NaN]]}', "NaN"),
        ('{"doctype": "Project", "filters": [["number", ">", Infinity]]}', "Infinity"),
        ('{"doctype": "Project", "limit_start": -Infinity}', "Infinity"),
        ("[" * 100000 + "]" * 100000, "嵌套"),
    ],
)
def test_json_that_is_not_json_is_refused(api, body, text):
    client = api.as_user("office")
    assert text in refused(raw(client, "post", "/api/method/frappe.client.get_list", body))


@pytest.mark.parametrize(
    "filters",
    [
        [["number", "=", 10**30]],
        [["number", "in", [1, 10**19]]],
        [["total_investment", ">", 1e308]],
        [["total_investment", "<", "1e999999"]],
        [["number", "=", "NaN"]],
        [["start_month", ">", "9999-99-99"]],
    ],
)
def test_out_of_range_filter_values_are_417_not_500(api, filters):
    response = api.as_user("office").resource("Project", filters=filters)
    assert response.status_code in (200, 417), response.content.decode()
    if response.status_code == 417:
        assert response.json()["exc_type"] == "ValidationError"


# ------------------------------------------------------------------ every door, one query


def test_every_list_method_answers_the_same_query(api):
    client = api.as_user("office")
    filters = json.dumps(
        [["`tabTask Unit`.`unit`", "like", "市国资%"], ["tabTask.number", "<", 20]], ensure_ascii=False
    )
    expected = ["2023-T04", "2023-T16"]
    by_resource = ok(client.get("/api/resource/Task", {"filters": filters, "order_by": "`tabTask`.`number` asc"}))
    assert [r["name"] for r in by_resource] == expected
    by_get_list = ok(
        client.get(
            "/api/method/frappe.client.get_list",
            {"doctype": "Task", "filters": filters, "order_by": "tabTask.number asc"},
        )
    )
    assert [r["name"] for r in by_get_list] == expected
    by_reportview = ok(
        client.get(
            "/api/method/frappe.desk.reportview.get",
            {
                "doctype": "Task",
                "fields": '["`tabTask`.`name`", "`tabTask`.`number`"]',
                "filters": filters,
                "order_by": "`tabTask`.`number` asc",
                "start": 0,
                "page_length": 20,
            },
        )
    )
    assert by_reportview == {"keys": ["name", "number"], "values": [["2023-T04", 4], ["2023-T16", 16]]}
    for method in ("frappe.client.get_count", "frappe.desk.reportview.get_count"):
        assert ok(client.get(f"/api/method/{method}", {"doctype": "Task", "filters": filters})) == 2
    export = client.get(
        "/api/method/frappe.desk.reportview.export_query",
        {
            "doctype": "Task",
            "filters": filters,
            "order_by": "`tabTask`.`number` desc",
            "fields": '["`tabTask`.`name`", "`tabTask`.`title`", "`tabTask Unit`.`unit`"]',
        },
    )
    assert export.status_code == 200, export.content[:500]
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    names_in_sheet = [row[0] for row in rows if isinstance(row[0], str) and row[0].startswith("2023-T")]
    assert names_in_sheet == ["2023-T16", "2023-T04"]
    assert "市国资委" in {c for row in rows for c in row}
    assert "不存在" in refused(
        client.get(
            "/api/method/frappe.desk.reportview.export_query", {"doctype": "Task", "fields": '["`tabTask`.`nope`"]'}
        ),
        417,
        "DataError",
    )
