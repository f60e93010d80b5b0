"""Query details Frappe clients rely on (issue 15): child rows, aliases, aggregates, group_by, pluck, debug.

Each case goes through the real API (/api/resource, frappe.client.get_list,
frappe.desk.reportview.get) as a demo account; expected values are computed
independently with the ORM over the records the account may see.
"""

import json
from collections import defaultdict
from decimal import Decimal

import pytest

from apps.innovation_action.models import Project, SelfAssessment
from tests.test_api_query import ok, refused

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

SA = "SelfAssessment"


def get_list(client, doctype, **params):
    return ok(client.post("/api/method/frappe.client.get_list", {"doctype": doctype, **params}, format="json"))


def reportview(client, doctype, **params):
    query = {k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}
    return ok(client.get("/api/method/frappe.desk.reportview.get", {"doctype": doctype, **query}))


def number(value):
    return round(float(value), 2) if value is not None else None


@pytest.fixture
def draft(api):
    """zhanggong's own draft self-assessment, with its indicator lines."""
    client = api.as_user("zhanggong")
    doc = ok(client.post(f"/api/resource/{SA}", {"period": "2023-Y", "county": "章贡区"}, format="json"))
    return client, doc


# ------------------------------------------------------------------ child-table fields


def test_child_fields_give_one_row_per_child_row(draft):
    client, doc = draft
    lines = doc["lines"]
    assert len(lines) >= 3
    expected = sorted((doc["name"], line["indicator"], line["value"]) for line in lines)
    for fields in (
        ["name", "lines.indicator", "lines.value"],
        ["`tabSelfAssessment`.`name`", "`tabSelfAssessment Line`.`indicator`", "tabSelfAssessment Line.value"],
    ):
        rows = ok(client.resource(SA, fields=fields, filters=[["name", "=", doc["name"]]], limit=0))
        assert sorted((r["name"], r["indicator"], r["value"]) for r in rows) == expected
        assert all(set(r) == {"name", "indicator", "value"} for r in rows)  # keys without the table, as Frappe's
    rows = get_list(
        client, SA, fields=["name", "lines.indicator as ind"], filters={"name": doc["name"]}, limit_page_length=0
    )
    assert sorted(r["ind"] for r in rows) == sorted(line["indicator"] for line in lines)
    # The rows come in the table's order, and paging counts joined rows, as in Frappe.
    first = ok(client.resource(SA, fields=["lines.idx"], filters={"name": doc["name"]}, limit_page_length=2))
    rest = ok(client.resource(SA, fields=["lines.idx"], filters={"name": doc["name"]}, limit_start=2, limit=0))
    assert [r["idx"] for r in first + rest] == list(range(1, len(lines) + 1))


def test_a_parent_without_child_rows_still_appears(draft):
    client, doc = draft
    SelfAssessment.objects.get(name=doc["name"]).lines.all().delete()  # setup: the query is what is under test
    rows = ok(
        client.resource(
            SA, fields=["name", "lines.value", "`tabSelfAssessment Line`.`indicator`"], filters={"name": doc["name"]}
        )
    )
    assert rows == [{"name": doc["name"], "value": None, "indicator": None}]


@pytest.mark.parametrize(
    "fields, exc_type, text",
    [
        (["lines.nope"], "DataError", "字段 nope 不存在于 SelfAssessment Line"),
        (["`tabSelfAssessment Line`.`nope`"], "DataError", "字段 nope 不存在于 SelfAssessment Line"),
        (["nolines.value"], "DataError", "不存在于 SelfAssessment"),
        (["`tabTask Unit`.`unit`"], "DataError", "Task Unit 不是 SelfAssessment 的子表"),
        (["name", "lines.name"], "DataError", "同名"),
    ],
)
def test_bad_child_fields_are_clear_417(draft, fields, exc_type, text):
    client, _ = draft
    assert text in refused(client.resource(SA, fields=fields), 417, exc_type)


# ------------------------------------------------------------------ aggregates and group_by


def by_county(projects):
    groups = defaultdict(list)
    for project in projects:
        groups[project.county.name if project.county_id else None].append(project)
    return groups


