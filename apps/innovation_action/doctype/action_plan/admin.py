from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.innovation_action.doctype.action_plan.model import ActionPlan, PlanTarget
from apps.innovation_action.doctype.assessment_category.model import AssessmentCategory
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.indicator.model import BonusRule, Indicator
from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.innovation_action.doctype.task.model import TaskUnit
from apps.innovation_action.services import new_year
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin, ScopedAdminMixin, change_url
from apps.lowcode.exceptions import FrappeError


class PlanTargetInline(ChildTableInline):
    model = PlanTarget
    fields = ("idx", "indicator", "target", "value", "unit")


class CategoryInline(ScopedAdminMixin, admin.TabularInline):
    """考评分类 of the plan; import them in bulk from the 考评分类 list (导入)."""

    model = AssessmentCategory
    extra = 0
    fields = ("order", "title", "short_name", "assessee_type", "praised", "interviewed", "rule")
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "style": "width: 100%"})},
    }


class AssesseeInline(ScopedAdminMixin, admin.TabularInline):
    """考评对象 of the plan, each in one of the plan's categories (save new categories first)."""

    model = PlanAssessee
    extra = 0
    fields = ("category", "county", "unit")

    def get_formset(self, request, obj=None, **kwargs):
        self.plan = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            plan = getattr(self, "plan", None)
            kwargs["queryset"] = (
                AssessmentCategory.objects.filter(plan=plan) if plan else AssessmentCategory.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CopyPlanForm(forms.Form):
    """复制为新年度方案: the year and, optionally, the title of the new plan."""

    year = forms.CharField(
        label="新年度",
        max_length=4,
        widget=forms.TextInput(attrs={"class": "form-control", "style": "max-width: 8rem", "inputmode": "numeric"}),
    )
    title = forms.CharField(
        label="方案标题",
        max_length=200,
        required=False,
        help_text="留空则沿用原标题，并把其中的年份换成新年度",
        widget=forms.TextInput(attrs={"class": "form-control", "style": "max-width: 36rem"}),
    )

    def clean_year(self):
        try:  # the service's rule, so the page and the API refuse alike
            return new_year.parse_year(self.cleaned_data["year"])
        except FrappeError as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(ActionPlan)
class ActionPlanAdmin(DocumentAdmin):
    list_display = ("title", "name", "start_date", "end_date", "document_number", "issuer", "issue_date")
    search_fields = ("name", "title", "document_number")
    inlines = [PlanTargetInline, CategoryInline, AssesseeInline]
    change_form_template = "admin/innovation_action/action_plan/change_form.html"
    actions = ["copy_as_new_year"]
    fieldsets = (
        (
            "基本信息",
            {"fields": ("name", "title", "start_date", "end_date", "issuer", "document_number", "issue_date")},
        ),
        ("印发通知", {"fields": ("notice_title", "addressees", "notice_body")}),
        ("方案正文", {"fields": ("preamble", "overall_targets", "safeguards")}),
        ("考评通报用语", {"fields": ("action_name", "assessing_office", "notice_addressees", "units_addressee")}),
        ("记录信息", {"fields": ("owner", "creation", "modified", "modified_by")}),
    )

    # ------------------------------------------------------------ 复制为新年度方案

    def has_copy_permission(self, request):
        return new_year.may_copy(request.user)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/copy/",
                self.admin_site.admin_view(self.copy_view),
                name="innovation_action_actionplan_copy",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        if self.has_copy_permission(request):
            context["copy_url"] = reverse("admin:innovation_action_actionplan_copy", args=[object_id])
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="复制为新年度方案", permissions=["copy"])
    def copy_as_new_year(self, request, queryset):
        """From the list: the confirmation page of the one plan selected."""
        plans = list(queryset[:2])
        if len(plans) != 1:
            self.message_user(request, "请只选择一个年度工作方案进行复制", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:innovation_action_actionplan_copy", args=[plans[0].pk]))

    def copy_view(self, request, object_id):
        """The confirmation page (what is copied and what is not); POST copies and opens the new plan."""
        if not self.has_copy_permission(request):
            raise PermissionDenied
        source = self.get_object(request, object_id)
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        error = None
        if request.method == "POST":
            form = CopyPlanForm(request.POST)
            if form.is_valid():
                try:
                    plan = new_year.copy_plan(
                        source, form.cleaned_data["year"], request.user, form.cleaned_data["title"]
                    )
                except FrappeError as exc:
                    error = exc.message
                else:
                    self.message_user(
                        request,
                        f"已复制为 {plan.years_text} 年度方案：{new_year.copy_summary(plan)}。"
                        "请修改方案内容，重点项目清单请另行填报或导入。",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url(plan))
        else:
            form = CopyPlanForm(initial={"year": source.end_date.year + 1})
        return TemplateResponse(
            request,
            "admin/innovation_action/action_plan/copy.html",
            {
                **self.admin_site.each_context(request),
                "title": "复制为新年度方案",
                "opts": self.opts,
                "source": source,
                "form": form,
                "error": error,
                "title_placeholder": new_year.default_title(source, source.end_date.year + 1),
                "counts": copy_counts(source),
                "source_url": change_url(source),
                "county_label": County._meta.verbose_name,
            },
        )


def copy_counts(plan: ActionPlan) -> dict:
    """What the confirmation page lists: the records of the plan that are copied, and its projects that are not."""
    indicators = Indicator.objects.filter(group__plan=plan)
    return {
        "targets": plan.targets.count(),
        "tasks": plan.tasks.count(),
        "task_units": TaskUnit.objects.filter(task__plan=plan).count(),
        "groups": plan.indicator_groups.count(),
        "indicators": indicators.count(),
        "bonus_rules": BonusRule.objects.filter(indicator__group__plan=plan).count(),
        "periods": plan.periods.count(),
        "projects": plan.projects.count(),
    }
