"""Frappe's list query parameters turned into a Django queryset.

``fields``, ``filters``, ``or_filters``, ``order_by``, ``group_by``, ``pluck``,
``limit_start`` and ``limit_page_length`` (or ``limit``) as frappe.get_list
takes them. Every field name and value is checked against the doctype's
metadata: a bad one is a ValidationError naming it, never a database error.
Field names live in query_names, columns/aggregates/ordering in query_fields;
this module keeps the filters, paging and the whole query.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone

from apps.lowcode import strict_json
from apps.lowcode.doctype.fieldtypes import FieldValueError, to_stored
from apps.lowcode.doctype.meta import DocField, DocTypeMeta
from apps.lowcode.document.query_fields import (  # noqa: F401  (parse_fields, parse_order_by: re-exported)
    Aggregation,
    aggregation,
    child_row_ordering,
    parse_fields,
    parse_group_by,
    parse_order_by,
    select_fields,
)
from apps.lowcode.document.query_fields import split_outside as split_outside_backticks  # noqa: F401
from apps.lowcode.document.query_names import (  # noqa: F401  (orm_path, split_name, table_dotted: re-exported)
    column,
    orm_path,
    split_name,
    table_dotted,
)
from apps.lowcode.document.sql_like import escape_like
from apps.lowcode.exceptions import DataError, ValidationError
from apps.lowcode.strict_json import check_text

DEFAULT_PAGE_LENGTH = 20
MAX_PAGE_LENGTH = 1000

OPERATORS = {
    "=": "exact",
    "!=": "exact",
    ">": "gt",
    "<": "lt",
    ">=": "gte",
    "<=": "lte",
    "like": "like",
    "not like": "like",
    "in": "in",
    "not in": "in",
    "is": "isnull",
    "between": "range",
}
NEGATED = {"!=", "not like", "not in"}


@dataclass
class ListQuery:
    fields: list[str]  # the keys of each row
    paths: dict[str, str]  # key: ORM path (plain queries; empty when aggregated)
    filters: Q
    order_by: list
    start: int
    page_length: int
    aggregation: Aggregation | None = None  # group_by and/or aggregate columns
    pluck: str | None = None  # answer a flat list of this key's values
    parent: object = None  # a child doctype's rows are read through this parent doctype (Frappe's ``parent``)


def parse_json(value, name: str):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        check_text(value, f"参数 {name} ")
        return value
    return strict_json.loads(value, f"参数 {name} ")


# ------------------------------------------------------------------ filter values


def _coerce(docfield: DocField, value):
    """A filter value as the field's Python type; links and text stay strings."""
    if docfield.custom:
        return _coerce_custom(docfield, value)
    if isinstance(value, dict | list):
        raise ValidationError(f"字段 {docfield.fieldname} 的筛选值类型不正确")
    if docfield.is_link or docfield.model_field is None:
        return value if value is None or isinstance(value, str) else str(value)
    try:
        python = docfield.model_field.to_python(value)
    except DjangoValidationError as exc:
        raise ValidationError(f"字段 {docfield.fieldname} 的筛选值不正确：{'；'.join(exc.messages)}") from None
    except (TypeError, ValueError, ArithmeticError):  # e.g. int(float("inf")) in to_python
        raise ValidationError(f"字段 {docfield.fieldname} 的筛选值不正确：{str(value)[:100]}") from None
    if isinstance(python, datetime) and timezone.is_naive(python):
        # Datetimes go out as the site's local time without an offset (as Frappe's do); one coming back in
        # a filter (a sync tool's "modified >= last run") means that same local time.
        python = timezone.make_aware(python)
    return _in_range(docfield, python)


def _in_range(docfield: DocField, value):
    """A number the database can compare with: 64-bit integers, finite decimals within the column's digits."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValidationError(f"字段 {docfield.fieldname} 的筛选值超出范围：{str(value)[:100]}")
    if isinstance(value, Decimal | float):
        field = docfield.model_field
        digits = getattr(field, "max_digits", None) or 30
        if not math.isfinite(value) or abs(value) >= Decimal(10) ** (digits + 1):
            raise ValidationError(f"字段 {docfield.fieldname} 的筛选值超出范围：{str(value)[:100]}")
    return value


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
        return Q(**{f"{path}__like": f"%{like_pattern(value)}%"})  # anywhere within the list's JSON text
    names = value if isinstance(value, list | tuple) else [value]
    q = Q(pk__in=[])
    for name in names:
        q |= Q(**{f"{path}__like": f'%"{escape_like(name)}"%'})
    return q


def like_pattern(value) -> str:
    """A like value as the pattern for SQL; a lone backslash at the end is a backslash, as in MariaDB
    (SQLite would match nothing)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError("like 运算符的值应为字符串")
    pattern = str(value)
    trailing = len(pattern) - len(pattern.rstrip("\\"))
    return pattern + "\\" if trailing % 2 else pattern


def parse_spec(spec) -> tuple[str | None, str, str, object]:
    """(child doctype or None, field name, operator, value) of one filter as Frappe clients write it."""
    if not isinstance(spec, list | tuple):
        raise ValidationError('筛选条件应为列表，如 ["字段", "=", "值"]')
    if len(spec) == 4:
        child_doctype, fieldname, op, value = spec
    elif len(spec) == 3:
        child_doctype, (fieldname, op, value) = None, spec
    elif len(spec) == 2:
        child_doctype, (fieldname, value), op = None, spec, "="
    else:
        raise ValidationError(f"筛选条件格式不正确：{json.dumps(spec, ensure_ascii=False)[:100]}")
    if not isinstance(fieldname, str) or not isinstance(op, str) or not isinstance(child_doctype, str | None):
        raise ValidationError("筛选条件的单据类型、字段名和运算符必须是字符串")
    op = op.strip().lower()
    if op not in OPERATORS:
        raise ValidationError(f"不支持的筛选运算符：{op[:50]}")
    return child_doctype, fieldname, op, value


