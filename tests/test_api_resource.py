"""/api/resource and /api/method as Frappe clients use them."""

import json

import pytest

from apps.innovation_action.models import Project, Task, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def data(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()["data"]


def error(response, status, exc_type):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["exc_type"] == exc_type, body
    assert json.loads(json.loads(body["_server_messages"])[0])["message"] == body["message"]
    return body["message"]


# ------------------------------------------------------------------ reading


def test_list_defaults_to_names_newest_first(api):
    rows = data(api.as_user("office").resource("Task"))
    assert len(rows) == 20 and set(rows[0]) == {"name"}


def test_list_fields_filters_order_and_paging(api):
    client = api.as_user("office")
    rows = data(
        client.resource(
            "Project",
            fields=["name", "project_name", "county", "total_investment", "start_month"],
            filters=[["section", "=", "续建"], ["total_investment", ">=", 100000]],
            order_by="total_investment desc",
            limit_page_length=3,
            limit_start=1,
        )
    )
    assert [r["name"] for r in rows] == ["2023-P15", "2023-P22", "2023-P21"]
    assert rows[0] == {
        "name": "2023-P15",
        "project_name": "中科融合赣江源创新产业园建设",
        "county": "赣县区（赣州高新区）",
        "total_investment": 630000.0,
        "start_month": "2021-08-01",
    }


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"county": "崇义县"}, [24, 25, 26]),
        ({"county": ["!=", "崇义县"], "category": "钢铁有色"}, [23]),
        ([["project_name", "like", "%稀土%"]], [12, 28]),
        ([["project_name", "not like", "%项目%"], ["section", "=", "新开工"]], [4, 7, 9]),
        ([["number", "in", [1, 2, 3]]], [1, 2, 3]),
        ([["number", "in", "1,2"]], [1, 2]),
        (
            [
                [
                    "county",
                    "not in",
                    [
                        "崇义县",
                        "会昌县",
                        "赣县区（赣州高新区）",
                        "赣州蓉江新区",
                        "寻乌县",
                        "章贡区",
                        "信丰县",
                        "赣州经开区",
                    ],
                ]
            ],
            [1, 5, 6, 7, 23, 27, 28],
        ),
        ([["project_code", "is", "not set"], ["section", "=", "新开工"]], [1, 3, 7, 9, 10, 11]),
        ([["number", "between", [27, 29]]], [27, 28, 29]),
        ([["start_month", "<", "2020-01-01"]], [21]),
        ([["end_month", "<=", "2023-06-30"], ["end_month", ">", "2023-01-01"]], [18, 19, 22]),
    ],
)
def test_filter_operators(api, filters, expected):
    rows = data(api.as_user("office").resource("Project", fields=["number"], filters=filters, limit=0))
    assert sorted(r["number"] for r in rows) == expected


def test_or_filters_and_child_table_filters(api):
    client = api.as_user("office")
    rows = data(
        client.resource("Project", fields=["number"], or_filters=[["county", "=", "定南县"], ["number", "=", 1]])
    )
    assert sorted(r["number"] for r in rows) == [1, 28]
    tasks = data(client.resource("Task", fields=["number"], filters=[["Task Unit", "unit", "=", "市国资委"]], limit=0))
    assert sorted(t["number"] for t in tasks) == [4, 16, 23, 25]  # once each, though joined through rows


def test_get_document_with_child_rows(api):
    task = data(api.as_user("office").resource("Task", "2023-T08"))
    assert task["doctype"] == "Task" and task["lead_unit"] == "市卫健委" and task["plan"] == "2023"
    assert [(r["unit"], r["role"], r["liaison"], r["idx"]) for r in task["units"]] == [
        ("市卫健委", "牵头", "市卫健委-练昌富", 1),
        ("市财政局", "责任", "市财政局-廖秋红", 2),
        ("市科技局", "责任", "市科技局-廖家乐", 3),
    ]
    row = task["units"][0]
    assert (row["parent"], row["parentfield"], row["parenttype"], row["doctype"]) == (
        "2023-T08",
        "units",
        "Task",
        "Task Unit",
    )
    assert {"name", "owner", "creation", "modified", "modified_by", "docstatus"} <= set(task)


def test_methods_get_count_get_list_and_get(api):
    client = api.as_user("office")
    count = client.get(
        "/api/method/frappe.client.get_count", {"doctype": "Project", "filters": '{"section": "新开工"}'}
    )
    assert count.json() == {"message": 11}
    rows = client.get(
        "/api/method/frappe.client.get_list",
        {
            "doctype": "County",
            "fields": '["name", "order"]',
            "filters": '[["order", "<=", 6]]',
            "order_by": "order asc",
            "limit_page_length": 2,
        },
    ).json()["message"]
    assert rows == [{"name": "赣州经开区", "order": 1}, {"name": "赣州蓉江新区", "order": 2}]
    rows = client.get(
        "/api/method/frappe.client.get_list",
        {"doctype": "Plan Assessee", "fields": '["county"]', "filters": '[["category", "=", "2023-一类"]]'},
    ).json()["message"]
    assert len(rows) == 6 and {"county": "章贡区"} in rows
    doc = client.get("/api/method/frappe.client.get", {"doctype": "Action Plan", "name": "2023"}).json()["message"]
    assert doc["document_number"] == "赣市科赋字〔2023〕1号" and len(doc["targets"]) == 12
    by_filter = client.get("/api/method/frappe.client.get", {"doctype": "Unit", "filters": '{"name": "市科协"}'})
    assert by_filter.json()["message"]["name"] == "市科协"


