"""Reading a method's parameters as Frappe clients send them: JSON text (a query string, a form) or
JSON values (a JSON body). Shared by every module of whitelisted methods; each refusal is a 417 in
Chinese naming the parameter."""

from apps.lowcode import strict_json
from apps.lowcode.document.query import MAX_PAGE_LENGTH, parse_int
from apps.lowcode.exceptions import ValidationError


def json_param(value, what: str):
    """A parameter sent as JSON text (a query string, a form) or as a JSON value (a JSON body)."""
    if isinstance(value, str):
        return strict_json.loads(value, f"参数 {what} ")
    return value


def dict_param(value, what: str) -> dict:
    value = json_param(value, what)
    if not isinstance(value, dict):
        raise ValidationError(f"参数 {what} 应为 JSON 对象")
    return value


def list_param(value, what: str) -> list:
    value = json_param(value, what)
    if not isinstance(value, list):
        raise ValidationError(f"参数 {what} 应为 JSON 列表")
    return value


def text_param(value, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise ValidationError(f"参数 {what} 应为文本")
    return str(value)


def bool_param(value, what: str) -> bool:
    if value in (True, 1, "1", "true", "True"):
        return True
    if value in (False, 0, None, "", "0", "false", "False"):
        return False
    raise ValidationError(f"参数 {what} 应为 0 或 1")


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("[", "{")


def fieldnames_param(fieldname) -> list[str]:
    """Frappe's ``fieldname``: one name, a list of names, or a dict whose keys are the names."""
    if isinstance(fieldname, str) and looks_like_json(fieldname):
        fieldname = strict_json.loads(fieldname, "参数 fieldname ")
    if isinstance(fieldname, dict):
        fieldname = list(fieldname)
    if isinstance(fieldname, str) and fieldname.strip():
        return [fieldname.strip()]
    if fieldname == []:
        return ["name"]  # frappe-js-sdk sends "[]" when no field is asked for; Frappe answers the name
    if isinstance(fieldname, list) and all(isinstance(f, str) for f in fieldname):
        return fieldname
    raise ValidationError("参数 fieldname 应为字段名、字段名列表或以字段名为键的对象")


def filters_param(filters):
    """Frappe's ``filters`` of get_value: a document name, a dict or a list of conditions (None: any).

    ``null`` is JSON's None, as Frappe reads it: the official frappe-client sends ``filters=null``
    when it is given none."""
    if filters is None or filters == "" or (isinstance(filters, str) and filters.strip() == "null"):
        return None
    if isinstance(filters, str) and not looks_like_json(filters):
        return {"name": filters}
    if isinstance(filters, int) and not isinstance(filters, bool):
        return {"name": str(filters)}
    filters = json_param(filters, "filters")
    if not isinstance(filters, dict | list):
        raise ValidationError("参数 filters 应为单据编号、条件对象或条件列表")
    return filters or None


def fields_and_page(params) -> tuple[list[str], slice]:
    """``fields`` (``name`` unless told) and the page (``limit_start``/``start``, ``limit_page_length``/``limit``,
    20 unless told, 0 for all) of a list read as get_list reads them: for the records that are not rows of a
    doctype's table (DocType, User)."""
    fields = json_param(params.get("fields"), "fields") if params.get("fields") not in (None, "") else ["name"]
    if isinstance(fields, str):
        fields = [fields]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ValidationError("参数 fields 应为字段名列表")
    page_length = parse_int(params.get("limit_page_length", params.get("limit")), "limit_page_length", 20)
    start = parse_int(params.get("limit_start", params.get("start")), "limit_start", 0)
    return fields, slice(start, start + (page_length or MAX_PAGE_LENGTH))
