"""A doctype's fields as an administrator has customised them."""

from dataclasses import replace

from django.db import DatabaseError, transaction

from apps.lowcode.doctype.customization import CustomField, PropertySetter


def customized_fields(doctype: str, fields: dict, with_custom_fields: bool = True) -> dict:
    """The model's fields with their Property Setters applied, then the Custom Fields, in form order.

    Labels and choice labels already come customised from the model (labels.py); the setter's label is
    applied here as well so the meta never depends on which was read first. Child tables have no Custom
    Fields (no custom_values column), only Property Setters.

    Before the first migration (system checks run first) there are no customisation tables yet: the
    model's own fields then, and nothing cached, so the next call reads them.
    """
    try:
        with transaction.atomic():
            setters = list(PropertySetter.objects.filter(doc_type=doctype).exclude(field_name=""))
            customs = list(CustomField.objects.filter(dt=doctype).order_by("id")) if with_custom_fields else []
    except DatabaseError:
        from apps.lowcode.doctype import version

        version.forget()
        return dict(fields)
    result = dict(fields)
    for setter in setters:
        docfield = result.get(setter.field_name)
        if docfield is None:
            continue
        result[setter.field_name] = replace(
            docfield,
            label=setter.label or docfield.label,
            description=setter.description or docfield.description,
            reqd=docfield.reqd or (setter.reqd and not docfield.read_only),
            hidden=setter.hidden,
            order=setter.idx,
        )
    for custom in customs:
        result[custom.fieldname] = docfield_of(custom)
    return result


def docfield_of(custom: CustomField):
    from apps.lowcode.doctype.meta import DocField

    return DocField(
        fieldname=custom.fieldname,
        fieldtype=custom.fieldtype,
        label=custom.label,
        options=custom.options.strip(),
        reqd=custom.reqd,
        description=custom.description,
        custom=True,
        default=custom.default,
        insert_after=custom.insert_after,
        in_list_view=custom.in_list_view,
        in_standard_filter=custom.in_standard_filter,
    )
