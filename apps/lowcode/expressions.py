"""A safe expression language for conditions and formulas (simpleeval, never ``eval``).

Administrators write expressions such as ``doc.self_total >= 60`` or
``len(doc.lines) > 0 and doc.scheme == "县级"``. Only the names given and a
few pure functions are reachable; no attribute starting with an underscore,
no imports, no loops, bounded powers and string sizes (simpleeval's limits).
"""

from decimal import Decimal
from types import SimpleNamespace

from simpleeval import EvalWithCompoundTypes, InvalidExpression

FUNCTIONS = {
    "len": len, "sum": sum, "min": min, "max": max, "abs": abs, "round": round,
    "int": int, "float": float, "str": str, "bool": bool, "any": any, "all": all,
}


class ExpressionError(ValueError):
    """The expression is malformed or failed; the message is for the administrator (Chinese).

    ``runtime`` is True when the expression is sound but the values are not
    (an empty score compared with a number): the document's fault, not the
    administrator's.
    """

    def __init__(self, message: str, runtime: bool = False):
        super().__init__(message)
        self.runtime = runtime


def namespace(value):
    """Dicts as attribute namespaces (``doc.lines[0].self_score``), decimals as floats."""
    if isinstance(value, dict):
        return SimpleNamespace(**{key: namespace(item) for key, item in value.items()})
    if isinstance(value, list):
        return [namespace(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def evaluate(expression: str, names: dict):
    evaluator = EvalWithCompoundTypes(functions=FUNCTIONS, names={k: namespace(v) for k, v in names.items()})
    try:
        return evaluator.eval(expression)
    except InvalidExpression as exc:
        raise ExpressionError(f"表达式“{expression}”无效：{exc}") from None
    except SyntaxError:
        raise ExpressionError(f"表达式“{expression}”有语法错误") from None
    except Exception as exc:  # noqa: BLE001 - any runtime failure of an admin's expression is reported, not raised
        raise ExpressionError(f"表达式“{expression}”计算出错：{type(exc).__name__}: {exc}", runtime=True) from None


def check_syntax(expression: str) -> None:
    """Raise ExpressionError when the expression cannot even be parsed."""
    import ast

    try:
        ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(f"表达式“{expression}”有语法错误") from None
