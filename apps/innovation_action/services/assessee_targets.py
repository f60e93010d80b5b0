"""考评目标: each assessee's own targets, and the import of a yearly target table.

Plans publish their targets as a table per indicator: a row per assessee
(county, sub-district or unit) and a column per year of the plan (2021, 2022,
2023 for a three-year plan). ``import_year_targets`` reads such a sheet for
one indicator into Assessee Target records, one per assessee and year.

What a sheet means:
- the header row (within the first 10 rows) has a column per year: 2023,
  2023年, 2023年目标 …; the first other titled column names the assessee
  (县（市、区）, 单位, 街办 …). Other columns (序号, 备注) are not read;
- 不允许值 (the floor 功效系数法 and formulas use) goes in a column per year
  too, titled 2023年不允许值 (or 2023不允许值), anywhere after the assessee
  column; the template has them where the indicator's method uses a floor.
  A floor needs a target: in the same row or already stored;
- a row names an assessee by name or alias (County.resolve); rows called
  合计/总计/小计 (the plan's total) are skipped: the total is the indicator's
  own target;
- a number under a year sets that assessee's target (or floor) for that year;
  an empty cell leaves what is stored (delete a target or clear its floor in
  the admin or the API);
- all or nothing: any bad row and nothing is saved; the error lists every
  problem with its row number.

A workbook with one sheet per indicator is imported a sheet at a time: the
sheet titled after the chosen indicator (第3项…, 3, 2023-C-03 or its title).

A target for a year applies to every period of the plan ending in that year;
a target set for one period (in the admin, the API or the generic data
import) wins over its year's. Scores follow: the periods concerned are
recomputed after an import, and after any target is saved or deleted.
"""

import contextvars
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from apps.innovation_action import roles
from apps.innovation_action.doctype.assessee_target.model import (
    AssesseeTarget,
    period_year,
    plan_years,
)
from apps.innovation_action.models import AssessmentPeriod, County, Indicator, Scheme, Unit
from apps.innovation_action.services import scoring
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import (
    FrappeError,
    LinkValidationError,
    PermissionError,
    ValidationError,
)
from apps.lowcode.jobs.progress import publish_progress
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import can, scope_queryset
from apps.lowcode.scoring.rules import Method
from apps.lowcode.xlsx import reader as xlsx_reader
from apps.lowcode.xlsx import styles as xlsx_styles
from apps.lowcode.xlsx.problems import SheetProblemsError
from apps.lowcode.xlsx.reader import cell_number, cell_text, normalized
from apps.lowcode.xlsx.styles import BORDER, excel_number, style_header, workbook_bytes

YEAR_HEADING = re.compile(r"^(\d{4})(?:年度?)?(?:目标值?|目标任务)?$")
FLOOR_HEADING = re.compile(r"^(\d{4})(?:年度?)?(?:目标)?不允许值$")
FLOOR_SUFFIX = "不允许值"
IGNORED_HEADINGS = {"序号", "编号", "备注", "说明", "单位名称备注"}
TOTAL_ROWS = {"合计", "总计", "小计", "全区", "全市", "全县", "全区合计", "全市合计"}
HEADER_SEARCH_ROWS = 10
XLSX_CONTENT_TYPE = xlsx_styles.XLSX_CONTENT_TYPE  # the admin, the API and the tests name it here
MAX_DATA_ROWS = 2000
DATA_SHEET = "年度目标"
NOTES_SHEET = "填写说明"
INDICATOR_CELL_LABEL = "指标编号"  # the notes sheet says which indicator a template was made for

# Set while an import saves its rows: the periods are recomputed once at the end (see target_changed).
_importing = contextvars.ContextVar("year_targets_import_running", default=False)


class TargetImportError(SheetProblemsError):
    """The yearly target table was refused; ``problems`` lists each one ("第5行：…"), nothing was saved."""


