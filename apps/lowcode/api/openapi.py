"""The OpenAPI 3 description of the whole API, generated from doctype metadata.

Resource endpoints exist per doctype and their fields come from the doctype's
metadata, which administrators will extend at run time (custom fields); so
the schema is built from the same metadata on each request rather than from
static view classes.
"""

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.meta import DocField, DocTypeMeta, get_meta
from apps.lowcode.document.query import DEFAULT_PAGE_LENGTH, MAX_PAGE_LENGTH
from apps.lowcode.website import site
from apps.lowcode.whitelist import registry

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_TEXT = {
    "400": "CSRF 校验失败",
    "401": "凭据不正确：API Key 与 Secret、访问令牌或账号密码错误（AuthenticationError）",
    "403": "未登录或没有权限（PermissionError；会话已过期时另带 session_expired: 1）",
    "404": "单据不存在或不在你的数据权限范围内（DoesNotExistError）",
    "405": "请求方法不被支持",
    "409": "与已有记录重复（DuplicateEntryError）",
    "413": "文件过大（FileTooLargeError）",
    "415": "请求内容类型不被支持",
    "417": "数据校验失败（ValidationError 及其子类，如 TimestampMismatchError）",
    "410": "链接无效、已使用过或已过期（LinkExpired）",
    "429": "请求过于频繁（TooManyRequestsError）",
}
# Answers only some methods give: the login lockout and the password reset's rate limit and one-time keys.
METHOD_ERRORS = {
    "login": ("429",),
    "frappe.core.doctype.user.user.reset_password": ("429",),
    "frappe.core.doctype.user.user.update_password": ("410", "429"),
}


def schema_name(doctype: str) -> str:
    return doctype.replace(" ", "")


def field_schema(docfield: DocField) -> dict:
    f = docfield.model_field
    if docfield.fieldtype == "Int":
        schema = {"type": "integer"}
    elif docfield.fieldtype in ("Float", "Currency"):
        schema = {"type": "number"}
    elif docfield.fieldtype == "Table MultiSelect":
        schema = {"type": "array", "items": {"type": "string"}}
    elif docfield.fieldtype == "Check":
        schema = {"type": "integer", "enum": [0, 1]}
    elif docfield.fieldtype == "Date":
        schema = {"type": "string", "format": "date"}
    elif docfield.fieldtype == "Select":
        schema = {"type": "string", "enum": docfield.options.split("\n")}
        if docfield.fieldname == "docstatus":
            schema = {"type": "integer", "enum": [0, 1, 2]}
    else:
        schema = {"type": "string"}
        if getattr(f, "max_length", None) and docfield.fieldtype in ("Data", "Select"):
            schema["maxLength"] = f.max_length
    if docfield.fieldtype in ("Link", "Table MultiSelect"):
        schema["description"] = f"{docfield.label}（链接到 {docfield.options} 的编号）"
    else:
        schema["description"] = docfield.label
    if docfield.custom:
        schema["description"] += "（自定义字段）"
    if docfield.custom or f is not None and (f.null or docfield.read_only):
        schema["nullable"] = True
    return schema


def document_schema(meta: DocTypeMeta) -> dict:
    properties = {"doctype": {"type": "string", "enum": [meta.doctype]}}
    properties.update({name: field_schema(df) for name, df in meta.fields.items()})
    if meta.istable:
        properties.update(
            {
                "parent": {"type": "string"},
                "parentfield": {"type": "string"},
                "parenttype": {"type": "string"},
            }
        )
    for table in meta.tables.values():
        properties[table.fieldname] = {
            "type": "array",
            "items": {"$ref": f"#/components/schemas/{schema_name(table.doctype)}"},
            "description": table.label,
        }
    return {
        "type": "object",
        "title": meta.label,
        "properties": properties,
        "required": ["doctype", *meta.fields, *meta.tables],
    }


def input_schema(meta: DocTypeMeta, creating: bool) -> dict:
    writable = {name: df for name, df in meta.fields.items() if not df.read_only}
    properties = {name: {k: v for k, v in field_schema(df).items()} for name, df in writable.items()}
    for table in meta.tables.values():
        child = get_meta(table.doctype)
        properties[table.fieldname] = {"type": "array", "items": input_schema(child, creating=True)}
    if not creating:
        properties["modified"] = {"type": "string", "description": "上次读取时的修改时间，用于并发校验"}
    schema = {"type": "object", "properties": properties}
    required = [name for name, df in writable.items() if df.reqd]
    if creating and required:
        schema["required"] = required
    return schema


