from django.contrib import admin

from apps.innovation_action.doctype.project_stage.model import ProjectStage
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(ProjectStage)
class ProjectStageAdmin(DocumentAdmin):
    list_display = ("name", "order", "is_default")
    list_editable = ("order",)
    search_fields = ("name",)
    fields = ("name", "order", "is_default", "owner", "creation", "modified", "modified_by")
