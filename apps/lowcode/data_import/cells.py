"""A cell's content as the value ``save_document`` takes, and a stored value as a cell.

Reading is tolerant of how people fill sheets: spaces around text, numbers
typed as text (full-width digits, thousands separators), 是/否 or √ for a
check, a select's label or its value, dates as Excel dates or as text
(2024-03-31, 2024/3/31, 2024年3月31日; a month alone means its first day), and
link names written with half-width brackets. Whatever it cannot read is a
CellError naming the field; everything else is left to ``save_document``,
which validates exactly as for the API.
"""

import math
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import from_excel

from apps.lowcode.doctype.fieldtypes import SEPARATORS
from apps.lowcode.doctype.meta import DocField, get_meta
from apps.lowcode.doctype.serialize import link_value
from apps.lowcode.xlsx.reader import THOUSANDS, normalized
from apps.lowcode.xlsx.styles import excel_number

YES, NO = "是", "否"
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓", "✔", "对"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "×", "✗", "✘", "不"}
NUMBER_TYPES = ("Int", "Float", "Currency")
MULTI_SEPARATOR = "、"
MAX_CANONICAL_NAMES = 20000  # beyond that, link names must be written exactly
FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
DATETIME = re.compile(r"(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?")


class CellError(ValueError):
    """A cell that cannot be read for its field; the message is for the user, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- reading


def read(docfield: DocField, value, links: "LinkNames"):
    """The client value of a non-blank cell for ``docfield``."""
    fieldtype, label = docfield.fieldtype, docfield.label
    if fieldtype == "Check":
        return _check(value, label)
    if fieldtype == "Int":
        number = _number(value, label)
        if number != int(number):
            raise CellError(f"字段“{label}”应为整数，而不是 {_plain(value)}")
        return int(number)
    if fieldtype in NUMBER_TYPES:
        return _number(value, label)
    if fieldtype == "Date":
        return _date(value, label).isoformat()
    if fieldtype == "Datetime":
        return _datetime(value, label)
    if fieldtype == "Select":
        return _select(docfield, _text(value))
    if fieldtype == "Link":
        return links.canonical(docfield.options, _text(value))
    if fieldtype == "Table MultiSelect":
        names = [n.strip() for n in SEPARATORS.split(_text(value)) if n.strip()]
        return [links.canonical(docfield.options, n) for n in dict.fromkeys(names)]
    return _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int | float):
        return _plain(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("_x000D_", "").strip()


def _plain(value) -> str:
    """A number as a person wrote it: 2 rather than 2.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check(value, label) -> int:
    if isinstance(value, bool):
        return int(value)
    text = normalized(_text(value)).lower()
    if text in TRUE_WORDS:
        return 1
    if text in FALSE_WORDS:
        return 0
    raise CellError(f"字段“{label}”应填“是”或“否”，而不是“{_text(value)}”")


def _number(value, label):
    """An int or float cell as it is; text as a Decimal (exact, as typed)."""
    if isinstance(value, bool) or isinstance(value, datetime | date | time):
        raise CellError(f"字段“{label}”应为数字，而不是“{_text(value)}”")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(f"字段“{label}”应为数字")
        return value
    text = normalized(value)
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"字段“{label}”应为数字，而不是“{_text(value)}”") from None
    if not number.is_finite():
        raise CellError(f"字段“{label}”应为数字，而不是“{_text(value)}”")
    return number


def _date(value, label) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()  # an Excel date whose cell lost its date format
    text = normalized(_text(value))
    for pattern in (FULL_DATE, COMPACT_DATE, MONTH):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(p) for p in match.groups()] + [1] * (3 - len(match.groups()))
            try:
                return date(*parts)
            except ValueError:
                break
    raise CellError(f"字段“{label}”应为日期，例如 2024-03-31，而不是“{_text(value)}”")


def _datetime(value, label) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = normalized(_text(value))
    match = DATETIME.fullmatch(text)
    if match:
        day = _date(match.group(1), label)
        hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
        if hour < 24 and minute < 60 and second < 60:
            return f"{day.isoformat()} {hour:02d}:{minute:02d}:{second:02d}"
        raise CellError(f"字段“{label}”应为日期时间，例如 2024-03-31 14:30")
    return f"{_date(value, label).isoformat()} 00:00:00"


