"""What print templates see: plain, read-only data, never model instances, managers or callables.

A template is written by an administrator and rendered for anyone who may read
the document, so it must not reach past what it prints: ``doc.owner.password``
or ``doc.period.self_assessments.all`` (another county's figures) must give
nothing. As in Frappe, a document is its fields and child rows; a link is the
linked record's name (``doc.county`` → 章贡区). What an app adds
(``print_context`` hooks) is turned into the same kind of data: dataclasses and
dicts become :class:`Record` (their properties computed once, here), lists
become tuples, a record an app hands over becomes its fields.

A :class:`Record` has no public attribute and no method a template could call;
Django's template language refuses names starting with "_", so its only door
is item lookup.
"""

import dataclasses
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from apps.lowcode.doctype.events import app_hooks

SCALARS = (str, int, float, Decimal, bool, date, time, type(None))


class Record:
    """A read-only set of named values for templates: ``{{ doc.title }}``, ``{{ row.county }}``."""

    __slots__ = ("_values", "_text")

    def __init__(self, values: dict, text: str = ""):
        self._values = values
        self._text = text

    def __getitem__(self, key):
        return self._values[key]

    def __contains__(self, key):
        return key in self._values

    def __iter__(self):  # nothing to list: a record is not a table
        return iter(())

    def __str__(self):
        return self._text

    def __repr__(self):
        return f"<Record {self._text}>"


def value_of(row, name: str, default=None):
    """A named value of a row: a Record's, a dict's (the app's own data), else ``default``."""
    if isinstance(row, Record):
        return row._values.get(name, default)
    if isinstance(row, dict):
        return row.get(name, default)
    return default


def keys_of(record: Record) -> list[str]:
    return list(record._values)


@cache
def print_properties() -> dict[str, tuple[str, ...]]:
    """Computed values a doctype prints besides its fields (hooks.py ``print_properties``), as
    Frappe's virtual fields: a period's ``title`` (2023年第一季度), an assessment's ``assessee``."""
    declared: dict[str, tuple[str, ...]] = {}
    for _app, hook in app_hooks("print_properties"):
        for doctype, names in hook.items():
            declared[doctype] = declared.get(doctype, ()) + tuple(names)
    return declared


def _field_value(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def document_record(obj) -> Record:
    """A document as its fields (links by name), child rows and printed properties."""
    from apps.lowcode.doctype.meta import get_meta
    from apps.lowcode.doctype.serialize import link_value

    meta = get_meta(type(obj).doctype)
    values = {}
    for fieldname, docfield in meta.fields.items():
        if docfield.custom:
            values[fieldname] = plain((obj.custom_values or {}).get(fieldname))
        elif docfield.is_link:
            values[fieldname] = link_value(obj, fieldname)
        else:
            values[fieldname] = _field_value(getattr(obj, fieldname))
    for table in meta.tables.values():
        values[table.fieldname] = tuple(document_record(row) for row in getattr(obj, table.fieldname).all())
    for name in print_properties().get(meta.doctype, ()):
        value = getattr(obj, name)
        # A property naming another record (an assessment's county) prints as a link does: its name.
        values[name] = value.name if isinstance(value, models.Model) else plain(value)
    return Record(values, text=str(obj.name or ""))


def dataclass_values(obj) -> dict:
    """A dataclass's fields and properties, as plain data."""
    fields, properties = dataclass_shape(type(obj))
    values = {name: plain(getattr(obj, name)) for name in fields}
    for name in properties:
        values[name] = plain(getattr(obj, name))
    return values


@cache
def dataclass_shape(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A dataclass's field names and public property names, read once per class (a notice converts
    thousands of rows of one class)."""
    fields = tuple(f.name for f in dataclasses.fields(cls))
    properties = tuple(
        name
        for name, attribute in vars_of_class(cls).items()
        if isinstance(attribute, property) and not name.startswith("_")
    )
    return fields, properties


def vars_of_class(cls) -> dict:
    merged = {}
    for klass in reversed(cls.__mro__):
        merged.update(vars(klass))
    return merged


def plain(value):
    """``value`` as data a template may see; TypeError for what has no plain form (a programming error)."""
    if isinstance(value, (Record, *SCALARS)):
        return _field_value(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        if getattr(type(value), "doctype", ""):
            return document_record(value)
        return str(value)  # a user: their username
    if isinstance(value, models.Manager):
        raise TypeError(f"print context: pass a list, not the manager {value!r}")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return Record(dataclass_values(value), text=str(value) if type(value).__str__ is not object.__str__ else "")
    if isinstance(value, dict):
        return Record({str(k): plain(v) for k, v in value.items()})
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)) or _is_generator(value):
        return tuple(plain(v) for v in value)
    raise TypeError(f"print context: {type(value).__name__} is not plain data")


def _is_generator(value) -> bool:
    import types

    return isinstance(value, (types.GeneratorType, map, filter, zip))
