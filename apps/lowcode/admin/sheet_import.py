"""An app's own xlsx import page in a doctype's admin: choose what the sheet is for, download its template,
upload, preview what it would do (nothing saved), confirm, and see what was saved, or every problem by row
with nothing saved. 导入 without a preview does both at once.

Used by the imports whose sheet is not one row per record (the generic Data Import,
data_import.py, is): 核定数据 per period, 按年度导入目标 per indicator. A doctype's
admin names the page and its form (a chooser field and ``file``), and says how to
import and how to build a template; the page (template lowcode/sheet_import.html,
which a doctype's own template extends) and the permissions are the same for all.
The business rules stay in the app's services, shared with the API.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from apps.lowcode.admin.data_import import drop, kept_upload, stash
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.jobs import imports, progress
from apps.lowcode.permissions import can
from apps.lowcode.xlsx.styles import XLSX_CONTENT_TYPE


class SheetImportAdminMixin:
    sheet_import_title = ""  # the page's title and the list's button: 按年度导入目标
    sheet_import_form = None  # a Form: the chooser field (indicator, period…) and ``file``
    sheet_import_template = "lowcode/sheet_import.html"

    # ------------------------------------------------------------ what a doctype says

    def sheet_import_call(self, request, form) -> tuple:
        """(the job's title, the import function, its arguments) for what the valid form chose: the function
        is called as ``func(user, *args, upload)`` and returns an object with ``as_dict()`` (the result the
        page shows), or raises SheetProblemsError or a FrappeError. It runs as a job
        (apps/lowcode/jobs/imports.py); a preview runs it too, in a transaction then rolled back."""
        raise NotImplementedError

    def sheet_template(self, request) -> tuple[bytes, str]:
        """(xlsx bytes, file name) of the template for what the request chose; PermissionDenied with a reason
        where nothing is chosen."""
        raise NotImplementedError

    def sheet_import_initial(self, request) -> dict | None:
        return None

    def sheet_import_context(self, request, form) -> dict:
        """What the doctype's template shows besides the form and the outcome."""
        return {}

    # ------------------------------------------------------------ the pages

    def _sheet_url(self, what: str) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{what}")

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.sheet_import_view), name=f"{opts.app_label}_{opts.model_name}_import"),
            path("template/", view(self.sheet_template_view), name=f"{opts.app_label}_{opts.model_name}_template"),
            *super().get_urls(),
        ]

    def can_import_sheet(self, request) -> bool:
        return can(request.user, "create", self.model)

    def changelist_view(self, request, extra_context=None):
        context = {"can_import": self.can_import_sheet(request), "import_url": self._sheet_url("import")}
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def sheet_import_view(self, request):
        """GET shows the form. POST 预览 imports in a transaction rolled back and keeps the file for 确认导入;
        POST 导入 (or 确认导入 with the kept file's token) imports; the outcome shows on the same page."""
        if not self.can_import_sheet(request):
            raise PermissionDenied
        result = problems = error = None
        preview, token = False, ""
        if request.method == "POST":
            form = self.sheet_import_form(request.POST, request.FILES)
            if request.POST.get("token") and not request.FILES.get("file"):
                form.fields["file"].required = False  # 确认导入: the file the preview kept
            preview = request.POST.get("action") == "preview"
            if form.is_valid():
                try:
                    upload, token = kept_upload(request)
                    title, func, args = self.sheet_import_call(request, form)
                    # A preview saves nothing: the scores recomputed in it neither.
                    job = imports.start_import(request.user, title, func, args, upload, rollback=preview)
                except FrappeError as exc:
                    error = exc.message
                else:
                    if job.status != "failed":  # a preview keeps the file for 确认导入; an import lets it go
                        token = stash(request.user, upload, token) if preview else drop(request.user, token)
                    if job.status not in ("finished", "failed"):  # a big file: the worker imports it
                        return self._follow(request, job.id, form, token, preview)
                    result, problems, error = self._outcome(job.as_dict())
        else:
            form = self.sheet_import_form(initial=self.sheet_import_initial(request))
            if request.GET.get("job"):  # back from the progress page: the job's outcome
                preview, token = request.GET.get("preview") == "1", request.GET.get("token", "")
                try:
                    result, problems, error = self._outcome(progress.status(request.user, request.GET["job"]))
                except FrappeError as exc:
                    error = exc.message
        return TemplateResponse(
            request,
            self.sheet_import_template,
            {
                **self.admin_site.each_context(request),
                "title": self.sheet_import_title,
                "opts": self.model._meta,
                "form": form,
                "chooser": form[next(name for name in form.fields if name != "file")],
                "result": result,
                "preview": preview and result is not None,
                "token": token,
                "problems": problems,
                "error": error,
                "template_url": self._sheet_url("template"),
                "changelist_url": self._sheet_url("changelist"),
                **self.sheet_import_context(request, form),
            },
        )

    def _follow(self, request, job_id, form, token, preview):
        """The job's progress page, whose 返回 comes back here to show the outcome (and 确认导入 after a preview)."""
        chooser = next(name for name in form.fields if name != "file")
        back = (
            self._sheet_url("import")
            + "?"
            + urlencode(
                {"job": job_id, "token": token, "preview": "1" if preview else "", chooser: form[chooser].value()}
            )
        )
        return HttpResponseRedirect(f"{reverse('job-progress', args=[job_id])}?{urlencode({'next': back})}")

    @staticmethod
    def _outcome(job: dict) -> tuple:
        """(result, problems, error) of a finished or failed import job, as the page shows them."""
        if job["status"] == "finished":
            return job["result"], None, None
        if job["problems"]:
            return None, job["problems"], None
        return None, None, job["error"] or f"导入尚未完成（{job['status_text']}），请稍后刷新本页"

    def sheet_template_view(self, request):
        """下载导入模板 of what the request chose."""
        if not self.can_import_sheet(request):
            raise PermissionDenied
        content, file_name = self.sheet_template(request)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        return response
