"""Frappe's list query parameters turned into a Django queryset.

``fields``, ``filters``, ``or_filters``, ``order_by``, ``limit_start`` and
``limit_page_length`` (or ``limit``) as frappe.get_list takes them. Every
field name and value is checked against the doctype's metadata: a bad one is
a ValidationError naming it, never a database error.
"""

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import FloatField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from apps.lowcode import strict_json
from apps.lowcode.doctype.fieldtypes import FieldValueError, to_stored
from apps.lowcode.doctype.meta import DocField, DocTypeMeta, get_meta
from apps.lowcode.document.sql_like import escape_like
from apps.lowcode.exceptions import DataError, ValidationError
from apps.lowcode.strict_json import check_text

DEFAULT_PAGE_LENGTH = 20
MAX_PAGE_LENGTH = 1000

OPERATORS = {
    "=": "exact", "!=": "exact", ">": "gt", "<": "lt", ">=": "gte", "<=": "lte",
    "like": "like", "not like": "like", "in": "in", "not in": "in",
    "is": "isnull", "between": "range",
}
NEGATED = {"!=", "not like", "not in"}
NUMERIC_CUSTOM_TYPES = {"Int", "Float", "Currency", "Check"}


@dataclass
class ListQuery:
    fields: list[str]  # the keys of each row
    paths: dict[str, str]  # key: ORM path
    filters: Q
    order_by: list[str]
    start: int
    page_length: int


def parse_json(value, name: str):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        check_text(value, f"参数 {name} ")
        return value
    return strict_json.loads(value, f"参数 {name} ")


# ------------------------------------------------------------------ field names


@dataclass(frozen=True)
class Column:
    """A field a list query names: the doctype's own, or a field of one of its child tables."""

    meta: DocTypeMeta  # the doctype the field belongs to
    docfield: DocField
    path: str  # the ORM lookup path from the listed doctype's model
    child: bool = False

    @property
    def fieldname(self) -> str:
        return self.docfield.fieldname


# `tabTask Unit`.`unit`, tabTask.title, `tabTask`.title …: Frappe's table-qualified column names.
QUALIFIED = re.compile(r"^(?:`tab(?P<qt>[^`]+)`|tab(?P<t>[^`.\s][^`.]*))\.(?:`(?P<qf>[^`]+)`|(?P<f>[^`.\s]+))$")
PLAIN = re.compile(r"^(?:`(?P<qf>[^`.]+)`|(?P<f>[^`.\s]+))$")


def split_name(name: str) -> tuple[str | None, str] | None:
    """(doctype or None, fieldname) of a field name as Frappe writes it; None when it is no field name."""
    text = name.strip()
    if len(text) > 300:  # no doctype and field name is that long
        return None
    if match := QUALIFIED.match(text):
        return (match["qt"] or match["t"]).strip(), (match["qf"] or match["f"]).strip()
    if match := PLAIN.match(text):
        return None, (match["qf"] or match["f"]).strip()
    return None


def column(meta: DocTypeMeta, name: str, child_doctype: str | None = None) -> Column:
    """The field ``name`` (plain or table-qualified) of the doctype or of one of its child tables."""
    if not isinstance(name, str):
        raise ValidationError("字段名应为文本")
    parts = split_name(name)
    if parts is None:
        raise DataError(f"字段 {name[:100]} 不存在于 {meta.doctype}")
    doctype, fieldname = parts
    if doctype and child_doctype and doctype != child_doctype:
        raise DataError(f"筛选条件的单据类型 {child_doctype} 与字段 {name} 不一致")
    doctype = doctype or child_doctype or meta.doctype
    if doctype == meta.doctype:
        return Column(meta, _docfield(meta, fieldname), own_path(meta, fieldname))
    table = next((t for t in meta.tables.values() if t.doctype == doctype), None)
    if table is None:
        raise DataError(f"{doctype} 不是 {meta.doctype} 的子表")
    child_meta = get_meta(table.doctype)
    docfield = _docfield(child_meta, fieldname)
    return Column(child_meta, docfield, f"{table.fieldname}__{own_path(child_meta, fieldname)}", child=True)


def table_dotted(meta: DocTypeMeta, name):
    """A table-qualified name as "field" or "table_field.field" (the import/export notation); others unchanged."""
    if not isinstance(name, str) or not QUALIFIED.match(name.strip()):
        return name
    col = column(meta, name)
    if not col.child:
        return col.fieldname
    table = next(t for t in meta.tables.values() if t.doctype == col.meta.doctype)
    return f"{table.fieldname}.{col.fieldname}"


def _docfield(meta: DocTypeMeta, fieldname: str) -> DocField:
    docfield = meta.fields.get(fieldname)
    if docfield is None:
        raise DataError(f"字段 {fieldname[:100]} 不存在于 {meta.doctype}")
    return docfield


