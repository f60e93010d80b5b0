from django.contrib import admin

from apps.lowcode.admin_base import ChildTableInline, DocumentAdmin
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment, SelfAssessmentLine


class SelfAssessmentLineInline(ChildTableInline):
    model = SelfAssessmentLine
    fields = ("indicator", "value", "self_score", "evidence", "analysis", "reviewed_score", "review_comment")
    readonly_fields = ("indicator",)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # one line per indicator, created with the assessment

    def get_max_num(self, request, obj=None, **kwargs):
        return obj.lines.count() if obj else 0  # hides the "add another" link too

    # Seven columns must fit the form's width: narrow inputs, text boxes that grow downwards.
    WIDTHS = {"value": "8em", "self_score": "5em", "reviewed_score": "5em"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("evidence", "analysis", "review_comment"):
            field.widget.attrs.update(rows=3, style="width: 100%; min-width: 9em")
        if db_field.name in self.WIDTHS:
            field.widget.attrs.update({"class": "form-control", "style": f"width: {self.WIDTHS[db_field.name]}"})
        return field


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(DocumentAdmin):
    list_display = ("name", "assessee", "period", "scheme", "self_total", "reviewed_total", "modified")
    list_filter = ("period", "scheme", "county__category")
    search_fields = ("name", "county__name", "unit__name")
    fields = ("name", "period", "county", "unit", "scheme", "summary", "self_total", "reviewed_total",
              "workflow_state", "owner", "creation", "modified", "modified_by")
    readonly_fields = ("self_total", "reviewed_total", "workflow_state", "owner", "creation", "modified", "modified_by")
    inlines = [SelfAssessmentLineInline]

    @admin.display(description="考评对象")
    def assessee(self, obj):
        return obj.assessee

    def get_inlines(self, request, obj):
        # Lines are generated from the scheme's indicators when the assessment is created.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:  # who and when are fixed once created
            fields = [*fields, *(f for f in ("period", "county", "unit", "scheme") if f not in fields)]
        return fields
