"""What a doctype looks like to the API: its fields in Frappe's terms.

Frappe describes a doctype by a list of DocFields (fieldname, fieldtype,
options, reqd, read_only). We derive the same from the Django model, so the
API, the query builder and the schema all read one description.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import models

from apps.lowcode.doctype.base import (
    BaseDocument,
    ChildDocument,
    doctype_registry,
    get_doctype_model,
)

# Fields every record carries; the system sets them, clients only read them.
STANDARD_FIELDS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "workflow_state")
CHILD_FIELDS = ("parent", "parentfield", "parenttype", "idx")


@dataclass(frozen=True)
class DocField:
    fieldname: str
    fieldtype: str  # Data, Text, Int, Float, Check, Date, Datetime, Select, Link
    label: str
    options: str = ""  # Link: target doctype; Select: newline-separated choices
    reqd: bool = False
    read_only: bool = False
    model_field: models.Field | None = None
    description: str = ""
    # Set by an administrator (Custom Field / Property Setter); see apps.lowcode.customize.
    custom: bool = False  # value kept in the record's custom_values
    hidden: bool = False  # left out of the admin form
    order: int | None = None  # position in the admin form an administrator gave it
    default: str = ""
    insert_after: str = ""
    in_list_view: bool = False
    in_standard_filter: bool = False
    option_labels: tuple = ()  # Select: (stored value, label shown) pairs, as an administrator may have renamed them

    @property
    def is_link(self) -> bool:
        """A single link stored as a foreign key (custom links are kept by name in custom_values)."""
        return self.fieldtype == "Link" and not self.custom

    @property
    def options_label(self) -> str:
        """The linked doctype's label, for messages: 单位 rather than Unit."""
        if self.options == "User":
            return "用户"
        model = doctype_registry.get(self.options)
        return str(model._meta.verbose_name) if model is not None else self.options


@dataclass(frozen=True)
class ChildTable:
    fieldname: str  # e.g. "units"
    label: str
    doctype: str  # e.g. "Task Unit"
    parent_fk: str  # the child's foreign key to the parent, e.g. "task"


@dataclass(frozen=True)
class DocTypeMeta:
    doctype: str
    model: type
    label: str
    fields: dict[str, DocField]
    tables: dict[str, ChildTable] = field(default_factory=dict)
    istable: bool = False
    parent_fk: str = ""  # for a child doctype: its foreign key to the parent

    @property
    def naming_rule(self) -> str:
        return self.model.naming_rule


def _fieldtype(f: models.Field) -> tuple[str, str]:
    if f.choices:
        return "Select", "\n".join(str(value) for value, _ in f.choices)
    if isinstance(f, models.ForeignKey):
        target = f.related_model
        if target is settings.AUTH_USER_MODEL or target._meta.label == settings.AUTH_USER_MODEL:
            return "Link", "User"
        return "Link", getattr(target, "doctype", "")
    if isinstance(f, models.BooleanField):
        return "Check", ""
    if isinstance(f, models.DateTimeField):
        return "Datetime", ""
    if isinstance(f, models.DateField):
        return "Date", ""
    if isinstance(f, models.DecimalField | models.FloatField):
        return "Float", ""
    if isinstance(f, models.IntegerField):
        return "Int", ""
    if isinstance(f, models.TextField):
        return "Text", ""
    return "Data", ""


def _docfield(f: models.Field, read_only: bool) -> DocField:
    fieldtype, options = _fieldtype(f)
    return DocField(
        fieldname=f.name,
        fieldtype=fieldtype,
        label=str(f.verbose_name),
        options=options,
        reqd=not (f.blank or f.null or f.has_default()) and not read_only,
        read_only=read_only,
        model_field=f,
        description=str(f.help_text or ""),
        option_labels=tuple((str(value), str(label)) for value, label in f.flatchoices) if f.choices else (),
    )


def get_meta(doctype: str) -> DocTypeMeta:
    """Metadata of a doctype by name, with its customisations; KeyError when there is no such doctype."""
    from apps.lowcode.doctype import version

    return _build_meta(doctype, version.current())


@lru_cache(maxsize=256)
def _build_meta(doctype: str, version: int) -> DocTypeMeta:
    model = get_doctype_model(doctype)
    istable = issubclass(model, ChildDocument)
    parent_fk = ""
    parent_link = _parent_link(model) if istable else None
    fields = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name == "custom_values":  # its values are fields of their own, below
            continue
        if parent_link is not None and f.name == parent_link.name:
            parent_fk = f.name
            continue
        fieldname = f.name[:-3] if f.name.endswith("_id") else f.name
        read_only = fieldname in STANDARD_FIELDS and not (fieldname == "name" and model.naming_rule == "prompt")
        # Fields the server computes (editable=False: totals, explanations, stamps) are never taken from clients.
        read_only = read_only or not f.editable
        if fieldname == "idx" and istable:
            read_only = True
        docfield = _docfield(f, read_only)
        if fieldname == "name" and model.naming_rule == "prompt":
            docfield = DocField(**{**docfield.__dict__, "reqd": True})
        fields[fieldname] = docfield
    from apps.lowcode.doctype.customized import customized_fields

    fields = customized_fields(doctype, fields, with_custom_fields=hasattr(model, "custom_values"))
    tables = {
        name: ChildTable(
            name, str(rel.related_model._meta.verbose_name_plural), rel.related_model.doctype, rel.field.name
        )
        for name, rel in _child_relations(model).items()
    }
    return DocTypeMeta(
        doctype=doctype,
        model=model,
        label=str(model._meta.verbose_name),
        fields=fields,
        tables=tables,
        istable=istable,
        parent_fk=parent_fk,
    )


def _parent_link(child_model) -> models.ForeignKey | None:
    """A child table's foreign key to its parent: the first one to a top-level document.

    A Task Unit's ``task`` is its parent; its ``unit`` and ``liaison`` are
    links, so a Unit has no child table of task rows (which a write of the
    Unit would otherwise replace).
    """
    for f in child_model._meta.concrete_fields:
        if (
            isinstance(f, models.ForeignKey)
            and issubclass(f.related_model, BaseDocument)
            and not issubclass(f.related_model, ChildDocument)
        ):
            return f
    return None


def _child_relations(model) -> dict:
    """Reverse relations of ``model`` that are child tables (through the child's parent link), by related_name."""
    return {
        rel.get_accessor_name(): rel
        for rel in model._meta.related_objects
        if isinstance(rel, models.ManyToOneRel)
        and issubclass(rel.related_model, ChildDocument)
        and getattr(rel.related_model, "doctype", "")
        and rel.field == _parent_link(rel.related_model)
    }


def meta_of(model) -> DocTypeMeta:
    return get_meta(model.doctype)
