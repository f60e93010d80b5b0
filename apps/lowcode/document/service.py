"""Documents for a user: found, listed, counted, written and deleted with every rule applied.

Reading respects role permissions and record scope. Writing checks every key
and value against the doctype's metadata, the user's role permissions and
record scope, the workflow's edit rights, and the ``modified`` timestamp the
client last saw; a write either applies whole or not at all.
"""

from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, ProtectedError, Value

from apps.lowcode.doctype.events import prepare_client_data
from apps.lowcode.doctype.fieldtypes import FieldValueError, LinkNotFound, to_stored
from apps.lowcode.doctype.meta import STANDARD_FIELDS, ChildTable, DocTypeMeta, get_meta
from apps.lowcode.doctype.serialize import format_value, link_fields
from apps.lowcode.document import lifecycle
from apps.lowcode.document.query import ListQuery, apply_filters
from apps.lowcode.document.query_fields import aggregated_rows
from apps.lowcode.document.query_names import PARENT_ANNOTATIONS
from apps.lowcode.exceptions import (
    DataError,
    DoesNotExistError,
    DuplicateEntryError,
    LinkExistsError,
    LinkValidationError,
    MandatoryError,
    PermissionError,
    TimestampMismatchError,
    ValidationError,
)
from apps.lowcode.permissions import can, ensure_can, locked_in_scope, scope_queryset
from apps.lowcode.permissions.links import find_linked

# Keys a client may send back unchanged with a document; the server owns them.
SERVER_KEYS = {*STANDARD_FIELDS, "doctype", "idx", "parent", "parentfield", "parenttype"}


def meta_for(doctype):
    if not isinstance(doctype, str):
        raise ValidationError("参数 doctype 应为文本")
    try:
        return get_meta(doctype)
    except KeyError:
        raise DoesNotExistError(f"单据类型 {doctype} 不存在") from None


def visible(user, meta: DocTypeMeta):
    return scope_queryset(user, meta.model)


def get_document(user, meta: DocTypeMeta, name, for_update=False):
    """A record the user may read, or DoesNotExistError (also when it is out of scope)."""
    ensure_readable(user, meta)
    if for_update:  # only the document's own row: joining its links or its scope would lock them too
        obj = locked_in_scope(user, meta.model, name=str(name))
    else:  # name is unique: no ORDER BY (a doctype's ordering may join other tables)
        obj = visible(user, meta).select_related(*link_fields(meta)).filter(name=str(name)).order_by().first()
    if obj is None:
        raise DoesNotExistError(f"{meta.label} {name} 不存在")
    return obj


def ensure_readable(user, meta: DocTypeMeta):
    if meta.istable:
        raise PermissionError(f"{meta.doctype} 是子表，请通过其上级单据读取")
    if not can(user, "read", meta.model):
        raise PermissionError(f"没有查看“{meta.label}”的权限")


def parent_table(meta: DocTypeMeta) -> tuple[DocTypeMeta, ChildTable] | None:
    """(parent meta, its table field) of a child doctype; each child doctype belongs to one parent table."""
    if not meta.istable or not meta.parent_fk:
        return None
    parent_meta = get_meta(meta.model._meta.get_field(meta.parent_fk).related_model.doctype)
    table = next((t for t in parent_meta.tables.values() if t.doctype == meta.doctype), None)
    return (parent_meta, table) if table is not None else None


