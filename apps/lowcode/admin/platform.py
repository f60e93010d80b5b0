"""The admin of the platform's own records that belong to no engine: user permissions, files, API keys."""

from django.contrib import admin
from django.utils.html import format_html

from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.admin.doctype_filter import doctype_list_filter
from apps.lowcode.models import ApiKey, File, UserPermission


@admin.register(UserPermission)
class UserPermissionAdmin(DocumentAdmin):
    list_display = ("user", "allow", "for_value")
    list_filter = ("allow",)
    search_fields = ("user__username", "for_value")
    autocomplete_fields = ("user",)


@admin.register(File)
class FileAdmin(DocumentAdmin):
    list_display = (
        "file_name",
        "attached_to_doctype",
        "attached_to_name",
        "size_text",
        "owner",
        "creation",
        "download",
    )
    list_filter = (doctype_list_filter("attached_to_doctype", "所属单据类型"),)
    search_fields = ("file_name", "attached_to_name")
    readonly_fields = [f.name for f in File._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False  # uploads go through the document they belong to

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="大小")
    def size_text(self, obj):
        return f"{obj.file_size / 1024:.1f} KB"

    @admin.display(description="下载")
    def download(self, obj):
        return format_html('<a href="{}">下载</a>', obj.file_url)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are generated through the API (the secret is shown once); deleting one revokes it."""

    list_display = ("user", "api_key", "created", "last_used")
    search_fields = ("user__username", "api_key")
    readonly_fields = ("user", "api_key", "created", "last_used")
    exclude = ("secret_hash",)

    def has_add_permission(self, request):
        return False
