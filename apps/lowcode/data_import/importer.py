"""Importing a sheet into a doctype, row by row, through ``save_document``.

Each record (a row, and the continuation rows below it that only fill child
columns) is read, matched to the record it updates (keys.py), and saved in
its own savepoint: a bad row is rolled back alone and reported with its sheet
row number and ``save_document``'s Chinese message, naming the field.

Batches of rows that only create records take the set-based path of bulk.py:
the same steps and messages, their queries made once a batch; a batch it cannot
decide alone comes back here, row by row.

A dry run does everything a real run does inside one transaction and rolls
it back at the end, so it reports exactly what the real run would, later rows
that link to records created by earlier ones included. With
``all_or_nothing`` a real run with any bad row is rolled back whole.

An empty cell means "not given", as in Frappe: a new record takes the
field's default, an existing one keeps its value (a sheet with only a few
cells filled in never wipes the rest). A column left out of the sheet is the
same. A child table whose columns are in the sheet is replaced by the rows
given; its rows are matched to the existing ones (by the child's key, then by
equal content, then by position) so that unchanged rows keep their names,
values of empty cells and history.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from simple_history.models import HistoricalRecords

from apps.lowcode.data_import import bulk, cells, keys
from apps.lowcode.data_import.cells import CellError, LinkNames, is_blank
from apps.lowcode.data_import.columns import Column, HeaderIndex
from apps.lowcode.data_import.report import (
    CREATED,
    ERROR,
    UNCHANGED,
    UPDATED,
    ImportReport,
    RowError,
    RowResult,
)
from apps.lowcode.doctype.meta import DocTypeMeta, get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document, visible
from apps.lowcode.exceptions import (
    DoesNotExistError,
    FrappeError,
    PermissionError,
    ValidationError,
)
from apps.lowcode.jobs.progress import publish_progress
from apps.lowcode.permissions import can
from apps.lowcode.xlsx import reader
from apps.lowcode.xlsx.reader import cell_text

MAX_ROWS = 10_000  # data rows, continuation rows included (issue 19: 10,000-row imports)
MAX_COLUMNS = 300
HEADER_SEARCH_ROWS = 10
# Kept from doc_to_dict when telling whether a save changed anything.
VOLATILE = {"modified", "modified_by", "creation", "owner", "docstatus"}
CHILD_ROW_MESSAGE = re.compile(r"子表“(?P<table>[^”]+)”第(?P<idx>\d+)行")


def importable_meta(user, doctype) -> DocTypeMeta:
    """The doctype's metadata, when the user may import into it (create or update its records)."""
    try:
        meta = get_meta(str(doctype))
    except KeyError:
        raise DoesNotExistError(f"单据类型 {doctype} 不存在") from None
    if meta.istable:
        raise PermissionError(f"“{meta.label}”是子表，请在其上级单据的表格中以“子表名.字段名”列导入")
    if not getattr(meta.model, "writable_as_resource", True):
        raise PermissionError(f"“{meta.label}”由系统生成，不能导入")
    if not (can(user, "create", meta.model) or can(user, "write", meta.model)):
        raise PermissionError(f"没有导入“{meta.label}”的权限")
    return meta


# ---------------------------------------------------------------- reading the sheet


@dataclass
class SheetRow:
    number: int
    values: dict[str, object]  # column key -> the cell's value


@dataclass
class SheetRecord:
    row: int
    values: dict[str, object]  # parent column key -> value
    children: dict[str, list[SheetRow]] = field(default_factory=dict)  # table fieldname -> its rows here
    last_row: int = 0
    error: str = ""  # the rows cannot form a record


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    records: list[SheetRecord]
    warnings: list[str]


def read_upload(meta: DocTypeMeta, upload) -> Sheet:
    workbook = reader.open_workbook(upload)
    try:
        return read_sheet(meta, workbook)
    except FrappeError:
        raise
    except Exception:  # noqa: BLE001 - read-only mode parses lazily: broken XML shows up here
        raise ValidationError(
            "无法读取该文件：工作表内容已损坏或不是正常的 Excel 数据；请用 Excel 打开后重新保存再导入"
        ) from None
    finally:
        workbook.close()


