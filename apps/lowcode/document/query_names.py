"""Field names as Frappe clients write them, resolved against the doctype's metadata.

A list query may name a field plainly (``county``), table-qualified as SQL
would (`` `tabProject`.`county` ``, ``tabProject.county``), a child table's
field by its doctype (`` `tabTask Unit`.`unit` ``) or by the table field
(``units.unit``, Frappe's ``child_table.fieldname``). Every form resolves to
a :class:`Column` of the metadata with its ORM lookup path, or a DataError
naming the bad part: client text never reaches SQL.
"""

import re
from dataclasses import dataclass

from apps.lowcode.doctype.meta import DocField, DocTypeMeta, get_meta
from apps.lowcode.exceptions import DataError, ValidationError


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
# units.unit: a child table's field through the parent's table field (Frappe's child_table.fieldname).
TABLE_DOTTED = re.compile(r"^`?(?P<table>[A-Za-z_]\w*)`?\.(?:`(?P<qf>[^`]+)`|(?P<f>[^`.\s]+))$")
MAX_NAME_LENGTH = 300  # no doctype and field name is that long

# A child row's place, as Frappe keeps it in columns: its parent's name, the parent doctype and the table field.
# ``parent`` is the child's foreign key; the other two are the same for every row of a child doctype (each has
# one parent table), so the child-row queryset carries them as constant annotations of these names.
PARENT_FIELDS = {"parent": "上级单据", "parenttype": "上级单据类型", "parentfield": "上级单据的子表字段"}
PARENT_ANNOTATIONS = {"parenttype": "lc_parenttype", "parentfield": "lc_parentfield"}


def split_name(name: str) -> tuple[str | None, str] | None:
    """(doctype or None, fieldname) of a field name as Frappe writes it; None when it is no field name."""
    text = name.strip()
    if len(text) > MAX_NAME_LENGTH:
        return None
    if match := QUALIFIED.match(text):
        return (match["qt"] or match["t"]).strip(), (match["qf"] or match["f"]).strip()
    if match := PLAIN.match(text):
        return None, (match["qf"] or match["f"]).strip()
    return None


def table_dotted_parts(meta: DocTypeMeta, name: str) -> tuple[str, str] | None:
    """(table fieldname, child fieldname) of "units.unit" when ``units`` is one of the doctype's tables."""
    text = name.strip()
    if len(text) > MAX_NAME_LENGTH:
        return None
    match = TABLE_DOTTED.match(text)
    if match is None or match["table"] not in meta.tables:
        return None
    return match["table"], (match["qf"] or match["f"]).strip()


def column(meta: DocTypeMeta, name: str, child_doctype: str | None = None) -> Column:
    """The field ``name`` (plain, table-qualified or table.field) of the doctype or of one of its child tables."""
    if not isinstance(name, str):
        raise ValidationError("字段名应为文本")
    if (dotted := table_dotted_parts(meta, name)) is not None:
        table = meta.tables[dotted[0]]
        if child_doctype and child_doctype != table.doctype:
            raise DataError(f"筛选条件的单据类型 {child_doctype} 与字段 {name[:100]} 不一致")
        return child_column(meta, table.doctype, dotted[1])
    parts = split_name(name)
    if parts is None:
        raise DataError(f"字段 {name.strip()[:100]} 不存在于 {meta.doctype}")
    doctype, fieldname = parts
    if doctype and child_doctype and doctype != child_doctype:
        raise DataError(f"筛选条件的单据类型 {child_doctype} 与字段 {name[:100]} 不一致")
    doctype = doctype or child_doctype or meta.doctype
    if doctype == meta.doctype:
        return Column(meta, docfield_of(meta, fieldname), own_path(meta, fieldname))
    return child_column(meta, doctype, fieldname)


def child_column(meta: DocTypeMeta, child_doctype: str, fieldname: str) -> Column:
    table = next((t for t in meta.tables.values() if t.doctype == child_doctype), None)
    if table is None:
        raise DataError(f"{child_doctype[:100]} 不是 {meta.doctype} 的子表")
    child_meta = get_meta(table.doctype)
    if fieldname in PARENT_ANNOTATIONS and fieldname not in child_meta.fields:
        raise DataError(f"字段 {fieldname} 只能在查询子表 {child_doctype[:100]} 本身时使用（带参数 parent）")
    docfield = docfield_of(child_meta, fieldname)
    return Column(child_meta, docfield, f"{table.fieldname}__{own_path(child_meta, fieldname)}", child=True)


def table_of(meta: DocTypeMeta, col: Column):
    """The parent's table field through which a child column is reached."""
    return next(t for t in meta.tables.values() if t.doctype == col.meta.doctype)


def table_dotted(meta: DocTypeMeta, name):
    """A table-qualified name as "field" or "table_field.field" (the import/export notation); others unchanged."""
    if not isinstance(name, str) or not QUALIFIED.match(name.strip()):
        return name
    col = column(meta, name)
    if not col.child:
        return col.fieldname
    return f"{table_of(meta, col).fieldname}.{col.fieldname}"


def docfield_of(meta: DocTypeMeta, fieldname: str) -> DocField:
    docfield = meta.fields.get(fieldname)
    if docfield is None and meta.istable and meta.parent_fk and fieldname in PARENT_FIELDS:
        return DocField(fieldname=fieldname, fieldtype="Data", label=PARENT_FIELDS[fieldname], read_only=True)
    if docfield is None:
        raise DataError(f"字段 {fieldname[:100]} 不存在于 {meta.doctype}")
    return docfield


def own_path(meta: DocTypeMeta, fieldname: str) -> str:
    """The ORM lookup path of the doctype's own field; links compare by the linked record's name."""
    if fieldname not in meta.fields and meta.istable and meta.parent_fk and fieldname in PARENT_FIELDS:
        return PARENT_ANNOTATIONS.get(fieldname) or f"{meta.parent_fk}__name"
    docfield = docfield_of(meta, fieldname)
    if docfield.custom:
        return f"custom_values__{fieldname}"
    if docfield.is_link:
        return f"{fieldname}__username" if docfield.options == "User" else f"{fieldname}__name"
    return fieldname


def orm_path(meta: DocTypeMeta, fieldname: str, child_doctype: str | None = None) -> str:
    """The ORM lookup path of a field name as a client writes it (see :func:`column`)."""
    return column(meta, fieldname, child_doctype).path
