"""Child-table rows read directly, as Frappe clients do (issue 15).

``frappe.client.get_list(doctype="Task Unit", parent="Task", ...)``: ``parent`` names
the parent doctype, which must have such a table and which the user must be able to
read; only rows of parent documents within the user's record scope come back. Rows
carry ``parent``, ``parenttype``, ``parentfield`` and ``idx``, usable in fields,
filters and order_by. Without ``parent`` a child doctype is still refused.
"""

import json

import pytest

from apps.innovation_action.models import TaskUnit

pytestmark = pytest.mark.django_db

HIDDEN_TASK = "2023-T13"  # 章贡区's task: 信丰县's user never sees it (test_api_other_county)


def message(response):
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    return body["message"] if "message" in body else body["data"]


def refused(response, status, exc_type) -> str:
    body = response.json()
    assert (response.status_code, body.get("exc_type")) == (status, exc_type), body
    return body.get("message") or body.get("exception") or ""


def params(**values):
    return {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in values.items()}


def get_list(client, **values):
    return message(client.get("/api/method/frappe.client.get_list", params(**values)))


def units_of(task: str) -> list[tuple]:
    return [
        (row.name, row.unit.name, row.idx)
        for row in TaskUnit.objects.filter(task__name=task).select_related("unit").order_by("idx")
    ]


def test_child_rows_of_one_parent_with_parent_fields(api):
    client = api.as_user("office")
    rows = get_list(
        client,
        doctype="Task Unit",
        parent="Task",
        fields=["name", "unit", "parent", "parenttype", "parentfield", "idx"],
        filters={"parent": HIDDEN_TASK},
        order_by="idx asc",
    )
    assert rows and [(r["name"], r["unit"], r["idx"]) for r in rows] == units_of(HIDDEN_TASK)
    assert {(r["parent"], r["parenttype"], r["parentfield"]) for r in rows} == {(HIDDEN_TASK, "Task", "units")}
    # The same rows are the units[] of the parent document, which carry the same parent fields.
    doc = message(client.get(f"/api/resource/Task/{HIDDEN_TASK}"))
    assert [
        {k: r[k] for k in ("name", "unit", "parent", "parenttype", "parentfield", "idx")} for r in doc["units"]
    ] == rows


def test_scope_of_the_parent_applies_to_its_rows(api):
    """信丰县 never sees 章贡区's task's rows, by listing, counting, get_value or get; 章贡区 does."""
    hidden = {name for name, _unit, _idx in units_of(HIDDEN_TASK)}
    assert hidden
    seen = {}
    for user in ("xinfeng", "zhanggong"):
        client = api.as_user(user)
        rows = get_list(client, doctype="Task Unit", parent="Task", fields=["name", "parent"], limit_page_length=0)
        visible_tasks = {r["name"] for r in get_list(client, doctype="Task", fields=["name"], limit_page_length=0)}
        # Exactly the rows of the tasks the user may read, each once.
        expected = set(TaskUnit.objects.filter(task__name__in=visible_tasks).values_list("name", flat=True))
        assert {r["name"] for r in rows} == expected and len(rows) == len(expected)
        assert {r["parent"] for r in rows} <= visible_tasks
        count = message(
            client.get(
                "/api/method/frappe.client.get_count",
                params(doctype="Task Unit", parent="Task", filters={"parent": HIDDEN_TASK}),
            )
        )
        value = message(
            client.get(
                "/api/method/frappe.client.get_value",
                params(doctype="Task Unit", fieldname="unit", filters={"parent": HIDDEN_TASK}, parent="Task"),
            )
        )
        one = client.get(
            "/api/method/frappe.client.get", params(doctype="Task Unit", name=sorted(hidden)[0], parent="Task")
        )
        seen[user] = ({r["name"] for r in rows} & hidden, count, value, one.status_code)
    assert seen["xinfeng"] == (set(), 0, {}, 404)
    zhanggong_rows, count, value, status = seen["zhanggong"]
    assert (zhanggong_rows, count, status) == (hidden, len(hidden), 200)
    assert value["unit"] in {unit for _name, unit, _idx in units_of(HIDDEN_TASK)}


def test_frappe_client_get_of_a_child_row(api):
    client = api.as_user("office")
    name, unit, idx = units_of(HIDDEN_TASK)[0]
    row = message(client.get("/api/method/frappe.client.get", params(doctype="Task Unit", name=name, parent="Task")))
    assert (row["name"], row["unit"], row["idx"], row["parent"], row["parenttype"], row["parentfield"]) == (
        name,
        unit,
        idx,
        HIDDEN_TASK,
        "Task",
        "units",
    )


