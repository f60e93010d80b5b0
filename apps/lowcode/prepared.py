"""Querysets compiled to SQL once per process and connection, then run again with other values.

Django compiles a queryset to SQL every time it is evaluated. For a query with subqueries and joins
(a category's documents, say) that costs more CPU than the database takes to answer it: on a
workflow action that scores its category, compiling was about a third of the request's Python.

``run(build, *args)`` calls ``build(*args)`` once per shape of its arguments with stand-in values,
compiles the queryset, notes where each stand-in went among the SQL's parameters, and from then on
sends the same SQL with the real values in those places. What comes back is built by Django's own
iterables from the compiled query (model instances with their select_related objects and annotations,
or values_list tuples), exactly as evaluating ``build(*args)`` would give.

Arguments are integers (ids), None, or lists of integers. A shape is which arguments are None and how
long each list is (both change the SQL: ``IS NULL``, ``IN (%s, %s)``). A queryset that cannot be
prepared (a stand-in did not come through as a parameter, an empty list) is evaluated the ordinary
way every time. The SQL is per connection: its vendor's dialect, and no compiled query crosses threads.
"""

from collections.abc import Callable
from itertools import count

from django.db import connections
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins far from any id or constant a query carries.
_FIRST_STAND_IN = -7_340_000_000
_CANNOT = object()
MAX_ENTRIES = 256  # per connection


class _Entry:
    __slots__ = ("queryset", "compiler", "sql", "template", "slots")


def run(build: Callable, *args, using: str = "default") -> list:
    """``list(build(*args))``, its SQL compiled once per process, connection and shape of ``args``."""
    connection = connections[using]
    cache = connection.__dict__.setdefault("_lowcode_prepared", {})
    key = (build, tuple(_shape(arg) for arg in args))
    entry = cache.get(key)
    if entry is None:
        if len(cache) >= MAX_ENTRIES:  # shapes of long lists seen once: start again
            cache.clear()
        entry = cache[key] = _prepare(build, args, connection, using)
    if entry is _CANNOT:
        return list(build(*args))
    params = list(entry.template)
    values = [value for arg in args if arg is not None for value in (arg if isinstance(arg, list) else [arg])]
    for index, which in entry.slots:
        params[index] = values[which]
    entry.compiler.prepared_params = params
    # A fresh queryset on the same compiled query (chaining would clone the query, which costs as much).
    queryset = entry.queryset.__class__.__new__(entry.queryset.__class__)
    queryset.__dict__ = {**entry.queryset.__dict__, "_result_cache": None, "_prefetch_done": False}
    return list(queryset)


def _shape(arg):
    if arg is None:
        return None
    if isinstance(arg, list):
        if not all(type(value) is int for value in arg):
            raise TypeError("prepared queries take lists of integers")
        return len(arg)
    if type(arg) is not int:
        raise TypeError("prepared queries take integers, None or lists of integers")
    return "int"


def _prepare(build, args, connection, using):
    numbers = count()
    stand_ins = {}  # {stand-in: position among the values}

    def stand_in():
        position = next(numbers)
        value = _FIRST_STAND_IN - position
        stand_ins[value] = position
        return value

    fake = [None if arg is None else [stand_in() for _ in arg] if isinstance(arg, list) else stand_in() for arg in args]
    if any(arg == [] for arg in fake):
        return _CANNOT  # IN () is no query at all: Django answers it without the database
    queryset = build(*fake).using(using)
    compiler = queryset.query.get_compiler(using=using, connection=connection)
    if not isinstance(compiler, SQLCompiler) or queryset._prefetch_related_lookups:
        return _CANNOT
    sql, params = compiler.as_sql()  # also sets what the iterables read: select, klass_info, annotations
    slots = [(index, stand_ins[p]) for index, p in enumerate(params) if type(p) is int and p in stand_ins]
    if {which for _, which in slots} != set(stand_ins.values()):
        return _CANNOT
    entry = _Entry()
    entry.queryset, entry.compiler, entry.sql, entry.template, entry.slots = queryset, compiler, sql, params, slots
    compiler.as_sql = lambda *a, **k: (sql, compiler.prepared_params)
    # The converters of the selected columns, worked out once too (every run asks for the same ones).
    converters, find_converters = {}, compiler.get_converters

    def get_converters(expressions):
        key = tuple(map(id, expressions))
        if key not in converters:
            converters[key] = find_converters(expressions)
        return converters[key]

    compiler.get_converters = get_converters
    queryset.query.get_compiler = lambda *a, **k: compiler
    return entry
