"""Frappe's frappe.client methods, run_doc_method and the Desk form loaders, over /api/method.

Each method answers in Frappe's shape and applies the resource routes' rules:
a county user reaches nothing of another county's through any of them, a
workflow state's locks hold, and writes record their history and run the
document events.
"""

import base64
import json

import pytest

from apps.innovation_action.models import County, Project, SelfAssessment
from apps.lowcode.permissions.user_permission import UserPermission
from apps.lowcode.workflow.model import WorkflowLog
from tests.test_workflow_api import (
    act,
    client,
    create_assessment,
    fill_in,
    ok,
    refused,
    submitted,
)

pytestmark = pytest.mark.django_db

M = "/api/method/"


def get(username, path, /, **params):
    query = {k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}
    return client(username).get(M + path, query)


def post(username, path, /, **params):
    return client(username).post(M + path, params, format="json")


# ------------------------------------------------------------------ get_value and friends


def test_get_value_by_name_filters_and_fieldname_shapes():
    assert ok(
        get("office", "frappe.client.get_value", doctype="Project", fieldname="project_name", filters="2023-P12")
    ) == {"project_name": Project.objects.get(name="2023-P12").project_name}
    row = ok(
        get(
            "office", "frappe.client.get_value", doctype="Project", fieldname=["name", "county"], filters={"number": 28}
        )
    )
    assert row == {"name": "2023-P28", "county": Project.objects.get(name="2023-P28").county.name}
    row = ok(
        get(
            "office",
            "frappe.client.get_value",
            doctype="Project",
            fieldname={"county": None},
            filters=[["number", "=", 28]],
        )
    )
    assert row == {"county": Project.objects.get(name="2023-P28").county.name}
    # as_dict=0: the bare value, or a list of values for several fields.
    assert (
        ok(
            get(
                "office",
                "frappe.client.get_value",
                doctype="Project",
                fieldname="number",
                filters="2023-P12",
                as_dict=0,
            )
        )
        == 12
    )
    assert ok(
        get(
            "office",
            "frappe.client.get_value",
            doctype="Project",
            fieldname=["number", "name"],
            filters="2023-P12",
            as_dict=0,
        )
    ) == [12, "2023-P12"]
    # Nothing found: {} (as_dict) or null.
    assert ok(get("office", "frappe.client.get_value", doctype="Project", fieldname="name", filters="nope")) == {}
    assert (
        ok(get("office", "frappe.client.get_value", doctype="Project", fieldname="name", filters="nope", as_dict=0))
        is None
    )
    # No field asked for ("[]", as frappe-js-sdk sends it): the name.
    assert ok(get("office", "frappe.client.get_value", doctype="Project", fieldname="[]", filters="2023-P12")) == {
        "name": "2023-P12"
    }
    # The same call as a JSON body.
    assert ok(
        post("office", "frappe.client.get_value", doctype="Project", fieldname=["number"], filters={"name": "2023-P12"})
    ) == {"number": 12}


@pytest.mark.parametrize(
    "params, status, exc_type",
    [
        ({"doctype": "Nope", "fieldname": "name"}, 404, "DoesNotExistError"),
        ({"doctype": "Project", "fieldname": "no_such_field"}, 417, "DataError"),
        ({"doctype": "Project"}, 417, "ValidationError"),
        ({"doctype": "Project", "fieldname": "name", "filters": "{bad json"}, 417, "ValidationError"),
        ({"doctype": "Project", "fieldname": "name", "as_dict": "maybe"}, 417, "ValidationError"),
        ({"doctype": "Project", "fieldname": "[1, 2]"}, 417, "ValidationError"),
    ],
)
def test_get_value_bad_input_is_a_frappe_error(params, status, exc_type):
    message = refused(get("office", "frappe.client.get_value", **params), status, exc_type)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # in Chinese


