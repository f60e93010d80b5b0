"""What every record about one assessee shares: a county or a unit, exactly one.

Self-assessments, scores, targets, integrity cases and a plan's assessees each
name a county (or a district's 街办、镇) or a unit. ``assessee_fields`` declares
the pair where the model lists its fields, so each model keeps its field order
(forms, the API's meta, import templates follow it) and its own related names
(county.self_assessments, unit.assessee_targets…); ``AssesseeRecord`` gives them
``assessee``, and ``require_one_assessee`` is the check their clean() runs.
"""

from django.core.exceptions import ValidationError
from django.db import models

from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.unit.model import Unit

COUNTY_LABEL = "县（市、区）"
UNIT_LABEL = "市直单位"


def assessee_fields(related_name: str, on_delete=models.PROTECT, unit_label: str = UNIT_LABEL):
    """(county, unit): the two optional links of a record about one assessee, both reached back by
    ``related_name`` from County and Unit. Declare them in the model's body: ``county, unit = assessee_fields(…)``."""
    county = models.ForeignKey(
        County, verbose_name=COUNTY_LABEL, null=True, blank=True, on_delete=on_delete, related_name=related_name
    )
    unit = models.ForeignKey(
        Unit, verbose_name=unit_label, null=True, blank=True, on_delete=on_delete, related_name=related_name
    )
    return county, unit


class AssesseeRecord(models.Model):
    """A record about one assessee; the model declares ``county`` and ``unit`` with assessee_fields()."""

    class Meta:
        abstract = True

    @property
    def assessee(self):
        return self.county or self.unit


def require_one_assessee(doc) -> None:
    """The message names both fields as the administrator labelled them (街办、镇、集聚区 and 单位, say)."""
    if bool(doc.county_id) == bool(doc.unit_id):
        county, unit = (doc._meta.get_field(name).verbose_name for name in ("county", "unit"))
        raise ValidationError(f"{county}和{unit}须填写且只填写其中一个")