@pytest.mark.parametrize(
    "params, status, exc_type, text",
    [
        ({"filters": "not json"}, 417, "ValidationError", "不是合法的 JSON"),
        ({"filters": '[["nope", "=", 1]]'}, 417, "DataError", "字段 nope 不存在"),
        ({"filters": '[["number", "~", 1]]'}, 417, "ValidationError", "不支持的筛选运算符"),
        ({"filters": '[["number", "=", "abc"]]'}, 417, "ValidationError", "筛选值不正确"),
        ({"filters": '[["number", "between", [1]]]'}, 417, "ValidationError", "两个元素"),
        ({"filters": '[["start_month", ">", "2023-13-45"]]'}, 417, "ValidationError", "筛选值不正确"),
        ({"filters": '"a string"'}, 417, "ValidationError", "应为列表或对象"),
        ({"fields": '["name", "password"]'}, 417, "DataError", "字段 password 不存在"),
        ({"fields": "[1, 2]"}, 417, "ValidationError", "字段名列表"),
        ({"order_by": "name; drop table x"}, 417, "ValidationError", "排序"),
        ({"order_by": "nope desc"}, 417, "DataError", "字段 nope 不存在"),
        ({"limit_page_length": 100000}, 417, "ValidationError", "每页最多 1000 条"),
        ({"limit_page_length": -1}, 417, "ValidationError", "不能为负数"),
        ({"limit_start": "x"}, 417, "ValidationError", "应为整数"),
    ],
)
def test_bad_list_parameters_are_clear_4xx(api, params, status, exc_type, text):
    message = error(api.as_user("office").get("/api/resource/Project", params), status, exc_type)
    assert text in message


def test_unknown_doctype_and_document(api):
    client = api.as_user("office")
    assert "单据类型 Nope 不存在" in error(client.get("/api/resource/Nope"), 404, "DoesNotExistError")
    assert "不存在" in error(client.get("/api/resource/Task/2099-T99"), 404, "DoesNotExistError")
    assert "子表" in error(client.get("/api/resource/Task Unit"), 403, "PermissionError")
    assert "接口方法" in error(client.get("/api/method/frappe.nope"), 404, "DoesNotExistError")


# ------------------------------------------------------------------ writing


NEW_TASK = {
    "plan": "2023",
    "section_number": 7,
    "section": "（七）广聚各类优秀人才，提升创新创业活力",
    "number": 30,
    "title": "测试任务",
    "content": "测试任务。具体要求。",
    "lead_unit": "市科技局",
    "units": [{"unit": "市科技局", "role": "牵头", "liaison": "市科技局-廖家乐"}, {"unit": "市科协", "role": "责任"}],
}


def test_create_update_delete_task_with_child_rows(api):
    client = api.as_user("office")
    created = data(client.post("/api/resource/Task", NEW_TASK, format="json"))
    assert created["name"] == "2023-T30" and created["owner"] == "office"
    assert [(r["unit"], r["idx"]) for r in created["units"]] == [("市科技局", 1), ("市科协", 2)]

    # Frappe's PUT merges; the child list replaces the table (rows keep their names).
    keep = created["units"][0]
    updated = data(
        client.put(
            "/api/resource/Task/2023-T30",
            {
                "title": "测试任务（修订）",
                "modified": created["modified"],
                "units": [keep, {"unit": "市人社局", "role": "责任", "liaison": "市人社局-钟曦"}],
            },
            format="json",
        )
    )
    assert updated["title"] == "测试任务（修订）" and updated["modified_by"] == "office"
    assert [r["unit"] for r in updated["units"]] == ["市科技局", "市人社局"]
    assert updated["units"][0]["name"] == keep["name"]
    assert Task.objects.get(name="2023-T30").units.count() == 2

    gone = client.delete("/api/resource/Task/2023-T30")
    assert (gone.status_code, gone.json()) == (202, {"message": "ok"})  # Frappe's v1 delete_doc: 202 Accepted
    assert not Task.objects.filter(name="2023-T30").exists()


def test_form_encoded_data_field_as_python_clients_send(api):
    client = api.as_user("office")
    response = client.post("/api/resource/Task", {"data": json.dumps({**NEW_TASK, "number": 31}, ensure_ascii=False)})
    assert data(response)["name"] == "2023-T31"


