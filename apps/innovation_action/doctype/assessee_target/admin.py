"""考评目标 in the admin: the list by indicator and assessee, and the 按年度导入目标 page.

The import page (a button on the list) takes an indicator and a wide xlsx
sheet (rows of assessees, a column per year) and shows what was created and
updated, or every problem with its row number; the business rules are in
services/assessee_targets.py, shared with the API.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from apps.innovation_action.doctype.assessee_target.model import AssesseeTarget
from apps.innovation_action.doctype.indicator.model import Indicator
from apps.innovation_action.services import assessee_targets
from apps.innovation_action.services.assessee_targets import TargetImportError
from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import can


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.group.plan} · {obj.group.get_scheme_display()} · 第{obj.number}项 {obj.title}"


class ImportForm(forms.Form):
    indicator = IndicatorChoice(
        Indicator.objects.filter(group__is_bonus=False)
        .select_related("group__plan")
        .order_by("-group__plan__pk", "group__scheme", "number"),
        label="考评指标",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-control", "style": "max-width: 40rem"}),
    )
    file = forms.FileField(
        label="xlsx 文件",
        help_text="每行一个考评对象，每列一个年度（如 2021、2022、2023）；不允许值填在“2023年不允许值”这样的列中；"
        "留空的单元格不修改已有目标",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx", "style": "max-width: 32rem"}
        ),
    )


@admin.register(AssesseeTarget)
class AssesseeTargetAdmin(DocumentAdmin):
    list_display = ("assessee_display", "indicator", "applies_display", "target_display", "floor_display", "source")
    list_display_links = ("assessee_display", "indicator")
    list_filter = ("indicator__group__plan", "year", "period", "indicator", "county", "unit")
    list_select_related = ("county", "unit", "indicator__group__plan", "period__plan")
    search_fields = ("county__name", "county__aliases", "unit__name", "indicator__title", "source", "note")
    change_list_template = "admin/innovation_action/assessee_target/change_list.html"
    fields = (
        "name",
        "indicator",
        "county",
        "unit",
        "year",
        "period",
        "target",
        "floor",
        "source",
        "note",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    @admin.display(description="考评对象")
    def assessee_display(self, obj):
        return obj.assessee

    @admin.display(description="适用于")
    def applies_display(self, obj):
        return obj.applies_to

    @admin.display(description="目标值", ordering="target")
    def target_display(self, obj):
        return number_text(obj.target)

    @admin.display(description="不允许值", ordering="floor")
    def floor_display(self, obj):
        return number_text(obj.floor) or "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="innovation_action_assesseetarget_import"),
            path("template/", view(self.template_view), name="innovation_action_assesseetarget_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {
            "can_import": can(request.user, "create", AssesseeTarget),
            "import_url": reverse("admin:innovation_action_assesseetarget_import"),
        }
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def import_view(self, request):
        """按年度导入目标: GET shows the form, POST imports and shows the outcome on the same page."""
        if not can(request.user, "create", AssesseeTarget):
            raise PermissionDenied
        result = problems = error = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = assessee_targets.import_year_targets(
                        request.user, form.cleaned_data["indicator"], form.cleaned_data["file"]
                    )
                except TargetImportError as exc:
                    problems = exc.problems
                except FrappeError as exc:
                    error = exc.message
        else:
            chosen = request.GET.get("indicator")
            form = ImportForm(initial={"indicator": chosen} if str(chosen or "").isdigit() else None)
        return TemplateResponse(
            request,
            "admin/innovation_action/assessee_target/import.html",
            {
                **self.admin_site.each_context(request),
                "title": "按年度导入目标",
                "opts": self.model._meta,
                "form": form,
                "result": result,
                "problems": problems,
                "error": error,
                "template_url": reverse("admin:innovation_action_assesseetarget_template"),
                "changelist_url": reverse("admin:innovation_action_assesseetarget_changelist"),
            },
        )

    def template_view(self, request):
        """下载导入模板 of the indicator in ?indicator= (an id)."""
        if not can(request.user, "create", AssesseeTarget):
            raise PermissionDenied
        chosen = request.GET.get("indicator")
        indicator = Indicator.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
        if indicator is None:
            raise PermissionDenied("请先选择考评指标")
        response = HttpResponse(
            assessee_targets.year_template(indicator), content_type=assessee_targets.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = content_disposition_header(
            True, assessee_targets.template_file_name(indicator)
        )
        return response
