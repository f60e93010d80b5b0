"""核定数据: official values per county and indicator, loaded by the office from an xlsx sheet.

附件3: "定量指标数据以各主管部门公布或核定的为准". The office downloads a
template of a period (one row per county × automatically scored indicator of
附表3-1, prefilled with the values already loaded), fills in what the
departments published, and imports it. The values override the counties'
self-reported ones when scoring; both are kept and shown (the self-assessment
line carries ``value`` as reported and ``official_value`` as confirmed).

What a sheet means:
- a row with a county (name or alias, e.g. 蓉江新区), an indicator number and
  a 核定值 creates or updates that county's official value for the period;
- a row whose 核定值 is empty means "no figure yet": it is skipped, and an
  existing value is NOT deleted (delete it in the admin). A row that fills in
  目标值, 数据来源 or 备注 but leaves 核定值 empty is an error: it says something;
- 数据来源, 备注 are taken as the sheet has them (an empty cell clears the
  stored one); a column left out of the sheet leaves the stored field alone;
- targets are not official data: they live in 考评目标 (Assessee Target, see
  services/assessee_targets.py). An old template's 目标值 column is read only
  to refuse a row that fills it in, saying where targets go;
- the import is all or nothing: any bad row and nothing is saved; the error
  lists every problem with its row number.

After saving, the values are copied onto the lines of the period's
self-assessments that are not final (``sync_lines``); an approved (已审定)
one keeps what it was approved with.
"""

import contextvars
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from apps.innovation_action import roles
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.indicator.model import (
    Indicator,
    IndicatorGroup,
    Scheme,
    ValueSource,
)
from apps.innovation_action.doctype.official_value.model import OfficialValue
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment
from apps.innovation_action.services import scoring
from apps.lowcode.document import lifecycle
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
from apps.lowcode.website.site import site_name
from apps.lowcode.workflow import engine
from apps.lowcode.xlsx import reader as xlsx_reader
from apps.lowcode.xlsx import styles as xlsx_styles
from apps.lowcode.xlsx.problems import SheetProblemsError
from apps.lowcode.xlsx.reader import cell_number, cell_text, normalized
from apps.lowcode.xlsx.styles import (
    BORDER,
    HEADER_FILL,
    excel_number,
    style_header,
    workbook_bytes,
)

DATA_SHEET = "核定数据"
NOTES_SHEET = "填写说明"
# COUNTY is the column's key (and a heading old templates have); the template heads it as the County doctype
# is labelled (county_label()), and both headings are read.
COUNTY, NUMBER, TITLE, VALUE, TARGET, SOURCE, NOTE = (
    "县（市、区）",
    "指标序号",
    "考核指标",
    "核定值",
    "目标值",
    "数据来源",
    "备注",
)
COLUMNS = (COUNTY, NUMBER, TITLE, VALUE, SOURCE, NOTE)
RECOGNISED = (*COLUMNS, TARGET)  # 目标值: old templates had it; see RowChecker.check
TARGET_MOVED = "目标值不随核定数据导入，请在“考评目标”中填写或按年度导入（该列可删除）"
REQUIRED = (COUNTY, NUMBER, VALUE)
# Other headings people write for the same columns.
HEADER_ALIASES = {
    COUNTY: ("县市区", "县（市区）", "县区", "地区", "县（市、区）名称"),
    NUMBER: ("序号", "指标编号"),
    TITLE: ("指标名称", "考评指标"),
    VALUE: ("核定数值", "数值"),
}
PERIOD_CELL_LABEL = "周期编号"  # the notes sheet says which period a template was made for
MAX_DATA_ROWS = 5000
XLSX_CONTENT_TYPE = xlsx_styles.XLSX_CONTENT_TYPE  # the admin, the API and the tests name it here
MAX_LENGTH = {
    SOURCE: OfficialValue._meta.get_field("source").max_length,
    NOTE: OfficialValue._meta.get_field("note").max_length,
}

# Set while an import saves its rows: it synchronises the lines once at the end,
# not once per saved value (see official_value_saved).
_importing = contextvars.ContextVar("official_import_running", default=False)


def county_label() -> str:
    """What the assessees of the county scheme are called: the County doctype's label (县（市、区）, 街办、镇、集聚区)."""
    return str(County._meta.verbose_name)


