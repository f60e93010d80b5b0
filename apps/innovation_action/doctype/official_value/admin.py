"""核定数据 in the admin: the list by period and county, and the 导入核定数据 page.

The import page (a button on the list) takes a period and an xlsx file and
shows what was created and updated, or every problem with its row number;
the business rules are in services/official_data.py, shared with the API.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from apps.innovation_action.doctype.assessment_period.model import (
    AssessmentPeriod,
    PeriodKind,
)
from apps.innovation_action.doctype.official_value.model import OfficialValue
from apps.innovation_action.services import official_data
from apps.innovation_action.services.official_data import OfficialImportError
from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import can


class ImportForm(forms.Form):
    period = forms.ModelChoiceField(
        AssessmentPeriod.objects.select_related("plan"),
        label="考评周期",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-control", "style": "max-width: 20rem"}),
    )
    file = forms.FileField(
        label="xlsx 文件",
        help_text="请使用下载的导入模板；核定值留空的行不导入，也不删除已有数据",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx", "style": "max-width: 32rem"}
        ),
    )


def default_period(request, chosen=None) -> AssessmentPeriod | None:
    """The period chosen (a form, ?period= or the list's filter), else the latest opened quarter or year.

    Self-assessments, and so official values, are per quarter or year; the
    annual period wins a tie with the fourth quarter (both end on 31 December).
    """
    chosen = chosen or request.GET.get("period") or request.GET.get("period__id__exact")
    found = AssessmentPeriod.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    if found is not None:
        return found
    periods = AssessmentPeriod.objects.exclude(kind=PeriodKind.MONTH)
    return (
        periods.exclude(opened_at=None).order_by("-opened_at").first()
        or periods.order_by("-end_date", "start_date").first()
    )


@admin.register(OfficialValue)
class OfficialValueAdmin(DocumentAdmin):
    list_display = ("county", "indicator", "value_display", "source", "period")
    list_display_links = ("county", "indicator")
    list_filter = ("period", "county__plan_assessees__category", "county", "indicator")
    list_select_related = ("county", "indicator", "period__plan")
    search_fields = ("county__name", "county__aliases", "indicator__title", "source", "note")
    change_list_template = "admin/innovation_action/official_value/change_list.html"
    fields = (
        "name",
        "period",
        "county",
        "indicator",
        "value",
        "source",
        "note",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    @admin.display(description="核定值", ordering="value")
    def value_display(self, obj):
        return number_text(obj.value)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="innovation_action_officialvalue_import"),
            path("template/", view(self.template_view), name="innovation_action_officialvalue_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {
            "can_import": can(request.user, "create", OfficialValue),
            "import_url": reverse("admin:innovation_action_officialvalue_import"),
        }
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def import_view(self, request):
        """导入核定数据: GET shows the form, POST imports and shows the outcome on the same page."""
        if not can(request.user, "create", OfficialValue):
            raise PermissionDenied
        result = problems = error = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = official_data.import_official_values(
                        request.user, form.cleaned_data["period"], form.cleaned_data["file"]
                    )
                except OfficialImportError as exc:
                    problems = exc.problems
                except FrappeError as exc:
                    error = exc.message
        else:
            form = ImportForm(initial={"period": default_period(request)})
        period = default_period(request, request.POST.get("period"))
        opts = self.model._meta
        return TemplateResponse(
            request,
            "admin/innovation_action/official_value/import.html",
            {
                **self.admin_site.each_context(request),
                "title": "导入核定数据",
                "opts": opts,
                "form": form,
                "period": period,
                "result": result,
                "problems": problems,
                "error": error,
                "template_url": reverse("admin:innovation_action_officialvalue_template"),
                "county_label": official_data.county_label(),
                "changelist_url": reverse("admin:innovation_action_officialvalue_changelist"),
            },
        )

    def template_view(self, request):
        """下载导入模板 of the period in ?period= (an id)."""
        if not can(request.user, "create", OfficialValue):
            raise PermissionDenied
        period = default_period(request)
        if period is None:
            raise PermissionDenied("还没有考评周期")
        response = HttpResponse(official_data.template(period), content_type=official_data.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, official_data.template_file_name(period))
        return response
