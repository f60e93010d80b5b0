"""The ``fields``, ``group_by`` and ``order_by`` of a list query, as Frappe clients write them.

Frappe pastes these strings into SQL after a blacklist check; we instead accept
only the shapes its clients use and rebuild each with the ORM:

- a field name in any form :mod:`query_names` knows, optionally ``as alias``;
  a child table's field gives one row per child row (a LEFT JOIN, as in Frappe);
- ``count``, ``sum``, ``avg``, ``min`` or ``max`` of one field (``count(*)``,
  ``distinct`` allowed), optionally ``as alias``; without an alias the column
  is named by the text as written, as MariaDB names it for Frappe;
- ``group_by``: fields of the doctype; the other plain columns must be grouped.

Anything else (other functions, nesting, comments, sub-queries) is a 417 naming
the bad part, so no client text ever becomes SQL.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, FloatField, IntegerField, Max, Min, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.doctype.serialize import format_value
from apps.lowcode.document.query_names import (
    PARENT_FIELDS,
    Column,
    column,
    split_name,
    table_dotted_parts,
    table_of,
)
from apps.lowcode.exceptions import DataError, ValidationError

FUNCTIONS = {"count": Count, "sum": Sum, "avg": Avg, "min": Min, "max": Max}
NUMERIC_TYPES = {"Int", "Float", "Currency", "Percent", "Check"}
MAX_FIELDS = 200  # more columns than any doctype has, even with every child field
MAX_GROUPS = 20

ALIAS = r"(?:`(?P<qalias>[^`]{1,64})`|'(?P<salias>[^']{1,64})'|\"(?P<dalias>[^\"]{1,64})\"|(?P<alias>[^\W\d]\w{0,63}))"
WITH_ALIAS = re.compile(rf"^(?P<expr>.+?)\s+as\s+{ALIAS}$", re.IGNORECASE | re.DOTALL)
CALL = re.compile(r"^(?P<func>\w+)\s*\((?P<arg>.*)\)$", re.DOTALL)
DISTINCT = re.compile(r"^distinct\s+(?P<arg>.+)$", re.IGNORECASE | re.DOTALL)
FORBIDDEN = re.compile(r"--|/\*|\*/|#|;|@")


@dataclass(frozen=True)
class Selected:
    """One column of the answer: a field (path) or an aggregate (function over a column or *)."""

    key: str  # the row key, as Frappe names the column
    text: str  # the expression without its alias, as written (for order_by)
    path: str | None = None  # a plain column's ORM path
    function: str | None = None
    argument: Column | None = None  # None for count(*)
    distinct: bool = False

    @property
    def is_aggregate(self) -> bool:
        return self.function is not None


@dataclass
class Aggregation:
    """A grouped or aggregated query: ``values(**groups).annotate(**aggregates)`` over the scoped records."""

    groups: dict[str, str]  # alias: ORM path
    aggregates: dict[str, object]  # alias: ORM aggregate
    columns: dict[str, str]  # row key: alias
    ordering: list = field(default_factory=list)


def normalized(text: str) -> str:
    """Text compared case- and space-insensitively: "COUNT( name )" is "count(name)"."""
    return re.sub(r"\s+", "", text).lower()


def field_list(fields) -> list[str]:
    """The requested column texts; a comma-separated string is split as Frappe's parse_args does."""
    if isinstance(fields, str):
        fields = [f for f in split_outside(fields) if f.strip()]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ValidationError("参数 fields 应为字段名列表")
    if len(fields) > MAX_FIELDS:
        raise ValidationError(f"参数 fields 最多列出 {MAX_FIELDS} 个字段")
    return [f for f in fields if f.strip()]


