"""Frappe v16's REST API v2 (``/api/v2/...``): v1's services in v2's URLs and envelope.

Routes as Frappe's ``frappe/api/v2.py``: ``document/<DocType>`` (list, create),
``document/<DocType>/<name>`` (read, PATCH/PUT update, DELETE), ``document/<DocType>/<name>/copy``,
``document/<DocType>/<name>/method/<method>`` (a method the doctype declares, as run_doc_method),
``method/<name>``, ``method/run_doc_method`` and ``method/<DocType>/<method>``, ``doctype/<DocType>/meta`` and ``/count``. Answers are
``{"data": ...}`` (a list adds ``has_next_page``); errors ``{"errors": [{"type", "message"}]}``
(apps.lowcode.api.errors.answer picks the envelope by path). Nothing here decides anything:
permissions, scope and validation are the document service's, methods go through
:func:`apps.lowcode.api.views.run_method` like every other door.
"""

import dataclasses

from django.http.response import HttpResponseBase
from django.urls import re_path
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from apps.lowcode.api.params import dict_param, text_param
from apps.lowcode.api.views import (
    FrappeView,
    document_data,
    form_dict,
    not_found,
    run_method,
    without_trailing_slash,
)
from apps.lowcode.doctype.meta_doc import doctype_dict
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document import docstatus
from apps.lowcode.document.batch import client_doc
from apps.lowcode.document.doc_methods import run_doc_method
from apps.lowcode.document.query import filter_condition, parse_list_query
from apps.lowcode.document.service import (
    count_documents,
    delete_document,
    get_document,
    list_documents,
    meta_for,
    save_document,
)
from apps.lowcode.exceptions import DoesNotExistError, ValidationError
from apps.lowcode.whitelist import FullResponse, ReturnWithMessages, registry


def envelope(result, status: int = 200, **extra):
    """v2's answer: ``{"data": result}``; a download or a whole-body result (login) as it is."""
    if isinstance(result, HttpResponseBase):
        return result
    if isinstance(result, ReturnWithMessages):
        extras = {key: value for key, value in result.items() if key != "message"}
        return Response({"data": result["message"], **extras, **extra}, status=status)
    if isinstance(result, FullResponse):
        return Response(result, status=status)
    return Response({"data": result, **extra}, status=status)


def as_dict_wanted(params) -> bool:
    return str(params.get("as_dict", "1")).lower() not in ("0", "false")


class DocumentListView(FrappeView):
    permission_classes = [IsAuthenticated]

    def get(self, request, doctype):
        """Query parameters: fields, filters, or_filters, order_by, start, limit (20), group_by, as_dict."""
        meta = meta_for(doctype)
        query = parse_list_query(meta, request.query_params)
        # One row more than asked tells whether another page follows, as Frappe does.
        rows = list_documents(request.user, meta, dataclasses.replace(query, page_length=query.page_length + 1))
        has_next_page = len(rows) > query.page_length
        rows = rows[: query.page_length]
        if not as_dict_wanted(request.query_params):
            rows = [[row[field] for field in query.fields] for row in rows]
        return envelope(rows, has_next_page=has_next_page)

    def post(self, request, doctype):
        meta = meta_for(doctype)
        return envelope(doc_to_dict(save_document(request.user, meta, document_data(request))))