def readable_rows(user, meta: DocTypeMeta, parent=None):
    """The records of a list or count query the user may read.

    A child doctype's rows are read as Frappe's check_parent_permission allows: ``parent``
    names the parent doctype, which must have a table of them and which the user must
    be able to read; only rows of parent documents within the user's scope are found.
    Each row carries the parent doctype and table field (annotations; see query_names).
    """
    if not meta.istable:
        ensure_readable(user, meta)
        return visible(user, meta)
    if parent in (None, ""):
        raise PermissionError(f"请为子表 {meta.doctype} 指定有效的上级单据类型（参数 parent）")
    if not isinstance(parent, str):
        raise ValidationError("参数 parent 应为上级单据类型的名称（文本）")
    place = parent_table(meta)
    if place is None or place[0].doctype != parent:
        raise PermissionError(f"{parent[:100]} 没有 {meta.doctype} 子表，请为其指定有效的上级单据类型（参数 parent）")
    parent_meta, table = place
    ensure_readable(user, parent_meta)
    parents = visible(user, parent_meta).order_by().values("pk")
    rows = meta.model._default_manager.filter(**{f"{meta.parent_fk}__in": parents})
    return rows.annotate(
        **{
            PARENT_ANNOTATIONS["parenttype"]: Value(parent_meta.doctype, output_field=CharField()),
            PARENT_ANNOTATIONS["parentfield"]: Value(table.fieldname, output_field=CharField()),
        }
    )


def list_documents(user, meta: DocTypeMeta, query: ListQuery) -> list:
    """A page of rows ({key: value}), or a flat list of one key's values when the query plucks."""
    queryset = apply_filters(readable_rows(user, meta, query.parent), query.filters)
    if query.aggregation is not None:
        rows = aggregated_rows(queryset, query.aggregation, query.start, query.page_length)
    else:
        queryset = queryset.order_by(*query.order_by)
        paths = query.paths
        rows = queryset.values(*paths.values())[query.start : query.start + query.page_length]
        rows = [{field: format_value(row[path]) for field, path in paths.items()} for row in rows]
    return [row[query.pluck] for row in rows] if query.pluck else rows


def count_documents(user, meta: DocTypeMeta, condition, parent=None) -> int:
    return apply_filters(readable_rows(user, meta, parent), condition).count()


# ---------------------------------------------------------------- writing


def _custom_value(user, docfield, value):
    """A client value of a custom field as it is kept in custom_values, or a ValidationError."""
    try:
        stored = to_stored(docfield, value, partial(find_linked, user))
    except LinkNotFound as exc:
        raise LinkValidationError(str(exc)) from None
    except FieldValueError as exc:
        raise ValidationError(str(exc)) from None
    # The File doctype by name, as any doctype: files are attached through this service (apps/lowcode/file).
    files = get_meta("File").model
    if docfield.fieldtype == "Attach" and stored and not scope_queryset(user, files).filter(file_url=stored).exists():
        raise LinkValidationError(f"字段“{docfield.label}”：找不到附件“{stored}”，请先上传文件")
    return stored


def field_value(user, meta: DocTypeMeta, fieldname, value, links: dict | None = None):
    """A client value converted for the model field, or a ValidationError naming the field.

    ``links`` ({fieldname: {name: record}}) are linked records already looked up, in the user's
    scope, for many documents at once (a set-based import); a name not among them is looked up here.
    """
    docfield = meta.fields[fieldname]
    model_field = docfield.model_field
    if docfield.is_link:
        if value in (None, ""):
            return None
        if not isinstance(value, str | int):
            raise ValidationError(f"字段“{docfield.label}”应为所链接单据的编号（文本）")
        target = model_field.related_model
        known = (links or {}).get(fieldname, {}).get(str(value))
        if known is not None:
            return known
        if docfield.options == "User":
            found = target._default_manager.filter(username=str(value)).first()
        else:
            found = scope_queryset(user, target).filter(name=str(value)).first()
        if found is None:
            raise LinkValidationError(f"字段“{docfield.label}”：找不到{target._meta.verbose_name}“{value}”")
        return found
    if isinstance(value, dict | list):
        raise ValidationError(f"字段“{docfield.label}”的值类型不正确")
    if docfield.fieldtype == "Check":
        if value in (0, 1, True, False, "0", "1"):
            return value in (1, True, "1")
        raise ValidationError(f"字段“{docfield.label}”应为 0 或 1")
    if value is None or (value == "" and docfield.fieldtype not in ("Data", "Text", "Select")):
        return None if model_field.null else ("" if docfield.fieldtype in ("Data", "Text") else None)
    if isinstance(value, bool) and docfield.fieldtype in ("Int", "Float"):
        raise ValidationError(f"字段“{docfield.label}”应为数字")
    if docfield.fieldtype in ("Data", "Text", "Select") and not isinstance(value, str | int | float):
        raise ValidationError(f"字段“{docfield.label}”应为文本")
    if isinstance(value, float) and model_field.get_internal_type() == "DecimalField":
        value = repr(value)  # JSON's 2.6 means 2.6, not the binary 2.600000000000000088817…
    try:
        return model_field.to_python(value)
    except (DjangoValidationError, TypeError, ValueError) as exc:
        messages = exc.messages if isinstance(exc, DjangoValidationError) else [str(exc)]
        raise ValidationError(f"字段“{docfield.label}”：{'；'.join(messages)}") from None


