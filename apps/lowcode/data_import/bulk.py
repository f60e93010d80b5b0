"""The set-based path of an import: a batch of new records checked and written together.

A sheet of new records (10,000 projects) saved one by one through
``save_document`` costs some twenty queries a row. This path applies the same
steps to a batch of rows, with the queries made once for the batch:

- cells are read and matched exactly as the per-row path does (``RecordImporter.read``
  and the same duplicate rules); whether any row names an existing record (by
  编号 or by its natural key) is one query per key for the batch;
- each document is built by ``save_document``'s own steps (``lifecycle.before_save``,
  the apps' ``client_data`` hooks, ``_assign``, the model's validation with its
  controller and ``validate`` events); links are looked up in the user's scope
  once per linked doctype (a set of names), uniqueness is checked in one query
  per unique field set;
- the valid rows are inserted with ``bulk_create``, their history rows
  (django-simple-history, by the importing user) with one more, and each
  document's ``lifecycle.after_save`` (workflow creation log, ``after_insert``
  and ``on_update`` events) runs after its batch is written; whether each saved
  record is still in the user's scope is one query.

Whatever this path cannot decide alone sends the batch, rolled back, through the
per-row path: a row updating an existing record, a unique value met twice or
already stored, a failed insert, an event that raises, a record outside the
user's scope after saving. So the rows, messages and history are the ones the
per-row path gives; only the fast case is faster.

A doctype goes row by row throughout (``reason_for_rows`` says why) when its
sheet has child tables or an explicit key, its model overrides ``save`` or has
other save signals, many-to-many fields, a conditional unique constraint or
links to itself (a later row may link an earlier one), or when its controller (``clean``) or ``validate``/``after_insert``/``on_update``
events might read other rows of the same import, unless the model declares
``import_in_batches = True`` (its checks look at the document alone).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import signals
from django.utils import timezone

from apps.lowcode.bulk import insert_rows, insert_values
from apps.lowcode.data_import import cells, keys
from apps.lowcode.data_import.report import CREATED, ERROR, RowError, RowResult
from apps.lowcode.doctype.base import BaseDocument, Document
from apps.lowcode.doctype.events import doc_events, prepare_client_data
from apps.lowcode.doctype.required import apply_defaults
from apps.lowcode.document import lifecycle
from apps.lowcode.document.query_names import own_path
from apps.lowcode.document.service import _assign, ensure_can_or_403, validate
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.workflow.engine import WORKFLOW_ATTR, get_workflow

BATCH = 1000  # rows checked and written together (one savepoint)
ROW_EVENTS = ("validate", "after_insert", "on_update", "on_enter_state")


class PerRow(Exception):
    """The batch needs the per-row path (see the module's docstring)."""


def in_batches(importer) -> bool:
    """Whether this import may take the set-based path (setting LOWCODE_IMPORT_IN_BATCHES, default on)."""
    return getattr(settings, "LOWCODE_IMPORT_IN_BATCHES", True) and not reason_for_rows(importer)


def reason_for_rows(importer) -> str:
    """Why this import goes row by row throughout; "" when batches may be set-based."""
    meta, model = importer.meta, importer.meta.model
    if importer.table_columns:
        return "the sheet has child table columns"
    if importer.keys != keys.natural_keys(meta):
        return "an explicit key"
    if model.save is not Document.save or not issubclass(model, Document):
        return "the model overrides save"
    if model._meta.many_to_many:
        return "many-to-many fields"
    for signal in (signals.pre_save, signals.post_save):
        if any(not _is_history(r) for r in _receivers(signal, model)):
            return "save signals"
    declared = getattr(model, "import_in_batches", False)
    if not declared:
        if model.clean is not Document.clean and model.clean is not BaseDocument.clean:
            return "the controller validates (clean)"
        events = doc_events()
        for doctype in (meta.doctype, "*"):
            if any(events.get(doctype, {}).get(event) for event in ROW_EVENTS):
                return "document events"
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and (constraint.condition or constraint.expressions):
            return "a conditional unique constraint"  # two rows of one batch could break it unseen
    for column in importer.parent_columns:
        if column.docfield.fieldtype in ("Link", "Table MultiSelect") and column.docfield.options == meta.doctype:
            return "a link to the same doctype"
    return ""


def _receivers(signal, model) -> list:
    """The receivers ``signal`` would call for a save of ``model``; unknowable (another Django): one unknown."""
    try:
        sync, asynchronous = signal._live_receivers(model)
    except (AttributeError, TypeError, ValueError):
        return [None]
    return [*sync, *asynchronous]


def _is_history(receiver) -> bool:
    owner = getattr(receiver, "__self__", None)
    return type(owner).__module__.startswith("simple_history")


@dataclass
class Row:
    record: object
    result: RowResult
    values: dict | None = None
    obj: object = None


class BatchImporter:
    """Runs batches of records for a RecordImporter, set-based; None from ``run`` means "go row by row"."""

    def __init__(self, importer, dry_run: bool = False):
        self.importer, self.dry_run = importer, dry_run
        self.meta = importer.meta
        self.user = importer.user
        self.model = importer.meta.model
        self.link_fields = [
            c.fieldname for c in importer.parent_columns if c.docfield.is_link and not c.docfield.custom
        ]

    def run(self, records) -> list[RowResult] | None:
        saved_keys, saved_records = dict(self.importer.seen_keys), dict(self.importer.seen_records)
        try:
            with transaction.atomic():
                return self._run(records)
        except PerRow:
            self.importer.seen_keys, self.importer.seen_records = saved_keys, saved_records
            return None

    # ------------------------------------------------------------ the steps

    def _run(self, records) -> list[RowResult]:
        try:
            ensure_can_or_403(self.user, "create", self.meta)
        except FrappeError:
            raise PerRow from None  # every row says so, in the per-row path's words
        self.workflow = get_workflow(self.meta.doctype)
        rows = [self._read(record) for record in records]
        readable = [row for row in rows if row.values is not None]
        self._ensure_all_new(readable)
        links = self._links(readable)
        for row in readable:
            self._build(row, links)
        built = [row for row in rows if row.obj is not None]
        self._ensure_unique(built)
        self._insert(built)
        self._after_save(built)
        for row in built:
            row.result.status, row.result.name = CREATED, row.obj.name
            self.importer.seen_records[row.obj.pk] = row.record.row
            self.importer.links.add(self.meta.doctype, row.obj.name)
        return [row.result for row in rows]

    def _read(self, record) -> Row:
        row = Row(record, RowResult(record.row, ERROR, last_row=record.last_row))
        try:
            if record.error:
                raise RowError(record.error)
            values, _children = self.importer.read(record)
            row.result.name = str(values.get("name") or "")
            row.values = values
        except RowError as exc:
            row.result.message = exc.message
        return row

    def _ensure_all_new(self, rows: list[Row]) -> None:
        """Every row creates a record: none names a stored one by 编号 or natural key (one query per key)."""
        manager = self.model._base_manager
        names = {str(row.values["name"]) for row in rows if row.values.get("name")}
        if names and manager.filter(name__in=names).exists():
            raise PerRow
        for key in self.importer.keys:
            wanted = {}
            for row in rows:
                found = keys.key_values(key, row.values)
                if found is not None:
                    wanted[_loose(found.values())] = found
            if not wanted:
                continue
            paths = [own_path(self.meta, f) for f in key]  # a link by its name (a User link by username)
            sets = {path: {v for found in wanted.values() for v in [found[f]]} for path, f in zip(paths, key)}
            stored = manager.filter(**{f"{path}__in": values for path, values in sets.items()}).values_list(*paths)
            if any(_loose(values) in wanted for values in stored):
                raise PerRow

    def _links(self, rows: list[Row]) -> dict[str, dict[str, object]]:
        """{fieldname: {name: record}}: the linked records the rows name, in the user's scope, one query each."""
        found = {}
        for fieldname in self.link_fields:
            docfield = self.meta.fields[fieldname]
            names = {str(row.values[fieldname]) for row in rows if row.values.get(fieldname) not in (None, "")}
            target = docfield.model_field.related_model
            records = {}
            for start in range(0, len(names), 5000):
                chunk = sorted(names)[start : start + 5000]
                if docfield.options == "User":
                    for obj in target._default_manager.filter(username__in=chunk):
                        records[obj.username] = obj
                else:
                    for obj in scope_queryset(self.user, target).filter(name__in=chunk):
                        records[obj.name] = obj
            found[fieldname] = records
        return found

    def _build(self, row: Row, links: dict) -> None:
        """``save_document``'s steps up to the write, for a new record; errors as the per-row path words them."""
        importer, meta = self.importer, self.meta
        try:
            self._match(row)
            data = importer.data(row.values, {}, None)
            obj = self.model()
            obj.__dict__[WORKFLOW_ATTR] = self.workflow  # read once for the batch, as a workflow action keeps it
            obj.owner = self.user
            lifecycle.before_save(self.user, obj, True, data.get("workflow_state"))
            data = prepare_client_data(self.user, meta.doctype, data, name=None)
            tables = _assign(self.user, meta, obj, data, True, links)
            if tables:
                raise PerRow
            obj.modified_by = self.user
            # Links already found in the user's scope, and the importing user: Django would look each up again.
            checked = [f for f in self.link_fields if getattr(obj, f"{f}_id", None) is not None]
            checked = [f for f in checked if not _limited(meta, f)] + ["owner", "modified_by"]
            validate(meta, obj, exclude=checked, unique=False)
            row.obj = obj
        except RowError as exc:
            row.result.message = exc.message
        except FrappeError as exc:
            row.result.message = importer.locate(exc.message, {})
        except DjangoValidationError as exc:
            row.result.message = "；".join(exc.messages)
        except PermissionDenied as exc:
            row.result.message = str(exc) or "没有权限"

    def _match(self, row: Row) -> None:
        """RecordImporter.match for a row known to create a record: the same duplicate rules, no query."""
        importer, values = self.importer, row.values
        signature, described = None, ""
        name = values.get("name")
        if name:
            signature, described = ("name", str(name)), f"{self.meta.fields['name'].label}“{name}”"
        if signature is None:
            for key in importer.keys:
                found = keys.key_values(key, values)
                if found is None:
                    continue
                signature = (key, tuple(str(cells.comparable(self.meta.fields[f], v)) for f, v in found.items()))
                described = keys.describe(self.meta, found)
                break
        if signature is not None:
            if signature in importer.seen_keys:
                raise RowError(f"与第{importer.seen_keys[signature]}行重复（{described}），同一条记录只能出现一次")
            importer.seen_keys[signature] = row.record.row

    def _ensure_unique(self, rows: list[Row]) -> None:
        """Unique fields and constraints: one query per set of fields; any clash goes row by row."""
        if not rows:
            return
        sample = rows[0].obj
        checks, date_checks = sample._get_unique_checks(include_meta_constraints=True)
        if date_checks:
            raise PerRow
        plain = {
            tuple(c.fields)
            for c in self.model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None and not c.expressions
        }
        for constraint in self.model._meta.constraints:
            if tuple(getattr(constraint, "fields", ()) or ()) not in plain:
                for row in rows:  # a condition or an expression: the constraint's own check, row by row
                    try:
                        constraint.validate(self.model, row.obj)
                    except DjangoValidationError:
                        raise PerRow from None
        for _model, fields in checks:
            attnames = [self.model._meta.get_field(f).attname for f in fields]
            seen, given = set(), []
            for row in rows:
                value = tuple(getattr(row.obj, a) for a in attnames)
                if any(v is None for v in value):
                    continue  # as Django's validate_unique: a missing value clashes with nothing
                if _loose(value) in seen and fields != ("name",):  # names are given at insert (_insert)
                    raise PerRow
                seen.add(_loose(value))
                given.append(value)
            for start in range(0, len(given), 5000):
                chunk = given[start : start + 5000]
                sets = {f"{a}__in": {v[i] for v in chunk} for i, a in enumerate(attnames)}
                stored = self.model._base_manager.filter(**sets).values_list(*attnames)
                if any(_loose(v) in seen for v in stored):
                    raise PerRow

    def _insert(self, rows: list[Row]) -> None:
        objs = [row.obj for row in rows]
        names = set()
        given = {str(row.values["name"]) for row in rows if row.values.get("name")}
        for obj in objs:  # what Document.save and BaseDocument.save do before the write, in row order
            apply_defaults(obj, self.meta)
            if not obj.name:
                obj.name = obj.autoname()
            if obj.name in names or (self.meta.naming_rule != "prompt" and obj.name in given):
                raise PerRow  # two rows name one record: the per-row path says which
            names.add(obj.name)
        if not objs:
            return
        try:
            with transaction.atomic():
                stored = insert_rows(objs)
        except DatabaseError:
            raise PerRow from None
        if any(obj.pk is None for obj in objs):
            pks = dict(self.model._base_manager.filter(name__in=names).values_list("name", "pk"))
            for obj in objs:
                obj.pk = pks[obj.name]
        if not self.dry_run:  # a dry run is rolled back, unread meanwhile: its history rows are not written
            self._history(objs, stored)

    def _history(self, objs: list, stored: list[dict]) -> None:
        """What simple-history's post_save writes for each save: the record's values, "+", the importing
        user, no reason; the values are the ones just inserted."""
        history = self.model.history.model
        connection = connections[router.db_for_write(history)]
        now = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
        pk = self.model._meta.pk.attname
        tracked = [f.attname for f in history.tracked_fields]
        attnames = [*tracked, "history_date", "history_user_id", "history_change_reason", "history_type"]
        rows = [
            [obj.pk if a == pk else values[a] for a in tracked] + [now, self.user.pk, None, "+"]
            for obj, values in zip(objs, stored, strict=True)
        ]
        insert_values(history, attnames, rows)

    def _after_save(self, rows: list[Row]) -> None:
        try:
            for row in rows:
                lifecycle.after_save(self.user, row.obj, True, None)
        except (FrappeError, DjangoValidationError, PermissionDenied):
            raise PerRow from None
        for row in rows:
            row.obj.__dict__.pop(WORKFLOW_ATTR, None)
        pks = [row.obj.pk for row in rows]
        seen = set()
        for start in range(0, len(pks), 5000):
            seen.update(
                scope_queryset(self.user, self.model)
                .filter(pk__in=pks[start : start + 5000])
                .values_list("pk", flat=True)
            )
        if len(seen) != len(pks):
            raise PerRow  # a record left the user's scope by saving: refused row by row


def _limited(meta, fieldname: str) -> bool:
    """A link whose model field narrows its choices (limit_choices_to): Django checks it, by a query."""
    return bool(meta.fields[fieldname].model_field.remote_field.limit_choices_to)


def _loose(values) -> tuple:
    """Values compared across Python and the database: numbers by value, dates as text, text as is."""
    from datetime import date
    from decimal import Decimal, InvalidOperation

    result = []
    for value in values:
        if hasattr(value, "pk") and hasattr(value, "_meta"):
            value = value.pk
        if isinstance(value, bool):
            result.append(str(int(value)))
        elif isinstance(value, int | float | Decimal):
            try:
                result.append(str(Decimal(str(value)).normalize()))
            except InvalidOperation:
                result.append(str(value))
        elif isinstance(value, date):
            result.append(value.isoformat())
        else:
            result.append(str(value).casefold().rstrip())
    return tuple(result)
