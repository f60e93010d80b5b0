"""Opening an uploaded xlsx workbook safely, and reading its cells as text and numbers.

An upload is someone else's file: it may be another format renamed .xlsx, an
old .xls or a password-protected workbook (both OLE2 containers), a zip bomb
(a few hundred KB that inflate to millions of shared strings or GBs of XML),
or a sheet that claims a million rows. Each is refused with a Chinese message
that says what to do, before openpyxl parses anything (guard.py bounds parts,
sizes, compression, strings, rows, columns, cells and DTDs). openpyxl then
runs in read-only mode, which streams the sheet XML instead of building every
cell in memory.

``open_workbook`` is the one way the code opens an uploaded workbook: the
data import (admin and API), the official values import, any new one.
"""

import io
import math
import re
import unicodedata
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openpyxl import load_workbook

from apps.lowcode.exceptions import FileTooLargeError, ValidationError
from apps.lowcode.xlsx import guard

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_COLUMNS = 30

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def open_workbook(upload, max_size: int = MAX_FILE_SIZE):
    """The uploaded file as a read-only openpyxl workbook; the caller closes it.

    ``upload`` is a Django UploadedFile (or any object with ``read`` and
    ``name``). Raises ValidationError (FileTooLargeError for size) in Chinese.
    """
    data = checked_bytes(upload, max_size)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on malformed parts
        raise ValidationError(guard.BROKEN) from None


def checked_bytes(upload, max_size: int = MAX_FILE_SIZE) -> bytes:
    """The uploaded file's content once it passed every check short of parsing it: name, size, kind, and the
    zip's own guard. Cheap: a request checks a file this way before a job imports it."""
    if upload is None or not hasattr(upload, "read"):
        raise ValidationError("请选择要导入的 Excel 文件（.xlsx）")
    name = str(getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xls":
        raise ValidationError(f"不支持旧版 .xls 文件（{name}），请在 Excel 中“另存为”.xlsx 格式后再导入")
    if name and extension != "xlsx":
        raise ValidationError(f"只能导入 .xlsx 格式的 Excel 文件，“{name}”不是")
    limit_text = f"{max_size / 1048576:.0f} MB"
    size = getattr(upload, "size", None)
    if size is not None and size > max_size:
        raise FileTooLargeError(f"文件过大：{size / 1048576:.1f} MB，导入文件不能超过 {limit_text}")
    data = upload.read(max_size + 1)
    if len(data) > max_size:
        raise FileTooLargeError(f"文件过大：导入文件不能超过 {limit_text}")
    if not data:
        raise ValidationError("文件为空")
    if data.startswith(OLE2_SIGNATURE):
        raise ValidationError("该文件是旧版 .xls 格式或设置了打开密码，请取消密码并另存为 .xlsx 格式后再导入")
    if not data.startswith(ZIP_SIGNATURE):
        raise ValidationError("文件内容不是 .xlsx 格式的 Excel 工作簿（可能是其他类型的文件改了扩展名）")
    guard.check_upload(data)  # before openpyxl builds anything
    return data


def iter_rows(sheet, max_columns: int = MAX_COLUMNS):
    """(row number, cells) of a read-only sheet, blank rows included, numbered as Excel shows them.

    The dimension a file declares may be wrong (some writers leave A1), so
    it is ignored and the rows are read to the end; open_workbook has already
    refused a sheet with rows beyond guard.MAX_ROWS, this stays as a backstop.
    """
    sheet.reset_dimensions()
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=max_columns), start=1):
        if number > guard.MAX_ROWS:
            raise ValidationError(f"工作表“{sheet.title}”行数过多（超过 {guard.MAX_ROWS} 行），请只保留需要导入的数据")
        yield number, cells


def normalized(text: str) -> str:
    """Full-width letters, digits and brackets as half-width, no whitespace: for comparing labels."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def cell_text(cell) -> str:
    """A cell as the text a person sees (2.0 → "2"); empty string for an empty cell."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def cell_number(cell, places: int = 4, limit: Decimal = Decimal(10) ** 16) -> Decimal | None:
    """A cell as a Decimal rounded to ``places``; None when empty; ValueError when it is not a number.

    Accepts numbers, numeric text with thousands separators and full-width
    digits, and a trailing % ("2.35%" → 2.35: indicators are reported in
    percent points). A cell formatted as a percentage holds 0.0235 for 2.35%,
    so it is read as the percentage the person sees.
    """
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date | time):
        raise ValueError(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(value)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in str(getattr(cell, "number_format", "") or ""):
            number *= 100
    else:
        text = normalized(value)
        text = text[:-1] if text.endswith("%") else text
        if THOUSANDS.match(text):  # 1,234.5; a lone comma (2,35) is not a decimal point here
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(value) from None
        if not number.is_finite():
            raise ValueError(value)
    if abs(number) >= limit:
        raise ValueError(value)
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def template_mark(workbook, sheet_name: str, label: str, rows: int = 6) -> str:
    """What a template wrote beside ``label`` in the first rows of its notes sheet (the period or the
    indicator it was made for), "" where the workbook has no such sheet or line: an import refuses a
    template made for something else."""
    if sheet_name not in workbook.sheetnames:
        return ""
    for _, cells in zip(range(rows), workbook[sheet_name].iter_rows(max_col=2)):
        if len(cells) == 2 and cell_text(cells[0]) == label:
            return cell_text(cells[1])
    return ""
