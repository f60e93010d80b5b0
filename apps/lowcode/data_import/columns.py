"""The columns of a doctype's sheet, and which field a header cell names.

A sheet's columns are the record's ``name`` (编号), its editable fields in form
order, then one column per editable field of each child table, headed
"<table label>.<child field label>". A header cell is matched by label or by
fieldname, ignoring whitespace, full-width forms and a trailing required mark,
so "牵头及责任单位 . 单位", "units.unit" and "牵头及责任单位。单位" are one column.
"""

from dataclasses import dataclass

from apps.lowcode.doctype.meta import ChildTable, DocField, DocTypeMeta, get_meta
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.xlsx.reader import normalized

SEPARATOR = "."
# Ways people write the separator between a table and its field.
SEPARATOR_VARIANTS = ("。", "·", "・", "•", "/", "／")
REQUIRED_MARKS = "*＊"


@dataclass(frozen=True)
class Column:
    key: str  # "plan", or "units.unit" for a child-table field
    label: str  # the header text
    docfield: DocField
    table: ChildTable | None = None

    @property
    def fieldname(self) -> str:
        return self.docfield.fieldname

    @property
    def is_name(self) -> bool:
        """The record's name, or a child row's (which matches the row to update)."""
        return self.fieldname == "name"

    @property
    def is_state(self) -> bool:
        return self.table is None and self.fieldname == "workflow_state"

    @property
    def imported(self) -> bool:
        """Read on import: editable fields; the name finds the record, the state is checked, not set."""
        return self.is_name or self.is_state or not self.docfield.read_only


def header_key(text) -> str:
    """A header as compared: NFKC, no whitespace, lower case, one separator, no required mark."""
    text = normalized(text or "").lower().rstrip(REQUIRED_MARKS)
    for variant in SEPARATOR_VARIANTS:
        text = text.replace(variant, SEPARATOR)
    return text


def form_fields(meta: DocTypeMeta) -> list[DocField]:
    """The fields in the order the form shows them: custom fields after the field they follow."""
    fields = [f for f in meta.fields.values() if not (f.custom and f.insert_after in meta.fields)]
    for docfield in meta.fields.values():
        if docfield.custom and docfield.insert_after in meta.fields:
            anchor = next(i for i, f in enumerate(fields) if f.fieldname == docfield.insert_after)
            fields.insert(anchor + 1, docfield)
    return fields


def _editable(docfield: DocField) -> bool:
    return not docfield.read_only and not docfield.hidden


def _labels(docfields: list[DocField]) -> dict[str, str]:
    """Header text per fieldname: the label, with the fieldname added where two fields share a label."""
    seen: dict[str, int] = {}
    for docfield in docfields:
        seen[header_key(docfield.label)] = seen.get(header_key(docfield.label), 0) + 1
    return {
        f.fieldname: f.label if seen[header_key(f.label)] == 1 else f"{f.label}（{f.fieldname}）" for f in docfields
    }


def parent_column(meta: DocTypeMeta, fieldname: str) -> Column:
    labels = _labels(list(meta.fields.values()))
    return Column(fieldname, labels[fieldname], meta.fields[fieldname])


def child_column(meta: DocTypeMeta, table: ChildTable, fieldname: str) -> Column:
    child = get_meta(table.doctype)
    labels = _labels(list(child.fields.values()))
    return Column(
        f"{table.fieldname}{SEPARATOR}{fieldname}",
        f"{table.label}{SEPARATOR}{labels[fieldname]}",
        child.fields[fieldname],
        table,
    )


def table_columns(meta: DocTypeMeta, table: ChildTable) -> list[Column]:
    child = get_meta(table.doctype)
    return [child_column(meta, table, f.fieldname) for f in form_fields(child) if _editable(f)]


def default_columns(meta: DocTypeMeta, with_state: bool = False) -> list[Column]:
    """The template's columns (and an export's): 编号, the editable fields, then the child tables."""
    columns = [parent_column(meta, "name")]
    if with_state and "workflow_state" in meta.fields:
        columns.append(parent_column(meta, "workflow_state"))
    columns += [parent_column(meta, f.fieldname) for f in form_fields(meta) if f.fieldname != "name" and _editable(f)]
    for table in meta.tables.values():
        columns += table_columns(meta, table)
    return columns


def chosen_columns(meta: DocTypeMeta, fields: list[str]) -> list[Column]:
    """Columns a caller names: fieldnames, "table.field", or a table's fieldname for all its columns.

    ``name`` always comes first: without it an exported sheet could not update what it came from.
    """
    if not isinstance(fields, list | tuple) or not all(isinstance(f, str) for f in fields):
        raise ValidationError("参数 fields 应为字段名列表")
    columns = [parent_column(meta, "name")]
    for raw in fields:
        fieldname = raw.strip().strip("`")
        table_name, _, child_name = fieldname.partition(SEPARATOR)
        if fieldname == "name":
            continue
        if fieldname in meta.fields:
            found = [parent_column(meta, fieldname)]
        elif table_name in meta.tables and not child_name:
            found = table_columns(meta, meta.tables[table_name])
        elif table_name in meta.tables and child_name in get_meta(meta.tables[table_name].doctype).fields:
            found = [child_column(meta, meta.tables[table_name], child_name)]
        else:
            raise ValidationError(f"“{meta.label}”没有字段 {raw}")
        columns += [c for c in found if c.key not in {existing.key for existing in columns}]
    return columns


class HeaderIndex:
    """Every way a header may name a column of the doctype, for matching a sheet's header row."""

    def __init__(self, meta: DocTypeMeta):
        self.meta = meta
        self._columns: dict[str, Column | None] = {}  # None: the text names several columns
        parent_labels = _labels(list(meta.fields.values()))
        for docfield in meta.fields.values():
            column = Column(docfield.fieldname, parent_labels[docfield.fieldname], docfield)
            self._add(column, self._names(docfield, parent_labels))
        for table in meta.tables.values():
            child = get_meta(table.doctype)
            child_labels = _labels(list(child.fields.values()))
            for docfield in child.fields.values():
                column = child_column(meta, table, docfield.fieldname)
                for table_name in {table.label, table.fieldname}:
                    self._add(column, [f"{table_name}{SEPARATOR}{n}" for n in self._names(docfield, child_labels)])

    @staticmethod
    def _names(docfield: DocField, labels: dict[str, str]) -> set[str]:
        return {
            docfield.label,
            docfield.fieldname,
            labels[docfield.fieldname],
            f"{docfield.label}（{docfield.fieldname}）",
        }

    def _add(self, column: Column, names) -> None:
        for name in {header_key(n) for n in names}:
            if name in self._columns and self._columns[name] is not None and self._columns[name].key != column.key:
                self._columns[name] = None
            else:
                self._columns.setdefault(name, column)

    def match(self, text) -> Column | None:
        """The column a header names; None for an unknown header; ValidationError when it is ambiguous."""
        key = header_key(text)
        if key not in self._columns:
            return None
        column = self._columns[key]
        if column is None:
            raise ValidationError(f"列名“{text}”对应“{self.meta.label}”的多个字段，请写成“标签（字段名）”的形式")
        return column
