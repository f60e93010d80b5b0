"""考评排名 as an Excel workbook, the form the office circulates and prints (每季通报排名).

One sheet per ranking category, laid out like the page (services/ranking_report.py),
and a last sheet 得分明细 with every indicator of every approved assessee and how
its score was reached. Scores stay numbers (format 0.00) so the office can sum
and sort them; a bonus above the cap keeps its counted value as the number and
shows the approved total through the cell's format: "15.00（核定 17.50）".
"""

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.services.ranking_report import CategoryTable, ranking_table

SCORE_FORMAT = "0.00"
DETAIL_SHEET = "得分明细"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TITLE_FONT = Font(bold=True, size=16)
HEADER_FONT = Font(bold=True)
PENDING_FONT = Font(color="808080")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
NUMBER = Alignment(horizontal="right", vertical="center")


def export_filename(period: AssessmentPeriod) -> str:
    return f"{period.title}考评排名.xlsx"


def export_xlsx(user, period: AssessmentPeriod) -> bytes:
    """The ranking of ``period`` as the user may see it (same scope as the page)."""
    tables = ranking_table(user, period)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _category_sheet(workbook.create_sheet(sheet_name(table.title, workbook.sheetnames)), period, table)
    _detail_sheet(workbook.create_sheet(DETAIL_SHEET), period, tables)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_name(title: str, taken: list[str]) -> str:
    """A category's title as Excel allows a sheet name: no []:*?/\\, at most 31 characters, unique
    (a category is named by the administrator: 镇/集聚区 becomes 镇、集聚区)."""
    name = re.sub(r"[\[\]:*?/\\]", "、", title).strip("'")[:31] or "排名"
    candidate, n = name, 2
    while candidate in taken or candidate == DETAIL_SHEET:
        suffix = f"（{n}）"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def sheet_title(period: AssessmentPeriod, category: str) -> str:
    """ "2023年第一季度科技创新赋能行动考评排名（一类）"."""
    return f"{period.title}科技创新赋能行动考评排名（{category}）"


def _category_sheet(sheet: Worksheet, period: AssessmentPeriod, table: CategoryTable) -> None:
    # Points on a line of their own: "政策保障\n（25分）" wraps where a reader expects.
    headers = ["名次", "考评对象", *(f"{c.title}\n{c.points_label}" for c in table.columns)]
    widths = [9, 22, *(15 for _ in table.columns)]
    if table.has_bonus:
        headers.append(f"加分项\n{table.bonus_points_label}")
        widths.append(20)
    headers += ["总分", "考评结果", "说明"]
    widths += [10, 14, 44]
    _title(sheet, sheet_title(period, table.category), len(headers))
    _header(sheet, headers, widths)
    first_score, last_score = 3, 3 + len(table.columns) + table.has_bonus  # the number columns

    for row in table.rows:
        values = [row.rank, row.assessee, *row.group_scores]  # ranks as numbers: ties show as equal numbers
        if table.has_bonus:
            values.append(row.bonus)
        values += [row.total, row.result_text, row.outcome_note]
        sheet.append(_plain(values))
        r = sheet.max_row
        for col in range(first_score, last_score + 1):
            sheet.cell(r, col).number_format = SCORE_FORMAT
        if table.has_bonus and row.bonus_claimed > row.bonus:
            sheet.cell(r, last_score - 1).number_format = f'0.00"（核定 {row.bonus_claimed:.2f}）"'
    for pending in table.pending:
        sheet.append(
            [
                "",
                pending.assessee,
                *("" for _ in range(last_score - first_score + 1)),
                pending.status,
                f"自评报告：{pending.state}",
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = PENDING_FONT
    _body_style(
        sheet, first_row=3, number_columns=range(first_score, last_score + 1), center_columns=(1, last_score + 1)
    )  # 名次, 考评结果

    rule_row = sheet.max_row + 2
    sheet.cell(rule_row, 1, f"说明：{table.rule.rstrip('。')}。")
    sheet.merge_cells(start_row=rule_row, start_column=1, end_row=rule_row, end_column=len(headers))
    sheet.cell(rule_row, 1).alignment = TOP_WRAP
    sheet.row_dimensions[rule_row].height = 36
    _page_setup(sheet)


def _detail_sheet(sheet: Worksheet, period: AssessmentPeriod, tables: list[CategoryTable]) -> None:
    headers = [
        "类别",
        "考评对象",
        "指标类别",
        "序号",
        "考核指标",
        "分值",
        "填报值",
        "核定值",
        "计分依据",
        "得分",
        "计分过程",
    ]
    widths = [10, 22, 22, 6, 36, 8, 14, 12, 12, 8, 60]
    _title(sheet, f"{period.title}科技创新赋能行动考评得分明细", len(headers))
    _header(sheet, headers, widths)
    for table in tables:
        for row in table.rows:
            for line in row.lines:
                sheet.append(
                    _plain(
                        [
                            table.category,
                            row.assessee,
                            line.group,
                            line.number,
                            line.indicator,
                            line.points,
                            line.reported_value,
                            line.official_value,
                            line.basis,
                            line.result,
                            line.explanation,
                        ]
                    )
                )
                for col in (6, 10):
                    sheet.cell(sheet.max_row, col).number_format = SCORE_FORMAT
    _body_style(sheet, first_row=3, number_columns=(6, 8, 10), center_columns=(1, 4, 9))
    sheet.auto_filter.ref = f"A2:K{sheet.max_row}"  # the office filters by assessee or indicator
    _page_setup(sheet)


def _plain(values: list) -> list:
    """Decimals as floats: openpyxl writes them either way, but floats read back as numbers everywhere."""
    return [float(v) if hasattr(v, "as_tuple") else v for v in values]


def _title(sheet: Worksheet, text: str, width: int) -> None:
    sheet.append([text])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 32


def _header(sheet: Worksheet, headers: list[str], widths: list[float]) -> None:
    sheet.append(headers)
    for col, (cell, width) in enumerate(zip(sheet[2], widths), start=1):
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[2].height = 62  # the long group title runs to four lines
    sheet.freeze_panes = "A3"


def _body_style(sheet: Worksheet, first_row: int, number_columns, center_columns=()) -> None:
    number_columns = set(number_columns)
    for row in sheet.iter_rows(min_row=first_row, max_row=sheet.max_row):
        for cell in row:
            cell.border = BORDER
            if cell.column in center_columns:
                cell.alignment = CENTER
            elif cell.column in number_columns:
                cell.alignment = NUMBER
            else:
                cell.alignment = WRAP


def _page_setup(sheet: Worksheet) -> None:
    """Printed landscape on A4, as wide as the page, the header on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
