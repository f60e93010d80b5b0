"""JSON from clients, read strictly: only what the database can keep comes in.

Python's json accepts what no database stores: a lone surrogate such as
``"\\ud800"`` (not a character; MariaDB's utf8mb4 and SQLite's UTF-8 both refuse
it) and the non-standard ``NaN``/``Infinity``. Every JSON a client sends — a
request body, a JSON parameter in the query string, the ``data`` of a form —
is read here, so such input is a clear ValidationError at the door, never a
database error later.
"""

import json

from apps.lowcode.exceptions import ValidationError


def loads(text, name: str = "请求内容"):
    """Parse ``text`` as JSON; a ValidationError (Chinese, naming ``name``) when it is not acceptable."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except _Constant as exc:
        raise ValidationError(f"{name}中含有 JSON 不允许的数值 {exc.args[0]}") from None
    except RecursionError:
        raise ValidationError(f"{name}的 JSON 嵌套层数过多") from None
    except (ValueError, TypeError):
        raise ValidationError(f"{name}不是合法的 JSON") from None
    check_text(value, name)
    return value


def check_text(value, name: str = "请求内容") -> None:
    """Refuse strings that are not valid Unicode (lone surrogates), anywhere in a parsed value."""
    pending = [value]
    while pending:  # iterative: a deeply nested value must not exhaust the stack here either
        item = pending.pop()
        if isinstance(item, str):
            _check_string(item, name)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_string(key, name)
                pending.append(inner)
        elif isinstance(item, list | tuple):
            pending.extend(item)


def _check_string(text, name: str) -> None:
    if not isinstance(text, str):
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise ValidationError(f"{name}中含有无效的字符（单独的代理项 \\u{ord(bad):04x}），请检查后重新提交") from None


class _Constant(ValueError):
    pass


def _refuse_constant(word):
    raise _Constant(word)