def _assign(user, meta: DocTypeMeta, obj, data: dict, creating: bool, links: dict | None = None) -> dict:
    """Set the plain and link fields of ``obj`` from ``data``; returns the child tables given."""
    if not isinstance(data, dict):
        raise ValidationError("单据数据应为 JSON 对象")
    tables = {}
    for key, value in data.items():
        if key in meta.tables:
            if not isinstance(value, list):
                raise ValidationError(f"子表“{meta.tables[key].label}”应为列表")
            tables[key] = value
            continue
        if key == "name" and meta.naming_rule == "prompt":
            if not creating and str(value) != obj.name:
                raise ValidationError("编号不能直接修改")
            if creating:
                if not isinstance(value, str) or not value.strip():
                    raise MandatoryError(f"请填写{meta.label}的名称")
                obj.name = value.strip()
            continue
        if key in SERVER_KEYS:
            continue
        if key not in meta.fields:
            raise DataError(f"{meta.doctype} 没有字段 {key}")
        if meta.fields[key].read_only:
            continue  # computed by the server; clients send whole documents back, so it is ignored, not refused
        if meta.fields[key].custom:
            obj.custom_values = {**(obj.custom_values or {}), key: _custom_value(user, meta.fields[key], value)}
            continue
        setattr(obj, key, field_value(user, meta, key, value, links))
    return tables


def validate(meta: DocTypeMeta, obj, exclude=(), unique=True):
    """The model's own validation; ``unique=False`` leaves uniqueness to a caller checking many at once."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise _translated(meta, exc) from None
    if not unique:
        return
    try:
        obj.validate_unique()
        obj.validate_constraints()
    except DjangoValidationError as exc:
        raise DuplicateEntryError(_messages(meta, exc)) from None


def _messages(meta: DocTypeMeta, exc: DjangoValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return "；".join(exc.messages)
    parts = []
    for field, errors in exc.error_dict.items():
        label = meta.fields[field].label if field in meta.fields else ""
        text = "；".join(m for e in errors for m in e.messages)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


def _translated(meta: DocTypeMeta, exc: DjangoValidationError):
    if any(e.code == "required" for e in getattr(exc, "error_dict", {}).get(NON_FIELD_ERRORS, [])):
        return MandatoryError(_messages(meta, exc))  # required by an administrator (customize.validation)
    missing = [
        meta.fields[field].label
        for field, errors in getattr(exc, "error_dict", {}).items()
        if field in meta.fields and any(e.code in ("blank", "null", "required") for e in errors)
    ]
    if missing:
        return MandatoryError(f"缺少必填字段：{'、'.join(missing)}")
    return ValidationError(_messages(meta, exc))


def _save_children(user, meta: DocTypeMeta, parent, tables: dict):
    """Frappe's child-table semantics: the list given replaces the table."""
    for fieldname, rows in tables.items():
        table = meta.tables[fieldname]
        child_meta = get_meta(table.doctype)
        existing = {row.name: row for row in getattr(parent, fieldname).all()}
        # Rows the list leaves out go first: one given again without its name must not collide with itself.
        named = {row_data.get("name") for row_data in rows if isinstance(row_data, dict)}
        for name in [name for name in existing if name not in named]:
            existing.pop(name).delete()
        for idx, row_data in enumerate(rows, start=1):
            if not isinstance(row_data, dict):
                raise ValidationError(f"子表“{table.label}”第{idx}行应为 JSON 对象")
            row = existing.get(row_data.get("name")) or child_meta.model(**{table.parent_fk: parent})
            try:
                _assign(user, child_meta, row, row_data, creating=row.pk is None)
                row.idx = idx
                validate(child_meta, row, exclude=[table.parent_fk])
            except ValidationError as exc:
                exc.message = f"子表“{table.label}”第{idx}行：{exc.message}"
                raise
            row.owner = row.owner or user
            row.modified_by = user
            row.save()


