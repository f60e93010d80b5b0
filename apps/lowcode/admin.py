from django.contrib import admin

from apps.lowcode.admin_base import DocumentAdmin
from apps.lowcode.models import UserPermission


@admin.register(UserPermission)
class UserPermissionAdmin(DocumentAdmin):
    list_display = ("user", "allow", "for_value")
    list_filter = ("allow",)
    search_fields = ("user__username", "for_value")
    autocomplete_fields = ("user",)
