"""核定数据 in the admin: the list by period and county, and the 导入核定数据 page.

The import page (a button on the list, lowcode/admin/sheet_import.py) takes a period and an xlsx file and
shows what was created and updated, or every problem with its row number;
the business rules are in services/official_data.py, shared with the API.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from apps.innovation_action.doctype.assessment_period.model import (
    AssessmentPeriod,
    PeriodKind,
)
from apps.innovation_action.doctype.official_value.model import OfficialValue
from apps.innovation_action.services import official_data
from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.admin.sheet_import import SheetImportAdminMixin
from apps.lowcode.numbers import number_text


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
class OfficialValueAdmin(SheetImportAdminMixin, DocumentAdmin):
    list_display = ("county", "indicator", "value_display", "source", "period")
    list_display_links = ("county", "indicator")
    list_filter = ("period", "county__plan_assessees__category", "county", "indicator")
    list_select_related = ("county", "indicator", "period__plan")
    search_fields = ("county__name", "county__aliases", "indicator__title", "source", "note")
    change_list_template = "admin/innovation_action/official_value/change_list.html"
    sheet_import_title = "导入核定数据"
    sheet_import_form = ImportForm
    sheet_import_template = "admin/innovation_action/official_value/import.html"
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

    # ------------------------------------------------------------ 导入核定数据 (lowcode/admin/sheet_import.py)

    def sheet_import_call(self, request, form):
        period = official_data.resolve_period(form.cleaned_data["period"])
        return f"导入核定数据：{period.title}", official_data.import_official_values, (period.name,)

    def sheet_import_initial(self, request):
        return {"period": default_period(request)}

    def sheet_import_context(self, request, form):
        return {
            "period": default_period(request, request.POST.get("period")),
            "county_label": official_data.county_label(),
        }

    def sheet_template(self, request):
        """The template of the period in ?period= (an id), else the latest."""
        period = default_period(request)
        if period is None:
            raise PermissionDenied("还没有考评周期")
        return official_data.template(period), official_data.template_file_name(period)