class DocumentView(FrappeView):
    permission_classes = [IsAuthenticated]

    def dispatch(self, request, *args, **kwargs):
        kwargs["name"] = without_trailing_slash(kwargs["name"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, doctype, name):
        return envelope(doc_to_dict(get_document(request.user, meta_for(doctype), name)))

    def patch(self, request, doctype, name):
        meta = meta_for(doctype)
        return envelope(doc_to_dict(save_document(request.user, meta, document_data(request), name=name)))

    put = patch

    def delete(self, request, doctype, name):
        delete_document(request.user, meta_for(doctype), name)
        return envelope("ok", status=202)


# Frappe's frappe.copy_doc clears these on the copy and on each of its rows: the copy is a new, unsaved draft.
COPY_CLEARS = ("name", "owner", "creation", "modified", "modified_by", "docstatus")


class DocumentCopyView(FrappeView):
    """Frappe's ``copy_doc``: the document as a new one to edit and POST, read under the reader's rights.

    Frappe copies with ``ignore_no_copy`` and answers ``as_dict(no_nulls=True)``: every field kept but
    the bookkeeping above (and ``amended_from``), rows keeping ``idx`` and their parent keys, nulls left out.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, doctype, name):
        meta = meta_for(doctype)
        data = doc_to_dict(get_document(request.user, meta, without_trailing_slash(name)), meta)
        return envelope(copied(data, meta))


def copied(data: dict, meta) -> dict:
    tables = {table.fieldname for table in meta.tables.values()}
    out = {}
    for key, value in data.items():
        if key in COPY_CLEARS or key in ("amended_from", "amendment_date") or value is None:
            continue
        if key in tables and isinstance(value, list):
            value = [{k: v for k, v in row.items() if k not in COPY_CLEARS and v is not None} for row in value]
        out[key] = value
    return out


class DocumentMethodView(FrappeView):
    """Frappe's ``execute_doc_method``: the request's parameters are the method's arguments."""

    permission_classes = [IsAuthenticated]

    def handle(self, request, doctype, name, method):
        meta = meta_for(doctype)
        doc, result = run_doc_method(request.user, meta, name, method, form_dict(request), http_method=request.method)
        return envelope(result, docs=[doc_to_dict(get_document(request.user, meta, doc.name), meta)])

    get = post = handle


class RunDocMethodView(FrappeView):
    """Frappe v2's ``method/run_doc_method``: ``method``, the ``document`` (its doctype, name and the
    modified the client saw) and the method's ``kwargs``; answers ``{"data": result, "docs": [doc]}``."""

    permission_classes = [IsAuthenticated]

    def handle(self, request):
        params = form_dict(request)
        method = params.get("method")
        if not isinstance(method, str) or not method:
            raise ValidationError("缺少参数 method（要调用的单据方法）")
        document = client_doc(dict_param(params.get("document"), "document"))
        kwargs = params.get("kwargs")
        kwargs = dict_param(kwargs, "kwargs") if kwargs not in (None, "") else {}
        meta = meta_for(document.get("doctype"))
        name = text_param(document.get("name"), "document.name")
        doc, result = run_doc_method(
            request.user, meta, name, method, kwargs, document.get("modified"), http_method=request.method
        )
        return envelope(result, docs=[doc_to_dict(get_document(request.user, meta, doc.name), meta)])

    get = post = handle


class MethodView(FrappeView):
    permission_classes = [AllowAny]  # each method says whether guests may call it

    def called_method(self, request, method_name=None, doctype=None, **kwargs):
        return None if doctype else method_name

    def handle(self, request, method_name, doctype=None):
        name = doctype_method(doctype, method_name) if doctype else method_name
        return envelope(run_method(request, name))

    get = post = put = patch = delete = handle


def doctype_method(doctype: str, method: str) -> str:
    """``method/<DocType>/<method>``: the whitelisted method in the doctype's module.

    Frappe expands it to ``<app>.<module>.doctype.<doctype>.<doctype>.<method>``; our
    registry keeps Frappe's dotted names, so the one name ending that way is the method.
    """
    scrubbed = doctype.strip().lower().replace(" ", "_").replace("-", "_")
    suffix = f".doctype.{scrubbed}.{scrubbed}.{method}"
    matches = [name for name in registry if name.endswith(suffix)]
    if len(matches) != 1:
        raise DoesNotExistError(f"单据类型 {doctype} 没有接口方法 {method}")
    return matches[0]


class MetaView(FrappeView):
    permission_classes = [IsAuthenticated]  # Frappe: any logged-in user (only_for("All"))

    def get(self, request, doctype):
        meta = meta_for(doctype)
        return envelope(doctype_dict(meta, docstatus.is_submittable(meta)))


class CountView(FrappeView):
    permission_classes = [IsAuthenticated]

    def get(self, request, doctype):
        meta = meta_for(doctype)
        params = form_dict(request)
        return envelope(
            count_documents(request.user, meta, filter_condition(meta, params), parent=params.get("parent"))
        )


urlpatterns = [
    re_path(r"^document/(?P<doctype>[^/]+)/?$", DocumentListView.as_view()),
    re_path(
        r"^document/(?P<doctype>[^/]+)/(?P<name>[\s\S]+?)/method/(?P<method>[^/]+)/?$", DocumentMethodView.as_view()
    ),
    re_path(r"^document/(?P<doctype>[^/]+)/(?P<name>[\s\S]+?)/copy/?$", DocumentCopyView.as_view()),
    re_path(r"^document/(?P<doctype>[^/]+)/(?P<name>[\s\S]+)$", DocumentView.as_view()),
    re_path(r"^method/run_doc_method/?$", RunDocMethodView.as_view()),
    re_path(r"^method/(?P<method_name>[^/]+)/?$", MethodView.as_view()),
    re_path(r"^method/(?P<doctype>[^/]+)/(?P<method_name>[^/]+)/?$", MethodView.as_view()),
    re_path(r"^doctype/(?P<doctype>[^/]+)/meta/?$", MetaView.as_view()),
    re_path(r"^doctype/(?P<doctype>[^/]+)/count/?$", CountView.as_view()),
    re_path(r"^[\s\S]*$", not_found),
]
