from django.conf import settings
from django.db import models

from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.doctype import Document


class Liaison(Document):
    """A unit's 联络员 for the action.

    ``organization`` is written as the task list writes it, which may differ
    from the unit: the liaison of 市委人才办 sits in 市委组织部.
    """

    doctype = "Liaison"
    scope_paths = {"Unit": ["unit__name"], "County": ["unit__county__name"]}

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="liaisons")
    organization = models.CharField("所在机构", max_length=100)
    department = models.CharField("科室/职务", max_length=100, blank=True)
    person_name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaisons",
    )

    class Meta:
        verbose_name = "联络员"
        verbose_name_plural = "联络员"
        ordering = ["unit__order", "unit_id", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "person_name"], name="unique_liaison_per_unit")]

    def autoname(self):
        return f"{self.unit.name}-{self.person_name}"

    def __str__(self):
        return " ".join(p for p in (self.organization, self.department, self.person_name) if p)