def test_get_single_value_there_are_no_singles():
    assert (
        refused(
            get("office", "frappe.client.get_single_value", doctype="Project", field="nope"), 404, "DoesNotExistError"
        )
        == "字段 nope 在 Project 中不存在"
    )
    message = refused(
        get("office", "frappe.client.get_single_value", doctype="Project", field="number"), 417, "ValidationError"
    )
    assert "不是单例" in message


def test_validate_link_within_scope_only():
    assert ok(
        get("zhanggong", "frappe.client.validate_link", doctype="County", docname="章贡区", fields=["aliases"])
    ) == {"name": "章贡区", "aliases": County.objects.get(name="章贡区").aliases}
    assert ok(get("zhanggong", "frappe.client.validate_link", doctype="Unit", docname="市工信局")) == {
        "name": "市工信局"
    }
    # Another county's record does not exist for this user; neither does a made-up one.
    assert ok(get("zhanggong", "frappe.client.validate_link", doctype="County", docname="信丰县")) == {"name": None}
    assert ok(get("zhanggong", "frappe.client.validate_link", doctype="County", docname="无此县")) == {"name": None}


def test_get_time_zone_for_guests():
    from rest_framework.test import APIClient

    assert APIClient().get(M + "frappe.client.get_time_zone").json() == {"message": {"time_zone": "Asia/Shanghai"}}


# ------------------------------------------------------------------ writing


def test_set_value_insert_save_delete_round_trip():
    doc = ok(
        post(
            "zhanggong",
            "frappe.client.insert",
            doc={"doctype": "SelfAssessment", "period": "2023-Y", "county": "章贡区", "__islocal": 1},
        )
    )
    name = doc["name"]
    assert (name, doc["workflow_state"], len(doc["lines"])) == ("2023-Y-章贡区", "草稿", 15)  # after_insert ran

    doc = ok(
        post(
            "zhanggong",
            "frappe.client.set_value",
            doctype="SelfAssessment",
            name=name,
            fieldname="summary",
            value="总体良好",
        )
    )
    assert doc["summary"] == "总体良好"
    doc = ok(
        post(
            "zhanggong",
            "frappe.client.set_value",
            doctype="SelfAssessment",
            name=name,
            fieldname=json.dumps({"summary": "再改"}, ensure_ascii=False),
        )
    )
    assert doc["summary"] == "再改"

    doc["summary"] = "保存一次"
    saved = ok(post("zhanggong", "frappe.client.save", doc=json.dumps(doc, ensure_ascii=False)))
    assert saved["summary"] == "保存一次"
    # A stale copy is refused, as on PUT.
    refused(post("zhanggong", "frappe.client.save", doc=doc), 417, "TimestampMismatchError")

    assert post("zhanggong", "frappe.client.delete", doctype="SelfAssessment", name=name).json() == {}
    assert not SelfAssessment.objects.filter(name=name).exists()


def test_set_value_on_a_child_row_saves_the_parent_with_its_events_and_history():
    name = create_assessment()["name"]
    doc = SelfAssessment.objects.get(name=name)
    versions = doc.history.count()
    line = doc.lines.order_by("idx").first()
    parent = ok(
        post(
            "zhanggong",
            "frappe.client.set_value",
            doctype="SelfAssessment Line",
            name=line.name,
            fieldname={"self_score": 3, "evidence": "年报"},
        )
    )
    assert parent["name"] == name and parent["lines"][0]["self_score"] == 3
    assert parent["self_total"] == 3  # on_update recomputed the totals
    assert SelfAssessment.objects.get(name=name).history.count() > versions


