"""What a print template may reach, checked before it is saved and before it is rendered.

Templates see plain data (safe.py), so a template that reaches past it prints
nothing; but an administrator should hear so when saving, not find a blank in
an issued notice. This walks a compiled template and follows every name it
uses through the *shape* of what it will see: the document's fields and child
rows (from the doctype's metadata, with its custom fields), a link as a name
(nothing further to walk), and the app's additions as their dataclasses declare
them (the ``print_context`` hook's return annotation). A name outside that —
``doc.owner.password``, ``doc.period.self_assessments``, a tag that loads or
includes other templates — is refused with a Chinese message naming it.

One check serves the admin form, the API and the configuration import (the
models' ``clean``, validation.py) and the renderer (compose.py).
"""

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from django.db import models
from django.template import Node, TemplateSyntaxError, Variable, defaulttags
from django.template.base import FilterExpression, TextNode, VariableNode
from django.utils.module_loading import import_string

from apps.lowcode.doctype.events import app_hooks
from apps.lowcode.print_format.safe import print_properties, vars_of_class


class Shape:
    """What a name stands for in a template, as far as a check can tell."""

    label = "值"

    def attribute(self, name: str) -> "Shape | None":
        return None

    def element(self) -> "Shape | None":
        """The shape of one item when iterated or indexed; None when it is not a list."""
        return None


class Scalar(Shape):
    """A text, a number, a flag, a link's name: printed as it is, nothing to walk."""


class DateValue(Scalar):
    PARTS = ("year", "month", "day")

    def attribute(self, name):
        return Scalar() if name in self.PARTS else None


class Anything(Shape):
    """Data an app hands over without declaring its shape: plain, so any lookup is harmless."""

    label = "数据"

    def attribute(self, name):
        return self

    def element(self):
        return self


class ListOf(Shape):
    label = "列表"

    def __init__(self, item: Shape):
        self.item = item

    def attribute(self, name):
        return self.item if name.isdigit() else None

    def element(self):
        return self.item


class RecordShape(Shape):
    def __init__(self, fields: dict[str, "Shape | typing.Callable[[], Shape]"], label: str = "记录"):
        self.fields, self.label = fields, label

    def attribute(self, name):
        shape = self.fields.get(name)
        return shape() if callable(shape) and not isinstance(shape, Shape) else shape


def doc_shape(doctype: str) -> RecordShape:
    """A document of ``doctype`` as print templates see it: fields, links as names, child rows, printed properties."""
    from apps.lowcode.doctype.meta import get_meta

    meta = get_meta(doctype)
    fields: dict = {}
    for fieldname, docfield in meta.fields.items():
        fields[fieldname] = DateValue() if docfield.fieldtype in ("Date", "Datetime") else Scalar()
    for table in meta.tables.values():
        fields[table.fieldname] = lambda child=table.doctype: ListOf(doc_shape(child))
    for name in print_properties().get(doctype, ()):
        attribute = getattr(meta.model, name, None)
        returns = _return_type(attribute.fget) if isinstance(attribute, property) else None
        model = _model_of(returns)
        fields[name] = Scalar() if model is not None or returns is None else (lambda t=returns: shape_of(t))
    return RecordShape(fields, label=f"“{meta.label}”")


def _return_type(function):
    try:
        return typing.get_type_hints(function).get("return")
    except Exception:  # an annotation that does not resolve: unknown
        return None


def _model_of(annotation):
    return annotation if isinstance(annotation, type) and issubclass(annotation, models.Model) else None


def shape_of(annotation, depth: int = 0) -> Shape:
    """The shape of a value of a Python type: a dataclass, a doctype's model, a list of them, a scalar."""
    if depth > 8:
        return Anything()
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return shape_of(options[0], depth + 1) if len(options) == 1 else Anything()
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set, frozenset):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return ListOf(shape_of(args[0], depth + 1) if args else Anything())
    if origin is not None:
        return Anything()
    if annotation in (date, datetime):
        return DateValue()
    if annotation in (str, int, float, bool, Decimal, type(None)):
        return Scalar()
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return dataclass_shape(annotation, depth)
    model = _model_of(annotation)
    if model is not None:
        return doc_shape(model.doctype) if getattr(model, "doctype", "") else Scalar()
    return Anything()


def dataclass_shape(cls, depth: int = 0) -> RecordShape:
    hints = typing.get_type_hints(cls)
    # Each lambda binds its own field's hint now (a default argument) and shapes it only when asked.
    fields: dict = {
        f.name: (lambda t=hints.get(f.name): shape_of(t, depth + 1))  # noqa: B008
        for f in dataclasses.fields(cls)
    }
    for name, attribute in vars_of_class(cls).items():
        if isinstance(attribute, property) and not name.startswith("_"):
            returns = _return_type(attribute.fget)
            fields[name] = lambda t=returns: shape_of(t, depth + 1) if t is not None else Anything()
    return RecordShape(fields)


