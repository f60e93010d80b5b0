"""Documents as dicts in Frappe's shape: what clients, templates, history and workflow conditions read.

Standard fields, links as the linked record's name, custom fields from
``custom_values``, child tables as lists of rows with parent/parentfield/
parenttype/idx. Values are JSON-ready: datetimes as Frappe's text, decimals as
floats, checks as 0/1, files as their path in storage.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from apps.lowcode import prepared
from apps.lowcode.doctype.meta import DocTypeMeta, get_meta

# Already JSON as they are (bool is not among them: type(True) is bool, and Frappe's checks are 0/1).
_PLAIN_TYPES = frozenset({str, int, float, type(None)})


def format_value(value):
    if type(value) in _PLAIN_TYPES:  # most cells of a list: skip the checks below
        return value
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S.%f")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M:%S.%f")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, FieldFile):  # a stored file: its path in storage ("" when none)
        return value.name or ""
    return value


def link_value(obj, fieldname):
    target = getattr(obj, fieldname)
    if target is None:
        return None
    return target.get_username() if hasattr(target, "get_username") else target.name


def link_fields(meta: DocTypeMeta) -> list[str]:
    return list(_plan(meta).links)


# ---------------------------------------------------------------- per-meta plans
#
# A document read turns every field of every row into JSON. Deciding per value how
# (custom, link, datetime, decimal…) and looking metadata up per row cost more than the
# database; a plan decides once per doctype and metadata version. A customisation
# builds a new meta object (get_meta caches per version), hence a new plan.


def _datetime_text(value):
    return (
        timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S.%f")
        if timezone.is_aware(value)
        else value.strftime("%Y-%m-%d %H:%M:%S.%f")
    )


def _converter(model_field):
    """How a model field's value becomes JSON, decided once: the branch format_value would take."""
    if isinstance(model_field, models.DateTimeField):
        convert = _datetime_text
    elif isinstance(model_field, models.DateField):
        convert = date.isoformat
    elif isinstance(model_field, models.DecimalField):
        convert = float
    elif isinstance(model_field, models.BooleanField):
        convert = int
    elif isinstance(model_field, models.FileField):
        return lambda value: (value.name or "") if isinstance(value, FieldFile) else format_value(value)
    elif (
        isinstance(model_field, models.CharField | models.TextField | models.IntegerField | models.FloatField)
        and not model_field.choices
    ):
        return None  # already JSON: the value as it is
    else:
        return format_value
    return lambda value: None if value is None else convert(value)


class _Plan:
    """For one meta: (fieldname, kind, how) per field, the link fields to join, the child tables."""

    __slots__ = ("meta", "steps", "links", "tables", "columns", "rows_of")

    def __init__(self, meta: DocTypeMeta):
        self.meta = meta
        self.steps = []
        self.links = []
        for fieldname, docfield in meta.fields.items():
            if docfield.custom:
                self.steps.append((fieldname, "custom", None))
            elif docfield.is_link:
                self.links.append(fieldname)
                user = getattr(docfield.model_field.related_model, "USERNAME_FIELD", None)
                self.steps.append((fieldname, "link", user or "name"))
            else:
                self.steps.append((fieldname, "value", _converter(docfield.model_field)))
        self.tables = [(table.fieldname, table.doctype) for table in meta.tables.values()]
        # Child rows are read as plain tuples (no model instances): a link is its target's name, joined.
        self.columns = None
        if meta.istable and not self.tables and all(kind != "custom" for _, kind, _ in self.steps):
            self.columns = [
                f"{fieldname}__{how}" if kind == "link" else fieldname for fieldname, kind, how in self.steps
            ]
        self.rows_of = self._rows_of if self.columns is not None and meta.parent_fk else None

    def _rows_of(self, parent_id: int):
        """A parent's rows of this child doctype, as its related manager reads them (``prepared.run``)."""
        return self.meta.model._default_manager.filter(**{self.meta.parent_fk: parent_id}).values_list(*self.columns)

    def row_from_values(self, values, stamp: dict) -> dict:
        data = {"doctype": self.meta.doctype}
        for (fieldname, kind, how), value in zip(self.steps, values):
            data[fieldname] = value if how is None or kind == "link" else how(value)
        data.update(stamp)
        return data


