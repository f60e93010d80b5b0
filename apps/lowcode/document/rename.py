"""Renaming a document (Frappe's ``rename_doc``), with everything that names it kept consistent.

Our records are joined by their integer primary key, so every foreign key
still points at the same row after its ``name`` changes; what must follow the
new name are the places that keep a document's name as text: User
Permissions (a county user's scope!), workflow logs, attachments,
notifications, issued notices and custom Link fields of other doctypes.
All of it changes in one transaction with the document, whose history
records the rename; apps add their own references through the
``before_rename`` / ``after_rename`` document events.

Only doctypes that declare ``allow_rename = True`` (prompt-named masters,
as Frappe's "Allow Rename") may be renamed; merging is not supported.
"""

from django.apps import apps
from django.db import transaction

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.events import run_doc_event
from apps.lowcode.doctype.meta import DocTypeMeta, get_meta
from apps.lowcode.document import lifecycle
from apps.lowcode.document.service import ensure_can_or_403, get_document
from apps.lowcode.exceptions import (
    DuplicateEntryError,
    PermissionError,
    ValidationError,
)
from apps.lowcode.permissions import scope_queryset

# (app_label.Model, field holding a doctype, field holding a document name): references by name.
NAME_REFERENCES = (
    ("lowcode.WorkflowLog", "reference_doctype", "reference_name"),
    ("lowcode.File", "attached_to_doctype", "attached_to_name"),
    ("lowcode.NotificationLog", "document_type", "document_name"),
    ("lowcode.Notice", "reference_doctype", "reference_name"),
)


def allows_rename(meta: DocTypeMeta) -> bool:
    return (
        bool(getattr(meta.model, "allow_rename", False))
        and meta.naming_rule == "prompt"
        and not meta.istable
        and getattr(meta.model, "writable_as_resource", True)
    )


def clean_new_name(meta: DocTypeMeta, new_name) -> str:
    if not isinstance(new_name, str | int) or isinstance(new_name, bool):
        raise ValidationError("参数 new_name 应为文本")
    new_name = str(new_name).strip()
    if not new_name:
        raise ValidationError("请填写新名称")
    limit = meta.model._meta.get_field("name").max_length
    if len(new_name) > limit:
        raise ValidationError(f"新名称最多 {limit} 个字符")
    return new_name


@transaction.atomic
def rename_document(user, meta: DocTypeMeta, old_name, new_name, merge=False) -> str:
    """Rename ``old_name`` to ``new_name`` as ``user``; returns the new name."""
    if merge not in (None, False, 0, "0", "", "false", "False"):
        raise ValidationError("不支持合并（merge）单据，请先处理重复的记录")
    if not allows_rename(meta):
        raise ValidationError(f"“{meta.label}”不允许重命名")
    new_name = clean_new_name(meta, new_name)
    doc = get_document(user, meta, old_name, for_update=True)
    ensure_can_or_403(user, "write", meta)
    lifecycle.ensure_editable(user, doc)
    old_name = doc.name
    if new_name == old_name:
        raise ValidationError("新名称与原名称相同，请填写新的名称")
    if meta.model._default_manager.filter(name=new_name).exists():
        raise DuplicateEntryError(f"已有名为“{new_name}”的{meta.label}，请换一个名称")
    context = dict(user=user, old_name=old_name, new_name=new_name, merge=False)
    run_doc_event(doc, "before_rename", **context)
    doc.name = new_name
    doc.modified_by = user
    doc.save()  # its history records the rename
    update_references(meta.doctype, old_name, new_name)
    run_doc_event(doc, "after_rename", **context)
    if not scope_queryset(user, meta.model).filter(pk=doc.pk).exists():
        raise PermissionError("重命名后的记录超出你的数据权限范围")
    return new_name


def update_references(doctype: str, old_name: str, new_name: str) -> None:
    from apps.lowcode.permissions.user_permission import UserPermission

    for row in UserPermission.objects.filter(allow=doctype, for_value=old_name).select_related("user"):
        row.for_value = new_name
        row.name = row.autoname()
        row.save()  # kept in its history: who may see what changed with the name
    for label, doctype_field, name_field in NAME_REFERENCES:
        model = apps.get_model(label)
        model._default_manager.filter(**{doctype_field: doctype, name_field: old_name}).update(**{name_field: new_name})
    _update_custom_links(doctype, old_name, new_name)


def _update_custom_links(doctype: str, old_name: str, new_name: str) -> None:
    """Custom Link / Table MultiSelect fields keep the linked name in ``custom_values``."""
    for other, model in list(doctype_registry.items()):
        if not hasattr(model, "custom_values"):
            continue
        fieldnames = [
            f.fieldname
            for f in get_meta(other).fields.values()
            if f.custom and f.options == doctype and f.fieldtype in ("Link", "Table MultiSelect")
        ]
        for fieldname in fieldnames:
            for record in model._default_manager.filter(custom_values__has_key=fieldname):
                value = record.custom_values.get(fieldname)
                if value == old_name:
                    value = new_name
                elif isinstance(value, list) and old_name in value:
                    value = [new_name if v == old_name else v for v in value]
                else:
                    continue
                record.custom_values = {**record.custom_values, fieldname: value}
                record.save(update_fields=["custom_values"])