# The scope's entry for the names of an app's print context that does not declare them (a dict).
UNDECLARED = "*"
FORLOOP = RecordShape(
    {name: Scalar() for name in ("counter", "counter0", "revcounter", "revcounter0", "first", "last", "length")}
    | {"parentloop": Anything()},
    label="forloop",
)
# Filters that give back what they were given (or a part of it); any other filter gives a value.
SAME_SHAPE = {"default", "default_if_none", "dictsort", "dictsortreversed", "slice", "safe", "random"}
ONE_ITEM = {"first", "last", "random"}
# Tags a print template may use; the others load, include or reach outside the data (url, load,
# include, extends, debug, csrf_token…) or bind names in ways not followed here (cycle, regroup).
ALLOWED_NODES = (
    defaulttags.IfNode,
    defaulttags.ForNode,
    defaulttags.WithNode,
    defaulttags.FirstOfNode,
    defaulttags.FilterNode,
    defaulttags.SpacelessNode,
    defaulttags.AutoEscapeControlNode,
    defaulttags.CommentNode,
    defaulttags.VerbatimNode,
    defaulttags.TemplateTagNode,
    defaulttags.WidthRatioNode,
    defaulttags.NowNode,
    defaulttags.IfChangedNode,
    TextNode,
    VariableNode,
)


class Checker:
    def __init__(self):
        self.errors: list[str] = []

    def refuse(self, message: str):
        if message not in self.errors:
            self.errors.append(message)

    # -- expressions

    def variable(self, variable: Variable, scope: dict[str, Shape]) -> Shape:
        if variable.lookups is None:  # a literal: "text", 12
            return DateValue() if isinstance(variable.literal, (date, datetime)) else Scalar()
        path = ".".join(variable.lookups)
        root, *rest = variable.lookups
        shape = scope.get(root) or scope.get(UNDECLARED)
        if shape is None:
            names = "、".join(sorted(n for n in scope if n not in ("None", "True", "False")))
            self.refuse(f"模板用到了“{path}”，但没有“{root}”（可用的有：{names}）")
            return Anything()
        walked = root
        for bit in rest:
            inner = shape.attribute(bit)
            if inner is None:
                if isinstance(shape, Scalar):
                    self.refuse(f"模板用到了“{path}”：“{walked}”是一个值（链接只印名称），不能再取“{bit}”")
                elif isinstance(shape, ListOf):
                    self.refuse(f"模板用到了“{path}”：“{walked}”是一组记录，没有“{bit}”，请用序号或逐条列出")
                else:
                    self.refuse(f"模板用到了“{path}”：{shape.label}没有字段“{bit}”")
                return Anything()
            shape, walked = inner, f"{walked}.{bit}"
        return shape

    def expression(self, expression, scope) -> Shape:
        if not isinstance(expression, FilterExpression):
            return Scalar()
        var = expression.var
        shape = self.variable(var, scope) if isinstance(var, Variable) else Scalar()
        for function, arguments in expression.filters:
            for is_lookup, argument in arguments:
                if is_lookup and isinstance(argument, Variable):
                    self.variable(argument, scope)
            name = getattr(function, "_filter_name", function.__name__)
            if name in ONE_ITEM:
                shape = shape.element() or Anything()
            elif name not in SAME_SHAPE:
                shape = Scalar()
        return shape

    def condition(self, condition, scope):
        if condition is None:
            return
        value = getattr(condition, "value", None)
        if isinstance(value, FilterExpression):
            self.expression(value, scope)
        for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
            if part is not None:
                self.condition(part, scope)

    # -- nodes

    def nodes(self, nodelist, scope):
        for node in nodelist or ():
            self.node(node, scope)

    def node(self, node: Node, scope: dict[str, Shape]):
        if not isinstance(node, ALLOWED_NODES):
            tag = getattr(getattr(node, "token", None), "contents", "").split(" ")[0] or type(node).__name__
            self.refuse(f"打印模板不能使用 {{% {tag} %}} 标签")
            return
        if isinstance(node, VariableNode):
            self.expression(node.filter_expression, scope)
        elif isinstance(node, defaulttags.IfNode):
            for condition, nodelist in node.conditions_nodelists:
                self.condition(condition, scope)
                self.nodes(nodelist, scope)
        elif isinstance(node, defaulttags.ForNode):
            sequence = self.expression(node.sequence, scope)
            item = sequence.element()
            if item is None:
                self.refuse(f"模板逐条列出“{node.sequence.token}”，但它不是一组记录")
                item = Anything()
            inner = {**scope, "forloop": FORLOOP}
            for name in node.loopvars:
                inner[name] = item if len(node.loopvars) == 1 else Anything()
            self.nodes(node.nodelist_loop, inner)
            self.nodes(node.nodelist_empty, scope)
        elif isinstance(node, defaulttags.WithNode):
            inner = {**scope, **{name: self.expression(value, scope) for name, value in node.extra_context.items()}}
            self.nodes(node.nodelist, inner)
        elif isinstance(node, defaulttags.FirstOfNode):
            for value in node.vars:
                self.expression(value, scope)
        elif isinstance(node, defaulttags.FilterNode):
            self.expression(node.filter_expr, scope)
            self.nodes(node.nodelist, scope)
        elif isinstance(node, defaulttags.IfChangedNode):
            for value in node._varlist:
                self.expression(value, scope)
            self.nodes(node.nodelist_true, scope)
            self.nodes(node.nodelist_false, scope)
        elif isinstance(node, defaulttags.WidthRatioNode):
            for value in (node.val_expr, node.max_expr, node.max_width):
                self.expression(value, scope)
        elif isinstance(node, defaulttags.NowNode):
            if node.asvar:
                self.refuse("打印模板中 {% now %} 不能用 as 另起变量名")
        elif isinstance(node, (defaulttags.SpacelessNode, defaulttags.AutoEscapeControlNode)):
            self.nodes(node.nodelist, scope)


