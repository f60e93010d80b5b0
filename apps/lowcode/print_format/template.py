"""The template language of print formats: Django's, with filters for Chinese official documents.

Output is plain text (no HTML escaping here): the renderer escapes it for
reportlab. Templates see the document as ``doc`` and what the app's
``print_context`` hook adds, as plain data only (safe.py: fields, child rows,
links as names); what a template may name is checked before it is saved and
rendered (sandbox.py).
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.template import Context, Engine, TemplateSyntaxError

from apps.lowcode.numbers import number_text
from apps.lowcode.print_format.safe import Record, value_of

register = template.Library()

CN_DIGITS = "零一二三四五六七八九"


@register.filter
def cn_date(value) -> str:
    """2023-02-21 → 2023年2月21日 (no leading zeros, GB/T 9704)."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return "" if value in (None, "") else str(value)
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_index(value) -> str:
    """1 → 一, 12 → 十二 (numbering of sections: 一、二、…)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    text = (CN_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
    return text + (CN_DIGITS[ones] if ones else "")


@register.filter
def num(value, places=None) -> str:
    """A number without trailing zeros; ``num:2`` rounds to 2 places first (half up)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "" if value is None else str(value)
    if places not in (None, ""):
        number = number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return number_text(number)


@register.filter
def yi(value) -> str:
    """万元 → 亿元, to two places as the plan writes them: 164600 → 16.46, 82000 → 8.2."""
    try:
        return num(Decimal(str(value)) / 10000, 2)
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def total(rows, field) -> Decimal:
    """The sum of one field over rows (objects or dicts): {{ group.rows|total:"total_investment" }}."""
    result = Decimal(0)
    for row in rows or ():
        value = value_of(row, field)
        if value not in (None, ""):
            result += Decimal(str(value))
    return result


def _items(values) -> list[str]:
    """A list (a child table, names) as texts; a single text stays one item."""
    if values is None:
        return []
    if isinstance(values, (str, Record)):
        return [str(values)]
    if not isinstance(values, (list, tuple)):
        return [str(values)]
    return [str(v) for v in values]


@register.filter
def lines(values) -> str:
    """One item per line (a cell listing units or liaisons)."""
    return "\n".join(_items(values))


@register.filter(name="join_cn")
def join_cn(values, separator="、") -> str:
    """Items joined with 、 (or the given separator), as Chinese lists are written."""
    return separator.join(_items(values))


ENGINE = Engine(builtins=["apps.lowcode.print_format.template"], autoescape=False, string_if_invalid="")


@lru_cache(maxsize=512)
def compile_template(text: str):
    return ENGINE.from_string(text)


def template_error(text: str) -> str | None:
    """The Chinese message for a template that does not compile, or None."""
    try:
        compile_template(text)
    except TemplateSyntaxError as exc:
        return f"模板有误：{exc}"
    return None


def render(text: str, context: dict) -> str:
    if not text:
        return ""
    if "{" not in text:
        return text
    return compile_template(text).render(Context(context, autoescape=False))


def render_each(texts: list[str], context: dict) -> list[str]:
    """Several templates filled from one context (the cells of a table row), sharing one Context."""
    shared = None
    filled = []
    for text in texts:
        if not text or "{" not in text:
            filled.append(text or "")
            continue
        if shared is None:
            shared = Context(context, autoescape=False)
        filled.append(compile_template(text).render(shared))
    return filled