def condition(meta: DocTypeMeta, spec) -> Q:
    """One filter: [field, op, value], [doctype, field, op, value] or (field, value).

    The field may be table-qualified (`` `tabTask Unit`.`unit` ``); a child
    table's field matches the records with at least one such row.
    """
    child_doctype, fieldname, op, value = parse_spec(spec)
    col = column(meta, fieldname, child_doctype)  # also refuses a doctype that is no child table
    path, docfield = col.path, col.docfield
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
    if (
        docfield.custom
        and docfield.fieldtype == "Table MultiSelect"
        and op in ("=", "!=", "in", "not in", "like", "not like")
    ):
        if op in ("in", "not in") and isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        q = multi_link_condition(path, op, value)
        return ~q if op in NEGATED else q
    if op in ("in", "not in"):
        values = value.split(",") if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            raise ValidationError(f"{op} 运算符的值应为列表")
        value = [_coerce(docfield, v.strip() if isinstance(v, str) else v) for v in values]
    elif op == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValidationError("between 运算符的值应为两个元素的列表")
        value = [_coerce(docfield, v) for v in value]
        if docfield.custom or None in value:  # JSON values compare as numbers only with gte/lte, not with range
            return Q(**{f"{path}__gte": value[0]} if value[0] is not None else {}) & Q(
                **{f"{path}__lte": value[1]} if value[1] is not None else {}
            )
    elif op in ("like", "not like"):
        value = like_pattern(value)  # SQL LIKE, in the database: see sql_like
    else:
        value = _coerce(docfield, value)
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
            [field, *value]
            if isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], str)
            and value[0].lower() in OPERATORS
            else [field, "=", value]
            for field, value in filters.items()
        ]
    elif isinstance(filters, list):
        # A single condition may come unwrapped: ["status", "=", "x"]
        specs = [filters] if filters and all(not isinstance(f, list | tuple) for f in filters) else filters
    else:
        raise ValidationError(f"参数 {name} 应为列表或对象")
    return [condition(meta, spec) for spec in specs]


# Past any table's last row; an offset beyond it answers an empty page, as in Frappe, without overflowing SQL.
MAX_START = 2**62


def parse_int(value, name: str, default: int) -> int:
    """A non-negative whole number from a query string or JSON; a ValidationError otherwise."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValidationError(f"参数 {name} 应为整数")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,30}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError(f"参数 {name} 应为整数：{str(value)[:50]}")
    if value < 0:
        raise ValidationError(f"参数 {name} 不能为负数")
    return value


def parse_list_query(meta: DocTypeMeta, params) -> ListQuery:
    """The whole list query; ``debug`` and other parameters Frappe knows but we need not are ignored."""
    page_length = parse_int(
        params.get("limit_page_length", params.get("limit", params.get("page_length"))),
        "limit_page_length",
        DEFAULT_PAGE_LENGTH,
    )
    if page_length == 0:  # Frappe: 0 means "all"; we still stop at the maximum
        page_length = MAX_PAGE_LENGTH
    if page_length > MAX_PAGE_LENGTH:
        raise ValidationError(f"每页最多 {MAX_PAGE_LENGTH} 条，请分页获取")
    pluck = parse_pluck(params.get("pluck"))
    fields = parse_json_fields(params.get("fields"))
    if pluck and fields in (None, "", []):
        fields = [pluck]  # as frappe.get_list: the plucked field is the only column
    selected = select_fields(meta, fields)
    groups = parse_group_by(meta, params.get("group_by"))
    keys = [sel.key for sel in selected]
    if pluck and pluck not in keys:
        raise DataError(f"pluck 的字段 {pluck[:100]} 不在所选字段中")
    common = {
        "fields": keys,
        "filters": filter_condition(meta, params),
        "pluck": pluck,
        "parent": params.get("parent"),
        "page_length": page_length,
        "start": min(parse_int(params.get("limit_start", params.get("start")), "limit_start", 0), MAX_START),
    }
    if groups or any(sel.is_aggregate for sel in selected):
        return ListQuery(
            paths={}, order_by=[], aggregation=aggregation(meta, selected, groups, params.get("order_by")), **common
        )
    return ListQuery(
        paths={sel.key: sel.path for sel in selected},
        order_by=parse_order_by(meta, params.get("order_by"), selected) + child_row_ordering(meta, selected),
        **common,
    )


def parse_json_fields(fields):
    """``fields`` as JSON, or Frappe's comma-separated text ("name, county") when it is not JSON."""
    if isinstance(fields, str) and fields.strip() and fields.strip()[0] not in '["':
        return fields
    return parse_json(fields, "fields")


def parse_pluck(pluck) -> str | None:
    if pluck in (None, ""):
        return None
    if not isinstance(pluck, str) or len(pluck) > 140:
        raise ValidationError("参数 pluck 应为字段名")
    return pluck.strip()


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
    """Filter through a subquery: a condition on a child table must not repeat a parent row.

    The subquery starts from the same (scoped) queryset, so the database evaluates a
    condition only on records the user may see, never across every county's.
    """
    if not condition_q:
        return queryset
    return queryset.filter(pk__in=queryset.filter(condition_q).values("pk"))