def data_sheet(meta: DocTypeMeta, workbook):
    """The sheet named after the doctype (as the template names it), else the first one."""
    if not workbook.worksheets:
        raise ValidationError("工作簿中没有工作表")
    for sheet in workbook.worksheets:
        if sheet.title in (meta.label[:31], meta.doctype[:31]):
            return sheet
    return workbook.worksheets[0]


def read_sheet(meta: DocTypeMeta, workbook) -> Sheet:
    sheet = data_sheet(meta, workbook)
    index = HeaderIndex(meta)
    header: dict[int, Column] = {}
    warnings: list[str] = []
    records: list[SheetRecord] = []
    data_rows = 0
    for number, row in reader.iter_rows(sheet, MAX_COLUMNS):
        if not header:
            header, warnings = read_header(meta, index, row, number)
            if not header and number >= HEADER_SEARCH_ROWS:
                break
            continue
        values = {column.key: row[i].value if i < len(row) else None for i, column in header.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise ValidationError(f"工作表“{sheet.title}”的数据超过 {MAX_ROWS} 行，请分成几个文件分批导入")
        add_row(records, list(header.values()), number, values)
    if not header:
        raise ValidationError(
            f"工作表“{sheet.title}”的前{HEADER_SEARCH_ROWS}行中找不到表头：第一行应为字段名称，请使用下载的导入模板"
        )
    columns = list(header.values())
    return Sheet(sheet.title, columns, records, warnings + sheet_warnings(meta, columns))


def read_header(meta: DocTypeMeta, index: HeaderIndex, row, number: int) -> tuple[dict[int, Column], list[str]]:
    """The imported columns of a header row by position, and what it ignores; ({}, []) for a row that is no header."""
    found: dict[int, Column] = {}
    texts: dict[str, str] = {}  # column key -> the header that named it first
    ignored, unknown = [], []
    for position, cell in enumerate(row):
        text = cell_text(cell)
        if not text:
            continue
        column = index.match(text)
        if column is None:
            unknown.append(f"“{text}”")
        elif not column.imported:
            ignored.append(f"“{text}”")
        elif column.key in texts:
            first = texts[column.key]
            raise ValidationError(
                f"第{number}行表头中“{text}”出现了两次，请删除重复的列"
                if first == text
                else f"第{number}行表头中“{first}”和“{text}”是同一个字段，请删除其中一列"
            )
        else:
            found[position] = column
            texts[column.key] = text
    if not found:
        return {}, []
    warnings = []
    if unknown:
        warnings.append(f"以下列不是“{meta.label}”的字段，已忽略：{'、'.join(unknown)}")
    if ignored:
        warnings.append(f"以下列由系统维护，导入时忽略：{'、'.join(ignored)}")
    return found, warnings


def sheet_warnings(meta: DocTypeMeta, columns: list[Column]) -> list[str]:
    given = {c.fieldname for c in columns if c.table is None}
    warnings = []
    missing = [f.label for name, f in meta.fields.items() if f.reqd and not f.read_only and name not in given]
    if missing:
        warnings.append(f"表中没有必填列：{'、'.join(missing)}；新建记录时会因缺少这些字段而出错，更新已有记录不受影响")
    if "name" not in given and not keys.natural_keys(meta) and meta.naming_rule != "prompt":
        warnings.append(
            f"表中没有“{meta.fields['name'].label}”列，“{meta.label}”也没有可识别记录的唯一字段：每一行都将新建记录"
        )
    return warnings


def add_row(records: list[SheetRecord], columns: list[Column], number: int, values: dict) -> None:
    """A row starts a record, or (its parent columns empty) adds child rows to the record above."""
    parent = {c.key: values[c.key] for c in columns if c.table is None}
    if any(not is_blank(v) for v in parent.values()) or not records:
        record = SheetRecord(number, parent, last_row=number)
        if all(is_blank(v) for v in parent.values()):
            record.error = "该行只填写了子表列，但上方没有它所属的记录"
        records.append(record)
    record = records[-1]
    record.last_row = number
    for table in dict.fromkeys(c.table.fieldname for c in columns if c.table is not None):
        row = {c.key: values[c.key] for c in columns if c.table is not None and c.table.fieldname == table}
        if any(not is_blank(v) for v in row.values()):
            record.children.setdefault(table, []).append(SheetRow(number, row))


# ---------------------------------------------------------------- importing records


class RecordImporter:
    """Turns sheet records into saved documents, remembering what earlier rows matched."""

    def __init__(self, user, meta: DocTypeMeta, columns: list[Column], key=None):
        self.user, self.meta = user, meta
        self.parent_columns = [c for c in columns if c.table is None]
        self.table_columns: dict[str, list[Column]] = {}
        for column in columns:
            if column.table is not None:
                self.table_columns.setdefault(column.table.fieldname, []).append(column)
        self.keys = keys.explicit_key(meta, key) or keys.natural_keys(meta)
        self.links = LinkNames()
        self.seen_keys: dict[tuple, int] = {}  # a row's name or key values -> the first row with them
        self.seen_records: dict[int, int] = {}  # pk of a matched or created record -> its row

    def run(self, record: SheetRecord) -> RowResult:
        result = RowResult(record.row, ERROR, last_row=record.last_row)
        try:
            if record.error:
                raise RowError(record.error)
            values, children = self.read(record)
            result.name = str(values.get("name") or "")
            existing = self.match(record, values)
            before = doc_to_dict(existing, self.meta) if existing is not None else None
            data = self.data(values, children, before)
            result.status, result.name = self.save(record, data, existing, before, children)
        except RowError as exc:
            result.status, result.message = ERROR, exc.message
        return result

    # ------------------------------------------------------------ cells to values

    def read(self, record: SheetRecord) -> tuple[dict, dict[str, list[tuple[int, dict]]]]:
        errors: list[str] = []
        values = self._values(self.parent_columns, record.values, errors, "")
        children = {}
        for table, columns in self.table_columns.items():
            children[table] = [
                (
                    row.number,
                    self._values(columns, row.values, errors, f"第{row.number}行" if row.number != record.row else ""),
                )
                for row in record.children.get(table, [])
            ]
        if errors:
            raise RowError("；".join(errors))
        return values, children

    def _values(self, columns: list[Column], raw: dict, errors: list[str], where: str) -> dict:
        values = {}
        for column in columns:
            value = raw.get(column.key)
            try:
                values[column.fieldname] = None if is_blank(value) else cells.read(column.docfield, value, self.links)
            except CellError as exc:
                label = f"{column.table.label}." if column.table is not None else ""
                message = exc.message.replace(f"字段“{column.docfield.label}”", f"字段“{label}{column.docfield.label}”")
                errors.append(f"{where}{message}" if where else message)
        return values

    # ------------------------------------------------------------ which record

    def match(self, record: SheetRecord, values: dict):
        """The existing record the row updates, or None to create one; refuses a record named twice."""
        existing, signature, described = None, None, ""
        name = values.get("name")
        if name:
            signature, described = ("name", str(name)), f"{self.meta.fields['name'].label}“{name}”"
            existing = visible(self.user, self.meta).filter(name=str(name)).first()
            if existing is None and keys.exists(self.meta, {"name": str(name)}):
                # Another county's record, say: the row names it, so it is about it; never let it
                # fall through to the key, which would find (and change) the user's own record.
                raise RowError(self.out_of_reach(described))
        if existing is None:
            for key in self.keys:
                found = keys.key_values(key, values)
                if found is None:
                    continue
                try:
                    existing = keys.find(self.user, self.meta, found)
                    if existing is None and keys.exists(self.meta, found):
                        raise RowError(self.out_of_reach(keys.describe(self.meta, found)))
                except FrappeError as exc:
                    raise RowError(exc.message) from None
                if signature is None:
                    signature = (key, tuple(str(cells.comparable(self.meta.fields[f], v)) for f, v in found.items()))
                    described = keys.describe(self.meta, found)
                if existing is not None:
                    break
        if signature is not None:
            if signature in self.seen_keys:
                raise RowError(f"与第{self.seen_keys[signature]}行重复（{described}），同一条记录只能出现一次")
            self.seen_keys[signature] = record.row
        if existing is not None:
            if existing.pk in self.seen_records:
                raise RowError(
                    f"与第{self.seen_records[existing.pk]}行是同一条记录（{existing.name}），同一条记录只能出现一次"
                )
            self.seen_records[existing.pk] = record.row
        return existing

    def out_of_reach(self, described: str) -> str:
        """As Frappe says it: not found, or not permitted, without telling which (records out of scope stay unseen)."""
        return f"找不到{described}的{self.meta.label}，或你没有权限修改它；该行未导入"

    # ------------------------------------------------------------ values to the document

    def data(self, values: dict, children: dict, before: dict | None) -> dict:
        """The document for save_document: the non-empty cells, and the child tables the sheet has."""
        data = {}
        for column in self.parent_columns:
            value = values[column.fieldname]
            if value is None:
                continue
            if column.is_name:
                if self.meta.naming_rule == "prompt":
                    data["name"] = value
            elif column.is_state:
                data["workflow_state"] = value  # save_document refuses a change of state
            else:
                data[column.fieldname] = value
        for table, rows in children.items():
            existing_rows = (before or {}).get(table, [])
            data[table] = self.child_rows(table, rows, existing_rows)
        return data

    def child_rows(self, table: str, rows: list[tuple[int, dict]], existing: list[dict]) -> list[dict]:
        """The table's new rows, each carrying the name of the existing row it updates, if any."""
        child_meta = get_meta(self.meta.tables[table].doctype)
        ensure_distinct_rows(self.meta.tables[table], child_meta, rows)
        matched = match_rows(child_meta, [values for _, values in rows], existing)
        result = []
        for (_, values), old in zip(rows, matched):
            row = {"name": old["name"]} if old else {}
            row.update({f: v for f, v in values.items() if v is not None and f != "name"})
            result.append(row)
        return result

    # ------------------------------------------------------------ saving

    def save(self, record: SheetRecord, data: dict, existing, before: dict | None, children: dict) -> tuple[str, str]:
        if existing is not None and unchanged(self.meta, data, before):
            return UNCHANGED, existing.name
        status = CREATED if existing is None else UPDATED
        try:
            with transaction.atomic():
                obj = save_document(self.user, self.meta, data, name=existing.name if existing else None)
                if existing is not None and essential(before) == essential(self.reread(obj)):
                    transaction.set_rollback(True)  # nothing changed: no new modified stamp, no history row
                    status = UNCHANGED
        except FrappeError as exc:
            raise RowError(self.locate(exc.message, children)) from None
        except DjangoValidationError as exc:
            raise RowError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise RowError(str(exc) or "没有权限") from None
        if existing is None:
            self.seen_records[obj.pk] = record.row  # a later row naming it differently is still a duplicate
            self.links.add(self.meta.doctype, obj.name)
        return status, obj.name

    def reread(self, obj) -> dict:
        return doc_to_dict(type(obj)._default_manager.get(pk=obj.pk), self.meta)

    def locate(self, message: str, children: dict) -> str:
        """ "子表“牵头及责任单位”第2行" said with the sheet row that holds it."""
        labels = {self.meta.tables[t].label: t for t in children}

        def with_sheet_row(match):
            rows = children.get(labels.get(match["table"], ""), [])
            idx = int(match["idx"])
            return f"{match[0]}（表格第{rows[idx - 1][0]}行）" if 0 < idx <= len(rows) else match[0]

        return CHILD_ROW_MESSAGE.sub(with_sheet_row, message, count=1)


def ensure_distinct_rows(table, child_meta: DocTypeMeta, rows: list[tuple[int, dict]]) -> None:
    """Two rows of one table with the same key (a unit twice in a task) are refused with their sheet rows."""
    for key in keys.natural_keys(child_meta):
        seen: dict[tuple, int] = {}
        for position, (number, values) in enumerate(rows, start=1):
            found = keys.key_values(key, values)
            if found is None:
                continue
            signature = tuple(str(cells.comparable(child_meta.fields[f], v)) for f, v in found.items())
            if signature in seen:
                raise RowError(
                    f"子表“{table.label}”第{position}行（表格第{number}行）与表格第{seen[signature]}行重复"
                    f"（{keys.describe(child_meta, found)}）"
                )
            seen[signature] = number


def match_rows(child_meta: DocTypeMeta, rows: list[dict], existing: list[dict]) -> list[dict | None]:
    """For each new row, the existing row it updates: by name, by the child's key, by equal content,
    then the rest in order. Matching by key first keeps two rows from swapping a unique value."""
    matched: list[dict | None] = [None] * len(rows)
    free = list(existing)

    def take(test):
        for i, row in enumerate(rows):
            if matched[i] is None:
                old = next((o for o in free if test(row, o)), None)
                if old is not None:
                    matched[i] = old
                    free.remove(old)

    take(lambda row, old: bool(row.get("name")) and row.get("name") == old["name"])
    for key in keys.natural_keys(child_meta):
        take(
            lambda row, old, key=key: (
                all(row.get(f) not in (None, "") for f in key)
                and all(cells.same(child_meta.fields[f], row[f], old.get(f)) for f in key)
            )
        )
    take(
        lambda row, old: all(
            cells.same(child_meta.fields[f], v, old.get(f)) for f, v in row.items() if f != "name" and v is not None
        )
    )
    for i in range(len(rows)):
        if matched[i] is None and free:
            matched[i] = free.pop(0)
    return matched


def unchanged(meta: DocTypeMeta, data: dict, before: dict) -> bool:
    """Whether saving ``data`` over the record read as ``before`` would change nothing.

    Asked before saving, so that a row repeating what is stored is 未变化 even
    where the user may not edit the record any more (an approved document).
    """
    for key, value in data.items():
        if key in meta.tables:
            child_meta = get_meta(meta.tables[key].doctype)
            old_rows = before.get(key) or []
            if len(value) != len(old_rows):
                return False
            for new, old in zip(value, old_rows):
                if new.get("name") != old.get("name"):
                    return False
                if not all(cells.same(child_meta.fields[f], v, old.get(f)) for f, v in new.items() if f != "name"):
                    return False
        elif key in ("name", "workflow_state"):
            if str(value) != str(before.get(key) or ""):
                return False
        elif key not in before or not cells.same(meta.fields[key], value, before.get(key)):
            return False
    return True


def essential(value):
    """A document dict without what every save changes (stamps), to compare before and after."""
    if isinstance(value, dict):
        return {k: essential(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [essential(v) for v in value]
    return value


# ---------------------------------------------------------------- the whole import


@contextmanager
def history_user(user):
    """The change history names the importing user also outside a request (a job, a shell):
    simple-history reads the user from the request its middleware keeps."""
    context = HistoricalRecords.context
    if getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def import_workbook(
    user, doctype, upload, dry_run: bool = True, all_or_nothing: bool = False, key=None
) -> ImportReport:
    """Import an uploaded xlsx into ``doctype``; a dry run saves nothing. Returns the report.

    Refuses the whole file (FrappeError, Chinese message) when the user may not
    import, the file is not a readable xlsx, is too big, or has too many rows.
    """
    meta = importable_meta(user, doctype)
    sheet = read_upload(meta, upload)
    report = ImportReport(
        meta.doctype, meta.label, dry_run=dry_run, all_or_nothing=all_or_nothing, warnings=sheet.warnings
    )
    with transaction.atomic(), history_user(user):
        importer = RecordImporter(user, meta, sheet.columns, key)
        batches = bulk.BatchImporter(importer, dry_run) if bulk.in_batches(importer) else None
        total, verb = len(sheet.records), "检查" if dry_run else "导入"
        for start in range(0, total, bulk.BATCH):
            records = sheet.records[start : start + bulk.BATCH]
            publish_progress(start, total, f"正在{verb}第 {start + 1} 行，共 {total} 行")
            results = batches.run(records) if batches is not None else None
            if results is None:  # row by row: save_document for each (bulk.py says when)
                results = []
                for done, record in enumerate(records, start=start):
                    publish_progress(done, total, f"正在{verb}第 {done + 1} 行，共 {total} 行")
                    results.append(importer.run(record))
            report.rows.extend(results)
        publish_progress(total, total, f"已{verb} {total} 行")
        written = any(r.status in (CREATED, UPDATED) for r in report.rows)
        if dry_run or (all_or_nothing and report.errors) or not written:
            transaction.set_rollback(True)
        else:
            report.saved = True
    return report
