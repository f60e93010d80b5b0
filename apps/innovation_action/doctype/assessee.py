"""What every record about one assessee checks: it names a county or a unit, exactly one."""

from django.core.exceptions import ValidationError


def require_one_assessee(doc) -> None:
    """The message names both fields as the administrator labelled them (街办、镇、集聚区 and 单位, say)."""
    if bool(doc.county_id) == bool(doc.unit_id):
        county, unit = (doc._meta.get_field(name).verbose_name for name in ("county", "unit"))
        raise ValidationError(f"{county}和{unit}须填写且只填写其中一个")
