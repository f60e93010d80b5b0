"""List export and the import template: records as the sheet an import reads back.

An export has the template's layout (编号 first, labels as headers, child
rows as continuation rows), so export → edit → import updates the records it
came from, and an unedited export imports as 未变化 throughout. Only records
the user may read are exported (the user's scope applies to any queryset).
"""

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from apps.lowcode.data_import import workbook
from apps.lowcode.data_import.cells import cell_value, record_value
from apps.lowcode.data_import.columns import Column, chosen_columns, default_columns
from apps.lowcode.data_import.importer import importable_meta
from apps.lowcode.doctype.meta import DocTypeMeta, get_meta
from apps.lowcode.doctype.serialize import link_fields
from apps.lowcode.document.query import apply_filters, filter_condition, parse_order_by
from apps.lowcode.document.service import ensure_readable, visible
from apps.lowcode.exceptions import DoesNotExistError, ValidationError
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.workflow import engine
from apps.lowcode.xlsx.styles import XLSX_CONTENT_TYPE

MAX_EXPORT_RECORDS = 20000


def xlsx_response(data: bytes, file_name: str) -> HttpResponse:
    """A workbook as a download: the admin's export and the API's export_query answer alike."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


def readable_meta(user, doctype) -> DocTypeMeta:
    try:
        meta = get_meta(str(doctype))
    except KeyError:
        raise DoesNotExistError(f"单据类型 {doctype} 不存在") from None
    ensure_readable(user, meta)
    return meta


def export_columns(meta: DocTypeMeta, fields=None) -> list[Column]:
    if fields:
        return chosen_columns(meta, fields)
    # The state is shown (and checked, never set, on re-import) where the doctype has a workflow.
    return default_columns(meta, with_state=engine.get_workflow(meta.doctype) is not None)


def template(user, doctype, fields=None) -> bytes:
    """The empty import sheet of a doctype (下载导入模板), for users who may import into it."""
    meta = importable_meta(user, doctype)
    columns = chosen_columns(meta, fields) if fields else default_columns(meta)
    return workbook.build(user, meta, columns, [], f"{meta.label}导入模板")


def export_queryset(user, doctype, queryset_or_filters=None, fields=None, or_filters=None, order_by=None) -> bytes:
    """The records of ``doctype`` the user may read, as an xlsx in the import layout.

    ``queryset_or_filters``: a queryset of the doctype (the admin's filtered
    list), or Frappe filters (list, dict or JSON); None for every visible record.
    """
    meta = readable_meta(user, doctype)
    queryset = records(user, meta, queryset_or_filters, or_filters, order_by)
    count = queryset.count()
    if count > MAX_EXPORT_RECORDS:
        raise ValidationError(f"共 {count} 条记录，超过一次最多导出的 {MAX_EXPORT_RECORDS} 条，请先筛选")
    columns = export_columns(meta, fields)
    rows = [row for obj in with_related(meta, queryset, columns) for row in record_rows(obj, columns)]
    return workbook.build(user, meta, columns, rows, f"{meta.label}导出")


def records(user, meta: DocTypeMeta, queryset_or_filters, or_filters=None, order_by=None) -> QuerySet:
    if isinstance(queryset_or_filters, QuerySet):
        if queryset_or_filters.model is not meta.model:
            raise ValidationError(f"要导出的记录不是“{meta.label}”")
        queryset = scope_queryset(user, meta.model, queryset_or_filters)
    else:
        condition = filter_condition(meta, {"filters": queryset_or_filters, "or_filters": or_filters})
        queryset = apply_filters(visible(user, meta), condition)
    if order_by:
        queryset = queryset.order_by(*parse_order_by(meta, order_by))
    return queryset


def with_related(meta: DocTypeMeta, queryset: QuerySet, columns: list[Column]):
    """The records with their links and child rows fetched in a few queries, not a few per record."""
    # The list's own prefetches (an admin's, for its columns) would clash with these.
    queryset = queryset.select_related(*link_fields(meta)).prefetch_related(None)
    for table in {c.table.fieldname: c.table for c in columns if c.table is not None}.values():
        child_meta = get_meta(table.doctype)
        rows = child_meta.model._default_manager.select_related(*link_fields(child_meta)).order_by("idx", "id")
        queryset = queryset.prefetch_related(Prefetch(table.fieldname, queryset=rows))
    return queryset.iterator(chunk_size=500)


def record_rows(obj, columns: list[Column]) -> list[list]:
    """A record as sheet rows: its fields on the first, its child rows one per row below."""
    tables = {c.table.fieldname: list(getattr(obj, c.table.fieldname).all()) for c in columns if c.table is not None}
    height = max([1, *(len(rows) for rows in tables.values())])
    result = []
    for index in range(height):
        row = []
        for column in columns:
            if column.table is None:
                source = obj if index == 0 else None
            else:
                child_rows = tables[column.table.fieldname]
                source = child_rows[index] if index < len(child_rows) else None
            row.append(None if source is None else cell_value(column.docfield, record_value(source, column.docfield)))
        result.append(row)
    return result


def file_name(meta: DocTypeMeta, template_only: bool = False) -> str:
    if template_only:
        return f"{meta.label}导入模板.xlsx"
    return f"{meta.label}-{timezone.localdate().strftime('%Y%m%d')}.xlsx"