def own_path(meta: DocTypeMeta, fieldname: str) -> str:
    """The ORM lookup path of the doctype's own field; links compare by the linked record's name."""
    docfield = _docfield(meta, fieldname)
    if docfield.custom:
        return f"custom_values__{fieldname}"
    if docfield.is_link:
        return f"{fieldname}__username" if docfield.options == "User" else f"{fieldname}__name"
    return fieldname


def orm_path(meta: DocTypeMeta, fieldname: str, child_doctype: str | None = None) -> str:
    """The ORM lookup path of a field name as a client writes it (see :func:`column`)."""
    return column(meta, fieldname, child_doctype).path


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
        raise ValidationError("筛选条件应为列表，如 [\"字段\", \"=\", \"值\"]")
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
    if docfield.custom and docfield.fieldtype == "Table MultiSelect" and op in ("=", "!=", "in", "not in", "like", "not like"):
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
            return Q(**{f"{path}__gte": value[0]} if value[0] is not None else {}) & \
                Q(**{f"{path}__lte": value[1]} if value[1] is not None else {})
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


def parse_fields(meta: DocTypeMeta, fields) -> dict[str, str]:
    """{key in each row: ORM path}: plain or table-qualified names; a child table's field gives a row per child row."""
    fields = parse_json(fields, "fields")
    if fields is None:
        return {"name": "name"}
    if isinstance(fields, str):
        fields = [fields]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ValidationError("参数 fields 应为字段名列表")
    result: dict[str, str] = {}
    for raw in fields:
        f = raw.strip()
        if f == "*" or f.endswith(".*"):
            doctype = (split_name(f[:-2] + ".x") or (f[:-2], ""))[0] if f != "*" else None
            if doctype not in (None, meta.doctype):
                raise DataError(f"请逐个列出子表 {doctype} 的字段，如 `tab{doctype}`.`字段名`")
            result.update({name: own_path(meta, name) for name in meta.fields if name not in result})
            continue
        if " as " in f.lower() or "(" in f:
            raise ValidationError(f"不支持字段别名或聚合：{f[:100]}")
        col = column(meta, f)
        if col.fieldname in result and result[col.fieldname] != col.path:
            raise DataError(f"字段 {f[:100]} 与已选的 {col.fieldname} 同名，请只选其一")
        result[col.fieldname] = col.path
    return result


def split_outside_backticks(text: str, separator: str = ",") -> list[str]:
    """"a, `tabX Y`.`b` desc" → ["a", " `tabX Y`.`b` desc"]: a quoted name may hold anything."""
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == "`":
            quoted = not quoted
        if ch == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def order_part(part: str) -> tuple[str, bool] | None:
    """(field name, descending) of "name desc"; None when it is not that shape."""
    text = part.strip()
    direction = "asc"
    pieces = text.rsplit(None, 1)
    if len(pieces) == 2 and pieces[1].lower() in ("asc", "desc"):
        text, direction = pieces[0].strip(), pieces[1].lower()
    if not text or split_name(text) is None:
        return None
    return text, direction == "desc"


def parse_order_by(meta: DocTypeMeta, order_by) -> list:
    """Frappe's "modified desc, `tabTask`.`number` asc" as an ordering; the record id breaks ties."""
    if not order_by:
        return ["-modified", "-id"]
    if not isinstance(order_by, str):
        raise ValidationError("参数 order_by 应为字符串，如 \"modified desc\"")
    ordering = []
    for part in split_outside_backticks(order_by):
        parsed = order_part(part)
        if parsed is None:
            raise ValidationError(f"排序格式不正确：{part[:100]}（应为“字段名 asc”或“字段名 desc”）")
        name, descending = parsed
        col = column(meta, name)
        if col.child:
            raise DataError(f"不能按子表字段排序：{name[:100]}")
        if col.docfield.custom and col.docfield.fieldtype in NUMERIC_CUSTOM_TYPES:
            # MariaDB orders JSON_EXTRACT as text ("100" before "50"): compare numbers as numbers.
            number = Cast(KT(col.path), FloatField())
            ordering.append(number.desc() if descending else number.asc())
            continue
        ordering.append(("-" if descending else "") + col.path)
    return ordering + ["-id"]


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
    paths = parse_fields(meta, params.get("fields"))
    return ListQuery(
        fields=list(paths),
        paths=paths,
        filters=filter_condition(meta, params),
        order_by=parse_order_by(meta, params.get("order_by")),
        start=min(parse_int(params.get("limit_start", params.get("start")), "limit_start", 0), MAX_START),
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
    """Filter through a subquery: a condition on a child table must not repeat a parent row.

    The subquery starts from the same (scoped) queryset, so the database evaluates a
    condition only on records the user may see, never across every county's.
    """
    if not condition_q:
        return queryset
    return queryset.filter(pk__in=queryset.filter(condition_q).values("pk"))
