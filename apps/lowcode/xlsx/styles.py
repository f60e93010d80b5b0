"""The look every generated workbook shares: header cells, borders, numbers as Excel stores them."""

import io
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CREATOR = "科技创新赋能行动 工作调度与考评系统"

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")  # a column that must be filled
MUTED_FONT = Font(color="808080")  # for reading only: not imported
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def style_header(cell, font: Font = HEADER_FONT) -> None:
    cell.font = font
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = CENTER


def excel_number(value: Decimal | None):
    """A Decimal as Excel stores numbers: an int when whole, else a float (4 places fit a double)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def workbook_bytes(workbook) -> bytes:
    workbook.properties.creator = CREATOR
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