def test_set_value_refuses_standard_and_computed_fields():
    name = create_assessment()["name"]
    for fieldname in ("workflow_state", "docstatus", "owner", "modified"):
        refused(
            post(
                "zhanggong",
                "frappe.client.set_value",
                doctype="SelfAssessment",
                name=name,
                fieldname=fieldname,
                value="x",
            ),
            417,
            "ValidationError",
        )
    message = refused(
        post(
            "zhanggong",
            "frappe.client.set_value",
            doctype="SelfAssessment",
            name=name,
            fieldname="self_total",
            value=100,
        ),
        417,
        "ValidationError",
    )
    assert message == "字段“自评总分”由系统计算，不能修改"
    refused(
        post("zhanggong", "frappe.client.set_value", doctype="SelfAssessment", name=name, fieldname="no_such", value=1),
        417,
        "DataError",
    )
    # GET cannot write.
    refused(
        get(
            "zhanggong", "frappe.client.set_value", doctype="SelfAssessment", name=name, fieldname="summary", value="x"
        ),
        405,
        "MethodNotAllowedError",
    )


def test_workflow_locks_hold_for_set_value_and_save():
    name = submitted()
    message = refused(
        post(
            "office",
            "frappe.client.set_value",
            doctype="SelfAssessment",
            name=name,
            fieldname="summary",
            value="办公室改写",
        ),
        417,
        "ValidationError",
    )
    assert message == "单据处于“待初审”状态，不能修改：自评总体情况"
    message = refused(
        post(
            "zhanggong",
            "frappe.client.set_value",
            doctype="SelfAssessment",
            name=name,
            fieldname="summary",
            value="再改一下",
        ),
        403,
        "PermissionError",
    )
    assert message == "单据处于“待初审”状态，只有领导小组办公室可以修改"
    doc = ok(get("zhanggong", "frappe.client.get", doctype="SelfAssessment", name=name))
    refused(post("zhanggong", "frappe.client.save", doc={**doc, "summary": "x"}), 403, "PermissionError")
    refused(post("zhanggong", "frappe.client.delete", doctype="SelfAssessment", name=name), 403, "PermissionError")
    assert SelfAssessment.objects.get(name=name).summary == ""


def test_insert_many_is_all_or_nothing():
    docs = [
        {"doctype": "SelfAssessment", "period": "2023-Y", "county": "章贡区"},
        {"doctype": "SelfAssessment", "period": "2023-Y", "county": "信丰县"},
    ]  # not zhanggong's county
    message = refused(post("zhanggong", "frappe.client.insert_many", docs=docs), 417, "LinkValidationError")
    assert message == "第2张单据：字段“县（市、区）”：找不到县（市、区）“信丰县”"
    assert not SelfAssessment.objects.filter(period__name="2023-Y").exists()
    names = ok(post("office", "frappe.client.insert_many", docs=json.dumps(docs, ensure_ascii=False)))
    assert names == ["2023-Y-章贡区", "2023-Y-信丰县"]
    refused(post("office", "frappe.client.insert_many", docs={"doctype": "Project"}), 417, "ValidationError")
    refused(post("office", "frappe.client.insert_many", docs=[{"doctype": "Project"}] * 201), 417, "ValidationError")


def test_insert_and_delete_a_child_row_through_its_parent():
    from apps.innovation_action.doctype.indicator.model import BonusRule

    name = create_assessment()["name"]
    rule = BonusRule.objects.filter(indicator__group__scheme="县级").first()
    parent = ok(
        post(
            "zhanggong",
            "frappe.client.insert",
            doc={
                "doctype": "Bonus Claim",
                "parent": name,
                "parenttype": "SelfAssessment",
                "parentfield": "bonus_claims",
                "rule": rule.name,
                "quantity": 1,
                "description": "获省级科技奖励",
            },
        )
    )
    assert parent["name"] == name and [c["description"] for c in parent["bonus_claims"]] == ["获省级科技奖励"]
    refused(
        post(
            "zhanggong",
            "frappe.client.insert",
            doc={"doctype": "Bonus Claim", "parent": name, "parenttype": "SelfAssessment", "parentfield": "nope"},
        ),
        417,
        "ValidationError",
    )
    # Another county's parent is out of reach.
    refused(
        post(
            "xinfeng",
            "frappe.client.insert",
            doc={
                "doctype": "Bonus Claim",
                "parent": name,
                "parenttype": "SelfAssessment",
                "parentfield": "bonus_claims",
                "rule": rule.name,
                "quantity": 1,
                "description": "越权",
            },
        ),
        404,
        "DoesNotExistError",
    )
    # Deleting a row goes through the parent's save too.
    claim = parent["bonus_claims"][0]["name"]
    assert post("zhanggong", "frappe.client.delete", doctype="Bonus Claim", name=claim).json() == {}
    assert SelfAssessment.objects.get(name=name).bonus_claims.count() == 0