@dataclass
class ImportResult:
    indicator: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_totals: int = 0
    messages: list[str] = field(default_factory=list)
    scores: str = ""  # what recomputing the periods concerned did

    @property
    def summary(self) -> str:
        text = f"新增 {self.created} 条，更新 {self.updated} 条，未变化 {self.unchanged} 条"
        if self.skipped_totals:
            text += f"，合计行 {self.skipped_totals} 行未导入（合计按指标的目标值）"
        return text + "。"

    def as_dict(self) -> dict:
        return {**asdict(self), "summary": self.summary}


# ------------------------------------------------------------------ whose targets


def ensure_can_import(user) -> None:
    if not can(user, "create", AssesseeTarget) or not can(user, "write", AssesseeTarget):
        raise PermissionError(f"没有导入考评目标的权限（需{roles.office_or_administrator()}）")


def resolve_indicator(indicator) -> Indicator:
    if isinstance(indicator, Indicator):
        return indicator
    found = Indicator.objects.select_related("group__plan").filter(name=str(indicator or "").strip()).first()
    if found is None:
        raise LinkValidationError(f"找不到考评指标“{indicator}”" if indicator else "请选择考评指标")
    return found


def is_county_indicator(indicator: Indicator) -> bool:
    return indicator.group.scheme == Scheme.COUNTY


def assessee_label(indicator: Indicator) -> str:
    return str((County if is_county_indicator(indicator) else Unit)._meta.verbose_name)


def assessees(indicator: Indicator, user=None) -> list:
    """Who can have targets of this indicator: the plan's county or unit assessees, within the user's scope."""
    model = County if is_county_indicator(indicator) else Unit
    queryset = model.objects.all() if user is None else scope_queryset(user, model)
    queryset = queryset.filter(plan_assessees__plan_id=indicator.group.plan_id).distinct()
    return list(queryset.order_by("order", "id"))


def resolve_assessee(indicator: Indicator, text: str):
    """The County (by name or alias) or Unit (by name) a sheet names; DoesNotExist otherwise."""
    if is_county_indicator(indicator):
        return County.resolve(text)
    return Unit.objects.get(name=text.strip())


# ------------------------------------------------------------------ the template