def test_stale_modified_is_refused_and_nothing_is_lost(api):
    client = api.as_user("office")
    first = data(client.resource("Project", "2023-P01"))
    data(
        client.put(
            "/api/resource/Project/2023-P01", {"responsible_leader": "甲", "modified": first["modified"]}, format="json"
        )
    )
    stale = client.put(
        "/api/resource/Project/2023-P01", {"responsible_leader": "乙", "modified": first["modified"]}, format="json"
    )
    assert "已被他人修改" in error(stale, 417, "TimestampMismatchError")
    assert Project.objects.get(name="2023-P01").responsible_leader == "甲"


@pytest.mark.parametrize(
    "change, exc_type, text",
    [
        ({"number": "abc"}, "ValidationError", "序号"),
        ({"number": True}, "ValidationError", "应为数字"),
        ({"total_investment": "很多"}, "ValidationError", "总投资"),
        ({"start_month": "2023-02-30"}, "ValidationError", "开工年月"),
        ({"section": "改建"}, "ValidationError", "项目类型"),
        ({"county": "南康市"}, "LinkValidationError", "找不到县（市、区）“南康市”"),
        ({"county": {"name": "南康区"}}, "ValidationError", "隶属"),
        ({"project_name": ["a"]}, "ValidationError", "项目名称"),
        ({"project_name": ""}, "MandatoryError", "项目名称"),
        ({"password": "x"}, "DataError", "没有字段 password"),
        ({"total_investment": 10**20}, "ValidationError", "总投资"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(api, change, exc_type, text):
    before = Project.objects.get(name="2023-P05")
    response = api.as_user("office").put("/api/resource/Project/2023-P05", change, format="json")
    assert text in error(response, 417, exc_type)
    after = Project.objects.get(name="2023-P05")
    assert (after.modified, after.project_name, after.total_investment) == (
        before.modified,
        before.project_name,
        before.total_investment,
    )


def test_missing_required_fields_on_create(api):
    response = api.as_user("office").post("/api/resource/Task", {"plan": "2023", "title": "x"}, format="json")
    message = error(response, 417, "MandatoryError")
    # The lead unit is no field to fill in: it follows from the unit rows in a leading role.
    assert "缺少必填字段" in message and "序号" in message and "牵头单位" not in message
    assert not Task.objects.filter(title="x").exists()


def test_bad_child_row_rolls_back_the_parent(api):
    bad = {**NEW_TASK, "number": 32, "units": [{"unit": "市科技局", "role": "主持"}]}
    message = error(api.as_user("office").post("/api/resource/Task", bad, format="json"), 417, "LinkValidationError")
    assert "子表“牵头及责任单位”第1行" in message and "找不到任务职责“主持”" in message
    assert not Task.objects.filter(number=32).exists()


def test_duplicate_is_409(api):
    client = api.as_user("admin")
    assert "编号" in error(
        client.post("/api/resource/County", {"name": "章贡区", "order": 3}, format="json"),
        409,
        "DuplicateEntryError",
    )
    duplicate_number = {**NEW_TASK, "number": 1}
    error(api.as_user("office").post("/api/resource/Task", duplicate_number, format="json"), 409, "DuplicateEntryError")


def test_deleting_a_linked_record_is_refused(api):
    message = error(api.as_user("admin").delete("/api/resource/Unit/市国资委"), 417, "LinkExistsError")
    assert "仍被" in message
    assert Unit.objects.filter(name="市国资委").exists()


def test_bad_bodies(api):
    client = api.as_user("office")
    bad_json = client.post("/api/resource/Task", "{not json", content_type="application/json")
    assert "JSON" in error(bad_json, 417, "ValidationError")
    assert "JSON 对象" in error(client.post("/api/resource/Task", [1, 2], format="json"), 417, "ValidationError")
    assert "data 不是合法的 JSON" in error(client.post("/api/resource/Task", {"data": "{"}), 417, "ValidationError")
    wrong_type = client.post("/api/resource/Task", {**NEW_TASK, "doctype": "Project"}, format="json")
    assert "单据类型不一致" in error(wrong_type, 417, "ValidationError")


# ------------------------------------------------------------------ roles


@pytest.mark.parametrize(
    "username, method, url, body, status",
    [
        ("zhanggong", "post", "/api/resource/Task", NEW_TASK, 403),
        ("leader", "put", "/api/resource/Task/2023-T01", {"title": "x"}, 403),
        ("office", "put", "/api/resource/Indicator/2023-C-11", {"points": 12}, 403),
        ("office", "delete", "/api/resource/County/石城县", None, 403),
        ("admin", "put", "/api/resource/Indicator/2023-C-11", {"points": 9}, 200),  # 9 + 15 ≤ 政策保障 25
    ],
)
def test_role_permissions(api, username, method, url, body, status):
    response = getattr(api.as_user(username), method)(url, body, format="json")
    assert response.status_code == status, response.content.decode()