def test_group_by_with_aliases_on_every_door(api):
    client = api.as_user("office")
    groups = by_county(Project.objects.select_related("county"))
    expected = sorted(
        (
            {"county": county, "n": len(ps), "total": number(sum((p.total_investment or Decimal(0)) for p in ps))}
            for county, ps in groups.items()
        ),
        key=lambda row: (-row["n"], row["county"] or ""),
    )
    params = {
        "fields": ["county", "count(name) as n", "sum(total_investment) as total"],
        "group_by": "county",
        "order_by": "n desc, county asc",
        "limit_page_length": 0,
    }
    by_resource = ok(client.resource("Project", **params))
    by_get_list = get_list(client, "Project", **params)
    for rows in (by_resource, by_get_list):
        assert [{**r, "total": number(r["total"])} for r in rows] == expected
    compressed = reportview(client, "Project", **params)
    assert compressed["keys"] == ["county", "n", "total"]
    assert [[c, n] for c, n, _ in compressed["values"]] == [[r["county"], r["n"]] for r in expected]


def test_columns_without_alias_are_named_as_written(api):
    client = api.as_user("office")
    projects = list(Project.objects.filter(county__name="崇义县"))
    rows = ok(
        client.resource(
            "Project",
            fields=[
                "count(name)",
                "sum(total_investment)",
                "max(number)",
                "min(number)",
                "avg(number)",
                "count(distinct section)",
                "COUNT(*)",
            ],
            filters={"county": "崇义县"},
        )
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["count(name)"] == row["COUNT(*)"] == len(projects)
    assert number(row["sum(total_investment)"]) == number(sum(p.total_investment or 0 for p in projects))
    assert (row["max(number)"], row["min(number)"]) == (
        max(p.number for p in projects),
        min(p.number for p in projects),
    )
    assert number(row["avg(number)"]) == number(sum(p.number for p in projects) / len(projects))
    assert row["count(distinct section)"] == len({p.section for p in projects})


def test_qualified_names_in_group_by_fields_and_order_by(api):
    client = api.as_user("office")
    plain = ok(
        client.resource(
            "Project", fields=["county", "count(name) as n"], group_by="county", order_by="county desc", limit=0
        )
    )
    qualified = ok(
        client.resource(
            "Project",
            fields=["`tabProject`.`county`", "count(`tabProject`.`name`) as n"],
            group_by="`tabProject`.`county`",
            order_by="tabProject.county desc",
            limit=0,
        )
    )
    assert plain == qualified
    assert [r["county"] for r in plain] == sorted({r["county"] for r in plain}, reverse=True)
    # order_by may name the aggregate as written too
    by_expression = ok(
        client.resource(
            "Project",
            fields=["county", "count(name) as n"],
            group_by="county",
            order_by="count(name) desc, county",
            limit=0,
        )
    )
    assert [r["n"] for r in by_expression] == sorted((r["n"] for r in plain), reverse=True)


def test_group_by_without_aggregates_and_child_aggregates(draft, api):
    client, doc = draft
    office = api.as_user("office")
    sections = ok(office.resource("Project", fields=["section"], group_by="section", limit=0))
    assert sections == [{"section": s} for s in sorted(set(Project.objects.values_list("section", flat=True)))]
    # An aggregate over a child table's field counts the child rows of the records in scope.
    rows = ok(
        client.resource(SA, fields=["name", "count(lines.name) as n"], group_by="name", filters={"name": doc["name"]})
    )
    assert rows == [{"name": doc["name"], "n": len(doc["lines"])}]


def test_aggregates_stay_within_the_users_scope(api):
    client = api.as_user("zhanggong")
    own = list(Project.objects.filter(county__name="章贡区"))
    assert own and len(own) < Project.objects.count()
    rows = ok(client.resource("Project", fields=["count(name) as n", "sum(total_investment) as total"]))
    assert rows == [{"n": len(own), "total": rows[0]["total"]}]
    assert number(rows[0]["total"]) == number(sum(p.total_investment or 0 for p in own))
    groups = get_list(client, "Project", fields=["county", "count(name) as n"], group_by="county")
    assert groups == [{"county": "章贡区", "n": len(own)}]
    # A filter naming another county finds nothing to count.
    assert ok(client.resource("Project", fields=["count(name) as n"], filters={"county": "崇义县"})) == [{"n": 0}]


@pytest.mark.parametrize(
    "params, text",
    [
        ({"fields": ["county", "count(name)"]}, "请用 group_by 指定分组字段"),
        ({"fields": ["name", "count(name)"], "group_by": "county"}, "请把它加入 group_by"),
        ({"fields": ["county", "count(name)"], "group_by": "county", "order_by": "sum(number) desc"}, "只能按分组字段"),
        ({"fields": ["count(name)"], "group_by": "nope"}, "字段 nope 不存在于 Project"),
        ({"fields": ["count(name)"], "group_by": "county; drop table x"}, "分组字段格式不正确"),
        ({"fields": ["sum(project_name)"]}, "不是数字"),
    ],
)
def test_group_by_rules_are_clear_417(api, params, text):
    client = api.as_user("office")
    assert text in refused_any(client.resource("Project", **params))


def refused_any(response) -> str:
    """The Chinese message of a 417 DataError or ValidationError."""
    body = response.json()
    assert response.status_code == 417 and body["exc_type"] in ("DataError", "ValidationError"), body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    return body["message"]


def test_aliases_child_fields_and_text_fields_in_order_by_and_filters(draft, api):
    client, doc = draft
    office = api.as_user("office")
    rows = ok(
        office.resource("Project", fields=["name", "number as num"], filters={"county": "崇义县"}, order_by="num desc")
    )
    assert [r["num"] for r in rows] == [26, 25, 24] and set(rows[0]) == {"name", "num"}
    # Frappe also takes fields as comma-separated text.
    assert ok(office.resource("Project", fields="name, number", filters={"county": "崇义县"}, order_by="number")) == [
        {"name": f"2023-P{n}", "number": n} for n in (24, 25, 26)
    ]
    # A child table's field orders its rows once they are among the columns.
    rows = ok(
        client.resource(
            SA, fields=["name", "lines.idx"], filters={"name": doc["name"]}, order_by="lines.idx desc", limit=0
        )
    )
    assert [r["idx"] for r in rows] == list(range(len(doc["lines"]), 0, -1))
    assert "不能按子表字段排序" in refused(client.resource(SA, order_by="lines.idx desc"), 417, "DataError")
    # table.field names a child field in filters too.
    first = doc["lines"][0]["indicator"]
    assert [r["name"] for r in ok(client.resource(SA, filters=[["lines.indicator", "=", first]]))] == [doc["name"]]


def test_aggregates_and_groups_over_custom_fields(api):
    from apps.lowcode.doctype.customization import CustomField

    for fieldname, label, fieldtype in (("custom_score", "评分", "Int"), ("custom_grade", "等级", "Data")):
        field = CustomField(dt="Project", fieldname=fieldname, label=label, fieldtype=fieldtype)
        field.full_clean()
        field.save()
    projects = list(Project.objects.filter(county__name="崇义县").order_by("number"))
    for score, grade, project in zip((100, 50, 7), ("甲", "乙", "甲"), projects, strict=True):
        Project.objects.filter(pk=project.pk).update(custom_values={"custom_score": score, "custom_grade": grade})
    client = api.as_user("office")
    rows = ok(
        client.resource(
            "Project",
            fields=["custom_grade", "sum(custom_score) as total", "max(custom_score)", "count(name) as n"],
            filters={"county": "崇义县"},
            group_by="custom_grade",
            order_by="total desc",
        )
    )
    assert [(r["custom_grade"], number(r["total"]), number(r["max(custom_score)"]), r["n"]) for r in rows] == [
        ("甲", 107.0, 100.0, 2),
        ("乙", 50.0, 50.0, 1),
    ]


# ------------------------------------------------------------------ pluck and debug


def test_pluck_answers_a_flat_list(api):
    client = api.as_user("zhanggong")
    names = [r["name"] for r in ok(client.resource("Project", order_by="number asc", limit=0))]
    assert names and all(n.startswith("2023-P") for n in names)
    assert get_list(client, "Project", pluck="name", order_by="number asc", limit_page_length=0) == names
    assert ok(client.resource("Project", pluck="name", order_by="number asc", limit=0)) == names
    assert ok(client.resource("Project", pluck="name", order_by="number asc", limit=0, as_dict=0)) == names
    numbers = get_list(
        client, "Project", fields=["name", "number"], pluck="number", order_by="number asc", limit_page_length=0
    )
    assert numbers == sorted(numbers) and all(isinstance(n, int) for n in numbers)
    assert "pluck" in refused(client.resource("Project", fields=["name"], pluck="number"), 417, "DataError")


def test_debug_is_ignored(api):
    client = api.as_user("office")
    plain = get_list(client, "Project", fields=["name"], limit_page_length=5)
    for debug in (1, True, "1", "true"):
        response = client.post(
            "/api/method/frappe.client.get_list",
            {"doctype": "Project", "fields": ["name"], "limit_page_length": 5, "debug": debug},
            format="json",
        )
        assert response.json() == {"message": plain}
    response = client.get("/api/resource/Project", {"fields": '["name"]', "limit": 5, "debug": "1"})
    assert response.json() == {"data": plain}
    assert "select" not in response.content.decode().lower()


# ------------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    "fields, text",
    [
        (["sum(password)"], "字段 password 不存在于 Project"),
        (["count(*) from auth_user"], "不支持的字段表达式"),
        (["count(name) from auth_user"], "不支持的字段表达式"),
        (["count(name from auth_user)"], "不存在"),
        (["sum(count(name))"], "不支持嵌套函数"),
        (["count((select password from auth_user))"], "不支持嵌套函数"),
        (["version()"], "不支持函数 version"),
        (["sleep(10)"], "不支持函数 sleep"),
        (["group_concat(name)"], "不支持函数 group_concat"),
        (["count(name) /* comment */"], "SQL 注释"),
        (["name -- comment"], "SQL 注释"),
        (["name; drop table tabProject"], "SQL 注释、分号"),
        (["count(@@version)"], "变量"),
        (["sum(*)"], "只有 count(*)"),
        (["count(name) as `a` `b`"], "不支持"),
        (["count(name) as n; x"], "分号"),
        (["(name)"], "不支持"),
        (["count(name) as " + "n" * 100], "不支持"),
        (["name"] * 1000, "最多列出"),
        (["n" * 10000], "过长"),
        ([",".join(["name"] * 2500)], "过长"),
    ],
)
def test_hostile_fields_are_417_never_500(api, fields, text):
    client = api.as_user("office")
    assert text in refused_any(client.resource("Project", fields=fields))
    method = client.post("/api/method/frappe.client.get_list", {"doctype": "Project", "fields": fields}, format="json")
    assert method.status_code == 417, method.content[:300]
    assert method.json()["exc_type"] in ("DataError", "ValidationError")


