"""Required fields and defaults of the fields an administrator added or made required.

Checked in every document's ``clean`` (the admin, the API, imports and fixtures alike). A state
of a workflow may let nobody fill a field in; the apps say which fields may be edited now
through the ``editable_fields`` hook of their hooks.py (the platform's answers from the
workflow: apps/lowcode/workflow/required_fields.py), so the document core does not import the
engines built on it.
"""

from functools import cache

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.module_loading import import_string

from apps.lowcode.doctype.customization import FieldType
from apps.lowcode.doctype.events import app_hooks
from apps.lowcode.doctype.fieldtypes import is_empty, to_stored


@cache
def _editable_fields_hooks() -> list:
    return [import_string(path) for _app, path in app_hooks("editable_fields")]


def fields_editable_now(doc) -> set[str] | None:
    """The only fields the document's current state lets its editors change; None when nothing restricts them."""
    editable = None
    for hook in _editable_fields_hooks():
        fields = hook(doc)
        if fields is not None:
            editable = set(fields) if editable is None else editable & set(fields)
    return editable


def missing_required(doc, meta) -> list[str]:
    """Labels of the fields an administrator made required that ``doc`` leaves empty (and that the
    document's workflow state lets be filled in: see apps/lowcode/workflow/required_fields.py)."""
    missing = []
    checked_by_form = getattr(doc, "_required_checked_by_form", ())  # the admin's form said so already
    editable = fields_editable_now(doc) if any(f.reqd for f in meta.fields.values()) else None
    for name, docfield in meta.fields.items():
        if not docfield.reqd or docfield.read_only or name in checked_by_form:
            continue
        if editable is not None and name not in editable:
            continue  # nobody may fill it in the document's current workflow state: not asked of them
        if docfield.custom:
            value = (doc.custom_values or {}).get(name)
        elif docfield.model_field is not None and not docfield.model_field.blank:
            continue  # the model checks its own required fields
        else:
            value = getattr(doc, f"{name}_id" if docfield.is_link else name, None)
        if is_empty(value) or (isinstance(value, str) and not value.strip()):
            missing.append(docfield.label)
    return missing


def check_required(doc, meta) -> None:
    missing = missing_required(doc, meta)
    if missing:
        raise ValidationError(
            {NON_FIELD_ERRORS: ValidationError(f"缺少必填字段：{'、'.join(missing)}", code="required")}
        )


def apply_defaults(doc, meta) -> None:
    """A new record takes the default of every custom field it was given no value for."""
    values = dict(doc.custom_values or {})
    for name, docfield in meta.fields.items():
        if docfield.custom and name not in values:
            values[name] = (
                to_stored(docfield, docfield.default)
                if docfield.default
                else (
                    []
                    if docfield.fieldtype == FieldType.MULTI_LINK
                    else 0
                    if docfield.fieldtype == FieldType.CHECK
                    else None
                )
            )
    doc.custom_values = values