def responses(ok_schema: dict, *errors: str, ok_status: str = "200") -> dict:
    result = {ok_status: {"description": "成功", "content": {"application/json": {"schema": ok_schema}}}}
    for code in ("401", *errors):
        result[code] = {"description": ERROR_TEXT[code], "content": {"application/json": {"schema": ERROR}}}
    return result


def envelope(key: str, schema: dict) -> dict:
    return {"type": "object", "properties": {key: schema}, "required": [key]}


PARENT_PARAMETER = {"type": "string", "description": "查询子表（如 Task Unit）时为其上级单据类型（如 Task）"}


def query_parameters() -> list[dict]:
    def param(name, description, schema):
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    return [
        param("fields", '要返回的字段，JSON 列表，如 ["name", "title"]；"*" 表示全部', {"type": "string"}),
        param("filters", '筛选条件，JSON：[["字段", "运算符", "值"]] 或 {"字段": "值"}', {"type": "string"}),
        param("or_filters", "任一满足的筛选条件，格式同 filters", {"type": "string"}),
        param("order_by", '排序，如 "modified desc"', {"type": "string"}),
        param("limit_start", "从第几条开始", {"type": "integer", "minimum": 0}),
        param(
            "limit_page_length",
            f"每页条数（默认 {DEFAULT_PAGE_LENGTH}，0 表示全部，最多 {MAX_PAGE_LENGTH}）",
            {"type": "integer", "minimum": 0, "maximum": MAX_PAGE_LENGTH},
        ),
    ]


def resource_paths(meta: DocTypeMeta) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema_name(meta.doctype)}"}
    row = {"type": "object", "additionalProperties": True, "description": "所请求字段组成的对象"}
    tag = [f"{meta.label}（{meta.doctype}）"]
    name_param = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": f"{meta.label}编号",
    }
    body = {"required": True, "content": {"application/json": {"schema": input_schema(meta, creating=True)}}}
    update_body = {"required": True, "content": {"application/json": {"schema": input_schema(meta, creating=False)}}}
    base = f"/api/resource/{meta.doctype}"
    return {
        base: {
            "get": {
                "tags": tag,
                "summary": f"{meta.label}列表",
                "operationId": f"list{schema_name(meta.doctype)}",
                "parameters": query_parameters(),
                "responses": responses(envelope("data", {"type": "array", "items": row}), "403", "417"),
            },
            "post": {
                "tags": tag,
                "summary": f"新建{meta.label}",
                "operationId": f"create{schema_name(meta.doctype)}",
                "requestBody": body,
                "responses": responses(envelope("data", ref), "400", "403", "409", "415", "417"),
            },
        },
        base + "/{name}": {
            "parameters": [name_param],
            "get": {
                "tags": tag,
                "summary": f"读取{meta.label}",
                "operationId": f"get{schema_name(meta.doctype)}",
                "responses": responses(envelope("data", ref), "403", "404"),
            },
            "put": {
                "tags": tag,
                "summary": f"修改{meta.label}",
                "operationId": f"update{schema_name(meta.doctype)}",
                "requestBody": update_body,
                "responses": responses(envelope("data", ref), "400", "403", "404", "409", "415", "417"),
            },
            "delete": {
                "tags": tag,
                "summary": f"删除{meta.label}",
                "operationId": f"delete{schema_name(meta.doctype)}",
                "responses": responses(
                    envelope("message", {"type": "string"}), "400", "403", "404", "417", ok_status="202"
                ),
            },
        },
    }


METHOD_DOCS = {
    "login": ("登录（会话 Cookie）", {"usr": {"type": "string"}, "pwd": {"type": "string"}}, ["usr", "pwd"]),
    "logout": ("退出登录", {}, []),
    "ping": ("检查服务是否在线（回答 pong，无需登录）", {}, []),
    "frappe.ping": ("检查服务是否在线（回答 pong，无需登录）", {}, []),
    "version": ("本系统兼容的 Frappe 版本号（无需登录）", {}, []),
    "frappe.utils.change_log.get_versions": ("各应用的名称与版本号", {}, []),
    "frappe.auth.get_logged_user": ("当前登录用户名", {}, []),
    "frappe.core.doctype.user.user.get_roles": ("当前用户的角色（角色名称）", {}, []),
    "frappe.client.get_count": (
        "计数",
        {"doctype": {"type": "string"}, "filters": {"type": "string"}, "parent": PARENT_PARAMETER},
        ["doctype"],
    ),
    "frappe.client.get_list": (
        "列表（参数同 /api/resource）",
        {
            "doctype": {"type": "string"},
            "fields": {"type": "string"},
            "filters": {"type": "string"},
            "or_filters": {"type": "string"},
            "order_by": {"type": "string"},
            "limit_start": {"type": "integer", "minimum": 0},
            "limit_page_length": {"type": "integer", "minimum": 0, "maximum": MAX_PAGE_LENGTH},
            "parent": PARENT_PARAMETER,
        },
        ["doctype"],
    ),
    "frappe.client.get": (
        "读取单据",
        {"doctype": {"type": "string"}, "name": {"type": "string"}, "filters": {"type": "string"}},
        ["doctype"],
    ),
    "frappe.core.doctype.user.user.generate_keys": (
        "生成 API Key/Secret（Secret 只显示一次）",
        {"user": {"type": "string"}},
        [],
    ),
    "lowcode.api.revoke_keys": ("吊销 API 密钥", {"user": {"type": "string"}}, []),
}


