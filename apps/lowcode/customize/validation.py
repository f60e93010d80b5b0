"""What an administrator may not do to a doctype, said in Chinese before anything is saved."""

from django.core.exceptions import ValidationError

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.customization import (
    FIELDNAME_PATTERN,
    CustomField,
    FieldType,
    customizable_doctypes,
    labelled_doctypes,
)
from apps.lowcode.doctype.fieldtypes import (
    FieldValueError,
    select_options,
    to_stored,
)

FILTERABLE = {FieldType.SELECT, FieldType.CHECK, FieldType.LINK, FieldType.MULTI_LINK}
LINKING = {FieldType.LINK, FieldType.MULTI_LINK}


def builtin_fields(doctype: str) -> dict:
    """The doctype's own fields and child tables, without customisations."""
    from apps.lowcode.doctype.meta import get_meta

    meta = get_meta(doctype)
    return {**{name: f for name, f in meta.fields.items() if not f.custom}, **meta.tables}


def custom_field_errors(custom: CustomField) -> dict:
    if custom.dt not in customizable_doctypes():
        return {"dt": f"单据类型“{custom.dt}”不存在或不能添加自定义字段"}
    custom.fieldname = (custom.fieldname or "").strip().lower()
    if custom.fieldname and not custom.fieldname.startswith("custom_"):
        custom.fieldname = f"custom_{custom.fieldname}"  # as Frappe names custom fields
    errors = {}
    stored = CustomField.objects.filter(pk=custom.pk).first() if custom.pk else None
    if stored is not None:
        if (stored.dt, stored.fieldname) != (custom.dt, custom.fieldname):
            errors["fieldname"] = "单据类型和字段名创建后不能修改；如需更改，请新建字段"
        if stored.fieldtype != custom.fieldtype:
            errors["fieldtype"] = "字段类型创建后不能修改，以免已填的值失效；如需更改，请新建字段"
    if not FIELDNAME_PATTERN.match(custom.fieldname):
        errors["fieldname"] = "字段名只能由英文小写字母、数字和下划线组成，以字母开头，例如 custom_cooperating_units"
    elif custom.fieldname in builtin_fields(custom.dt):
        errors["fieldname"] = f"{custom.dt} 已有字段 {custom.fieldname}"
    options = custom.options.strip()
    if custom.fieldtype == FieldType.SELECT and not select_options(options):
        errors["options"] = "下拉选项字段请在“选项”中每行填写一个选项"
    if custom.fieldtype in LINKING and options != "User" and options not in doctype_registry:
        errors["options"] = "链接字段请在“选项”中填写所链接的单据类型，例如 Unit"
    if custom.in_standard_filter and custom.fieldtype not in FILTERABLE:
        errors["in_standard_filter"] = "只有下拉选项、勾选、链接和多选链接字段可用作列表筛选"
    if custom.insert_after and custom.insert_after not in _field_names(custom.dt):
        errors["insert_after"] = f"{custom.dt} 没有字段 {custom.insert_after}"
    if custom.default and not errors:
        errors.update(_default_errors(custom))
    return errors


def _field_names(doctype: str) -> set[str]:
    from apps.lowcode.doctype.meta import get_meta

    return set(get_meta(doctype).fields)


def _default_errors(custom: CustomField) -> dict:
    from apps.lowcode.doctype.customized import docfield_of
    from apps.lowcode.permissions import SYSTEM
    from apps.lowcode.permissions.links import find_linked

    docfield = docfield_of(custom)
    if custom.fieldtype == FieldType.ATTACH:
        return {"default": "附件字段不能设默认值"}

    def find(doctype, name):  # a default is the administrator's, for every user: not scoped
        return find_linked(SYSTEM, doctype, name)

    try:
        to_stored(docfield, custom.default, find)
    except FieldValueError as exc:
        return {"default": f"默认值不正确：{exc}"}
    return {}


def property_setter_errors(setter) -> dict:
    if setter.doc_type not in labelled_doctypes():
        return {"doc_type": f"单据类型“{setter.doc_type}”不存在或不能修改属性"}
    if not setter.field_name:
        return _doctype_setter_errors(setter)
    fields = builtin_fields(setter.doc_type)
    docfield = fields.get(setter.field_name)
    if docfield is None or not hasattr(docfield, "fieldtype"):
        return {"field_name": f"{setter.doc_type} 没有可修改的字段 {setter.field_name}"}
    errors = _choice_label_errors(setter, docfield)
    form_only = [name for name in ("reqd", "hidden") if getattr(setter, name)] + (["idx"] if setter.idx else [])
    if form_only and setter.doc_type not in customizable_doctypes():
        errors.update({name: "子表字段只能修改标签、选项显示文字和帮助说明" for name in form_only})
    elif form_only and docfield.read_only:
        errors.update(
            {name: f"字段“{docfield.label}”由系统维护，只能修改其标签、选项显示文字和帮助说明" for name in form_only}
        )
    elif setter.hidden and (docfield.reqd or setter.reqd):
        errors["hidden"] = f"字段“{docfield.label}”是必填字段，不能隐藏"
    return errors


def _doctype_setter_errors(setter) -> dict:
    """A setter without a field renames the doctype (Frappe's doctype-level Property Setter): a label, nothing else."""
    if not setter.label.strip():
        return {"label": "修改单据类型的名称请填写“标签”；修改字段的属性请选择字段"}
    others = {
        "choice_labels": setter.choice_labels.strip(),
        "description": setter.description,
        "reqd": setter.reqd,
        "hidden": setter.hidden,
        "idx": setter.idx,
    }
    return {name: "未选择字段时只能修改单据类型的名称（标签）" for name, value in others.items() if value}


def _choice_label_errors(setter, docfield) -> dict:
    if not setter.choice_labels.strip():
        return {}
    values = {str(value) for value, _ in docfield.option_labels}
    if not values:
        return {"choice_labels": f"字段“{docfield.label}”不是下拉选项字段，没有选项"}
    problems = []
    for line in setter.choice_labels.splitlines():
        line = line.replace("＝", "=").strip()
        if not line:
            continue
        value, equals, label = line.partition("=")
        if not equals or not label.strip():
            problems.append(f"“{line}”应写成“存储值=显示文字”")
        elif value.strip() not in values:
            problems.append(f"“{value.strip()}”不是该字段的选项（可选：{'、'.join(sorted(values))}）")
    return {"choice_labels": problems} if problems else {}


def validate_custom_field(custom, **context) -> None:
    """validate event of Custom Field (apps/lowcode/hooks.py): the admin, the API and fixtures alike."""
    errors = custom_field_errors(custom)
    if errors:
        raise ValidationError(errors)


def validate_property_setter(setter, **context) -> None:
    """validate event of Property Setter (apps/lowcode/hooks.py)."""
    errors = property_setter_errors(setter)
    if errors:
        raise ValidationError(errors)