def reach_errors(text: str, scope: dict[str, Shape]) -> list[str]:
    """What a template reaches for outside ``scope``, in Chinese (empty when it stays inside)."""
    from apps.lowcode.print_format.template import compile_template

    if not text or "{" not in text:
        return []
    try:
        template = compile_template(text)
    except TemplateSyntaxError:
        return []  # reported as 模板有误 by the syntax check
    checker = Checker()
    checker.nodes(template.nodelist, scope)
    return checker.errors


def path_shape(path: str, scope: dict[str, Shape]) -> tuple[Shape | None, list[str]]:
    """The shape a dotted path (表格数据: ``doc.lines``, ``projects``) names, and what is wrong with it."""
    try:
        variable = Variable(path)
    except TemplateSyntaxError as exc:
        return None, [f"表格数据“{path}”有误：{exc}"]
    if variable.lookups is None:
        return None, [f"表格数据“{path}”不存在"]
    checker = Checker()
    shape = checker.variable(variable, scope)
    if checker.errors:
        return None, [f"表格数据“{path}”不存在：{checker.errors[0]}"]
    return shape, []


# ---------------------------------------------------------------- the names a format's templates see


@lru_cache(maxsize=64)
def _hook_shapes(doctype: str) -> tuple[tuple[str, Shape], ...]:
    shapes: dict[str, Shape] = {}
    for hook in context_hooks().get(doctype, ()):
        returns = _return_type(hook)
        if isinstance(returns, type) and dataclasses.is_dataclass(returns):
            added = dataclass_shape(returns)
            shapes.update({name: added.attribute(name) for name in added.fields})
        else:  # a hook that returns a dict: its names are not known here (its values are still plain data)
            shapes[UNDECLARED] = Anything()
    return tuple(shapes.items())


def document_scope(doctype: str) -> dict[str, Shape]:
    """The names every template of a ``doctype`` format sees: doc, today, notice and the app's additions."""
    from apps.lowcode.doctype import version

    return dict(_document_scope(doctype, version.current()))


@lru_cache(maxsize=64)
def _document_scope(doctype: str, version: int) -> tuple[tuple[str, Shape], ...]:
    scope: dict[str, Shape] = {
        # Django's own names: {% if doc.self_total is not None %}
        "None": Scalar(),
        "True": Scalar(),
        "False": Scalar(),
        "doc": doc_shape(doctype),
        "today": DateValue(),
        "notice": RecordShape({"number": Scalar(), "issue_date": DateValue()}, label="notice"),
    }
    scope.update(dict(_hook_shapes(doctype)))
    return tuple(scope.items())


def group_shape(row: Shape) -> RecordShape:
    return RecordShape({"key": Scalar(), "rows": ListOf(row), "index": Scalar()}, label="group")


def table_scope(scope: dict[str, Shape], row: Shape) -> dict[str, Shape]:
    """What a table's column templates see besides the document's names: the row, its number, its group."""
    return {**scope, "row": row, "row_number": Scalar(), "group": group_shape(row)}


@cache
def context_hooks() -> dict[str, list[Callable]]:
    """{doctype: [hook, …]}: what the apps add to a document's print context (their hooks.py ``print_context``)."""
    hooks: dict[str, list[Callable]] = {}
    for _app, declared in app_hooks("print_context"):
        for doctype, path in declared.items():
            hooks.setdefault(doctype, []).append(import_string(path))
    return hooks