def select(meta: DocTypeMeta, raw: str) -> list[Selected]:
    """The column(s) one entry of ``fields`` asks for; ``*`` is every field of the doctype."""
    text = raw.strip()
    if len(text) > 500:
        raise DataError(f"字段 {text[:100]}… 过长")
    if FORBIDDEN.search(text):
        raise DataError(f"字段 {text[:100]} 中不能含有 SQL 注释、分号或变量")
    if text == "*" or text.endswith(".*"):
        if text != "*":
            doctype = (split_name(text[:-2] + ".x") or (text[:-2], ""))[0]
            if doctype != meta.doctype:
                raise DataError(f"请逐个列出子表 {doctype} 的字段，如 `tab{doctype}`.`字段名`")
        return [plain(meta, name) for name in [*meta.fields, *child_row_fields(meta)]]
    expr, alias = text, None
    if match := WITH_ALIAS.match(text):
        expr = match["expr"].strip()
        alias = next(match[g] for g in ("qalias", "salias", "dalias", "alias") if match[g] is not None)
    if "(" in expr or ")" in expr:
        return [aggregate(meta, expr, alias)]
    return [plain(meta, expr, alias)]


def child_row_fields(meta: DocTypeMeta) -> list[str]:
    """A child row's parent, parenttype and parentfield: part of ``*`` as in Frappe, where they are columns."""
    return [name for name in PARENT_FIELDS if name not in meta.fields] if meta.istable and meta.parent_fk else []


def plain(meta: DocTypeMeta, name: str, alias: str | None = None) -> Selected:
    col = column(meta, name)
    return Selected(alias or col.fieldname, name, path=col.path, argument=col)


def aggregate(meta: DocTypeMeta, expr: str, alias: str | None) -> Selected:
    match = CALL.match(expr)
    if match is None:
        raise DataError(f"不支持的字段表达式：{expr[:100]}")
    function = match["func"].lower()
    if function not in FUNCTIONS:
        raise DataError(f"不支持函数 {match['func'][:50]}，只能使用 count、sum、avg、min、max")
    argument = match["arg"].strip()
    if "(" in argument or ")" in argument:
        raise DataError(f"不支持嵌套函数：{expr[:100]}")
    distinct = False
    if found := DISTINCT.match(argument):
        distinct, argument = True, found["arg"].strip()
    if argument == "*":
        if function != "count" or distinct:
            raise DataError(f"只有 count(*) 可以使用 *：{expr[:100]}")
        return Selected(alias or expr, expr, function=function)
    col = column(meta, argument)
    if function in ("sum", "avg") and col.docfield.fieldtype not in NUMERIC_TYPES:
        raise DataError(f"字段 {col.fieldname} 不是数字，不能使用 {function}")
    if col.docfield.fieldtype == "Table MultiSelect":
        raise DataError(f"字段 {col.fieldname} 是多选链接，不能使用 {function}")
    return Selected(alias or expr, expr, function=function, argument=col, distinct=distinct)


def orm_aggregate(selected: Selected):
    """The ORM aggregate of a column: numbers as numbers (custom values and checks too)."""
    function = FUNCTIONS[selected.function]
    if selected.argument is None:
        return Count("*")
    col = selected.argument
    docfield = col.docfield
    if docfield.custom:
        expression = KT(col.path)
        if docfield.fieldtype in NUMERIC_TYPES and selected.function != "count":
            expression = Cast(expression, FloatField())
    elif docfield.fieldtype == "Check" and selected.function != "count":
        expression = Cast(col.path, IntegerField())  # a boolean sum is a number, not True
    else:
        expression = F(col.path)
    distinct = selected.distinct and selected.function in ("count", "sum", "avg")
    return function(expression, distinct=distinct) if distinct else function(expression)


def parse_group_by(meta: DocTypeMeta, group_by) -> list[Column]:
    """The grouped fields: "county" or "`tabProject`.`county`, section" (or a JSON list of names)."""
    if group_by in (None, ""):
        return []
    parts = group_by if isinstance(group_by, list) else split_outside(group_by) if isinstance(group_by, str) else None
    if parts is None or not all(isinstance(p, str) for p in parts):
        raise ValidationError('参数 group_by 应为字段名，如 "county"')
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) > MAX_GROUPS:
        raise ValidationError(f"参数 group_by 最多 {MAX_GROUPS} 个字段")
    columns: list[Column] = []
    for part in parts:
        if FORBIDDEN.search(part) or "(" in part:
            raise DataError(f"分组字段格式不正确：{part[:100]}")
        col = column(meta, part)
        if col.path not in [c.path for c in columns]:
            columns.append(col)
    return columns