@transaction.atomic
def save_document(user, meta: DocTypeMeta, data: dict, name=None):
    """Create (name None) or update a document from client data; returns the saved record."""
    if meta.istable:
        raise PermissionError(f"{meta.doctype} 是子表，请通过其上级单据修改")
    if not getattr(meta.model, "writable_as_resource", True):
        raise PermissionError(f"{meta.label}不能通过 /api/resource 写入")
    creating = name is None
    if creating:
        ensure_can_or_403(user, "create", meta)
        obj = meta.model()
        obj.owner = user
    else:
        obj = get_document(user, meta, name, for_update=True)
        ensure_can_or_403(user, "write", meta)
        check_timestamp(meta, obj, data)
    if isinstance(data, dict) and data.get("doctype") not in (None, meta.doctype):
        raise ValidationError(f"单据类型不一致：{data.get('doctype')}")
    before = lifecycle.before_save(user, obj, creating, data.get("workflow_state") if isinstance(data, dict) else None)
    if isinstance(data, dict):
        lifecycle.ensure_docstatus_not_set(user, meta, obj, data.get("docstatus"), creating)
    data = prepare_client_data(user, meta.doctype, data, name=None if creating else obj.name)
    tables = _assign(user, meta, obj, data, creating)
    obj.modified_by = user
    validate(meta, obj)
    try:
        obj.save()
        _save_children(user, meta, obj, tables)
    except IntegrityError as exc:
        raise DuplicateEntryError(f"与已有记录重复：{exc.args[-1] if exc.args else ''}") from None
    lifecycle.after_save(user, obj, creating, before)
    if not scope_queryset(user, meta.model).filter(pk=obj.pk).exists():
        raise PermissionError("保存后的记录超出你的数据权限范围")
    return obj


def check_timestamp(meta: DocTypeMeta, obj, data: dict):
    """Refuse a write made on a stale copy (Frappe's check_if_latest)."""
    seen = data.get("modified") if isinstance(data, dict) else None
    if seen is not None and str(seen) != format_value(obj.modified):
        raise TimestampMismatchError(
            f"{meta.label} {obj.name} 已被他人修改（{format_value(obj.modified)}），请刷新后重新编辑"
        )


def ensure_can_or_403(user, action, meta: DocTypeMeta):
    try:
        ensure_can(user, action, meta.model)
    except PermissionDenied as exc:
        raise PermissionError(str(exc)) from None


@transaction.atomic
def delete_document(user, meta: DocTypeMeta, name):
    if meta.istable:
        raise PermissionError(f"{meta.doctype} 是子表，请通过其上级单据修改")
    obj = get_document(user, meta, name, for_update=True)
    ensure_can_or_403(user, "delete", meta)
    if hasattr(obj, "check_delete"):  # a doctype's own rule, e.g. File follows its document
        obj.check_delete(user)
    lifecycle.before_delete(user, obj)
    try:
        obj.delete()
    except ProtectedError as exc:
        linked = "、".join(sorted({f"{o._meta.verbose_name} {o}" for o in list(exc.protected_objects)[:5]}))
        raise LinkExistsError(f"无法删除{meta.label} {name}：仍被 {linked} 引用") from None
    lifecycle.after_delete(user, obj)