def scheme_label() -> str:
    """The county scheme as the administrator labelled its choice: 县（市、区）考评指标（附表3-1）."""
    return str(dict(IndicatorGroup._meta.get_field("scheme").choices)[Scheme.COUNTY])


def heading(title: str) -> str:
    """A column's heading in the template and in messages: the county column as the doctype is labelled."""
    return county_label() if title == COUNTY else title


def required_text() -> str:
    return "、".join(heading(title) for title in REQUIRED)


class OfficialImportError(SheetProblemsError):
    """The official values sheet was refused; ``problems`` lists each one ("第5行：…"), nothing was saved."""


@dataclass
class SyncResult:
    lines_updated: int = 0
    assessments_updated: int = 0
    final_skipped: list[str] = field(default_factory=list)  # names of approved self-assessments left as they were


@dataclass
class ImportResult:
    period: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_empty: int = 0
    lines_updated: int = 0
    assessments_updated: int = 0
    final_skipped: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    scores: str = ""  # what recomputing the period's scores did

    @property
    def summary(self) -> str:
        text = f"新增 {self.created} 条，更新 {self.updated} 条，未变化 {self.unchanged} 条"
        if self.skipped_empty:
            text += f"，核定值为空未导入 {self.skipped_empty} 行"
        text += f"。已同步 {self.assessments_updated} 份自评报告（{self.lines_updated} 行）"
        if self.final_skipped:
            text += f"；{len(self.final_skipped)} 份已审定的自评报告保持原核定值，未更新"
        return text + "。"

    def as_dict(self) -> dict:
        return {**asdict(self), "final_skipped_count": len(self.final_skipped), "summary": self.summary}


# ------------------------------------------------------------------ what can be imported


def resolve_period(period) -> AssessmentPeriod:
    if isinstance(period, AssessmentPeriod):
        return period
    found = AssessmentPeriod.objects.select_related("plan").filter(name=str(period or "").strip()).first()
    if found is None:
        raise LinkValidationError(f"找不到考评周期“{period}”" if period else "请选择考评周期")
    return found


def county_indicators(period: AssessmentPeriod):
    """The indicators of 附表3-1 in the period's plan, by number."""
    return (
        Indicator.objects.filter(group__plan_id=period.plan_id, group__scheme=Scheme.COUNTY)
        .select_related("group")
        .order_by("number")
    )


def importable(indicator: Indicator) -> bool:
    """Scored automatically from a reported value: what a department's figure can override."""
    return (
        indicator.scoring_method != Method.MANUAL
        and indicator.value_source == ValueSource.REPORTED
        and not indicator.group.is_bonus
    )


def why_not_importable(indicator: Indicator) -> str:
    label = f"第{indicator.number}项“{indicator.title}”"
    if indicator.group.is_bonus:
        return f"{label}是加分项，不导入核定值"
    if indicator.scoring_method == Method.MANUAL:
        return f"{label}为评审打分指标，不导入核定值"
    return f"{label}的取值来源是“{indicator.get_value_source_display()}”，不导入核定值"


def ensure_can_import(user) -> None:
    if not can(user, "create", OfficialValue) or not can(user, "write", OfficialValue):
        raise PermissionError(f"没有导入核定数据的权限（需{roles.office_or_administrator()}）")


# ------------------------------------------------------------------ the template


WIDTHS = {COUNTY: 22, NUMBER: 10, TITLE: 56, VALUE: 14, SOURCE: 22, NOTE: 32}
HEADER_NOTES = {
    NUMBER: "考评指标中的指标序号（见“填写说明”）",
    TITLE: "仅供对照，导入时不读取",
    VALUE: "必填；填数字。百分比指标填百分数的数值，如 2.35 表示 2.35%。留空表示暂无核定值，该行不导入",
    SOURCE: "选填；公布或核定的主管部门，如 市统计局",
}


def template(period) -> bytes:
    """The import workbook of a period: a row per county × importable indicator, existing values filled in."""
    period = resolve_period(period)
    counties = list(County.objects.order_by("order", "id"))
    indicators = [i for i in county_indicators(period) if importable(i)]
    existing = {(v.county_id, v.indicator_id): v for v in OfficialValue.objects.filter(period=period)}

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([heading(title) for title in COLUMNS])
    for county in counties:
        for indicator in indicators:
            value = existing.get((county.pk, indicator.pk))
            sheet.append(
                [
                    county.name,
                    indicator.number,
                    indicator.title,
                    excel_number(value.value) if value else None,
                    value.source if value else None,
                    value.note if value else None,
                ]
            )
    last_row = sheet.max_row
    style_data_sheet(sheet, last_row)
    notes = workbook.create_sheet(NOTES_SHEET)
    county_range, number_range = write_notes(notes, period, counties, indicators)
    add_validations(sheet, last_row + 200, county_range, number_range)
    workbook.properties.title = f"{period.title}核定数据导入模板"
    return workbook_bytes(workbook)


