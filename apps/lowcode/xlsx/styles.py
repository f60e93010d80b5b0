"""The look every generated workbook shares: header cells, borders, numbers as Excel stores them."""

import io
from decimal import Decimal

from django.conf import settings
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")  # a column that must be filled
MUTED_HEADER_FONT = Font(bold=True, color="808080")
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
    # The site's name as the admin shows it: the low-code side names no app.
    workbook.properties.creator = str(getattr(settings, "JAZZMIN_SETTINGS", {}).get("welcome_sign", ""))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
