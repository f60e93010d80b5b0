"""Writing a doctype's sheet: the import template and list exports share this one layout.

The data sheet comes first (an import reads it), titled with the doctype's
label; a 填写说明 sheet says how to fill it in and lists every column with its
fieldname; a hidden 选项 sheet holds the lists the drop-downs offer (link
names the user may see, long select lists). Drop-downs and number checks only
warn: the import is what decides, with its own message per row.
"""

import re

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from apps.lowcode.data_import import keys
from apps.lowcode.data_import.cells import MULTI_SEPARATOR, NO, YES, select_choices
from apps.lowcode.data_import.columns import Column
from apps.lowcode.doctype.meta import DocField, DocTypeMeta, doctype_registry
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.xlsx import reader
from apps.lowcode.xlsx.styles import (
    BORDER,
    HEADER_FONT,
    MUTED_HEADER_FONT,
    REQUIRED_FONT,
    style_header,
    workbook_bytes,
)

NOTES_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
MAX_LISTED_NAMES = 500  # a link drop-down lists at most this many names
VALIDATED_EXTRA_ROWS = 500  # drop-downs reach this far below the last row, for rows people add
WIDTHS = {
    "Text": 40,
    "Small Text": 36,
    "Link": 22,
    "Table MultiSelect": 30,
    "Date": 13,
    "Datetime": 19,
    "Int": 10,
    "Float": 12,
    "Currency": 14,
    "Check": 8,
    "Select": 16,
}
FORMATS = {"Date": "yyyy-mm-dd", "Datetime": "yyyy-mm-dd hh:mm:ss"}
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(meta: DocTypeMeta) -> str:
    return SHEET_TITLE_FORBIDDEN.sub("", meta.label)[:31] or meta.doctype[:31]


def build(user, meta: DocTypeMeta, columns: list[Column], rows: list[list], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(meta)
    write_header(sheet, meta, columns)
    for row, values in enumerate(rows, start=2):
        write_row(sheet, row, columns, values)
    last_row = max(sheet.max_row, 1)
    notes = workbook.create_sheet(NOTES_SHEET)
    write_notes(notes, meta, columns)
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    add_validations(user, sheet, options, columns, last_row + VALIDATED_EXTRA_ROWS)
    sheet.freeze_panes = "B2" if len(columns) > 1 else "A2"
    workbook.properties.title = title
    return workbook_bytes(workbook)


# ---------------------------------------------------------------- the data sheet


def write_header(sheet, meta: DocTypeMeta, columns: list[Column]) -> None:
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position, value=column.label)
        style_header(cell, header_font(meta, column))
        cell.comment = Comment(column_note(meta, column), "系统", width=260, height=150)
        width = max(WIDTHS.get(column.docfield.fieldtype, 18), min(len(column.label) * 2 + 2, 40))
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.row_dimensions[1].height = 30


def header_font(meta: DocTypeMeta, column: Column):
    """Red for a column that must be filled, grey for one the system keeps (编号 of a numbered doctype)."""
    if column_required(meta, column):
        return REQUIRED_FONT
    return MUTED_HEADER_FONT if column.is_state or column.docfield.read_only else HEADER_FONT


def write_row(sheet, row: int, columns: list[Column], values: list) -> None:
    for position, (column, value) in enumerate(zip(columns, values), start=1):
        cell = sheet.cell(row=row, column=position)
        put(cell, value)
        cell.border = BORDER
        if column.docfield.fieldtype in FORMATS:
            cell.number_format = FORMATS[column.docfield.fieldtype]
        elif column.docfield.fieldtype in ("Text", "Small Text"):
            cell.alignment = WRAP


