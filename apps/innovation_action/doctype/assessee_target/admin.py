"""考评目标 in the admin: the list by indicator and assessee, and the 按年度导入目标 page.

The import page (a button on the list, lowcode/admin/sheet_import.py) takes an
indicator and a wide xlsx sheet (rows of assessees, a column per year, and its
不允许值 columns) and shows what was created and updated, or every problem with
its row number; the business rules are in services/assessee_targets.py, shared
with the API.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from apps.innovation_action.doctype.assessee_target.model import AssesseeTarget
from apps.innovation_action.doctype.indicator.model import Indicator
from apps.innovation_action.services import assessee_targets
from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.admin.sheet_import import SheetImportAdminMixin
from apps.lowcode.numbers import number_text


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
class AssesseeTargetAdmin(SheetImportAdminMixin, DocumentAdmin):
    list_display = ("assessee_display", "indicator", "applies_display", "target_display", "floor_display", "source")
    list_display_links = ("assessee_display", "indicator")
    list_filter = ("indicator__group__plan", "year", "period", "indicator", "county", "unit")
    list_select_related = ("county", "unit", "indicator__group__plan", "period__plan")
    search_fields = ("county__name", "county__aliases", "unit__name", "indicator__title", "source", "note")
    change_list_template = "admin/innovation_action/assessee_target/change_list.html"
    sheet_import_title = "按年度导入目标"
    sheet_import_form = ImportForm
    sheet_import_template = "admin/innovation_action/assessee_target/import.html"
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

    # ------------------------------------------------------------ 按年度导入目标 (lowcode/admin/sheet_import.py)

    def sheet_import_call(self, request, form):
        indicator = form.cleaned_data["indicator"]
        return f"导入年度目标：{indicator.name}", assessee_targets.import_year_targets, (indicator.name,)

    def sheet_import_initial(self, request):
        chosen = request.GET.get("indicator")
        return {"indicator": chosen} if str(chosen or "").isdigit() else None

    def sheet_template(self, request):
        """The template of the indicator in ?indicator= (an id)."""
        chosen = request.GET.get("indicator")
        indicator = Indicator.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
        if indicator is None:
            raise PermissionDenied("请先选择考评指标")
        return assessee_targets.year_template(indicator), assessee_targets.template_file_name(indicator)
