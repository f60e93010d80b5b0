"""How each custom fieldtype stores, checks and shows a value.

Values are kept in JSON as Frappe clients send and read them: text, numbers,
0/1 for a check, "YYYY-MM-DD" for a date, the linked record's name for a link,
a list of names for a multi-link and the file's URL for an attachment.
"""

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

SEPARATORS = re.compile(r"[、,，;；\n]+")
TRUE_WORDS = {"1", "true", "yes", "是", "√", "y"}
FALSE_WORDS = {"0", "false", "no", "否", "", "n"}
TEXT_LIMIT = {"Data": 140, "Small Text": 10000}


class ReadableJSONEncoder(json.JSONEncoder):
    """Keeps Chinese as it is in the JSON text, so a pattern filter on a list of names finds them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "ensure_ascii": False})


class FieldValueError(ValueError):
    """A value that does not fit its field; the message is for the user, in Chinese."""


class LinkNotFound(FieldValueError):
    """A link names a record that does not exist, or that the user may not see."""


def is_empty(value) -> bool:
    return value is None or value == "" or value == []


def select_options(options: str) -> list[str]:
    return [line.strip() for line in (options or "").splitlines() if line.strip()]


def to_stored(docfield, value, find_record=None):
    """The JSON value to keep for a client's ``value``; FieldValueError when it does not fit.

    ``find_record(doctype, name)`` returns the linked record or None; it applies
    the user's scope, which this module knows nothing about.
    """
    fieldtype, label = docfield.fieldtype, docfield.label
    if fieldtype == "Check":
        text = str(value).strip().lower() if value is not None else ""
        if value is True or text in TRUE_WORDS:
            return 1
        if value is False or value is None or text in FALSE_WORDS:
            return 0
        raise FieldValueError(f"字段“{label}”应为 0 或 1（是/否）")
    if fieldtype == "Table MultiSelect":
        names = _names(value, label)
        for name in names:
            _find(find_record, docfield, name)
        return names
    if is_empty(value):
        return None
    if isinstance(value, dict | list) or isinstance(value, bool):
        raise FieldValueError(f"字段“{label}”的值类型不正确")
    if fieldtype in ("Data", "Small Text", "Attach"):
        text = value if isinstance(value, str) else _plain_number(value)
        if len(text) > TEXT_LIMIT.get(fieldtype, 300):
            raise FieldValueError(f"字段“{label}”最多 {TEXT_LIMIT.get(fieldtype, 300)} 个字符")
        return text
    if fieldtype == "Select":
        text = str(value).strip() if not isinstance(value, float) else _plain_number(value)
        choices = select_options(docfield.options)
        if text not in choices:
            raise FieldValueError(f"字段“{label}”只能取：{'、'.join(choices)}")
        return text
    if fieldtype == "Int":
        number = _decimal(value, label)
        if number != number.to_integral_value():
            raise FieldValueError(f"字段“{label}”应为整数")
        if abs(number) > 2**53:
            raise FieldValueError(f"字段“{label}”超出范围")
        return int(number)
    if fieldtype in ("Float", "Currency"):
        number = _decimal(value, label)
        if abs(number) >= Decimal("1e15"):
            raise FieldValueError(f"字段“{label}”超出范围")
        return float(round(number, 2 if fieldtype == "Currency" else 6))
    if fieldtype == "Date":
        return _date(value, label).isoformat()
    if fieldtype == "Link":
        name = value if isinstance(value, str) else _plain_number(value)
        _find(find_record, docfield, name.strip())
        return name.strip()
    raise FieldValueError(f"字段“{label}”的类型 {fieldtype} 不受支持")


def display(docfield, value) -> str:
    """A stored value as people read it: in lists, exports and print formats."""
    if is_empty(value):
        return ""
    if docfield.fieldtype == "Check":
        return "是" if value else "否"
    if docfield.fieldtype == "Table MultiSelect":
        return "、".join(value)
    if isinstance(value, float):
        return _plain_number(value)
    return str(value)


def _names(value, label) -> list[str]:
    if is_empty(value):
        return []
    if isinstance(value, str):
        items = SEPARATORS.split(value)
    elif isinstance(value, list):
        items = []
        for item in value:  # Frappe sends Table MultiSelect rows as dicts
            item = next(iter(item.values()), "") if isinstance(item, dict) and len(item) == 1 else item
            if not isinstance(item, str | int):
                raise FieldValueError(f"字段“{label}”应为名称列表")
            items.append(str(item))
    else:
        raise FieldValueError(f"字段“{label}”应为名称列表，或以顿号分隔的名称")
    names = []
    for item in (i.strip() for i in items):
        if item and item not in names:
            names.append(item)
    return names


def _find(find_record, docfield, name):
    if find_record is not None and find_record(docfield.options, name) is None:
        raise LinkNotFound(f"字段“{docfield.label}”：找不到{docfield.options_label}“{name}”")


def _decimal(value, label) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise FieldValueError(f"字段“{label}”应为数字") from None
    if not number.is_finite():
        raise FieldValueError(f"字段“{label}”应为数字")
    return number


def _date(value, label) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise FieldValueError(f"字段“{label}”应为日期，例如 2024-03-31")


def _plain_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
