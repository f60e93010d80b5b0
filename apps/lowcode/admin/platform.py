"""The admin of the platform's own records that belong to no engine: user permissions, files, API keys."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html

from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.admin.doctype_filter import doctype_list_filter
from apps.lowcode.models import ApiKey, File, UserPermission
from apps.lowcode.roles import desk
from apps.lowcode.roles.model import RoleKey, RoleProfile


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


class RoleForm(forms.ModelForm):
    desk_access = forms.BooleanField(
        label=RoleProfile._meta.get_field("desk_access").verbose_name,
        required=False,
        help_text=RoleProfile._meta.get_field("desk_access").help_text,
    )

    class Meta:
        model = Group
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = RoleProfile.objects.filter(group_id=self.instance.pk).first() if self.instance.pk else None
        self.fields["desk_access"].initial = bool(profile and profile.desk_access)


class RoleAdmin(GroupAdmin):
    """Roles (Django groups): an administrator may rename one as Frappe renames a Role. The new name shows
    on users' forms, in workflows (their role texts follow) and in messages; the code keeps finding the
    role by its key, so a renamed role keeps its permissions, its users and its workflow transitions.
    可进入后台 decides whether its users are admin users (apps/lowcode/roles/desk.py)."""

    form = RoleForm
    list_display = ("name", "standard_name", "desk_access")

    @admin.display(description="可进入后台", boolean=True)
    def desk_access(self, obj):
        return RoleProfile.objects.filter(group=obj, desk_access=True).exists()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        desk.set_desk_access(form.instance, form.cleaned_data.get("desk_access", False))

    @admin.display(description="出厂名称")
    def standard_name(self, obj):
        role_key = RoleKey.objects.filter(group=obj).first()
        return role_key.standard_name if role_key is not None else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "name" in form.base_fields:
            form.base_fields[
                "name"
            ].help_text = "用户看到的角色名称，可以改名（如“街镇填报员”）；工作流中的该角色随之改名"
        return form


admin.site.unregister(Group)
admin.site.register(Group, RoleAdmin)


class DeskUserAdmin(UserAdmin):
    """Users: 职员状态 (is_staff) is not ticked by hand, it follows the roles' 可进入后台."""

    readonly_fields = ("is_staff",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "groups" in form.base_fields:
            form.base_fields[
                "groups"
            ].help_text = "用户拥有的角色；有“可进入后台”角色的用户可以登录后台，其他用户只在工作台办理业务"
        return form


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), DeskUserAdmin)
