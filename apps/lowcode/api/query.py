"""Frappe's list query parameters turned into a Django queryset.

``fields``, ``filters``, ``or_filters``, ``order_by``, ``limit_start`` and
``limit_page_length`` (or ``limit``) as frappe.get_list takes them. Every
field name and value is checked against the doctype's metadata: a bad one is
a ValidationError naming it, never a database error.
"""

import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import FloatField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from apps.lowcode.api.errors import DataError, ValidationError
from apps.lowcode.customize.fieldtypes import FieldValueError, to_stored
from apps.lowcode.doctype.meta import DocTypeMeta, get_meta

DEFAULT_PAGE_LENGTH = 20
MAX_PAGE_LENGTH = 1000

OPERATORS = {
    "=": "exact", "!=": "exact", ">": "gt", "<": "lt", ">=": "gte", "<=": "lte",
    "like": "iregex", "not like": "iregex", "in": "in", "not in": "in",
    "is": "isnull", "between": "range",
}
NEGATED = {"!=", "not like", "not in"}
NUMERIC_CUSTOM_TYPES = {"Int", "Float", "Currency", "Check"}


@dataclass
class ListQuery:
    fields: list[str]
    filters: Q
    order_by: list[str]
    start: int
    page_length: int


def parse_json(value, name: str):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise ValidationError(f"参数 {name} 不是合法的 JSON：{value[:100]}") from None


def orm_path(meta: DocTypeMeta, fieldname: str, child_doctype: str | None = None) -> str:
    """The ORM lookup path of a field; links compare by the linked record's name."""
    if child_doctype and child_doctype != meta.doctype:
        table = next((t for t in meta.tables.values() if t.doctype == child_doctype), None)
        if table is None:
            raise DataError(f"{child_doctype} 不是 {meta.doctype} 的子表")
        return f"{table.fieldname}__{orm_path(get_meta(child_doctype), fieldname)}"
    fieldname = fieldname.strip().strip("`")
    if "." in fieldname:  # `tabTask`.`name` style
        fieldname = fieldname.rsplit(".", 1)[1].strip("`")
    docfield = meta.fields.get(fieldname)
    if docfield is None:
        raise DataError(f"字段 {fieldname} 不存在于 {meta.doctype}")
    if docfield.custom:
        return f"custom_values__{fieldname}"
    if docfield.is_link:
        return f"{fieldname}__username" if docfield.options == "User" else f"{fieldname}__name"
    return fieldname


def _coerce(meta: DocTypeMeta, fieldname: str, value):
    """A filter value as the field's Python type; links and text stay strings."""
    docfield = meta.fields.get(fieldname.strip().strip("`"))
    if docfield is not None and docfield.custom:
        return _coerce_custom(docfield, value)
    if docfield is None or docfield.is_link or docfield.model_field is None:
        return value if value is None else str(value) if not isinstance(value, str) else value
    if isinstance(value, dict | list):
        raise ValidationError(f"字段 {fieldname} 的筛选值类型不正确")
    try:
        return docfield.model_field.to_python(value)
    except DjangoValidationError as exc:
        raise ValidationError(f"字段 {fieldname} 的筛选值不正确：{'；'.join(exc.messages)}") from None


def _coerce_custom(docfield, value):
    """A filter value as custom_values keeps it; names are not looked up (a filter may name anything)."""
    if docfield.fieldtype == "Table MultiSelect" or value is None:
        return value
    try:
        return to_stored(docfield, value)
    except FieldValueError as exc:
        raise ValidationError(f"字段 {docfield.fieldname} 的筛选值不正确：{exc}") from None


def multi_link_condition(path: str, op: str, value) -> Q:
    """A multi-link holds a list of names: "=" and "in" ask whether it includes them, "like" searches its text."""
    if op in ("like", "not like"):
        return Q(**{f"{path}__iregex": like_to_regex(value)[1:-1]})  # within the list's JSON text
    names = value if isinstance(value, list | tuple) else [value]
    q = Q(pk__in=[])
    for name in names:
        q |= Q(**{f"{path}__regex": '"' + re.escape(str(name)) + '"'})
    return q


