from django.contrib import admin

from apps.innovation_action.doctype.light_setting.model import LightSetting
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(LightSetting)
class LightSettingAdmin(DocumentAdmin):
    list_display = ("plan", "yellow_margin", "late_is_yellow")
    fields = ("name", "plan", "yellow_margin", "late_is_yellow", "owner", "creation", "modified", "modified_by")
