"""Checks of a print format as an administrator saves it, with the messages in Chinese, per field."""

from apps.lowcode.print_format.compose import ComposeError, parse_columns
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


def format_errors(print_format) -> dict[str, str]:
    from apps.lowcode.doctype import doctype_registry

    errors = _template_errors(print_format, FORMAT_TEMPLATES)
    model = doctype_registry.get(print_format.doc_type)
    if model is None:
        errors["doc_type"] = f"单据类型“{print_format.doc_type}”不存在"
    elif print_format.number_field and print_format.number_field not in {f.name for f in model._meta.fields}:
        errors["number_field"] = f"“{print_format.doc_type}”没有字段 {print_format.number_field}"
    if print_format.is_official and print_format.letter_head_id is None:
        errors["letter_head"] = "公文版式须选择版头（发文机关标志与发文字号）"
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
        errors["table_rows"] = "填写了表格列，请同时填写表格数据（例如 doc.tasks.all）"
    if block.placement != "接排" and not block.title and block.placement == "附件":
        errors["title"] = "附件须有标题（列入附件说明）"
    return errors