def like_to_regex(pattern: str) -> str:
    """SQL LIKE (% and _) as an anchored regular expression."""
    parts = []
    for ch in str(pattern):
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    return "^" + "".join(parts) + "$"


def condition(meta: DocTypeMeta, spec) -> Q:
    """One filter: [field, op, value], [doctype, field, op, value] or (field, value)."""
    if isinstance(spec, list | tuple):
        if len(spec) == 4:
            child_doctype, fieldname, op, value = spec
        elif len(spec) == 3:
            child_doctype, (fieldname, op, value) = None, spec
        elif len(spec) == 2:
            child_doctype, (fieldname, value), op = None, spec, "="
        else:
            raise ValidationError(f"筛选条件格式不正确：{json.dumps(spec, ensure_ascii=False)[:100]}")
    else:
        raise ValidationError("筛选条件应为列表，如 [\"字段\", \"=\", \"值\"]")
    if not isinstance(fieldname, str) or not isinstance(op, str):
        raise ValidationError("筛选条件的字段名和运算符必须是字符串")
    op = op.strip().lower()
    if op not in OPERATORS:
        raise ValidationError(f"不支持的筛选运算符：{op}")
    path = orm_path(meta, fieldname, child_doctype)  # also refuses a doctype that is no child table
    target_meta = get_meta(child_doctype) if child_doctype and child_doctype != meta.doctype else meta
    docfield = target_meta.fields[fieldname.strip().strip("`")]
    lookup = OPERATORS[op]
    if op == "is":
        if value not in ("set", "not set"):
            raise ValidationError("is 运算符的值只能是 set 或 not set")
        empty = Q(**{f"{path}__isnull": True})
        if docfield.custom:  # a missing key, JSON null, "" and [] are all empty
            empty |= Q(**{path: None}) | Q(**{path: ""}) | ~Q(**{f"{path}__regex": "[^][]"})
        elif docfield.fieldtype in ("Data", "Text", "Select"):
            empty |= Q(**{path: ""})
        return ~empty if value == "set" else empty
    if docfield.custom and docfield.fieldtype == "Table MultiSelect" and op in ("=", "!=", "in", "not in", "like", "not like"):
        if op in ("in", "not in") and isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        q = multi_link_condition(path, op, value)
        return ~q if op in NEGATED else q
    if op in ("in", "not in"):
        values = value.split(",") if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            raise ValidationError(f"{op} 运算符的值应为列表")
        value = [_coerce(target_meta, fieldname, v.strip() if isinstance(v, str) else v) for v in values]
    elif op == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValidationError("between 运算符的值应为两个元素的列表")
        value = [_coerce(target_meta, fieldname, v) for v in value]
        if docfield.custom:  # JSON values compare as numbers only with gte/lte, not with range
            return Q(**{f"{path}__gte": value[0], f"{path}__lte": value[1]})
    elif op in ("like", "not like"):
        if not isinstance(value, str | int | float):
            raise ValidationError("like 运算符的值应为字符串")
        value = like_to_regex(value)
    else:
        value = _coerce(target_meta, fieldname, value)
        if value is None:
            lookup = "isnull"
            value = True
    q = Q(**{f"{path}__{lookup}": value})
    return ~q if op in NEGATED else q


def conditions(meta: DocTypeMeta, filters, name: str) -> list[Q]:
    filters = parse_json(filters, name)
    if filters is None:
        return []
    if isinstance(filters, dict):
        specs = [
            [field, *value] if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and value[0].lower() in OPERATORS else [field, "=", value]
            for field, value in filters.items()
        ]
    elif isinstance(filters, list):
        # A single condition may come unwrapped: ["status", "=", "x"]
        specs = [filters] if filters and all(not isinstance(f, list | tuple) for f in filters) else filters
    else:
        raise ValidationError(f"参数 {name} 应为列表或对象")
    return [condition(meta, spec) for spec in specs]


