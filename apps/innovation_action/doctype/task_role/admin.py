from django.contrib import admin

from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(TaskRole)
class TaskRoleAdmin(DocumentAdmin):
    list_display = ("name", "label", "order", "is_leading")
    list_editable = ("order",)
    search_fields = ("name", "label")
    fields = ("name", "label", "order", "is_leading", "owner", "creation", "modified", "modified_by")