def test_bulk_update_reports_each_failure_and_keeps_the_rest():
    mine = create_assessment()["name"]
    theirs = create_assessment("xinfeng", "信丰县")["name"]
    result = ok(
        post(
            "zhanggong",
            "frappe.client.bulk_update",
            docs=json.dumps(
                [
                    {"doctype": "SelfAssessment", "docname": mine, "summary": "批量"},
                    {"doctype": "SelfAssessment", "docname": theirs, "summary": "越权"},
                    {"doctype": "SelfAssessment", "docname": mine, "no_such": 1},
                ],
                ensure_ascii=False,
            ),
        )
    )
    assert [(f["doc"]["docname"], f["exc_type"]) for f in result["failed_docs"]] == [
        (theirs, "DoesNotExistError"),
        (mine, "DataError"),
    ]
    assert SelfAssessment.objects.get(name=mine).summary == "批量"
    assert SelfAssessment.objects.get(name=theirs).summary == ""


# ------------------------------------------------------------------ submit, cancel, permissions


def test_submit_and_cancel_point_to_the_workflow():
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    message = refused(
        post("zhanggong", "frappe.client.submit", doc={"doctype": "SelfAssessment", "name": name}),
        417,
        "ValidationError",
    )
    assert message == (
        "“自评报告”由工作流“自评报告审核流程”办理，不能直接提交；"
        "请使用工作流操作（frappe.model.workflow.apply_workflow），你现在可以执行：提交"
    )
    assert SelfAssessment.objects.get(name=name).docstatus == 0
    message = refused(
        post("zhanggong", "frappe.client.cancel", doctype="SelfAssessment", name=name), 417, "ValidationError"
    )
    assert "不能直接作废" in message
    # Without a workflow nothing is submittable.
    message = refused(
        post("office", "frappe.client.submit", doc={"doctype": "Project", "name": "2023-P12"}), 417, "ValidationError"
    )
    assert message == "“项目”不是可提交的单据类型，不能提交" or "不是可提交的单据类型" in message


def test_get_doc_permissions_follow_scope_and_workflow():
    name = create_assessment()["name"]
    perms = ok(get("zhanggong", "frappe.client.get_doc_permissions", doctype="SelfAssessment", docname=name))
    assert perms["permissions"]["read"] == 1 and perms["permissions"]["write"] == 1
    assert perms["permissions"]["delete"] == 1 and perms["permissions"]["submit"] == 1  # 提交 is offered
    assert perms["permissions"]["cancel"] == 0 and perms["permissions"]["create"] == 1
    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    perms = ok(get("zhanggong", "frappe.client.get_doc_permissions", doctype="SelfAssessment", docname=name))
    assert (perms["permissions"]["write"], perms["permissions"]["delete"]) == (0, 0)
    assert (
        ok(get("office", "frappe.client.get_doc_permissions", doctype="SelfAssessment", docname=name))["permissions"][
            "write"
        ]
        == 1
    )
    assert ok(
        get("zhanggong", "frappe.client.has_permission", doctype="SelfAssessment", docname=name, perm_type="write")
    ) == {"has_permission": False}
    assert ok(get("zhanggong", "frappe.client.has_permission", doctype="SelfAssessment", docname=name)) == {
        "has_permission": True
    }


