"""A safe expression language for conditions and formulas (simpleeval, never ``eval``).

Administrators write expressions such as ``doc.self_total >= 60`` or
``len(doc.lines) > 0 and doc.scheme == "县级"``. Only the names given and a
few pure functions are reachable; no attribute starting with an underscore,
no imports, no loops, bounded powers and string sizes (simpleeval's limits).

``check`` refuses, when an expression is saved, what would only fail when it
runs: unknown names, functions and fields (of the doctype, custom fields and
child tables included), underscore attributes, method calls. The workflow's
conditions and the scoring formulas are both checked by it.
"""

import ast
from decimal import Decimal
from types import SimpleNamespace

from simpleeval import EvalWithCompoundTypes, InvalidExpression

FUNCTIONS = {
    "len": len,
    "sum": sum,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "any": any,
    "all": all,
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
    # A copy: simpleeval adds list/tuple/dict/set to the dict it is given, which would change FUNCTIONS
    # (and what ``check`` offers) for every later expression.
    evaluator = EvalWithCompoundTypes(functions=dict(FUNCTIONS), names={k: namespace(v) for k, v in names.items()})
    try:
        return evaluator.eval(expression)
    except InvalidExpression as exc:
        raise ExpressionError(f"表达式“{expression}”无效：{exc}") from None
    except SyntaxError:
        raise ExpressionError(f"表达式“{expression}”有语法错误") from None
    except Exception as exc:  # noqa: BLE001 - any runtime failure of an admin's expression is reported, not raised
        raise ExpressionError(f"表达式“{expression}”计算出错：{type(exc).__name__}: {exc}", runtime=True) from None


# ------------------------------------------------------------------ checking before use


class Record:
    """What an expression may read from a document: its field names, and each child table's rows.

    ``fields`` are plain values (a link is the linked record's name, not the record);
    ``tables`` map a child table's name to the Record of its rows.
    """

    def __init__(self, label: str, fields, tables: dict | None = None):
        self.label, self.fields, self.tables = label, set(fields), dict(tables or {})

    def names(self) -> list[str]:
        return sorted(self.fields | set(self.tables))


class _Rows:
    """A child table (``doc.lines``): iterable, indexable, ``len()``-able; its items are ``Record``s."""

    def __init__(self, record: Record):
        self.record = record


_VALUE = object()  # a plain value (number, text, date): no fields to read
_ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.GeneratorExp,
    ast.ListComp,
    ast.comprehension,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Load,
    ast.Store,
    ast.boolop,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
)


def check(expression: str, names: dict) -> None:
    """Refuse, before an expression is saved, what would only fail (or worse) when it runs.

    ``names`` maps each name the expression may use to a ``Record`` (a document: its
    fields are checked) or to None (a plain value such as ``value`` of a formula).
    Refused: syntax errors; names and functions that are not offered (``__import__``);
    attributes starting with an underscore (``doc.__class__``); fields the document
    does not have (``doc.nosuchfield``); attributes of plain values and method calls;
    statements, lambdas and other constructs the language does not have. The message
    says what is wrong, in Chinese; ExpressionError otherwise as ``evaluate`` raises it.
    """
    text = (expression or "").strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ExpressionError(f"表达式“{expression}”有语法错误") from None
    problems: list[str] = []
    _Checker(names, problems).visit_expr(tree.body, {})
    if problems:
        unique = list(dict.fromkeys(problems))
        raise ExpressionError(f"表达式“{expression}”：{'；'.join(unique)}")


class _Checker:
    """Walks the syntax tree once, knowing what each sub-expression is (a Record, rows, or a value)."""

    def __init__(self, names: dict, problems: list[str]):
        self.names, self.problems = names, problems

    def offered(self) -> str:
        return "、".join([*self.names, *FUNCTIONS])

    def visit_expr(self, node, local: dict):
        """Check ``node``; return what it evaluates to: a Record, _Rows, or _VALUE."""
        if not isinstance(node, _ALLOWED_NODES):
            shown = ast.unparse(node) if isinstance(node, ast.AST) and hasattr(node, "lineno") else type(node).__name__
            self.problems.append(f"不支持“{shown}”这种写法（只能写比较、算术、逻辑运算和允许的函数）")
            return _VALUE
        if isinstance(node, ast.Name):
            return self.name(node.id, local)
        if isinstance(node, ast.Attribute):
            return self.attribute(node, local)
        if isinstance(node, ast.Call):
            return self.call(node, local)
        if isinstance(node, ast.Subscript):
            target = self.visit_expr(node.value, local)
            self.visit_expr(node.slice, local)
            if isinstance(target, Record):
                self.problems.append(
                    f"请用“.字段名”读取{target.label}的字段，例如 doc.{next(iter(target.names()), 'name')}"
                )
            return target.record if isinstance(target, _Rows) else _VALUE
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            return self.comprehension(node, local)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.visit_expr(child, local)
            elif not isinstance(child, _ALLOWED_NODES):
                self.visit_expr(child, local)
        return _VALUE

    def name(self, name: str, local: dict):
        if name in local:
            return local[name]
        if name in self.names:
            found = self.names[name]
            return found if isinstance(found, Record) else _VALUE
        if name in FUNCTIONS:
            self.problems.append(f"函数“{name}”须带括号调用，例如 {name}(…)")
        elif name.startswith("_"):
            self.problems.append(f"不能使用以下划线开头的名称“{name}”")
        else:
            self.problems.append(f"未知的名称“{name}”（可用的名称：{self.offered()}）")
        return _VALUE

    def attribute(self, node: ast.Attribute, local: dict):
        owner = self.visit_expr(node.value, local)
        attr = node.attr
        if attr.startswith("_"):
            self.problems.append(f"不能访问以下划线开头的属性“{attr}”")
            return _VALUE
        if isinstance(owner, Record):
            if attr in owner.tables:
                return _Rows(owner.tables[attr])
            if attr not in owner.fields:
                self.problems.append(f"{owner.label}没有字段“{attr}”（可用的字段：{'、'.join(owner.names())}）")
            return _VALUE
        if isinstance(owner, _Rows):
            self.problems.append(
                f"“{attr}”：子表是多行，请写 len(…) 或用下标、循环取某一行，例如 all(row.{attr} for row in …)"
            )
            return _VALUE
        self.problems.append(f"不能读取“{attr}”：只能读取单据及其子表行的字段")
        return _VALUE

    def call(self, node: ast.Call, local: dict):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.func.id in local:
            shown = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            self.problems.append(f"不允许调用“{shown}”（可用的函数：{'、'.join(FUNCTIONS)}）")
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            self.visit_expr(arg, local)
        return _VALUE

    def comprehension(self, node, local: dict):
        scope = dict(local)
        for generator in node.generators:
            source = self.visit_expr(generator.iter, scope)
            if not isinstance(generator.target, ast.Name):
                self.problems.append("循环变量只能是一个名称，例如 row")
                continue
            if generator.target.id.startswith("_"):
                self.problems.append(f"不能使用以下划线开头的名称“{generator.target.id}”")
            scope[generator.target.id] = source.record if isinstance(source, _Rows) else _VALUE
            for condition in generator.ifs:
                self.visit_expr(condition, scope)
        self.visit_expr(node.elt, scope)
        return _VALUE
