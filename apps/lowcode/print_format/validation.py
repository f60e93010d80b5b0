"""Checks of a print format as an administrator saves it, with the messages in Chinese, per field.

The same checks run before a format is rendered (compose.py): a format saved before a rule
existed, or written straight into the database, is refused rather than printed.
"""

from apps.lowcode.print_format.columns import ComposeError, parse_columns
from apps.lowcode.print_format.sandbox import (
    document_scope,
    path_shape,
    reach_errors,
    table_scope,
)
from apps.lowcode.print_format.template import template_error

FORMAT_TEMPLATES = ("title", "addressees", "signature", "cc", "printed_by")
BLOCK_TEMPLATES = ("title", "text", "table_group_title", "text_after")


def _template_errors(obj, fields) -> dict[str, str]:
    errors = {}
    for field in fields:
        message = template_error(getattr(obj, field) or "")
        if message:
            errors[field] = message
    return errors


def _known_doctype(doctype: str) -> bool:
    from apps.lowcode.doctype import doctype_registry

    return doctype_registry.get(doctype) is not None


def format_errors(print_format) -> dict[str, str]:
    from apps.lowcode.doctype import doctype_registry

    errors = _template_errors(print_format, FORMAT_TEMPLATES)
    model = doctype_registry.get(print_format.doc_type)
    if model is None:
        errors["doc_type"] = f"单据类型“{print_format.doc_type}”不存在"
    else:
        fields = {f.name: f for f in model._meta.fields}
        if print_format.number_field and print_format.number_field not in fields:
            errors["number_field"] = f"“{print_format.doc_type}”没有字段 {print_format.number_field}"
        if print_format.date_field and not _is_date_field(fields.get(print_format.date_field)):
            errors["date_field"] = f"“{print_format.doc_type}”没有日期字段 {print_format.date_field}"
        for field, message in format_reach_errors(print_format).items():
            errors.setdefault(field, message)
    if print_format.is_official and print_format.letter_head_id is None:
        errors["letter_head"] = "公文版式须选择版头（发文机关标志与发文字号）"
    return errors


def _is_date_field(field) -> bool:
    from django.db import models

    return isinstance(field, models.DateField)  # a DateTimeField too


def format_reach_errors(print_format) -> dict[str, str]:
    """What the format's own templates (title, 主送, 署名, 抄送, 印发机关) reach for outside the document."""
    if not _known_doctype(print_format.doc_type):
        return {}
    scope = document_scope(print_format.doc_type)
    errors = {}
    for field in FORMAT_TEMPLATES:
        problems = reach_errors(getattr(print_format, field) or "", scope)
        if problems:
            errors[field] = "；".join(problems)
    return errors


def block_reach_errors(block, doctype: str) -> dict[str, str]:
    """What a block's templates and table reach for outside the document of ``doctype``."""
    if not _known_doctype(doctype):
        return {}
    scope = document_scope(doctype)
    errors = {}
    for field in ("title", "text", "text_after"):
        problems = reach_errors(getattr(block, field) or "", scope)
        if problems:
            errors[field] = "；".join(problems)
    if not block.table_rows:
        return errors
    shape, problems = path_shape(block.table_rows.strip(), scope)
    if problems:
        errors["table_rows"] = problems[0]
        return errors
    row = shape.element()
    if row is None:
        errors["table_rows"] = f"表格数据“{block.table_rows}”不是一组记录"
        return errors
    if block.table_group_by and row.attribute(block.table_group_by) is None:
        errors["table_group_by"] = f"分组字段“{block.table_group_by}”不是表格数据“{block.table_rows}”的字段"
    in_table = table_scope(scope, row)
    problems = reach_errors(block.table_group_title or "", in_table)
    if problems:
        errors["table_group_title"] = "；".join(problems)
    try:
        columns = parse_columns(block.table_columns or "")
    except ComposeError:
        return errors  # reported by block_errors
    problems = [
        f"“{c.header}”：{message}"
        for c in columns
        for message in reach_errors(c.header, scope) + reach_errors(c.template, in_table)
    ]
    if problems:
        errors["table_columns"] = "；".join(problems)
    return errors


def block_errors(block) -> dict[str, str]:
    errors = _template_errors(block, BLOCK_TEMPLATES)
    if block.table_columns:
        try:
            columns = parse_columns(block.table_columns)
        except ComposeError as exc:
            errors["table_columns"] = str(exc)
        else:
            broken = [f"“{c.header}”：{message}" for c in columns if (message := template_error(c.template))]
            if broken:
                errors["table_columns"] = "；".join(broken)
    if block.table_rows and not block.table_columns:
        errors["table_columns"] = "填写了表格数据，请同时填写表格列"
    if block.table_columns and not block.table_rows:
        errors["table_rows"] = "填写了表格列，请同时填写表格数据（例如 doc.lines）"
    if block.placement != "接排" and not block.title and block.placement == "附件":
        errors["title"] = "附件须有标题（列入附件说明）"
    print_format = getattr(block, "print_format", None) if block.print_format_id or _has_parent(block) else None
    if print_format is not None and print_format.doc_type:
        for field, message in block_reach_errors(block, print_format.doc_type).items():
            errors.setdefault(field, message)
    return errors


def _has_parent(block) -> bool:
    """An unsaved format's block (the admin's inline, the loader) already points at its format."""
    return block._state.fields_cache.get("print_format") is not None


def reach_problems(print_format) -> list[str]:
    """Everything the format reaches for outside the document, for the renderer to refuse it."""
    problems = list(format_reach_errors(print_format).values())
    for block in print_format.blocks.all():
        problems += block_reach_errors(block, print_format.doc_type).values()
    return problems
