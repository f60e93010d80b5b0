"""What Desk shows beside a form (Frappe's ``docinfo``): attachments, versions, workflow log, permissions.

Frappe builds it from its Version, Comment, File and share tables; ours come
from the record's field history (django-simple-history), the workflow log and
the File records. Keys we have nothing for (comments, communications,
assignments, shares, views…) are present and empty, so Desk-style clients
read the same shape.
"""

import json

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.doctype.serialize import format_value
from apps.lowcode.document.rights import doc_permissions
from apps.lowcode.file.attach import attachments_of
from apps.lowcode.workflow.model import WorkflowLog

MAX_VERSIONS = 100


def get_docinfo(user, meta: DocTypeMeta, doc) -> dict:
    logs = (
        WorkflowLog.objects.filter(reference_doctype=meta.doctype, reference_name=doc.name)
        .select_related("user")
        .order_by("id")
    )
    return {
        "doctype": meta.doctype,
        "name": doc.name,
        "user_info": {},
        "comments": [],
        "shared": [],
        "assignment_logs": [],
        "attachment_logs": [],
        "info_logs": [],
        "like_logs": [],
        "communications": [],
        "automated_messages": [],
        "total_comments": 0,
        "assignments": [],
        "views": [],
        "energy_point_logs": [],
        "additional_timeline_content": [],
        "milestones": [],
        "is_document_followed": 0,
        "tags": "",
        "document_email": None,
        "attachments": [
            {"name": f.name, "file_name": f.file_name, "file_url": f.file_url, "is_private": int(f.is_private)}
            for f in attachments_of(doc)
        ],
        "versions": versions(doc),
        "workflow_logs": [
            {
                "name": str(log.pk),
                "comment_type": "Workflow",
                "content": log.to_state,
                "action": log.action,
                "from_state": log.from_state,
                "comment": log.comment,
                "owner": log.user.get_username() if log.user else None,
                "creation": format_value(log.creation),
            }
            for log in logs
        ],
        "permissions": doc_permissions(user, meta, doc),
    }


def versions(doc) -> list[dict]:
    """Frappe's Version rows, newest first: ``data`` is JSON of the fields each save changed."""
    history = getattr(doc, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: MAX_VERSIONS + 1])
    out = []
    for newer, older in zip(records, records[1:] + [None]):
        if older is None and len(records) > MAX_VERSIONS:
            break
        changed = _changes(newer, older) if older is not None else []
        if older is not None and not changed:
            continue
        data = {
            "changed": changed,
            "added": [],
            "removed": [],
            "row_changed": [],
            "data_import": None,
            "updater_reference": None,
        }
        if older is None:
            data["creation"] = 1  # not a Frappe key: the version that created the record
        out.append(
            {
                "name": str(newer.history_id),
                "owner": newer.history_user.get_username() if newer.history_user else None,
                "creation": format_value(newer.history_date),
                "data": json.dumps(data, ensure_ascii=False),
            }
        )
    return out


IGNORED = {"id", "modified", "modified_by", "creation", "owner", "custom_values"}


def _changes(newer, older) -> list[list]:
    changed = []
    for field in type(newer.instance)._meta.concrete_fields:
        if field.name in IGNORED:
            continue
        old, new = getattr(older, field.attname), getattr(newer, field.attname)
        if old != new:
            if field.is_relation:
                old, new = _name_of(field, old), _name_of(field, new)
            changed.append([field.name, format_value(old), format_value(new)])
    old_custom, new_custom = getattr(older, "custom_values", None) or {}, getattr(newer, "custom_values", None) or {}
    for key in sorted(old_custom.keys() | new_custom.keys()):
        if old_custom.get(key) != new_custom.get(key):
            changed.append([key, old_custom.get(key), new_custom.get(key)])
    return changed


def _name_of(field, pk):
    if pk is None:
        return None
    target = field.related_model._default_manager.filter(pk=pk).first()
    if target is None:
        return pk
    return target.get_username() if hasattr(target, "get_username") else getattr(target, "name", str(target))