def parse_fields(meta: DocTypeMeta, fields) -> list[str]:
    fields = parse_json(fields, "fields")
    if fields is None:
        return ["name"]
    if isinstance(fields, str):
        fields = [fields]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ValidationError("参数 fields 应为字段名列表")
    result = []
    for f in fields:
        f = f.strip().strip("`")
        if f == "*" or f.endswith(".*"):
            result.extend(name for name in meta.fields if name not in result)
            continue
        if " as " in f.lower():
            raise ValidationError(f"不支持字段别名或聚合：{f}")
        orm_path(meta, f)  # validates
        if f not in result:
            result.append(f)
    return result


def parse_order_by(meta: DocTypeMeta, order_by) -> list[str]:
    if not order_by:
        return ["-modified", "-id"]
    if not isinstance(order_by, str):
        raise ValidationError("参数 order_by 应为字符串，如 \"modified desc\"")
    ordering = []
    for part in order_by.split(","):
        tokens = part.split()
        if not tokens or len(tokens) > 2:
            raise ValidationError(f"排序格式不正确：{part}")
        direction = tokens[1].lower() if len(tokens) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise ValidationError(f"排序方向只能是 asc 或 desc：{part}")
        path = orm_path(meta, tokens[0])
        docfield = meta.fields[tokens[0].strip("`").rsplit(".", 1)[-1].strip("`")]
        if docfield.custom and docfield.fieldtype in NUMERIC_CUSTOM_TYPES:
            # MariaDB orders JSON_EXTRACT as text ("100" before "50"): compare numbers as numbers.
            number = Cast(KT(path), FloatField())
            ordering.append(number.desc() if direction == "desc" else number.asc())
            continue
        ordering.append(("-" if direction == "desc" else "") + path)
    return ordering + ["-id"]


def parse_int(value, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"参数 {name} 应为整数") from None
    if number < 0:
        raise ValidationError(f"参数 {name} 不能为负数")
    return number


def parse_list_query(meta: DocTypeMeta, params) -> ListQuery:
    if params.get("group_by"):
        raise ValidationError("暂不支持 group_by 分组查询")
    page_length = parse_int(
        params.get("limit_page_length", params.get("limit", params.get("page_length"))),
        "limit_page_length", DEFAULT_PAGE_LENGTH,
    )
    if page_length == 0:  # Frappe: 0 means "all"; we still stop at the maximum
        page_length = MAX_PAGE_LENGTH
    if page_length > MAX_PAGE_LENGTH:
        raise ValidationError(f"每页最多 {MAX_PAGE_LENGTH} 条，请分页获取")
    return ListQuery(
        fields=parse_fields(meta, params.get("fields")),
        filters=filter_condition(meta, params),
        order_by=parse_order_by(meta, params.get("order_by")),
        start=parse_int(params.get("limit_start", params.get("start")), "limit_start", 0),
        page_length=page_length,
    )


def filter_condition(meta: DocTypeMeta, params) -> Q:
    """``filters`` (all must hold) and ``or_filters`` (one must hold) as one condition."""
    q = Q()
    for cond in conditions(meta, params.get("filters"), "filters"):
        q &= cond
    or_conditions = conditions(meta, params.get("or_filters"), "or_filters")
    if or_conditions:
        or_q = Q()
        for cond in or_conditions:
            or_q |= cond
        q &= or_q
    return q


def apply_filters(queryset, condition_q: Q):
    """Filter through a subquery: a condition on a child table must not repeat a parent row."""
    if not condition_q:
        return queryset
    model = queryset.model
    return queryset.filter(pk__in=model._default_manager.filter(condition_q).values("pk"))