def method_doc(name, method):
    """Summary and parameters of a method: from METHOD_DOCS, else from its signature and docstring."""
    if name in METHOD_DOCS:
        return METHOD_DOCS[name]
    import inspect

    params = list(inspect.signature(method.func).parameters.values())[1:]
    properties = {p.name: {"type": "string"} for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    required = [p.name for p in params if p.default is p.empty and p.name in properties]
    summary = (inspect.getdoc(method.func) or name).splitlines()[0]
    return summary, properties, required


def method_paths() -> dict:
    paths = {}
    for name, method in sorted(registry.items()):
        summary, properties, required = method_doc(name, method)
        operation = {
            "tags": ["方法（/api/method）"],
            "summary": summary,
            "operationId": "method_" + name.replace(".", "_"),
        }
        if name == "login":
            ok = {
                "type": "object",
                "properties": {
                    "message": {"type": "string"},
                    "home_page": {"type": "string"},
                    "full_name": {"type": "string"},
                },
                "required": ["message"],
            }
        else:
            ok = {"type": "object", "properties": {"message": {}}, "required": ["message"]}
        errors = ("400", "403", "404", "405", "409", "413", "415", "417", *METHOD_ERRORS.get(name, ()))
        if name == "upload_file":
            operation["summary"] = "上传附件"
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file", "doctype", "docname"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "doctype": {"type": "string"},
                                "docname": {"type": "string"},
                                "fieldname": {"type": "string"},
                                "is_private": {"type": "integer", "enum": [0, 1]},
                            },
                        }
                    }
                },
            }
            paths[f"/api/method/{name}"] = {"post": {**operation, "responses": responses(ok, *errors)}}
            continue
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        entry = {}
        if "POST" in method.http_methods:
            entry["post"] = {
                **operation,
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": responses(ok, *errors),
            }
        if "GET" in method.http_methods:
            entry["get"] = {
                **operation,
                "operationId": operation["operationId"] + "_get",
                "parameters": [
                    {"name": key, "in": "query", "required": key in required, "schema": value}
                    for key, value in properties.items()
                ],
                "responses": responses(ok, *errors),
            }
        if method.request_content and "post" in entry:
            entry["post"]["requestBody"] = {"required": True, "content": method.request_content}
        if method.response_content:
            for operation_ in entry.values():
                operation_["responses"]["200"] = {"description": "成功", "content": method.response_content}
        paths[f"/api/method/{name}"] = entry
    return paths


def openapi_document() -> dict:
    doctypes = sorted(d for d, model in doctype_registry.items())
    metas = [get_meta(d) for d in doctypes]
    paths = {}
    for meta in metas:
        if not meta.istable:
            paths.update(resource_paths(meta))
    paths.update(method_paths())
    schemas = {schema_name(meta.doctype): document_schema(meta) for meta in metas}
    schemas["Error"] = {
        "type": "object",
        "required": ["exc_type", "message", "_server_messages"],
        "properties": {
            "exc_type": {"type": "string"},
            "exception": {"type": "string"},
            "exc": {"type": "string", "description": "JSON 列表，每项一行错误（不含调用栈）"},
            "message": {"type": "string"},
            "_server_messages": {"type": "string"},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{site.site_name()} API（兼容 Frappe REST）",
            "version": "1.0",
            "description": "认证：会话 Cookie（/api/method/login），或请求头 Authorization: token <api_key>:<api_secret>。",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "token <api_key>:<api_secret>",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
            },
        },
        "security": [{"token": []}, {"session": []}],
    }
