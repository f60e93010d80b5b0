"""导出 Excel and 导入 Excel on every document's admin list.

导出 Excel exports exactly the list on the screen (its filters, search and
order, every page of it); the action 导出所选记录到 Excel exports the rows
ticked. 导入 Excel opens an upload page: 下载导入模板, 试导入（不保存） showing
each row's outcome, then 导入, optionally all or nothing. Between the dry run
and the import the file waits in the cache (shared by the web processes) for
an hour, so it is not uploaded twice.
"""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.lowcode.data_import import exporter, importer
from apps.lowcode.data_import.exporter import xlsx_response
from apps.lowcode.data_import.report import ImportReport
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.exceptions import FrappeError, ValidationError
from apps.lowcode.jobs import imports, progress
from apps.lowcode.permissions import can
from apps.lowcode.xlsx import reader

STASH_SECONDS = 3600


class DataImportAdminMixin:
    # A doctype whose admin has an import of its own may hide the generic one.
    excel_import = True

    def _excel_url(self, what: str) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_excel_{what}")

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_excel"
        view = self.admin_site.admin_view
        return [
            path("excel-export/", view(self.excel_export_view), name=f"{prefix}_export"),
            path("excel-import/", view(self.excel_import_view), name=f"{prefix}_import"),
            path("excel-template/", view(self.excel_template_view), name=f"{prefix}_template"),
            *super().get_urls(),
        ]

    # ------------------------------------------------------------ who sees what

    def can_export_excel(self, request) -> bool:
        return can(request.user, "read", self.model)

    def can_import_excel(self, request) -> bool:
        """For users who may add records, on doctypes clients may write."""
        return (
            self.excel_import
            and getattr(self.model, "writable_as_resource", True)
            and can(request.user, "create", self.model)
        )

    def changelist_view(self, request, extra_context=None):
        context = {}
        if self.can_export_excel(request):
            context["excel_export_url"] = self._excel_url("export")
        if self.can_import_excel(request):
            context["excel_import_url"] = self._excel_url("import")
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.can_export_excel(request):
            actions["export_selected_to_excel"] = (
                DataImportAdminMixin.export_selected_to_excel,
                "export_selected_to_excel",
                "导出所选记录到 Excel",
            )
        return actions

    # ------------------------------------------------------------ export

    def excel_export_view(self, request):
        """The list as it is on the screen: the changelist's own queryset, not just its page."""
        if not self.can_export_excel(request):
            raise PermissionDenied
        changelist_url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            messages.error(request, "筛选条件不正确，请在列表中重新筛选后再导出")
            return HttpResponseRedirect(changelist_url)
        return self._export(request, queryset, changelist_url + (f"?{request.GET.urlencode()}" if request.GET else ""))

    def export_selected_to_excel(self, request, queryset):
        return self._export(request, queryset, request.get_full_path())

    def _export(self, request, queryset, back_url):
        meta = get_meta(self.model.doctype)
        try:
            data = exporter.export_queryset(request.user, meta.doctype, queryset)
        except FrappeError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(back_url)
        return xlsx_response(data, exporter.file_name(meta))

    # ------------------------------------------------------------ import

    def excel_template_view(self, request):
        if not self.can_import_excel(request):
            raise PermissionDenied
        meta = get_meta(self.model.doctype)
        return xlsx_response(exporter.template(request.user, meta.doctype), exporter.file_name(meta, True))

    def excel_import_view(self, request):
        """GET: the upload form. POST: a dry run (试导入) or the import, of a new file or the one tried."""
        if not self.can_import_excel(request):
            raise PermissionDenied
        meta = get_meta(self.model.doctype)
        report = error = None
        token = request.GET.get("token", "")
        all_or_nothing = bool(request.POST.get("all_or_nothing") or request.GET.get("all_or_nothing"))
        if request.method == "POST":
            dry_run = request.POST.get("action") != "import"
            try:
                upload, token = self._upload(request)
                job = imports.start_import(
                    request.user,
                    f"{'试导入' if dry_run else '导入'}{meta.label}：{upload.name}",
                    importer.import_workbook,
                    (meta.doctype,),
                    upload,
                    {"dry_run": dry_run, "all_or_nothing": all_or_nothing},
                )
            except FrappeError as exc:
                error = exc.message
            else:
                if job.status != "failed":  # a dry run keeps the file for the import; an import lets it go
                    token = stash(request.user, upload, token) if dry_run else drop(request.user, token)
                if job.status not in ("finished", "failed"):  # a big file: the worker imports it
                    back = (
                        self._excel_url("import")
                        + "?"
                        + urlencode({"job": job.id, "token": token, "all_or_nothing": "1" if all_or_nothing else ""})
                    )
                    return HttpResponseRedirect(f"{reverse('job-progress', args=[job.id])}?{urlencode({'next': back})}")
                report, error = ImportReport.from_dict(job.result) if job.result else None, job.error or None
        elif request.GET.get("job"):  # back from the progress page: the job's report
            report, error = self._job_report(request)
        opts = self.model._meta
        return TemplateResponse(
            request,
            "lowcode/data_import/import.html",
            {
                **self.admin_site.each_context(request),
                "title": f"导入{meta.label}",
                "opts": opts,
                "meta": meta,
                "report": report,
                "error": error,
                "token": token,
                "file_name": request.POST.get("file_name") or getattr(request.FILES.get("file"), "name", ""),
                "all_or_nothing": all_or_nothing,
                "max_size_mb": reader.MAX_FILE_SIZE // 1048576,
                "max_rows": importer.MAX_ROWS,
                "template_url": self._excel_url("template"),
                "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            },
        )

    def _job_report(self, request):
        """(report, error) of the import job the page names; its progress page while it still runs."""
        try:
            job = progress.status(request.user, request.GET["job"])
        except FrappeError as exc:
            return None, exc.message
        if job["status"] == "finished":
            return ImportReport.from_dict(job["result"]), None
        return None, job["error"] or f"导入尚未完成（{job['status_text']}），请稍后刷新本页"

    def _upload(self, request):
        """The file just chosen, or the one a dry run kept (its token)."""
        return kept_upload(request)


def kept_upload(request):
    """The file just chosen, or the one a dry run kept (its token): (upload, token)."""
    upload = request.FILES.get("file")
    if upload is not None:
        return upload, ""
    token = request.POST.get("token", "")
    kept = cache.get(stash_key(request.user, token)) if token else None
    if kept is None:
        raise ValidationError(
            "请选择要导入的 Excel 文件（.xlsx）" if not token else "试导入的文件已过期，请重新选择文件"
        )
    return SimpleUploadedFile(kept["name"], kept["data"]), token


def stash_key(user, token: str) -> str:
    return f"lowcode:data_import:{user.pk}:{token}"


def stash(user, upload, token: str = "") -> str:
    """Keep a tried file for the import that follows; its token goes into the page's form."""
    token = token or secrets.token_urlsafe(16)
    upload.seek(0)
    cache.set(stash_key(user, token), {"name": upload.name, "data": upload.read()}, STASH_SECONDS)
    upload.seek(0)  # for the import that reads it next
    return token


def drop(user, token: str) -> str:
    if token:
        cache.delete(stash_key(user, token))
    return ""
