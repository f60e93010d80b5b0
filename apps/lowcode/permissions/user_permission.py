from django.conf import settings
from django.db import models

from apps.lowcode.doctype import Document


class UserPermission(Document):
    """Frappe's User Permission: restricts a user to records linked to one value.

    "章贡区的填报员 may only see records whose County is 章贡区" is the row
    (user, allow="County", for_value="章贡区"). Where a user has rows for a
    doctype, only records linked to those values are theirs.
    """

    doctype = "User Permission"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="user_permissions_rows",
    )
    allow = models.CharField("限定单据类型", max_length=140, help_text="例如 County、Unit")
    for_value = models.CharField(
        "限定值", max_length=140, help_text="该单据类型的编号，例如某个县（市、区）或单位的名称"
    )

    class Meta:
        verbose_name = "用户权限"
        verbose_name_plural = "用户权限"
        constraints = [models.UniqueConstraint(fields=["user", "allow", "for_value"], name="unique_user_permission")]

    def autoname(self):
        return f"{self.user.username}-{self.allow}-{self.for_value}"

    def __str__(self):
        return f"{self.user} → {self.allow}: {self.for_value}"


def allowed_values(user, doctype: str) -> list[str] | None:
    """Values of ``doctype`` the user is restricted to, or None when unrestricted."""
    values = list(UserPermission.objects.filter(user=user, allow=doctype).values_list("for_value", flat=True))
    return values or None