def aggregation(meta: DocTypeMeta, selected: list[Selected], groups: list[Column], order_by) -> Aggregation:
    """The grouped query; plain columns must be grouped fields, as SQL's ONLY_FULL_GROUP_BY asks."""
    group_aliases = {col.path: f"lc_group_{i}" for i, col in enumerate(groups)}
    result = Aggregation(groups={alias: path for path, alias in group_aliases.items()}, aggregates={}, columns={})
    by_text: dict[str, str] = {}  # normalized expression or key: alias, for order_by
    for i, sel in enumerate(selected):
        if sel.is_aggregate:
            alias = f"lc_agg_{i}"
            result.aggregates[alias] = orm_aggregate(sel)
        else:
            alias = group_aliases.get(sel.path)
            if alias is None:
                hint = "请把它加入 group_by" if groups else "请用 group_by 指定分组字段"
                raise ValidationError(f"字段 {sel.text[:100]} 既不是分组字段也不是聚合函数，{hint}")
        result.columns[sel.key] = alias
        by_text.setdefault(normalized(sel.key), alias)
        by_text.setdefault(normalized(sel.text), alias)
    result.ordering = group_ordering(meta, order_by, by_text, group_aliases, bool(groups), result.aggregates)
    return result


def group_ordering(
    meta, order_by, by_text: dict[str, str], group_aliases: dict[str, str], grouped: bool, aggregates: dict
) -> list:
    """order_by over a grouped answer: its columns (alias or expression as written), grouped fields, or
    another field of the doctype taken per group (its latest value descending, its earliest ascending)."""
    if not grouped:
        parse_order_parts(order_by)  # a single row: nothing to order, but a malformed order_by is still refused
        return []
    ordering = []
    for text, descending in parse_order_parts(order_by) or [(None, False)]:
        if text is None:
            return [F(alias).asc() for alias in group_aliases.values()]
        alias = by_text.get(normalized(text))
        col = None
        if alias is None and "(" not in text:
            col = column(meta, text)
            alias = group_aliases.get(col.path)
        if alias is not None:
            ordering.append(F(alias).desc() if descending else F(alias).asc())
        elif col is not None and not col.docfield.custom:
            # A field that is not grouped (Frappe's lists send "`tabX`.modified desc" with a group_by, and
            # MariaDB orders by one row's value of each group): the groups by their latest value when
            # descending, their earliest when ascending, the same every time.
            alias = f"lc_order_{len(ordering)}"
            aggregates[alias] = Max(col.path) if descending else Min(col.path)  # computed, not returned
            ordering.append(F(alias).desc() if descending else F(alias).asc())
        else:
            raise ValidationError(f"分组查询只能按分组字段、所选的聚合列或单据的字段排序：{text[:100]}")
    return ordering


def child_row_ordering(meta: DocTypeMeta, selected: list[Selected]) -> list[str]:
    """Child rows in their table order after their parent, so that pages of joined rows are stable."""
    tables = []
    for sel in selected:
        if sel.path is not None and sel.argument is not None and sel.argument.child:
            table = table_of(meta, sel.argument).fieldname
            if table not in tables:
                tables.append(table)
    return [f"{table}__idx" for table in tables] + [f"{table}__id" for table in tables]


def select_fields(meta: DocTypeMeta, fields) -> list[Selected]:
    """Every column ``fields`` asks for (``name`` when none); the same key twice must be the same column."""
    if fields is None or fields == "" or fields == []:
        return [plain(meta, "name")]
    selected: dict[str, Selected] = {}
    for raw in field_list(fields):
        for sel in select(meta, raw):
            same = selected.get(sel.key)
            if same is not None and (same.path is None or same.path != sel.path):
                raise DataError(f"字段 {sel.text[:100]} 与已选的 {sel.key[:100]} 同名，请用 as 另起别名或只选其一")
            selected.setdefault(sel.key, sel)
    return list(selected.values())