# ------------------------------------------------------------------ another county, through every method


def test_another_county_reaches_nothing_through_any_method():
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    before = SelfAssessment.objects.get(name=name)
    ref = {"doctype": "SelfAssessment", "name": name}

    assert (
        ok(get("xinfeng", "frappe.client.get_value", doctype="SelfAssessment", fieldname="summary", filters=name)) == {}
    )
    assert (
        ok(get("xinfeng", "frappe.client.get_value", doctype="Project", fieldname="name", filters={"county": "章贡区"}))
        == {}
    )
    assert ok(get("xinfeng", "frappe.client.validate_link", doctype="SelfAssessment", docname=name)) == {"name": None}
    assert ok(get("xinfeng", "frappe.client.has_permission", doctype="SelfAssessment", docname=name)) == {
        "has_permission": False
    }
    for response in (
        get("xinfeng", "frappe.client.get_doc_permissions", doctype="SelfAssessment", docname=name),
        post(
            "xinfeng", "frappe.client.set_value", doctype="SelfAssessment", name=name, fieldname="summary", value="越权"
        ),
        post(
            "xinfeng",
            "frappe.client.set_value",
            doctype="SelfAssessment Line",
            name=before.lines.first().name,
            fieldname="self_score",
            value=0,
        ),
        post("xinfeng", "frappe.client.save", doc={**ref, "summary": "越权"}),
        post("xinfeng", "frappe.client.delete", doctype="SelfAssessment", name=name),
        post("xinfeng", "frappe.client.submit", doc=ref),
        post("xinfeng", "frappe.client.cancel", **ref),
        post("xinfeng", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="x"),
        post("xinfeng", "run_doc_method", method="get_unfilled_lines", docs=ref),
        post(
            "xinfeng",
            "frappe.client.attach_file",
            doctype="SelfAssessment",
            docname=name,
            filename="a.txt",
            filedata="x",
        ),
    ):
        body = response.json()
        assert (response.status_code, body.get("exc_type")) in ((404, "DoesNotExistError"), (403, "PermissionError")), (
            body
        )
        assert not {"docs", "data"} & set(body) and "lines" not in json.dumps(body)  # nothing of it comes back
    bulk = ok(
        post(
            "xinfeng",
            "frappe.client.bulk_update",
            docs=[{"doctype": "SelfAssessment", "docname": name, "summary": "越权"}],
        )
    )
    assert bulk["failed_docs"][0]["exc_type"] == "DoesNotExistError"
    # Desk's loader: nothing, as for a document that does not exist.
    assert get("xinfeng", "frappe.desk.form.load.getdoc", doctype="SelfAssessment", name=name).json() == {"message": []}
    after = SelfAssessment.objects.get(name=name)
    assert (after.summary, after.modified, after.docstatus) == (before.summary, before.modified, before.docstatus)
    assert County.objects.filter(name="章贡区").exists()


# ------------------------------------------------------------------ rename_doc


def test_rename_a_county_keeps_links_scope_and_history():
    name = create_assessment()["name"]
    county = County.objects.get(name="章贡区")
    versions = county.history.count()
    assert (
        ok(post("admin", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="章贡区（新）"))
        == "章贡区（新）"
    )
    county.refresh_from_db()
    assert county.name == "章贡区（新）" and county.history.count() == versions + 1
    # Foreign keys point at the same row; the county user's scope follows the new name.
    assert UserPermission.objects.filter(user__username="zhanggong", allow="County", for_value="章贡区（新）").exists()
    assert ok(
        get("zhanggong", "frappe.client.get_value", doctype="SelfAssessment", fieldname="county", filters=name)
    ) == {"county": "章贡区（新）"}
    assert ok(get("zhanggong", "frappe.client.get_value", doctype="Project", fieldname="name", filters="2023-P12")) == {
        "name": "2023-P12"
    }
    assert WorkflowLog.objects.filter(reference_doctype="SelfAssessment", reference_name=name).exists()


