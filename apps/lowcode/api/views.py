"""HTTP endpoints of the Frappe-style API: /api/resource, /api/method and the legacy ``cmd=`` door.

Every door to a method (``/api/method/<name>``, ``/api/v2/method/<name>``, a POST to the site
root with ``cmd=<name>``) goes through :func:`run_method`; only the envelope differs.
"""

from django.http import QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.lowcode import strict_json
from apps.lowcode.api import (
    builtin_methods,  # noqa: F401  (registers the built-in methods)
    client_methods,  # noqa: F401  (frappe.client.*)
    desk_form,  # noqa: F401  (savedocs, cancel, get_docinfo, get_next, delete_items…)
    desk_methods,  # noqa: F401  (getdoc, getdoctype, run_doc_method)
    desk_search,  # noqa: F401  (frappe.desk.search: link search)
    doctype_docs,
    user_docs,
)
from apps.lowcode.api import data_import as _data_import_methods  # noqa: F401
from apps.lowcode.api import jobs as _job_methods  # noqa: F401
from apps.lowcode.api import notification as _notification_methods  # noqa: F401
from apps.lowcode.api import print_format as _print_methods  # noqa: F401
from apps.lowcode.api import workflow as _workflow_methods  # noqa: F401
from apps.lowcode.api.auth import CSRF_EXEMPT_METHODS
from apps.lowcode.api.errors import answer, login_required
from apps.lowcode.api.openapi import openapi_document
from apps.lowcode.api.params import bool_param, list_param
from apps.lowcode.api.parsers import StrictJSONParser
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.doc_methods import run_doc_method
from apps.lowcode.document.expand import expand_document, expand_rows
from apps.lowcode.document.query import parse_list_query
from apps.lowcode.document.service import (
    delete_document,
    get_document,
    list_documents,
    meta_for,
    save_document,
)
from apps.lowcode.exceptions import (
    DoesNotExistError,
    MethodNotAllowedError,
    ValidationError,
)
from apps.lowcode.whitelist import FullResponse, call, get_method


class FrappeView(APIView):
    """The API's views: JSON bodies are read strictly (see strict_json), forms and uploads as usual."""

    parser_classes = [StrictJSONParser, FormParser, MultiPartParser]

    def called_method(self, request, **kwargs) -> str | None:
        """The whitelisted method this request calls, if any (a method view names it)."""
        return None

    def initial(self, request, *args, **kwargs):
        # Before authentication reads the session: login is exempt from the CSRF rule, as in Frappe.
        request._request.frappe_csrf_exempt = self.called_method(request, **kwargs) in CSRF_EXEMPT_METHODS
        super().initial(request, *args, **kwargs)


def form_dict(request) -> dict:
    """Query string and body merged, as Frappe's frappe.form_dict."""
    params = request.query_params.dict()
    data = request.data
    if isinstance(data, QueryDict):
        params.update(data.dict())
    elif isinstance(data, dict):
        params.update(data)
    elif data not in (None, ""):
        raise ValidationError("请求内容应为 JSON 对象")
    return params


def document_data(request) -> dict:
    """The document a client sends: the body itself, or a JSON string in its ``data`` field."""
    data = request.data
    if isinstance(data, QueryDict):
        data = data.dict()
    if isinstance(data, dict) and isinstance(data.get("data"), str):
        data = strict_json.loads(data["data"], "参数 data ")
    elif isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = data["data"]
    if not isinstance(data, dict):
        raise ValidationError("单据数据应为 JSON 对象")
    return data


class ResourceListView(FrappeView):
    permission_classes = [IsAuthenticated]

    def get(self, request, doctype):
        if doctype == doctype_docs.DOCTYPE:
            return Response({"data": doctype_docs.list_doctype_docs(request.user, request.query_params)})
        if doctype == user_docs.DOCTYPE:
            return Response({"data": user_docs.list_user_docs(request.user, request.query_params)})
        meta = meta_for(doctype)
        query = parse_list_query(meta, request.query_params)
        rows = list_documents(request.user, meta, query)
        if request.query_params.get("expand") not in (None, "") and query.pluck is None:
            expand = list_param(request.query_params["expand"], "expand")
            expand_rows(request.user, meta, rows, [f for f in expand if f in query.fields])
        if query.pluck is None and request.query_params.get("as_dict", "1").lower() in ("0", "false"):
            rows = [[row[field] for field in query.fields] for row in rows]  # Frappe's as_dict=False
        return Response({"data": rows})

    def post(self, request, doctype):
        if doctype == doctype_docs.DOCTYPE:
            doctype_docs.refuse_write()
        if doctype == user_docs.DOCTYPE:
            user_docs.refuse_write()
        meta = meta_for(doctype)
        obj = save_document(request.user, meta, document_data(request))
        return Response({"data": doc_to_dict(obj)})


def without_trailing_slash(name: str) -> str:
    """``/api/resource/Task/2023-T01/`` names 2023-T01: Frappe's routes do not insist on slashes."""
    return name[:-1] if name.endswith("/") else name