def put(cell, value) -> None:
    """A value into a cell; text starting with "=" stays text (openpyxl would make it a formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def column_required(meta: DocTypeMeta, column: Column) -> bool:
    if column.is_name:
        return meta.naming_rule == "prompt" and column.table is None
    return column.docfield.reqd and not column.docfield.read_only


def type_hint(docfield: DocField) -> str:
    fieldtype = docfield.fieldtype
    if fieldtype == "Check":
        return f"填“{YES}”或“{NO}”"
    if fieldtype == "Int":
        return "整数"
    if fieldtype in ("Float", "Currency"):
        return "数字"
    if fieldtype == "Date":
        return "日期，例如 2024-03-31"
    if fieldtype == "Datetime":
        return "日期时间，例如 2024-03-31 14:30"
    if fieldtype == "Select":
        return "可选：" + "、".join(dict.fromkeys(label for _, label in select_choices(docfield)))
    if fieldtype == "Link":
        return f"填{docfield.options_label}的编号（名称）"
    if fieldtype == "Table MultiSelect":
        return f"填{docfield.options_label}的编号（名称），多个以顿号“{MULTI_SEPARATOR}”分隔"
    if fieldtype == "Attach":
        return "附件的文件地址"
    return "文本，可换行" if fieldtype in ("Text", "Small Text") else "文本"


def column_note(meta: DocTypeMeta, column: Column) -> str:
    """What the header cell's comment (and the 填写说明 sheet) says of a column."""
    if column.is_name and column.table is None:
        text = (
            "必填。记录的名称，其他表格链接到它时填写的就是这个名称"
            if meta.naming_rule == "prompt"
            else "系统编号。新建记录时留空，由系统按规则生成；填写已有记录的编号则更新该记录"
        )
    elif column.is_name:
        text = "子表行的系统编号，用于更新原有的行；新增的行留空"
    elif column.is_state:
        text = "工作流状态，由系统维护：导入时只核对，不能通过导入修改"
    else:
        parts = [
            "必填" if column_required(meta, column) else "",
            type_hint(column.docfield),
            column.docfield.description,
        ]
        text = "；".join(p for p in parts if p)
    if column.table is not None:
        text += f"。子表“{column.table.label}”：一条记录有多行时，在其下方的行只填子表的列，其余列留空"
    return f"{text}\n字段名：{column.key}"


# ---------------------------------------------------------------- drop-downs


def add_validations(user, sheet, options, columns: list[Column], last_row: int) -> None:
    lists = OptionLists(options)
    for position, column in enumerate(columns, start=1):
        validation = validation_for(user, column, lists)
        if validation is None:
            continue
        validation.showErrorMessage = True
        letter = get_column_letter(position)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