def template_file_name(period: AssessmentPeriod) -> str:
    return f"核定数据导入模板-{period.name}.xlsx"


def county_note() -> str:
    """ "县（市、区）全称或简称，如 某某新区 或 新区": the example is one of this site's own counties with a short name."""
    example = next((c for c in County.objects.exclude(aliases="").order_by("order", "id") if c.alias_list()), None)
    if example is None:
        return f"{county_label()}全称或简称"
    return f"{county_label()}全称或简称，如 {example.name} 或 {min(example.alias_list(), key=len)}"


def style_data_sheet(sheet, last_row: int) -> None:
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column)
        style_header(cell)
        note = county_note() if title == COUNTY else HEADER_NOTES.get(title)
        if note:
            cell.comment = Comment(note, site_name())
        sheet.column_dimensions[cell.column_letter].width = WIDTHS[title]
    sheet.row_dimensions[1].height = 22
    grey = Font(color="808080")
    for row in sheet.iter_rows(min_row=2, max_row=last_row):
        row[2].font = grey  # 考核指标: for reading only
        row[1].alignment = Alignment(horizontal="center")
        for cell in row:
            cell.border = BORDER
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:F{max(last_row, 1)}"


def write_notes(sheet, period: AssessmentPeriod, counties, indicators) -> tuple[str, str]:
    """The instructions, the period the template is for, and the lists the data sheet's drop-downs use."""
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet.append(["核定数据导入说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["考评周期", period.title])
    sheet.append([PERIOD_CELL_LABEL, period.name])
    sheet.append([])
    county = county_label()
    lines = [
        f"每行填写一个{county}一项指标的核定值，以各主管部门公布或核定的数据为准。",
        f"{county}可填全称或简称；指标序号为{scheme_label()}中的序号，只能导入自动计分的指标。",
        "核定值填数字；百分比指标填百分数的数值，如 2.35 表示 2.35%（单元格设为百分比格式的，按显示的百分数读取）。最多保留4位小数。",
        "核定值留空的行不导入，也不会删除系统中已有的核定值；如需删除，请在系统“核定数据”中删除该条记录。",
        "数据来源、备注按本表保存：单元格留空即清空原有内容；若删除了整列，则保留系统中原有内容。",
        f"各{county}的目标值不在此导入，请在系统“考评目标”中填写或按年度导入。",
        "导入整体生效：任何一行有误，全部不保存，系统按行号列出所有问题，改正后重新导入即可。",
        f"导入后，各{county}尚未审定的自评报告同步显示核定值；已审定的自评报告保持审定时的数据。",
        f"只支持 .xlsx 文件，不超过 {xlsx_reader.MAX_FILE_SIZE // 1048576} MB、{MAX_DATA_ROWS} 行；“考核指标”列仅供对照。",
    ]
    for number, line in enumerate(lines, start=1):
        sheet.append([f"{number}.", line])
    for row in sheet.iter_rows(min_row=2, max_row=3):
        row[0].font = Font(bold=True)
    for row in sheet.iter_rows(min_row=5):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append([county, "简称/别名"])
    for county in counties:
        sheet.append([county.name, "、".join(county.alias_list())])
    county_range = f"'{NOTES_SHEET}'!$A${header_row + 1}:$A${header_row + len(counties)}"
    sheet.append([])
    number_header = sheet.max_row + 1
    sheet.append(["指标序号", "考核指标（计分方法）"])
    for indicator in indicators:
        sheet.append([indicator.number, f"{indicator.title}（{indicator.get_scoring_method_display()}）"])
    number_range = f"'{NOTES_SHEET}'!$A${number_header + 1}:$A${number_header + max(len(indicators), 1)}"
    for row_number in (header_row, number_header):
        for cell in sheet[row_number]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
    return county_range, number_range


def add_validations(sheet, rows: int, county_range: str, number_range: str) -> None:
    """Drop-downs for county and indicator (warning only: aliases are accepted too), numbers for values."""
    county = DataValidation(
        type="list",
        formula1=county_range,
        allow_blank=True,
        errorStyle="warning",
        errorTitle=county_label(),
        error=f"不在{county_label()}列表中；简称请确认在“填写说明”的别名中",
    )
    number = DataValidation(
        type="list",
        formula1=number_range,
        allow_blank=True,
        errorStyle="warning",
        errorTitle="指标序号",
        error="该序号不是可导入的指标，见“填写说明”",
    )
    value = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        errorTitle="应为数字",
        error="请填写数字，例如 2.35；百分比指标填 2.35 表示 2.35%",
        promptTitle="核定值",
        prompt="填数字；留空表示暂无核定值，该行不导入",
    )
    for validation, column in ((county, "A"), (number, "B"), (value, "D")):
        validation.showErrorMessage = True
        validation.add(f"{column}2:{column}{rows}")
        sheet.add_data_validation(validation)
    value.showInputMessage = True


# ------------------------------------------------------------------ reading a sheet


@dataclass
class SheetRow:
    number: int
    cells: dict  # column title -> openpyxl cell (only the columns the sheet has)

    def text(self, column: str) -> str:
        return cell_text(self.cells[column]) if column in self.cells else ""

    @property
    def blank(self) -> bool:
        return not any(self.text(column) for column in self.cells)


def header_columns(cells) -> dict[str, int]:
    """Column title -> index, for the known titles of a header row (normalised, aliases accepted)."""
    names = {normalized(title): title for title in RECOGNISED}
    names.update({normalized(alias): title for title, aliases in HEADER_ALIASES.items() for alias in aliases})
    names[normalized(county_label())] = COUNTY
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        title = names.get(normalized(cell_text(cell)))
        if title is not None and title not in found:
            found[title] = index
    return found


def read_sheet(workbook, period: AssessmentPeriod) -> tuple[list[SheetRow], set[str]]:
    """The data rows of the workbook (blank ones dropped) and the columns its header has."""
    check_template_period(workbook, period)
    if not workbook.worksheets:  # chart sheets are not worksheets
        raise OfficialImportError(["工作簿中没有工作表"])
    sheet = next((s for s in workbook.worksheets if s.title == DATA_SHEET), workbook.worksheets[0])
    columns: dict[str, int] = {}
    header_row = 0
    rows: list[SheetRow] = []
    for number, cells in xlsx_reader.iter_rows(sheet):
        if not header_row:
            found = header_columns(cells)
            if COUNTY in found or VALUE in found:
                columns, header_row = found, number
                missing = [title for title in REQUIRED if title not in columns]
                if missing:
                    raise OfficialImportError(
                        [
                            f"第{number}行：表头缺少必需的列：{'、'.join(heading(t) for t in missing)}"
                            f"（须包含 {required_text()}）"
                        ]
                    )
            elif number >= 10:
                break
            continue
        row = SheetRow(number, {title: cells[index] for title, index in columns.items()})
        if row.blank:
            continue
        if len(rows) >= MAX_DATA_ROWS:
            raise OfficialImportError([f"工作表“{sheet.title}”的数据超过 {MAX_DATA_ROWS} 行，请分批导入"])
        rows.append(row)
    if not header_row:
        raise OfficialImportError(
            [f"工作表“{sheet.title}”的前10行中找不到表头（须包含 {required_text()} 列），请使用下载的导入模板"]
        )
    return rows, set(columns)


def check_template_period(workbook, period: AssessmentPeriod) -> None:
    """A template made for another period is refused: its values would land in the wrong period."""
    code = xlsx_reader.template_mark(workbook, NOTES_SHEET, PERIOD_CELL_LABEL)
    if code and code != period.name:
        other = AssessmentPeriod.objects.filter(name=code).first()
        raise OfficialImportError(
            [
                f"该文件是“{other or code}”（{code}）的导入模板，与所选考评周期"
                f"“{period.title}”（{period.name}）不一致；请选择正确的周期或重新下载模板"
            ]
        )


# ------------------------------------------------------------------ checking and saving


@dataclass
class Change:
    row: int
    county: County
    indicator: Indicator
    value: Decimal
    fields: dict  # source / note, for the columns the sheet has


class RowChecker:
    """Turns sheet rows into changes, collecting every problem with its row number."""

    def __init__(self, user, period: AssessmentPeriod, columns: set[str]):
        self.user, self.period, self.columns = user, period, columns
        self.problems: list[str] = []
        self.skipped_empty = 0
        self.indicators = {i.number: i for i in county_indicators(period)}
        self.allowed_counties = set(scope_queryset(user, County).values_list("pk", flat=True))
        self._counties: dict[str, County | None] = {}
        self._seen: dict[tuple[int, int], int] = {}

    def problem(self, row: SheetRow, text: str) -> None:
        self.problems.append(f"第{row.number}行：{text}")

    def county(self, row: SheetRow) -> County | None:
        text = row.text(COUNTY)
        if not text:
            return self.problem(row, f"缺少{county_label()}")
        if text not in self._counties:
            try:
                self._counties[text] = County.resolve(text)
            except County.DoesNotExist:
                self._counties[text] = None
        county = self._counties[text]
        if county is None:
            return self.problem(row, f"{county_label()}“{text}”不存在（可填全称或简称）")
        if county.pk not in self.allowed_counties:
            return self.problem(row, f"无权导入{county.name}的数据")
        return county

    def indicator(self, row: SheetRow) -> Indicator | None:
        text = row.text(NUMBER)
        if not text:
            return self.problem(row, f"缺少{NUMBER}")
        try:
            number = cell_number(row.cells[NUMBER])
        except ValueError:
            number = None
        whole = number is not None and number == number.to_integral_value()
        indicator = self.indicators.get(int(number)) if whole else None
        if indicator is None:
            return self.problem(row, f"{NUMBER}“{text}”不是{scheme_label()}中的指标")
        if not importable(indicator):
            return self.problem(row, why_not_importable(indicator))
        return indicator

    def number(self, row: SheetRow, column: str) -> Decimal | None:
        try:
            return cell_number(row.cells[column]) if column in row.cells else None
        except ValueError:
            self.problem(row, f"{column}“{row.text(column)}”不是数字")
            return None

    def check(self, row: SheetRow) -> Change | None:
        """The change a row asks for; None when it has problems (recorded) or no value (skipped)."""
        if row.text(TARGET):
            self.problem(row, TARGET_MOVED)
        given = [column for column in (SOURCE, NOTE) if row.text(column)]
        if not row.text(VALUE):
            if not given:
                self.skipped_empty += 1  # a template row nobody filled in: no figure yet
                return None
            self.problem(row, f"缺少{VALUE}（填写了{'、'.join(given)}，但{VALUE}为空）")
        before = len(self.problems)
        county, indicator, value = self.county(row), self.indicator(row), self.number(row, VALUE)
        fields = {}
        for column, name in ((SOURCE, "source"), (NOTE, "note")):
            if column in self.columns:
                fields[name] = row.text(column)
                if len(fields[name]) > MAX_LENGTH[column]:
                    self.problem(row, f"{column}超过 {MAX_LENGTH[column]} 个字")
        if len(self.problems) > before or value is None:
            return None
        key = (county.pk, indicator.pk)
        if key in self._seen:
            self.problem(row, f"{county.name}第{indicator.number}项与第{self._seen[key]}行重复")
            return None
        self._seen[key] = row.number
        return Change(row.number, county, indicator, value, fields)


def import_official_values(user, period, uploaded_file) -> ImportResult:
    """Load the official values of ``period`` from an uploaded xlsx, all or nothing.

    Raises PermissionError (403) for users who may not create official
    values, OfficialImportError (a ValidationError, 417) listing every bad
    row, FileTooLargeError (413) for oversized files.
    """
    ensure_can_import(user)
    period = resolve_period(period)
    workbook = xlsx_reader.open_workbook(uploaded_file)
    try:
        rows, columns = read_sheet(workbook, period)
    except FrappeError:
        raise
    except Exception:  # noqa: BLE001 - read-only mode parses sheets lazily: broken XML shows up here
        raise ValidationError(
            "无法读取该文件：工作表内容已损坏或不是正常的 Excel 数据；请用 Excel 打开后重新保存再导入"
        ) from None
    finally:
        workbook.close()
    with transaction.atomic():
        # One import of a period at a time: the second waits and then sees the first one's values.
        AssessmentPeriod.objects.select_for_update().filter(pk=period.pk).first()
        checker = RowChecker(user, period, columns)
        changes = [change for change in map(checker.check, rows) if change is not None]
        if not checker.problems and not changes:
            checker.problems.append(f"没有可导入的数据：所有行的{VALUE}都为空")
        if checker.problems:
            raise OfficialImportError(checker.problems)
        result = ImportResult(period.name, skipped_empty=checker.skipped_empty)
        save_changes(user, period, changes, result)
        synced = sync_lines(period, user=user)
        # Scores are relative within a category: one county's new figure moves its peers' scores too.
        result.scores = scoring.recompute_period(period).message
    result.lines_updated, result.assessments_updated = synced.lines_updated, synced.assessments_updated
    result.final_skipped = synced.final_skipped
    return result


def save_changes(user, period: AssessmentPeriod, changes: list[Change], result: ImportResult) -> None:
    """Create or update each value through the ORM (history, owner, document events); raise on any refusal."""
    existing = {
        (v.county_id, v.indicator_id): v for v in OfficialValue.objects.select_for_update().filter(period=period)
    }
    problems = []
    token = _importing.set(True)
    try:
        for done, change in enumerate(changes):
            publish_progress(done, len(changes), f"正在保存核定数据：第 {done + 1} 条，共 {len(changes)} 条")
            try:
                save_change(user, period, change, existing.get((change.county.pk, change.indicator.pk)), result)
            except FrappeError as exc:
                problems.append(f"第{change.row}行：{exc.message}")
    finally:
        _importing.reset(token)
    if problems:
        raise OfficialImportError(problems)


def save_change(user, period, change: Change, official: OfficialValue | None, result: ImportResult) -> None:
    creating = official is None
    label = f"第{change.row}行：{change.county.name} 第{change.indicator.number}项"
    if creating:
        official = OfficialValue(period=period, county=change.county, indicator=change.indicator, owner=user)
    else:
        if official.value == change.value and all(getattr(official, k) == v for k, v in change.fields.items()):
            result.unchanged += 1
            return
    old_value = None if creating else official.value
    before = lifecycle.before_save(user, official, creating)
    official.value = change.value
    for name, value in change.fields.items():
        setattr(official, name, value)
    official.modified_by = user
    official._history_user = user  # simple-history: who, also outside a request
    official._change_reason = "导入核定数据"
    try:
        official.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationError("；".join(exc.messages)) from None
    official.save()
    lifecycle.after_save(user, official, creating, before)
    if creating:
        result.created += 1
        result.messages.append(f"{label} 新增核定值 {number_text(change.value)}")
    else:
        result.updated += 1
        if old_value == change.value:
            result.messages.append(f"{label} 核定值 {number_text(change.value)} 未变，更新了数据来源或备注")
        else:
            result.messages.append(f"{label} 核定值 {number_text(old_value)} → {number_text(change.value)}")


# ------------------------------------------------------------------ onto the self-assessments


@transaction.atomic
def sync_lines(period, county: County | None = None, user=None) -> SyncResult:
    """Copy the period's official values onto the lines of its county self-assessments that are not final.

    A line without an official value gets none (a deleted value disappears at
    the next sync). The assessments are locked, so an approval running at the
    same time either comes first (and the assessment is left alone) or waits.
    """
    period = resolve_period(period)
    values = OfficialValue.objects.filter(period=period)
    queryset = SelfAssessment.objects.filter(period=period, county__isnull=False)
    if county is not None:
        values, queryset = values.filter(county=county), queryset.filter(county=county)
    by_key = {(v.county_id, v.indicator_id): v.value for v in values}
    workflow = engine.get_workflow(SelfAssessment.doctype)
    result = SyncResult()
    for assessment in queryset.select_for_update().order_by("pk"):
        changed = [(line, by_key.get((assessment.county_id, line.indicator_id))) for line in assessment.lines.all()]
        changed = [(line, value) for line, value in changed if line.official_value != value]
        if not changed:
            continue
        if engine.is_final(assessment, workflow):  # approved: its figures are what was approved
            result.final_skipped.append(assessment.name)
            continue
        for line, value in changed:
            line.official_value = value
            if user is not None:
                line.modified_by = user
                line._history_user = user
            line.save(update_fields=["official_value", "modified", "modified_by"])
        result.lines_updated += len(changed)
        result.assessments_updated += 1
    return result


def official_value_saved(doc: OfficialValue, **context) -> None:
    """Document event (hooks.py): a value edited in the admin or the API shows on the county's lines
    at once, and the period's scores follow it."""
    if not _importing.get():
        sync_lines(doc.period, county=doc.county, user=context.get("user"))
        scoring.recompute_period(doc.period)