@pytest.mark.parametrize(
    "params",
    [
        {"order_by": "sleep(1)"},
        {"order_by": "name desc; drop table x"},
        {"order_by": "name /* x */"},
        {"group_by": "name, (select 1)", "fields": ["count(name)"]},
        {"group_by": "x" * 10000, "fields": ["count(name)"]},
        {"group_by": ["name"] * 100, "fields": ["count(name)"]},
        {"pluck": ["name"]},
        {"fields": {"name": 1}},
        {"fields": [["name"]]},
    ],
)
def test_hostile_order_group_and_pluck_are_417(api, params):
    client = api.as_user("office")
    refused_any(client.post("/api/method/frappe.client.get_list", {"doctype": "Project", **params}, format="json"))


def test_self_assessments_are_untouched(draft):
    """Reading never writes: the aggregate queries above leave the records as they were."""
    client, doc = draft
    before = SelfAssessment.objects.get(name=doc["name"]).modified
    ok(client.resource(SA, fields=["count(name) as n", "max(modified)"]))
    assert SelfAssessment.objects.get(name=doc["name"]).modified == before


def test_random_column_texts_never_reach_the_database_unchecked():
    """Fragments of field names, functions and SQL shuffled together: each either answers or is a 417."""
    import random

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from apps.lowcode.document.query import parse_list_query
    from apps.lowcode.document.service import list_documents, meta_for
    from apps.lowcode.exceptions import ValidationError

    tokens = [
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "(",
        ")",
        "name",
        "number",
        "county",
        "total_investment",
        "`tabProject`",
        "`tabProject Line`",
        ".",
        "`",
        " as ",
        "n",
        "*",
        "distinct ",
        ",",
        " ",
        "'",
        '"',
        "--",
        "/*",
        ";",
        "select",
        " from ",
        "auth_user",
        "lines",
        "section",
        "x" * 50,
        "中文",
        "\\",
        "%",
    ]
    rng = random.Random(15)
    user = get_user_model().objects.get(username="zhanggong")
    meta = meta_for("Project")
    answered = refused_count = 0
    for _ in range(400):

        def text():
            return "".join(rng.choice(tokens) for _ in range(rng.randint(1, 7)))

        def one_of(*valid):
            return rng.choice(valid) if rng.random() < 0.6 else text()

        params = {
            "fields": [
                one_of(
                    "name",
                    "county",
                    "count(name) as n",
                    "sum(total_investment)",
                    "max(number)",
                    "`tabProject`.`section`",
                    "count(*)",
                )
                for _ in range(rng.randint(1, 3))
            ]
        }
        if rng.random() < 0.5:
            params["group_by"] = one_of("county", "section", "tabProject.county")
        if rng.random() < 0.5:
            params["order_by"] = one_of("n desc", "county", "name asc", "count(name) desc")
        try:
            with transaction.atomic():
                list_documents(user, meta, parse_list_query(meta, params))
            answered += 1
        except ValidationError as exc:  # DataError too: both are 417
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message), (params, exc.message)
            refused_count += 1
    assert answered and refused_count