def test_parent_fields_in_filters_order_by_star_and_pluck(api):
    client = api.as_user("office")
    everything = get_list(client, doctype="Task Unit", parent="Task", fields=["*"], filters={"parent": HIDDEN_TASK})
    assert everything and {"name", "unit", "idx", "parent", "parenttype", "parentfield"} <= set(everything[0])
    ordered = get_list(
        client,
        doctype="Task Unit",
        parent="Task",
        fields=["parent", "idx"],
        filters=[
            ["parent", "in", [HIDDEN_TASK, "2023-T08"]],
            ["parenttype", "=", "Task"],
            ["parentfield", "like", "un%"],
        ],
        order_by="parent desc, idx asc",
        limit_page_length=0,
    )
    expected = sorted(
        TaskUnit.objects.filter(task__name__in=[HIDDEN_TASK, "2023-T08"]).values_list("task__name", "idx"),
        key=lambda r: (-int(r[0].rsplit("T", 1)[1]), r[1]),
    )
    assert [(r["parent"], r["idx"]) for r in ordered] == expected
    other_table = get_list(client, doctype="Task Unit", parent="Task", filters={"parentfield": "lines"})
    assert other_table == []
    plucked = get_list(client, doctype="Task Unit", parent="Task", pluck="parent", filters={"parent": HIDDEN_TASK})
    assert plucked == [HIDDEN_TASK] * len(units_of(HIDDEN_TASK))
    grouped = get_list(
        client,
        doctype="Task Unit",
        parent="Task",
        fields=["parent", "count(name) as n"],
        group_by="parent",
        filters={"parent": HIDDEN_TASK},
    )
    assert grouped == [{"parent": HIDDEN_TASK, "n": len(units_of(HIDDEN_TASK))}]


def test_other_doors_take_parent_too(api):
    client = api.as_user("office")
    filters = json.dumps({"parent": HIDDEN_TASK})
    expected = sorted(name for name, _unit, _idx in units_of(HIDDEN_TASK))
    v1 = message(client.get("/api/resource/Task Unit", {"parent": "Task", "filters": filters, "limit": 0}))
    v2 = message(client.get("/api/v2/document/Task Unit", {"parent": "Task", "filters": filters, "limit": 0}))
    v2_count = client.get("/api/v2/doctype/Task Unit/count", {"parent": "Task", "filters": filters}).json()["data"]
    desk = message(
        client.get(
            "/api/method/frappe.desk.reportview.get",
            {"doctype": "Task Unit", "parent": "Task", "fields": '["name"]', "filters": filters},
        )
    )
    assert sorted(r["name"] for r in v1) == sorted(r["name"] for r in v2) == expected
    assert sorted(v[0] for v in desk["values"]) == expected and v2_count == len(expected)
    desk_count = client.get(
        "/api/method/frappe.desk.reportview.get_count",
        {"doctype": "Task Unit", "parent_doctype": "Task", "filters": filters},
    )
    assert message(desk_count) == len(expected)


@pytest.mark.parametrize(
    "values, status, exc_type, words",
    [
        ({}, 403, "PermissionError", "请为子表 Task Unit 指定有效的上级单据类型（参数 parent）"),
        ({"parent": "Nonexistent"}, 403, "PermissionError", "Nonexistent 没有 Task Unit 子表"),
        ({"parent": "Project"}, 403, "PermissionError", "Project 没有 Task Unit 子表"),
        ({"parent": "Task Unit"}, 403, "PermissionError", "Task Unit 没有 Task Unit 子表"),
        ({"parent": ["Task"]}, 417, "ValidationError", "参数 parent 应为上级单据类型的名称"),
        ({"parent": "Task", "fields": ["parent_task"]}, 417, "DataError", "字段 parent_task 不存在于 Task Unit"),
        ({"parent": "Task", "fields": ["`tabTask`.`name`"]}, 417, "DataError", "不是 Task Unit 的子表"),
        ({"parent": "Task", "filters": [["parenttype", "is", "maybe"]]}, 417, "ValidationError", "is 运算符的值"),
    ],
)
def test_hostile_parent_parameters(api, values, status, exc_type, words):
    client = api.as_user("office")
    query = {"doctype": "Task Unit", **values}
    if isinstance(query.get("parent"), list):
        response = client.post("/api/method/frappe.client.get_list", query, format="json")
    else:
        response = client.get("/api/method/frappe.client.get_list", params(**query))
    assert words in refused(response, status, exc_type)


def test_parent_fields_through_the_parent_doctype(api):
    """On the parent's own list, `tabTask Unit`.`parent` is the task; parenttype there is refused, never a 500."""
    client = api.as_user("office")
    rows = get_list(client, doctype="Task", fields=["name", "`tabTask Unit`.`parent`"], filters={"name": HIDDEN_TASK})
    assert rows and all(r["parent"] == HIDDEN_TASK for r in rows)
    response = client.get("/api/method/frappe.client.get_list", params(doctype="Task", fields=["units.parenttype"]))
    assert "只能在查询子表" in refused(response, 417, "DataError")


def test_a_non_child_doctype_ignores_parent(api):
    client = api.as_user("office")
    rows = get_list(client, doctype="Task", parent="Project", fields=["name"], filters={"name": HIDDEN_TASK})
    assert rows == [{"name": HIDDEN_TASK}]
    response = client.get("/api/method/frappe.client.get_list", params(doctype="Task", fields=["parenttype"]))
    assert "字段 parenttype 不存在于 Task" in refused(response, 417, "DataError")
