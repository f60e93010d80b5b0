"""Which existing record a sheet row updates, so that importing a sheet twice creates nothing twice.

A row names its record by ``name`` (编号), or else by the doctype's natural
key: the fields of a unique constraint of its model (Task: plan and number;
SelfAssessment: period and county, or period and unit), or a unique field.
A doctype named by the user (County, Unit) is found by its name, which is its
key. The lookup sees only the records the user may see; a row whose name or
key belongs to a record outside the user's scope is refused (importer.py),
never matched to another record nor created beside it.
"""

from django.db import models
from django.db.models import Q

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.document.query import apply_filters, condition
from apps.lowcode.document.service import visible
from apps.lowcode.exceptions import ValidationError


def natural_keys(meta: DocTypeMeta) -> list[tuple[str, ...]]:
    """The field tuples that identify a record, from the model's unique constraints and unique fields.

    A child table row's key leaves out its parent: a Task Unit is its unit, within its task.
    """
    opts = meta.model._meta
    keys = []
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None:
            keys.append(tuple(constraint.fields))
    keys += [tuple(fields) for fields in opts.unique_together]
    keys += [(f.name,) for f in opts.concrete_fields if f.unique and not f.primary_key and f.name != "name"]
    fieldnames = [tuple(_fieldname(meta, f) for f in key if f != meta.parent_fk) for key in keys]
    return [key for key in dict.fromkeys(fieldnames) if key and all(f in meta.fields for f in key)]


def _fieldname(meta: DocTypeMeta, name: str) -> str:
    """A model field's name as the metadata names it (``plan`` for the ``plan_id`` column)."""
    return name[:-3] if name.endswith("_id") and name[:-3] in meta.fields else name


def explicit_key(meta: DocTypeMeta, key) -> list[tuple[str, ...]] | None:
    """The key a caller chose (``"plan,number"`` or a list), checked against the fields."""
    if key in (None, "", []):
        return None
    fields = [f.strip() for f in key.split(",")] if isinstance(key, str) else key
    if not isinstance(fields, list | tuple) or not all(isinstance(f, str) and f for f in fields):
        raise ValidationError("参数 key 应为字段名列表，例如 plan,number")
    unknown = [f for f in fields if f not in meta.fields or meta.fields[f].fieldtype == "Table MultiSelect"]
    if unknown:
        raise ValidationError(f"“{meta.label}”没有可用来匹配记录的字段：{'、'.join(unknown)}（参数 key）")
    return [tuple(fields)]


def key_values(key: tuple[str, ...], values: dict) -> dict | None:
    """The row's values for ``key``, or None when one of them is empty (the key does not apply)."""
    found = {f: values.get(f) for f in key}
    if any(v is None or v == "" or v == [] for v in found.values()):
        return None
    return found


def find(user, meta: DocTypeMeta, values: dict):
    """The visible record whose fields equal ``values`` (links by name), or None."""
    q = Q()
    for fieldname, value in values.items():
        q &= condition(meta, [fieldname, "=", value])
    return apply_filters(visible(user, meta), q).first()


def exists(meta: DocTypeMeta, values: dict) -> bool:
    """Whether any record, seen by the user or not, has these field values (links by name)."""
    q = Q()
    for fieldname, value in values.items():
        q &= condition(meta, [fieldname, "=", value])
    return apply_filters(meta.model._base_manager.all(), q).exists()


def describe(meta: DocTypeMeta, values: dict) -> str:
    """ "工作方案=2023、序号=5", for messages about a key."""
    return "、".join(f"{meta.fields[f].label}={v}" for f, v in values.items())