class ResourceDocView(FrappeView):
    permission_classes = [IsAuthenticated]

    def dispatch(self, request, *args, **kwargs):
        kwargs["name"] = without_trailing_slash(kwargs["name"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, doctype, name):
        if "run_method" in request.query_params:
            return self.post(request, doctype, name)
        if doctype == doctype_docs.DOCTYPE:
            return Response({"data": doctype_docs.get_doctype_doc(request.user, name)})
        if doctype == user_docs.DOCTYPE:
            return Response({"data": user_docs.get_user_doc(request.user, name)})
        meta = meta_for(doctype)
        data = doc_to_dict(get_document(request.user, meta, name))
        if bool_param(request.query_params.get("expand_links", False), "expand_links"):
            expand_document(request.user, meta, data)
        return Response({"data": data})

    def post(self, request, doctype, name):
        """Frappe v1's ``execute_doc_method``: ``run_method`` names a method the doctype declares, the
        other parameters are its arguments; GET needs read, POST the method's own rights. Its value is ``data``."""
        params = form_dict(request)
        method = params.pop("run_method", None)
        if not isinstance(method, str) or not method:
            raise ValidationError("缺少参数 run_method（要调用的单据方法）")
        _doc, result = run_doc_method(request.user, meta_for(doctype), name, method, params, http_method=request.method)
        return Response({"data": result})

    def put(self, request, doctype, name):
        if doctype == doctype_docs.DOCTYPE:
            doctype_docs.refuse_write()
        if doctype == user_docs.DOCTYPE:
            user_docs.refuse_write()
        meta = meta_for(doctype)
        obj = save_document(request.user, meta, document_data(request), name=name)
        return Response({"data": doc_to_dict(obj)})

    def delete(self, request, doctype, name):
        if doctype == doctype_docs.DOCTYPE:
            doctype_docs.refuse_write()
        if doctype == user_docs.DOCTYPE:
            user_docs.refuse_write()
        delete_document(request.user, meta_for(doctype), name)
        # Frappe's v1 delete_doc answers 202 Accepted with "ok" (v2 the same); clients branch on the 202.
        return Response({"message": "ok"}, status=202)


def run_method(request, method_name: str):
    """Frappe's RPC, one implementation for every door: the method's value, a FullResponse or a download.

    The method's HTTP verbs and its guest rule are checked here, so no door is a way around them.
    """
    method = get_method(method_name)
    if request.method not in method.http_methods:
        raise MethodNotAllowedError(f"接口 {method_name} 不支持 {request.method} 请求")
    if not method.allow_guest and not request.user.is_authenticated:
        raise login_required()  # Frappe's is_whitelisted: a guest is refused with PermissionError (403)
    return call(method, request, form_dict(request))


def v1_response(result):
    """REST API v1's envelope for a method's result: ``{"message": ...}``."""
    if isinstance(result, HttpResponseBase):  # a download, as Frappe's response type "download"
        return result
    return Response(result if isinstance(result, FullResponse) else {"message": result})


class MethodView(FrappeView):
    permission_classes = [AllowAny]  # each method says whether guests may call it

    def called_method(self, request, method_name=None, **kwargs):
        return method_name

    def handle(self, request, method_name):
        return v1_response(run_method(request, method_name))

    get = post = put = patch = delete = handle


class PrintView(FrappeView):
    """``/printview?doctype=&name=&format=&no_letterhead=`` (and ``/print``, its older name, which the
    official frappe-client's get_html calls): the document in a print format as an HTML page, as Frappe
    serves it. The API's authentication (session or token); a refusal answers in Frappe's JSON."""

    def get(self, request):
        params = request.query_params
        return _print_methods.print_view(
            request, params.get("doctype"), params.get("name"), params.get("format"), params.get("no_letterhead")
        )


class LegacyCommandView(FrappeView):
    """The site root with ``cmd=<method>``: the door older Frappe clients use (``cmd=login`` logs in).

    Frappe answers it exactly like ``/api/method/<cmd>``; so do we, through :func:`run_method`.
    """

    permission_classes = [AllowAny]

    def called_method(self, request, **kwargs):
        return command(request)

    def handle(self, request):
        name = command(request)
        if not name:
            raise ValidationError("缺少参数 cmd：请指定要调用的接口方法")
        return v1_response(run_method(request, name))

    get = post = handle


def command(request) -> str | None:
    """The ``cmd`` of a legacy request, from the query string or the body."""
    try:
        name = form_dict(request).get("cmd")
    except ValidationError:
        return None
    return name if isinstance(name, str) and name else None


class SchemaView(APIView):
    """The OpenAPI document; open to anyone, like Frappe's own API docs."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response(openapi_document())


@ensure_csrf_cookie
def swagger_ui(request):
    """Swagger UI from bundled assets: works with no internet access."""
    return render(request, "lowcode/swagger.html", {"schema_url": "/api/schema/"})


@csrf_exempt  # an unknown path answers 404 in JSON, never Django's HTML CSRF page
def not_found(request, *args, **kwargs):
    return answer(request, DoesNotExistError(f"接口 {request.path} 不存在"))


_legacy_command = LegacyCommandView.as_view()


@csrf_exempt  # the legacy door applies Frappe's CSRF rule itself (apps.lowcode.api.auth)
def site_root(request, home_view):
    """``/``: a request carrying ``cmd`` (or any write) is the legacy door; otherwise ``home_view``."""
    if request.method not in ("GET", "HEAD") or "cmd" in request.GET:
        return _legacy_command(request)
    return home_view(request)