def select_choices(docfield: DocField) -> list[tuple[str, str]]:
    """(value, label) of a select: the model's choices, or an administrator's options (value = label)."""
    model_field = docfield.model_field
    if model_field is not None and model_field.choices:
        return [(str(v), str(label)) for v, label in model_field.flatchoices]
    return [(line.strip(), line.strip()) for line in (docfield.options or "").splitlines() if line.strip()]


def _select(docfield: DocField, text: str) -> str:
    choices = select_choices(docfield)
    for value, _label in choices:
        if text == value:
            return value
    wanted = normalized(text)
    for value, label in choices:
        if wanted in (normalized(value), normalized(label)):
            return value
    shown = "、".join(dict.fromkeys(label for _, label in choices))
    raise CellError(f"字段“{docfield.label}”只能填：{shown}；“{text}”不是可选项")


class LinkNames:
    """The exact name of a linked record written another way: "某县区(高新区)" is 某县区（高新区）.

    Only the spelling is mended (full-width forms, spaces); whether the user
    may link to the record is still save_document's question.
    """

    def __init__(self):
        self._by_doctype: dict[str, dict[str, str | None]] = {}

    def canonical(self, doctype: str, text: str) -> str:
        names = self._names(doctype)
        found = names.get(normalized(text))
        return found if found else text

    def add(self, doctype: str, name: str) -> None:
        """A record created during the import, linked to by a later row."""
        if doctype in self._by_doctype:
            self._remember(self._by_doctype[doctype], name)

    def _names(self, doctype: str) -> dict[str, str | None]:
        if doctype not in self._by_doctype:
            names: dict[str, str | None] = {}
            for name in self._all_names(doctype):
                self._remember(names, name)
            self._by_doctype[doctype] = names
        return self._by_doctype[doctype]

    @staticmethod
    def _remember(names: dict, name: str) -> None:
        key = normalized(name)
        names[key] = None if key in names and names[key] != name else name  # two spellings: no guessing

    @staticmethod
    def _all_names(doctype: str) -> list[str]:
        if doctype == "User":
            from django.contrib.auth import get_user_model

            queryset = get_user_model()._default_manager.values_list("username", flat=True)
        else:
            try:
                queryset = get_meta(doctype).model._default_manager.values_list("name", flat=True)
            except KeyError:
                return []
        names = list(queryset[: MAX_CANONICAL_NAMES + 1])
        return [] if len(names) > MAX_CANONICAL_NAMES else names


# ---------------------------------------------------------------- comparing


def comparable(docfield: DocField, value):
    """A value read from a cell or from ``doc_to_dict``, in one form for both, to tell "unchanged"."""
    fieldtype = docfield.fieldtype
    if fieldtype == "Check":
        return 1 if value in (1, True, "1") else 0
    if value is None or value == "" or value == []:
        return None
    if fieldtype in NUMBER_TYPES:
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    if fieldtype == "Table MultiSelect":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if fieldtype == "Datetime":
        return str(value)[:19]
    return str(value)


def same(docfield: DocField, new, old) -> bool:
    return comparable(docfield, new) == comparable(docfield, old)


# ---------------------------------------------------------------- writing


def record_value(obj, docfield: DocField):
    """The stored value of a field of a record: a custom field's from custom_values, a link's name."""
    if docfield.custom:
        return (getattr(obj, "custom_values", None) or {}).get(docfield.fieldname)
    if docfield.is_link:
        return link_value(obj, docfield.fieldname)
    return getattr(obj, docfield.fieldname)


def cell_value(docfield: DocField, value):
    """A stored value as the cell shows it (and as ``read`` reads it back)."""
    if value is None or value == "" or value == []:
        return None
    fieldtype = docfield.fieldtype
    if fieldtype == "Check":
        return YES if value in (1, True, "1") else NO
    if fieldtype == "Table MultiSelect":
        return safe_text(MULTI_SEPARATOR.join(str(v) for v in value)) if isinstance(value, list) else safe_text(value)
    if fieldtype == "Select":
        labels = dict(select_choices(docfield))
        return safe_text(labels.get(str(value), str(value)))
    if fieldtype in NUMBER_TYPES:
        return _excel_number(value)
    if fieldtype == "Date":
        return value if isinstance(value, date) else _date(value, docfield.label)
    if fieldtype == "Datetime" and isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if hasattr(value, "name") and not isinstance(value, str):  # a stored file
        return safe_text(value.name or "")
    return safe_text(value)


def _excel_number(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    try:
        return excel_number(Decimal(str(value)))
    except InvalidOperation:
        return safe_text(value)


def safe_text(value) -> str:
    """Text as a cell holds it: no control characters (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))