def parse_fields(meta: DocTypeMeta, fields) -> dict[str, str]:
    """{key in each row: ORM path} of plain columns; a child table's field gives a row per child row."""
    selected = select_fields(meta, fields)
    if any(sel.is_aggregate for sel in selected):
        raise ValidationError("这里不能使用聚合函数")
    return {sel.key: sel.path for sel in selected}


def parse_order_by(meta: DocTypeMeta, order_by, selected: list[Selected] = ()) -> list:
    """Frappe's "modified desc, `tabTask`.`number` asc" as an ordering; the record id breaks ties.

    A column's alias (``county as c`` … ``order_by="c"``) may be named, as SQL allows; a child
    table's field only when that table's rows are among the columns (otherwise ordering by it
    would repeat each record once per child row).
    """
    parts = parse_order_parts(order_by)
    if not parts:
        return ["-modified", "-id"]
    aliases = {normalized(sel.key): sel.argument for sel in selected if sel.path is not None}
    joined = {table_of(meta, sel.argument).fieldname for sel in selected if sel.path and sel.argument.child}
    ordering = []
    for name, descending in parts:
        col = aliases.get(normalized(name))
        if col is None:
            if split_name(name) is None and table_dotted_parts(meta, name) is None:
                raise ValidationError(f"排序格式不正确：{name[:100]}（应为“字段名 asc”或“字段名 desc”）")
            col = column(meta, name)
        if col.child and table_of(meta, col).fieldname not in joined:
            raise DataError(f"不能按子表字段排序：{name[:100]}（请先在 fields 中选出该子表的字段）")
        if col.docfield.custom and col.docfield.fieldtype in NUMERIC_TYPES:
            # MariaDB orders JSON_EXTRACT as text ("100" before "50"): compare numbers as numbers.
            number = Cast(KT(col.path), FloatField())
            ordering.append(number.desc() if descending else number.asc())
            continue
        ordering.append(("-" if descending else "") + col.path)
    return ordering + ["-id"]


def aggregated_rows(queryset, agg: Aggregation, start: int, page_length: int) -> list[dict]:
    """The page of groups (or the single row of aggregates) over ``queryset``, keyed as the client named them."""
    if agg.groups:
        grouped = queryset.order_by().values(**{alias: F(path) for alias, path in agg.groups.items()})
        grouped = grouped.annotate(**agg.aggregates) if agg.aggregates else grouped.distinct()
        rows = list(grouped.order_by(*agg.ordering)[start : start + page_length])
    else:
        rows = [queryset.order_by().aggregate(**agg.aggregates)][start : start + page_length]
    return [{key: format_value(row[alias]) for key, alias in agg.columns.items()} for row in rows]


# ------------------------------------------------------------------ order_by text


def split_outside(text: str, separator: str = ",") -> list[str]:
    """ "a, `tabX Y`.`b` desc, sum(c)" → ["a", " `tabX Y`.`b` desc", " sum(c)"]: quotes and parentheses hold anything."""
    parts, current, quoted, depth = [], [], False, 0
    for ch in text:
        if ch == "`":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth = max(depth - 1, 0)
        if ch == separator and not quoted and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def order_part(part: str) -> tuple[str, bool] | None:
    """(field name or expression, descending) of "name desc"; None when it is not that shape."""
    text = part.strip()
    direction = "asc"
    pieces = text.rsplit(None, 1)
    if len(pieces) == 2 and pieces[1].lower() in ("asc", "desc"):
        text, direction = pieces[0].strip(), pieces[1].lower()
    if not text or len(text) > 300 or FORBIDDEN.search(text):
        return None
    return text, direction == "desc"


def parse_order_parts(order_by) -> list[tuple[str, bool]]:
    """[(text, descending)] of Frappe's "modified desc, `tabTask`.`number` asc"; [] when none is given."""
    if not order_by:
        return []
    if not isinstance(order_by, str):
        raise ValidationError('参数 order_by 应为字符串，如 "modified desc"')
    parts = []
    for part in split_outside(order_by):
        parsed = order_part(part)
        if parsed is None:
            raise ValidationError(f"排序格式不正确：{part.strip()[:100]}（应为“字段名 asc”或“字段名 desc”）")
        parts.append(parsed)
    return parts