class OptionLists:
    """Lists written to the hidden 选项 sheet, one column each, for drop-downs too long to inline."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.count = 0
        self.ranges: dict[str, str] = {}  # title -> range: two links to Unit share one list

    def add(self, title: str, values: list[str]) -> str:
        if title in self.ranges:
            return self.ranges[title]
        self.count += 1
        letter = get_column_letter(self.count)
        self.sheet.cell(row=1, column=self.count, value=title)
        for row, value in enumerate(values, start=2):
            put(self.sheet.cell(row=row, column=self.count), value)
        self.ranges[title] = f"{quote_sheetname(self.sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[title]


def validation_for(user, column: Column, lists: OptionLists) -> DataValidation | None:
    docfield = column.docfield
    fieldtype = docfield.fieldtype
    label = docfield.label
    if column.is_name or column.is_state or docfield.read_only:
        return None
    if fieldtype == "Check":
        return DataValidation(
            type="list", formula1=f'"{YES},{NO}"', allow_blank=True, errorTitle=label, error=f"请填“{YES}”或“{NO}”"
        )
    if fieldtype == "Select":
        labels = list(dict.fromkeys(label_ for _, label_ in select_choices(docfield)))
        if not labels:
            return None
        inline = ",".join(labels)
        formula = (
            f'"{inline}"'
            if len(inline) <= 250 and not any("," in x or '"' in x for x in labels)
            else lists.add(column.key, labels)
        )
        return DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            errorStyle="warning",
            errorTitle=label,
            error="不是可选项，请从下拉列表中选择",
        )
    if fieldtype == "Link":
        names = link_names(user, docfield)
        if not names:
            return None
        return DataValidation(
            type="list",
            formula1=lists.add(docfield.options_label, names),
            allow_blank=True,
            errorStyle="warning",
            errorTitle=label,
            error=f"系统中没有这个{docfield.options_label}；如果它在本表前面的行中新建，可以忽略此提示",
        )
    if fieldtype == "Int":
        return DataValidation(
            type="whole",
            operator="between",
            formula1="-2147483648",
            formula2="2147483647",
            allow_blank=True,
            errorStyle="warning",
            errorTitle=label,
            error="请填写整数",
        )
    if fieldtype in ("Float", "Currency"):
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
            errorStyle="warning",
            errorTitle=label,
            error="请填写数字",
        )
    if fieldtype == "Date":
        return DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",
            allow_blank=True,
            errorStyle="warning",
            errorTitle=label,
            error="请填写日期，例如 2024-03-31",
        )
    return None


def link_names(user, docfield: DocField) -> list[str]:
    """Names the user may link to, for a drop-down; none when there are too many to list."""
    model = doctype_registry.get(docfield.options)
    if model is None:
        return []
    names = list(scope_queryset(user, model).values_list("name", flat=True)[: MAX_LISTED_NAMES + 1])
    return [] if len(names) > MAX_LISTED_NAMES else names


# ---------------------------------------------------------------- 填写说明


def write_notes(sheet, meta: DocTypeMeta, columns: list[Column]) -> None:
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 8
    sheet.column_dimensions["D"].width = 80
    sheet.append([f"“{meta.label}”导入说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    for number, line in enumerate(instructions(meta, columns), start=1):
        sheet.append([f"{number}.", line])
        sheet.merge_cells(start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=4)
        sheet.cell(row=sheet.max_row, column=2).alignment = WRAP
        sheet.row_dimensions[sheet.max_row].height = 32
    sheet.append([])
    sheet.append(["列名", "字段名", "必填", "填写要求"])
    for cell in sheet[sheet.max_row]:
        style_header(cell)
    for column in columns:
        sheet.append(
            [
                column.label,
                column.key,
                "是" if column_required(meta, column) else "",
                column_note(meta, column).rsplit("\n", 1)[0],
            ]
        )
        sheet.cell(row=sheet.max_row, column=4).alignment = WRAP
        for cell in sheet[sheet.max_row]:
            cell.border = BORDER


def instructions(meta: DocTypeMeta, columns: list[Column]) -> list[str]:
    from apps.lowcode.data_import.importer import MAX_ROWS

    name_label = meta.fields["name"].label
    natural = keys.natural_keys(meta)
    if meta.naming_rule == "prompt":
        matching = f"“{name_label}”是记录的名称：与已有记录同名时更新该记录，否则新建。"
    elif natural:
        described = "；或按".join("、".join(meta.fields[f].label for f in key) for key in natural)
        matching = (
            f"“{name_label}”填写已有记录的编号时更新该记录；留空时按{described}识别已有记录，找到则更新，找不到则新建。"
        )
    else:
        matching = f"“{name_label}”填写已有记录的编号时更新该记录；留空则新建。"
    lines = [
        "第一行是表头（字段名称），请不要修改；不需要的列可以整列删除，删除的列导入时不作修改。表头的批注中有字段名。",
        "每行一条记录。" + matching + "重复导入同一文件不会产生重复记录。",
        "单元格留空表示不填：新建记录时使用默认值，更新已有记录时保留原值（不会清空）；需要清空某个字段时，请在系统的表单中修改。",
        f"链接字段填写所链接记录的编号（名称）；多选链接以顿号“{MULTI_SEPARATOR}”分隔；勾选填“{YES}”或“{NO}”；"
        "日期填写如 2024-03-31。下拉列表只是提示，以导入检查的结果为准。",
    ]
    tables = sorted({c.table.label for c in columns if c.table is not None})
    if tables:
        lines.append(
            f"子表（{'、'.join(tables)}）的列名为“子表名.字段名”。一条记录有多行子表时，从第二行起只填子表的列，"
            "其余列留空；导入后该记录的子表就是表中列出的这些行。"
        )
    lines += [
        "导入前可先“试导入（不保存）”，逐行查看将新建、更新、未变化的记录和出错的原因；正式导入时跳过有错误的行，"
        "也可以选择“任何一行有错误时全部不导入”。",
        f"只支持 .xlsx 文件，不超过 {reader.MAX_FILE_SIZE // 1048576} MB、{MAX_ROWS} 行。",
    ]
    return lines