def year_template(indicator) -> bytes:
    """The wide sheet of an indicator: a row per assessee, a column per year of its plan, targets filled in;
    then a 不允许值 column per year where the indicator's method reads a floor (or a stored target has one)."""
    indicator = resolve_indicator(indicator)
    years = sorted(plan_years(indicator.group.plan))
    people = assessees(indicator)
    stored = {
        (t.county_id or t.unit_id, t.year): t
        for t in AssesseeTarget.objects.filter(indicator=indicator, year__isnull=False)
    }
    floors = uses_floor(indicator) or any(t.floor is not None for t in stored.values())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    headings = [f"{year}年" for year in years]
    if floors:
        headings += [f"{year}年{FLOOR_SUFFIX}" for year in years]
    sheet.append([assessee_label(indicator), *headings])
    for person in people:
        own = [stored.get((person.pk, year)) for year in years]
        cells = [excel_number(t.target if t else None) for t in own]
        if floors:
            cells += [excel_number(t.floor if t else None) for t in own]
        sheet.append([person.name, *cells])
    for cell in sheet[1]:
        style_header(cell)
        sheet.column_dimensions[cell.column_letter].width = 14
    sheet.column_dimensions["A"].width = 26
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = BORDER
    sheet.freeze_panes = "B2"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    notes.append(["年度目标导入说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(["考评指标", f"第{indicator.number}项 {indicator.title}"])
    notes.append([INDICATOR_CELL_LABEL, indicator.name])
    notes.append(["指标目标值", number_text(indicator.target) or "未设"])
    notes.append([])
    lines = [
        f"每行一个{assessee_label(indicator)}（可填全称或简称），每列一个年度，单元格填该年度的目标值（数字）。",
        "年度目标适用于该年度的各考评周期；在系统中为某一考评周期单独设置的目标优先于年度目标。",
        "单元格留空表示不修改系统中已有的目标；没有本单位目标的，按指标的目标值计分。",
        f"不允许值（功效系数法和公式使用）填在“2023年{FLOOR_SUFFIX}”这样的列中，每个年度一列；"
        "填写不允许值的，须同时有该年度的目标值（本表填写或系统中已有）；留空的按指标的不允许值计分。",
        "名为“合计”“总计”的行不导入（合计即指标的目标值）。",
        "导入整体生效：任何一行有误，全部不保存，系统按行号列出所有问题。",
    ]
    for number, line in enumerate(lines, start=1):
        notes.append([f"{number}.", line])
    for row in notes.iter_rows(min_row=2, max_row=4):
        row[0].font = Font(bold=True)
    for row in notes.iter_rows(min_row=6):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.properties.title = f"第{indicator.number}项年度目标导入模板"
    return workbook_bytes(workbook)


def uses_floor(indicator: Indicator) -> bool:
    """Whether the indicator's method reads a floor: 功效系数法, or a formula that names ``floor``."""
    rule = indicator.rule()
    return rule.method == Method.EFFICACY or (rule.method == Method.FORMULA and "floor" in (rule.formula or ""))


def template_file_name(indicator: Indicator) -> str:
    return f"年度目标导入模板-{indicator.name}.xlsx"


# ------------------------------------------------------------------ reading a sheet


@dataclass
class Sheet:
    assessee_column: int
    years: dict[int, int]  # column index -> year of the targets
    floors: dict[int, int]  # column index -> year of the floors (不允许值)
    rows: list[tuple[int, tuple]]  # (row number, cells) of the data rows


def heading_year(text: str) -> int | None:
    match = YEAR_HEADING.match(normalized(text))
    return int(match[1]) if match else None


def heading_floor_year(text: str) -> int | None:
    match = FLOOR_HEADING.match(normalized(text))
    return int(match[1]) if match else None


def read_header(cells) -> tuple[int | None, dict[int, int], dict[int, int]]:
    """(assessee column, {column: year of a target}, {column: year of a floor}) of a row;
    no years means it is not the header."""
    years, floors, assessee = {}, {}, None
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        year = heading_year(text) if text else None
        floor = heading_floor_year(text) if text and year is None else None
        if year is not None:
            years[index] = year
        elif floor is not None:
            floors[index] = floor
        elif text and assessee is None and normalized(text) not in IGNORED_HEADINGS:
            assessee = index
    return assessee, years, floors


def read_sheet(workbook, indicator: Indicator) -> Sheet:
    check_template_indicator(workbook, indicator)
    if not workbook.worksheets:
        raise TargetImportError(["工作簿中没有工作表"])
    sheet = indicator_sheet(workbook, indicator)
    found: Sheet | None = None
    for number, cells in xlsx_reader.iter_rows(sheet):
        if found is None:
            assessee, years, floors = read_header(cells)
            if years or floors:
                if assessee is None:
                    raise TargetImportError([f"第{number}行：表头缺少{assessee_label(indicator)}列（应在年度列之前）"])
                found = Sheet(assessee, years, floors, [])
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if all(not cell_text(cell) for cell in cells):
            continue
        if len(found.rows) >= MAX_DATA_ROWS:
            raise TargetImportError([f"工作表“{sheet.title}”的数据超过 {MAX_DATA_ROWS} 行，请分批导入"])
        found.rows.append((number, cells))
    if found is None:
        raise TargetImportError(
            [
                f"工作表“{sheet.title}”的前{HEADER_SEARCH_ROWS}行中找不到年度列（表头应有 2023 或 2023年 这样的列），"
                "请使用下载的导入模板"
            ]
        )
    return found


def indicator_sheet(workbook, indicator: Indicator):
    """The sheet of this indicator in a workbook with one sheet per indicator (titled 第3项…, 3, its
    name such as 2023-C-03, or its title), else the template's sheet, else the first one."""
    names = {f"第{indicator.number}项", str(indicator.number), indicator.name, normalized(indicator.title)}
    for sheet in workbook.worksheets:
        title = normalized(sheet.title)
        if title in names or title.startswith(f"第{indicator.number}项") or title.startswith(f"{indicator.number}."):
            return sheet
    return next((s for s in workbook.worksheets if s.title == DATA_SHEET), workbook.worksheets[0])


def check_template_indicator(workbook, indicator: Indicator) -> None:
    """A template made for another indicator is refused: its targets would land on the wrong one."""
    code = xlsx_reader.template_mark(workbook, NOTES_SHEET, INDICATOR_CELL_LABEL)
    if code and code != indicator.name:
        raise TargetImportError(
            [f"该文件是考评指标“{code}”的导入模板，与所选指标“{indicator.name}”不一致；请选择正确的指标或重新下载模板"]
        )


# ------------------------------------------------------------------ checking and saving


@dataclass
class Change:
    row: int
    assessee: object  # County or Unit
    year: int
    target: Decimal | None = None  # None: the sheet leaves the stored target as it is
    floor: Decimal | None = None  # None: the sheet leaves the stored floor as it is

    def describe(self) -> str:
        parts = [f"目标 {number_text(self.target)}" if self.target is not None else ""]
        parts.append(f"不允许值 {number_text(self.floor)}" if self.floor is not None else "")
        return "、".join(part for part in parts if part)


def check_rows(user, indicator: Indicator, sheet: Sheet) -> tuple[list[Change], list[str], int]:
    """The targets the sheet sets, every problem ("第5行：…") and how many total rows were skipped."""
    problems, changes, totals = [], [], 0
    allowed_years = plan_years(indicator.group.plan)
    wrong = sorted({year for year in [*sheet.years.values(), *sheet.floors.values()] if year not in allowed_years})
    if wrong:
        listed = "、".join(f"{year}年" for year in wrong)
        allowed = "、".join(f"{year}年" for year in sorted(allowed_years))
        problems.append(f"表头：{listed}不在该指标所属工作方案的年度内（{allowed}）")
    reachable = {person.pk for person in assessees(indicator, user)}
    seen: dict[int, int] = {}
    label = assessee_label(indicator)
    for number, cells in sheet.rows:
        name = cell_text(cells[sheet.assessee_column]) if sheet.assessee_column < len(cells) else ""
        if normalized(name) in TOTAL_ROWS:
            totals += 1
            continue
        if not name:
            problems.append(f"第{number}行：缺少{label}名称")
            continue
        try:
            person = resolve_assessee(indicator, name)
        except (County.DoesNotExist, Unit.DoesNotExist):
            problems.append(f"第{number}行：{label}“{name}”不存在（可填全称或简称）")
            continue
        if not person.plan_assessees.filter(plan_id=indicator.group.plan_id).exists():
            problems.append(f"第{number}行：{person.name}不是“{indicator.group.plan}”的考评对象")
            continue
        if person.pk not in reachable:
            problems.append(f"第{number}行：无权设置{person.name}的目标")
            continue
        if person.pk in seen:
            problems.append(f"第{number}行：{person.name}与第{seen[person.pk]}行重复")
            continue
        seen[person.pk] = number
        by_year: dict[int, Change] = {}
        for columns, what, attribute in ((sheet.years, "目标", "target"), (sheet.floors, FLOOR_SUFFIX, "floor")):
            for column, year in columns.items():
                cell = cells[column] if column < len(cells) else None
                if cell is None or not cell_text(cell):
                    continue
                try:
                    value = cell_number(cell)
                except ValueError:
                    problems.append(f"第{number}行：{year}年{what}“{cell_text(cell)}”不是数字")
                    continue
                setattr(by_year.setdefault(year, Change(number, person, year)), attribute, value)
        changes.extend(by_year[year] for year in sorted(by_year))
    return changes, problems, totals


def import_year_targets(user, indicator, uploaded_file) -> ImportResult:
    """Load one indicator's yearly targets from a wide sheet (rows of assessees, a column per year), all or nothing.

    Raises PermissionError (403) for users who may not import targets,
    TargetImportError (a ValidationError, 417) listing every bad row,
    FileTooLargeError (413) for oversized files.
    """
    ensure_can_import(user)
    indicator = resolve_indicator(indicator)
    workbook = xlsx_reader.open_workbook(uploaded_file)
    try:
        sheet = read_sheet(workbook, indicator)
    except FrappeError:
        raise
    except Exception:  # noqa: BLE001 - read-only mode parses sheets lazily: broken XML shows up here
        raise ValidationError(
            "无法读取该文件：工作表内容已损坏或不是正常的 Excel 数据；请用 Excel 打开后重新保存再导入"
        ) from None
    finally:
        workbook.close()
    changes, problems, totals = check_rows(user, indicator, sheet)
    if not problems and not changes:
        problems.append("没有可导入的目标：各年度列（目标值和不允许值）都为空")
    if problems:
        raise TargetImportError(problems)
    result = ImportResult(indicator.name, skipped_totals=totals)
    with transaction.atomic():
        save_changes(user, indicator, changes, result)
        result.scores = recompute(indicator, {change.year for change in changes})
    return result


def save_changes(user, indicator: Indicator, changes: list[Change], result: ImportResult) -> None:
    """Create or update each target through the document service (permissions, validation, history);
    raise listing every refusal, so that the caller's transaction saves nothing."""
    meta = get_meta(AssesseeTarget.doctype)
    field = "county" if is_county_indicator(indicator) else "unit"
    existing = {
        (getattr(t, f"{field}_id"), t.year): t
        for t in AssesseeTarget.objects.select_for_update().filter(indicator=indicator, year__isnull=False)
    }
    problems = []
    token = _importing.set(True)
    try:
        for done, change in enumerate(changes):
            publish_progress(done, len(changes), f"正在保存年度目标：第 {done + 1} 条，共 {len(changes)} 条")
            stored = existing.get((change.assessee.pk, change.year))
            label = f"第{change.row}行：{change.assessee.name} {change.year}年"
            if stored is None and change.target is None:
                problems.append(f"{label}：只填了{FLOOR_SUFFIX}，没有目标值；请同时填写该年度的目标值")
                continue
            moved = [
                (what, getattr(stored, attribute) if stored else None, getattr(change, attribute))
                for what, attribute in (("目标", "target"), (FLOOR_SUFFIX, "floor"))
                if getattr(change, attribute) is not None
            ]
            moved = [(what, old, new) for what, old, new in moved if old != new]
            if stored is not None and not moved:
                result.unchanged += 1
                continue
            data = {"indicator": indicator.name, field: change.assessee.name, "year": change.year}
            data.update({attribute: getattr(change, attribute) for attribute in ("target", "floor")})
            data = {key: value for key, value in data.items() if value is not None}
            if stored is not None:  # what the sheet leaves empty stays as stored, and is checked with the rest
                data.setdefault("target", stored.target)
                data.setdefault("floor", stored.floor)
            try:
                save_document(user, meta, data, name=stored.name if stored else None)
            except FrappeError as exc:
                problems.append(f"{label}：{exc.message}")
                continue
            if stored is None:
                result.created += 1
                result.messages.append(f"{label} 新增{change.describe()}")
            else:
                result.updated += 1
                changed = "，".join(
                    f"{what} {number_text(old) or '—'} → {number_text(new)}" for what, old, new in moved
                )
                result.messages.append(f"{label} {changed}")
    finally:
        _importing.reset(token)
    if problems:
        raise TargetImportError(problems)


# ------------------------------------------------------------------ scores follow


def periods_concerned(indicator: Indicator, years=(), period=None) -> list[AssessmentPeriod]:
    """The indicator's plan's periods a target of these years (or of this one period) applies to."""
    if period is not None:
        return [period]
    periods = AssessmentPeriod.objects.filter(plan_id=indicator.group.plan_id).select_related("plan")
    return [p for p in periods if period_year(p) in set(years)]


def recompute(indicator: Indicator, years=(), period=None) -> str:
    """Recompute the scores of the periods concerned that have self-assessments; say what it did."""
    periods = [p for p in periods_concerned(indicator, years, period) if p.self_assessments.exists()]
    messages = [f"{p.title}：{scoring.recompute_period(p).message}" for p in periods]
    return "；".join(messages)


def target_changed(doc: AssesseeTarget, **context) -> None:
    """Document event (hooks.py): a target saved or deleted in the admin, the API or the data import
    moves the scores of the periods it applies to at once (a deleted one: back to the indicator's target)."""
    if not _importing.get():
        recompute(doc.indicator, [doc.year] if doc.year else (), doc.period)