def test_rename_a_unit_updates_custom_links_to_it():
    from apps.lowcode.doctype.customization import CustomField

    for values in (
        {"fieldname": "custom_helper", "label": "协办单位", "fieldtype": "Link"},
        {"fieldname": "custom_cooperating_units", "label": "配合单位", "fieldtype": "Table MultiSelect"},
    ):
        field = CustomField(dt="Task", options="Unit", **values)
        field.full_clean()
        field.save()
    ok(
        post(
            "office",
            "frappe.client.set_value",
            doctype="Task",
            name="2023-T08",
            fieldname={"custom_helper": "市工信局", "custom_cooperating_units": ["市科技局", "市工信局"]},
        )
    )
    assert (
        ok(post("admin", "frappe.client.rename_doc", doctype="Unit", old_name="市工信局", new_name="市工业和信息化局"))
        == "市工业和信息化局"
    )
    row = ok(
        get(
            "office",
            "frappe.client.get_value",
            doctype="Task",
            filters="2023-T08",
            fieldname=["custom_helper", "custom_cooperating_units"],
        )
    )
    assert row == {"custom_helper": "市工业和信息化局", "custom_cooperating_units": ["市科技局", "市工业和信息化局"]}
    # The unit's liaison keeps seeing the unit's records under the new name.
    assert UserPermission.objects.filter(user__username="gongxin", allow="Unit", for_value="市工业和信息化局").exists()
    assert ok(get("gongxin", "frappe.client.validate_link", doctype="Unit", docname="市工业和信息化局")) == {
        "name": "市工业和信息化局"
    }


def test_rename_refusals():
    refused(
        post("zhanggong", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="x"),
        403,
        "PermissionError",
    )  # a county user may not write counties
    refused(
        post("admin", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="信丰县"),
        409,
        "DuplicateEntryError",
    )
    refused(
        post("admin", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="章贡区"),
        417,
        "ValidationError",
    )
    refused(
        post("admin", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="  "),
        417,
        "ValidationError",
    )
    refused(
        post("admin", "frappe.client.rename_doc", doctype="County", old_name="章贡区", new_name="x", merge=1),
        417,
        "ValidationError",
    )
    message = refused(
        post("admin", "frappe.client.rename_doc", doctype="Project", old_name="2023-P12", new_name="P"),
        417,
        "ValidationError",
    )
    assert message == "“项目”不允许重命名" or "不允许重命名" in message
    assert County.objects.filter(name="章贡区").exists() and Project.objects.filter(name="2023-P12").exists()


# ------------------------------------------------------------------ run_doc_method


def test_run_doc_method_runs_declared_methods_only():
    name = create_assessment()["name"]
    ref = {"doctype": "SelfAssessment", "name": name}
    body = ok_body(post("zhanggong", "run_doc_method", method="get_unfilled_lines", docs=json.dumps(ref)))
    assert len(body["message"]) == 15 and body["docs"][0]["name"] == name
    fill_in("zhanggong", name)
    body = ok_body(
        get(
            "zhanggong",
            "runserverobj",
            method="get_unfilled_lines",
            dt="SelfAssessment",
            dn=name,
            args={"field": "reviewed_score"},
        )
    )
    assert len(body["message"]) == 15
    body = ok_body(post("zhanggong", "run_doc_method", method="get_unfilled_lines", docs=ref))
    assert "message" not in body or body["message"] == []
    # Anything not declared is refused: model methods, attributes, fields.
    for method in ("delete", "save", "update_totals", "summary", "__class__", "_state", "clean"):
        refused(post("zhanggong", "run_doc_method", method=method, docs=ref), 403, "PermissionError")
    assert SelfAssessment.objects.filter(name=name).exists()
    refused(
        post("zhanggong", "run_doc_method", method="get_unfilled_lines", docs=ref, args={"bogus": 1}),
        417,
        "ValidationError",
    )
    refused(
        post("zhanggong", "run_doc_method", method="get_unfilled_lines", docs=ref, args={"field": "x"}),
        417,
        "ValidationError",
    )
    stale = {**ref, "modified": "2000-01-01 00:00:00.000000"}
    refused(post("zhanggong", "run_doc_method", method="get_unfilled_lines", docs=stale), 417, "TimestampMismatchError")


