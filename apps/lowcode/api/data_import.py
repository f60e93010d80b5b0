"""Data import and export over /api/method, under Frappe's method names where Frappe has them."""

from apps.lowcode.data_import import exporter, importer
from apps.lowcode.data_import.exporter import xlsx_response
from apps.lowcode.document.query import parse_json, table_dotted
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.jobs import imports, progress
from apps.lowcode.whitelist import whitelist
from apps.lowcode.xlsx.styles import XLSX_CONTENT_TYPE

XLSX = {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}
IMPORT_BODY = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["doctype", "file"],
            "properties": {
                "doctype": {"type": "string", "description": "单据类型，如 Task"},
                "file": {"type": "string", "format": "binary", "description": "导入模板格式的 .xlsx 文件"},
                "dry_run": {"type": "string", "description": "1（默认）：试导入，不保存；0：正式导入"},
                "all_or_nothing": {"type": "string", "description": "1：任何一行有错误时全部不导入"},
                "key": {
                    "type": "string",
                    "description": "按哪些字段识别已有记录，如 plan,number；默认按编号或唯一字段",
                },
            },
        }
    }
}
TRUE_TEXT = {"1", "true", "yes", "on"}


def flag(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool | int):
        return bool(value)
    return str(value).strip().lower() in TRUE_TEXT


def _doctype(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("缺少参数 doctype")
    return value.strip()


def _fields(value):
    fields = parse_json(value, "fields")
    return [fields] if isinstance(fields, str) else fields


@whitelist("frappe.desk.reportview.export_query", methods=("GET", "POST"), response_content=XLSX)
def export_query(
    request, doctype, fields=None, filters=None, or_filters=None, order_by=None, file_format_type="Excel", **_
):
    """导出列表为 Excel（xlsx）：doctype、fields（字段名列表，子表字段写作 units.unit）、filters、or_filters、order_by；
    只导出有权查看的记录，格式与导入模板相同，修改后可直接导入。"""
    if str(file_format_type or "Excel").lower() not in ("excel", "xlsx"):
        raise ValidationError("只支持导出为 Excel（file_format_type=Excel）")
    doctype = _doctype(doctype)
    fields = _fields(fields)
    if isinstance(fields, list):  # Frappe's desk sends `tabTask`.`title`, `tabTask Unit`.`unit`
        meta = exporter.readable_meta(request.user, doctype)
        fields = [table_dotted(meta, f) for f in fields]
    data = exporter.export_queryset(
        request.user, doctype, filters, fields=fields, or_filters=or_filters, order_by=order_by
    )
    return xlsx_response(data, exporter.file_name(exporter.readable_meta(request.user, doctype)))


@whitelist(
    "frappe.core.doctype.data_import.data_import.download_template", methods=("GET", "POST"), response_content=XLSX
)
def download_template(request, doctype, export_fields=None, **_):
    """下载导入模板（xlsx）；export_fields 可指定字段名列表，默认为全部可填写的字段。"""
    doctype = _doctype(doctype)
    meta = importer.importable_meta(request.user, doctype)
    return xlsx_response(
        exporter.template(request.user, doctype, _fields(export_fields)), exporter.file_name(meta, template_only=True)
    )


@whitelist("frappe.core.doctype.data_import.data_import.import_file", methods=("POST",), request_content=IMPORT_BODY)
def import_file(request, doctype, dry_run=None, all_or_nothing=None, key=None, **_):
    """导入 Excel（multipart：doctype、file）：默认试导入（dry_run=1，不保存）；返回每行的结果（新建/更新/未变化/错误）及原因。
    大文件在后台导入：先返回 job_id（status 为 queued），用 lowcode.api.get_job_status 查看进度，完成后其 result 即每行的结果。"""
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError("请以 multipart/form-data 上传 .xlsx 文件（字段 file）")
    key = parse_json(key, "key") if isinstance(key, str) and key.strip().startswith("[") else key
    meta = importer.importable_meta(request.user, _doctype(doctype))  # refused here, before anything is queued
    dry_run = flag(dry_run, True)
    job = imports.start_import(
        request.user,
        f"{'试导入' if dry_run else '导入'}{meta.label}：{upload.name}",
        importer.import_workbook,
        (meta.doctype,),
        upload,
        {"dry_run": dry_run, "all_or_nothing": flag(all_or_nothing, False), "key": key},
    )
    return progress.answer(job)
