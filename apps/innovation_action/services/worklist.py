"""已办 / 办结 and the search of the workbench: documents under a workflow, as the user may see them.

- 已办: the documents the user moved through their workflow (submitted, passed, returned…), the latest act
  on each first, with where the document is now.
- 办结: documents in a final state of their workflow (a state no transition leaves), latest first.
- Search: documents whose name (自评报告 2023-Q1-章贡区, …) or search_fields (a project report's project)
  contain the words typed.

Everything through scope_queryset and the read permission, like the resource routes.
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.permissions import can, scope_queryset
from apps.lowcode.workflow.model import Workflow, WorkflowLog

LIMIT = 50
KINDS = {"SelfAssessment": "自评报告", "Progress Report": "月度调度", "Project Report": "项目月报"}


def _workflows():
    return Workflow.objects.filter(is_active=True).prefetch_related("states", "transitions")


def _readable(user) -> dict[str, type]:
    """{doctype: model} of the documents under an active workflow the user may read."""
    models = {}
    for workflow in _workflows():
        model = doctype_registry.get(workflow.document_type)
        if model is not None and can(user, "read", model):
            models[workflow.document_type] = model
    return models


def _item(doctype, doc, **extra) -> dict:
    return {
        "doctype": doctype,
        "kind": KINDS.get(doctype, "单据"),
        "name": doc.name,
        "title": str(doc),
        "workflow_state": doc.workflow_state,
        "modified": timezone.localtime(doc.modified).strftime("%Y-%m-%d %H:%M"),
        **extra,
    }


def done(user) -> list[dict]:
    """已办: the documents the user acted on, the latest act first, with the act and the document's state now."""
    models = _readable(user)
    latest: dict[tuple[str, str], WorkflowLog] = {}
    logs = WorkflowLog.objects.filter(user=user, moved=True, reference_doctype__in=models).order_by("-id")
    for log in logs.iterator():
        latest.setdefault((log.reference_doctype, log.reference_name), log)
        if len(latest) >= LIMIT:
            break
    docs = {}
    for doctype, model in models.items():
        names = [name for kind, name in latest if kind == doctype]
        if names:
            docs.update({(doctype, d.name): d for d in scope_queryset(user, model).filter(name__in=names)})
    return [
        _item(
            key[0],
            docs[key],
            action=log.action,
            comment=log.comment,
            on=timezone.localtime(log.creation).strftime("%Y-%m-%d %H:%M"),
        )
        for key, log in latest.items()
        if key in docs
    ]


def finished(user) -> list[dict]:
    """办结: documents in a final state of their workflow (no transition leaves it), latest first."""
    items = []
    for workflow in _workflows():
        model = doctype_registry.get(workflow.document_type)
        if model is None or not can(user, "read", model):
            continue
        leaving = {t.state for t in workflow.transitions.all()}
        final = [s.state for s in workflow.states.all() if s.state not in leaving]
        docs = scope_queryset(user, model).filter(workflow_state__in=final).order_by("-modified")[:LIMIT]
        items += [_item(workflow.document_type, doc) for doc in docs]
    return sorted(items, key=lambda item: item["modified"], reverse=True)[:LIMIT]


def search(user, text) -> list[dict]:
    """Documents where every word of ``text`` (章贡 2023, 稀土) is in the name or in one of the doctype's
    ``search_fields`` (a project report's project), latest first."""
    words = str(text or "").split()
    if not words:
        raise ValidationError("请输入要查找的名称，例如 章贡区 或 2023-Q1")
    if len(" ".join(words)) > 100:
        raise ValidationError("查找的内容太长，请不超过 100 个字")
    items = []
    for doctype, model in _readable(user).items():
        docs = scope_queryset(user, model)
        fields = ("name", *getattr(model, "search_fields", ()))
        for word in words:
            docs = docs.filter(reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)))
        items += [_item(doctype, doc) for doc in docs.order_by("-modified")[:LIMIT]]
    return sorted(items, key=lambda item: item["modified"], reverse=True)[:LIMIT]