def ok_body(response) -> dict:
    assert response.status_code == 200, response.content.decode()
    return response.json()


# ------------------------------------------------------------------ getdoc / getdoctype


def test_getdoc_answers_docs_and_docinfo():
    name = create_assessment()["name"]
    ok(
        post(
            "zhanggong",
            "frappe.client.set_value",
            doctype="SelfAssessment",
            name=name,
            fieldname="summary",
            value="第一版",
        )
    )
    body = ok_body(get("zhanggong", "frappe.desk.form.load.getdoc", doctype="SelfAssessment", name=name))
    assert set(body) >= {"docs", "docinfo"} and "message" not in body
    assert body["docs"][0]["name"] == name and len(body["docs"][0]["lines"]) == 15
    info = body["docinfo"]
    assert (info["doctype"], info["name"]) == ("SelfAssessment", name)
    assert info["permissions"]["write"] == 1
    assert [(log["action"], log["content"]) for log in info["workflow_logs"]] == [("新建", "草稿")]
    changed = [json.loads(v["data"])["changed"] for v in info["versions"]]
    assert ["summary", "", "第一版"] in changed[0]
    assert info["attachments"] == [] and info["comments"] == []
    assert get("zhanggong", "frappe.desk.form.load.getdoc", doctype="SelfAssessment", name="nope").json() == {
        "message": []
    }


def test_getdoctype_answers_the_doctype_and_its_child_tables():
    body = ok_body(get("zhanggong", "frappe.desk.form.load.getdoctype", doctype="SelfAssessment"))
    docs = body["docs"]
    assert docs[0]["name"] == "SelfAssessment" and docs[0]["is_submittable"] == 1 and docs[0]["doctype"] == "DocType"
    assert {d["name"] for d in docs[1:]} == {"SelfAssessment Line", "Bonus Claim"}
    fields = {f["fieldname"]: f for f in docs[0]["fields"]}
    assert fields["lines"]["fieldtype"] == "Table" and fields["lines"]["options"] == "SelfAssessment Line"
    assert fields["county"]["fieldtype"] == "Link" and fields["self_total"]["read_only"] == 1
    assert (
        ok_body(get("zhanggong", "frappe.desk.form.load.getdoctype", doctype="County"))["docs"][0]["allow_rename"] == 1
    )
    assert (
        ok_body(get("zhanggong", "frappe.desk.form.load.getdoctype", doctype="SelfAssessment Line", with_parent=1))[
            "parent_dt"
        ]
        == "SelfAssessment"
    )
    refused(get("zhanggong", "frappe.desk.form.load.getdoctype", doctype="Nope"), 404, "DoesNotExistError")
    refused(get("zhanggong", "frappe.desk.form.load.getdoctype", doctype="Custom Field"), 403, "PermissionError")


def test_attach_file_with_base64_content(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = create_assessment()["name"]
    record = ok(
        post(
            "zhanggong",
            "frappe.client.attach_file",
            doctype="SelfAssessment",
            docname=name,
            filename="说明.txt",
            filedata=base64.b64encode("佐证材料".encode()).decode(),
            decode_base64=1,
        )
    )
    assert record["attached_to_name"] == name and record["file_name"] == "说明.txt"
    refused(
        post(
            "zhanggong",
            "frappe.client.attach_file",
            doctype="SelfAssessment",
            docname=name,
            filename="a.txt",
            filedata="%%%",
            decode_base64=1,
        ),
        417,
        "ValidationError",
    )
