"""Frappe's link search (``frappe.desk.search``): what a Link field's dropdown asks.

frappe-ui's ``Link`` component and frappe-react-sdk's ``useSearch`` call
``search_link`` (``doctype``, ``txt``, ``filters``, ``page_length``); Desk's search
box calls ``search_widget``. As in Frappe v15, ``txt`` is matched (contains) against
the name, the doctype's title field and its search fields; ``filters`` narrow the
rows; a doctype with an ``enabled`` / ``disabled`` check shows only enabled records;
rows whose name holds ``txt`` earliest come first, then the newest. The rows are the
user's readable records, through the same scope as every list: a search never shows
what ``get_list`` would not.
"""

from django.db.models import F, Q, Value
from django.db.models.functions import StrIndex

from apps.lowcode.api import doctype_docs
from apps.lowcode.api.params import bool_param
from apps.lowcode.doctype.serialize import format_value
from apps.lowcode.document.query import apply_filters, filter_condition, parse_int
from apps.lowcode.document.service import meta_for, readable_rows
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.whitelist import whitelist

MAX_SEARCH_PAGE = 100
TEXT_TYPES = ("Data", "Text", "Link", "Select")  # the field types Frappe matches ``txt`` against


def _title_field(meta) -> str:
    """The doctype's title field (a model's ``title_field``), when it is a real field of the doctype."""
    name = meta.model.title_field
    docfield = meta.fields.get(name)
    return name if docfield is not None and not docfield.custom else ""


def _search_fields(meta) -> list[str]:
    """Frappe's get_std_fields_list: name, the search fields, the title field (each once, real fields only)."""
    names = ["name"]
    for name in [*meta.model.search_fields, _title_field(meta)]:
        docfield = meta.fields.get(name)
        if docfield is not None and not docfield.custom and name not in names:
            names.append(name)
    return names


def _paths(meta, fields: list[str]) -> list[str]:
    """Database paths of the fields (a link is read as the linked record's name)."""
    return [f"{name}__name" if meta.fields.get(name) and meta.fields[name].is_link else name for name in fields]


def search(user, doctype, txt, filters, start, page_length, as_dict=False) -> tuple[list[str], list]:
    """(field names, rows) of Frappe's search_widget for ``user``."""
    query_text = (txt if isinstance(txt, str) else ("" if txt is None else str(txt))).strip()
    meta = meta_for(doctype)
    fields = _search_fields(meta)
    paths = _paths(meta, fields)
    queryset = apply_filters(readable_rows(user, meta), filter_condition(meta, {"filters": filters}))
    for flag, wanted in (("enabled", True), ("disabled", False)):
        docfield = meta.fields.get(flag)
        if docfield is not None and docfield.fieldtype == "Check" and not docfield.custom:
            queryset = queryset.filter(**{flag: wanted})
    if query_text:
        matches = Q(name__icontains=query_text)
        for name, path in zip(fields[1:], paths[1:], strict=True):
            if meta.fields[name].fieldtype in TEXT_TYPES:
                matches |= Q(**{f"{path}__icontains": query_text})
        queryset = queryset.filter(matches)
    start = parse_int(start, "start", 0)
    page_length = parse_int(page_length, "page_length", 10) or MAX_SEARCH_PAGE
    if page_length > MAX_SEARCH_PAGE:
        raise ValidationError(f"每次最多搜索 {MAX_SEARCH_PAGE} 条")
    # Frappe's _relevance: where txt stands in the name (0 when only another field matched), then newest first.
    queryset = queryset.annotate(_relevance=StrIndex(F("name"), Value(query_text))).order_by(
        "_relevance", "-modified", "-pk"
    )
    rows = queryset.values_list(*paths)[start : start + page_length]
    rows = [[format_value(value) for value in row] for row in rows]
    if as_dict:
        return fields, [dict(zip(fields, row, strict=True)) for row in rows]
    return fields, rows


@whitelist("frappe.desk.search.search_widget")
def search_widget(
    request, doctype, txt="", query=None, searchfield=None, start=0, page_length=10, filters=None, as_dict=False, **_
):
    """搜索单据（按编号、标题及搜索字段匹配 txt），返回编号及各搜索字段的值"""
    if query:
        raise ValidationError("不支持自定义搜索查询（query）")
    _, rows = search(request.user, doctype, txt, filters, start, page_length, bool_param(as_dict, "as_dict"))
    return rows


@whitelist("frappe.desk.search.search_link")
def search_link(request, doctype, txt="", query=None, filters=None, page_length=10, searchfield=None, **_):
    """链接字段的下拉搜索：[{value: 编号, description: 其他搜索字段}]，有标题字段时另带 label（标题）；
    doctype 为 DocType 时列出单据类型"""
    if query:
        raise ValidationError("不支持自定义搜索查询（query）")
    if doctype == doctype_docs.DOCTYPE:
        return doctype_docs.search_doctypes(txt, filters, page_length)
    meta = meta_for(doctype)
    fields, rows = search(request.user, doctype, txt, filters, 0, page_length)
    title = _title_field(meta)
    results = []
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        if title:  # Frappe's show_title_field_in_link: the title is the label, the name joins the description
            label = values.pop(title)
            shown = list(values.values())
        else:
            shown = [value for key, value in values.items() if key != "name"]
        parts = []
        for value in shown:
            text = "" if value is None else str(value)
            if text and text not in parts:
                parts.append(text)
        result = {"value": row[0], "description": ", ".join(parts)}
        if title:
            result["label"] = label
        results.append(result)
    return results
