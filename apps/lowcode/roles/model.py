from django.contrib.auth.models import Group
from django.db import models


class RoleKey(models.Model):
    """The stable identity of a role the code relies on (``office``), beside the group users see.

    The group's name is the role's name everywhere a user reads it, and an administrator may change
    it (区直单位联络员 for 市直单位联络员) as Frappe renames a Role; the code finds the role by this key.
    """

    group = models.OneToOneField(Group, verbose_name="角色", on_delete=models.CASCADE, related_name="role_key")
    key = models.CharField("标识", max_length=64, unique=True, help_text="程序识别角色所用的标识，不随角色名称改变")
    standard_name = models.CharField(
        "出厂名称", max_length=150, help_text="角色安装时的名称；默认配置（如默认工作流）按此名称引用角色"
    )

    class Meta:
        verbose_name = "角色标识"
        verbose_name_plural = "角色标识"

    def __str__(self):
        return f"{self.group.name}（{self.key}）"


class RoleProfile(models.Model):
    """What a role opens besides its permissions: Frappe's Role.desk_access.

    Users with a role that has desk access are admin (staff) users; everyone else works in the site's
    workbench and is sent there from the admin. ``is_staff`` is derived from this, never set by hand
    (apps/lowcode/roles/desk.py).
    """

    group = models.OneToOneField(Group, verbose_name="角色", on_delete=models.CASCADE, related_name="role_profile")
    desk_access = models.BooleanField(
        "可进入后台",
        default=False,
        help_text="勾选后，有此角色的用户可以登录后台（数据维护与配置）；不勾选的只在工作台办理业务",
    )

    class Meta:
        verbose_name = "角色设置"
        verbose_name_plural = "角色设置"

    def __str__(self):
        return f"{self.group.name}：{'可进入后台' if self.desk_access else '只用工作台'}"