_plans: dict[int, _Plan] = {}


def _plan(meta: DocTypeMeta) -> _Plan:
    plan = _plans.get(id(meta))
    if plan is None or plan.meta is not meta:
        if len(_plans) > 512:  # old metadata versions
            _plans.clear()
        plan = _plans[id(meta)] = _Plan(meta)
    return plan


def _has_column(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).concrete
    except FieldDoesNotExist:
        return False


def _link_names(obj, plan: _Plan) -> dict:
    """{link fieldname: name} of the links not loaded yet, in one query (a UNION ALL over their targets).

    A document just saved (a workflow action, a save through the API) has its links as ids: reading
    each target to name it is a query per link. The ids are the ones in memory, as getattr would use.
    """
    pending = []
    for fieldname in plan.links:
        model_field = plan.meta.fields[fieldname].model_field
        if not isinstance(model_field, models.ForeignKey):
            continue
        model = model_field.related_model
        column = getattr(model, "USERNAME_FIELD", None) or "name"  # what _Plan names a link by
        target_id = getattr(obj, model_field.attname)
        if target_id is not None and not model_field.is_cached(obj) and _has_column(model, column):
            pending.append((fieldname, model, column, target_id))
    if len(pending) < 2:  # one link: the descriptor's own query is as cheap
        return {}
    # Written out rather than built with the ORM: a UNION of querysets took more CPU to compile than the
    # database took to answer it, on every document a workflow action or a save answers with.
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s, {quote(model._meta.get_field(column).column)} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
        for _, model, column, _ in pending
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for fieldname, _, _, target_id in pending for value in (fieldname, target_id)])
        return dict(cursor.fetchall())


def _row(obj, plan: _Plan) -> dict:
    data = {"doctype": plan.meta.doctype}
    custom = None
    names = _link_names(obj, plan) if plan.links else {}
    for fieldname, kind, how in plan.steps:
        if kind == "value":
            value = getattr(obj, fieldname)
            data[fieldname] = value if how is None else how(value)
        elif kind == "link":
            if fieldname in names:
                data[fieldname] = names[fieldname]
                continue
            target = getattr(obj, fieldname)
            data[fieldname] = None if target is None else getattr(target, how)
        else:
            if custom is None:
                custom = obj.custom_values or {}
            data[fieldname] = custom.get(fieldname)
    return data


def doc_to_dict(obj, meta: DocTypeMeta | None = None, parent=None) -> dict:
    meta = meta or get_meta(type(obj).doctype)
    plan = _plan(meta)
    data = _row(obj, plan)
    if meta.istable:
        parent = parent or getattr(obj, meta.parent_fk)
        table = next(t for t in get_meta(parent.doctype).tables.values() if t.doctype == meta.doctype)
        data.update(parent=parent.name, parentfield=table.fieldname, parenttype=parent.doctype)
    for fieldname, doctype in plan.tables:
        child_plan = _plan(get_meta(doctype))
        stamp = {"parent": obj.name, "parentfield": fieldname, "parenttype": meta.doctype}
        if child_plan.rows_of is not None and type(obj.pk) is int:  # compiled once per process
            rows = prepared.run(child_plan.rows_of, obj.pk)
            data[fieldname] = [child_plan.row_from_values(row, stamp) for row in rows]
        elif child_plan.columns is not None:
            rows = getattr(obj, fieldname).values_list(*child_plan.columns)
            data[fieldname] = [child_plan.row_from_values(row, stamp) for row in rows]
        else:
            rows = getattr(obj, fieldname).select_related(*child_plan.links)
            data[fieldname] = [_child(row, child_plan, stamp) for row in rows]
    return data


def _child(row, plan: _Plan, stamp: dict) -> dict:
    data = _row(row, plan)
    data.update(stamp)
    for fieldname, _doctype in plan.tables:  # a child table of a child (none today; kept general)
        data[fieldname] = doc_to_dict(row, plan.meta, None)[fieldname]
    return data
