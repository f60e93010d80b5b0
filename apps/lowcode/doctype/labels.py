"""Labels an administrator gave to a doctype, its fields and its choices, shown wherever Django shows a label.

A Property Setter changes a label as data (customization.py). Rather than teach every place that prints
a label (the admin's menu, titles, breadcrumbs, lists, filters and messages, the API's meta, prints,
imports and exports) to look the setter up, each doctype's ``_meta.verbose_name(_plural)``, each field's
``verbose_name`` and each choice's label is made a lazy string that reads the current customisation
when it is shown. The setters are read once per metadata version (version.py), like the meta itself.

Migrations keep the labels written in the code: ``Field.deconstruct`` answers the original ones, so a
site's customisation never turns into a migration.
"""

from django.db import DatabaseError, models, transaction
from django.utils.functional import lazy

_cache = {"version": None, "setters": {}}
ORIGINAL = "_lowcode_original_labels"  # a field's (verbose_name, choices) as the code wrote them
ORIGINAL_NAME = "_lowcode_original_verbose_name"  # a doctype's label as the code wrote it, on its _meta


def parse_choice_labels(text: str) -> dict[str, str]:
    """ "县级=县（市、区）考评指标" lines (stored value = label shown) as a mapping; blank lines are skipped."""
    labels = {}
    for line in (text or "").splitlines():
        line = line.replace("＝", "=").strip()
        if not line:
            continue
        value, _, label = line.partition("=")
        labels[value.strip()] = label.strip()
    return labels


def _setters() -> dict:
    """(doctype, field name or "" for the doctype itself) -> (label, choice labels), for the current version."""
    from django.apps import apps

    from apps.lowcode.doctype import version

    if not apps.ready:
        return {}
    current = version.current()
    if _cache["version"] == current:
        return _cache["setters"]
    from apps.lowcode.doctype.customization import PropertySetter

    try:
        with transaction.atomic():
            rows = list(PropertySetter.objects.values_list("doc_type", "field_name", "label", "choice_labels"))
    except (DatabaseError, RuntimeError):  # before the first migration, or where a test allows no database
        return {}
    setters = {(doctype, field): (label, parse_choice_labels(choices)) for doctype, field, label, choices in rows}
    _cache.update(version=current, setters=setters)
    return setters


def doctype_label(doctype: str, original) -> str:
    label = _setters().get((doctype, ""), ("", {}))[0]
    return label or str(original)


def field_label(doctype: str, fieldname: str, original, field=None) -> str:
    setters = _setters()
    label = setters.get((doctype, fieldname), ("", {}))[0]
    return label or _linked_doctype_label(setters, field, original) or str(original)


def _linked_doctype_label(setters: dict, field, original) -> str:
    """A link labelled as the doctype it links to (县（市、区） → County) reads that doctype's new label, so
    renaming County to 街办、镇、集聚区 renames every form's 县（市、区） field too; a setter on the field wins."""
    if not setters or field is None or not field.is_relation:
        return ""
    target = field.related_model
    if isinstance(target, str) or not hasattr(target, "doctype"):
        return ""
    if str(original) != getattr(target._meta, ORIGINAL_NAME, None):
        return ""
    return setters.get((target.doctype, ""), ("", {}))[0]


# Fields offering the same choices (one TextChoices on several doctypes: a scheme on its indicator groups,
# self-assessments and scores) share their labels: a choice is renamed once, wherever it is offered.
_same_choices: dict[tuple, list[tuple[str, str]]] = {}


def choice_label(doctype: str, fieldname: str, value, original, choices_key=()) -> str:
    """The field's own label for the value, else one given on a field with the same choices, else the code's."""
    setters = _setters()
    for field in [(doctype, fieldname), *_same_choices.get(choices_key, ())]:
        label = setters.get(field, ("", {}))[1].get(str(value))
        if label:
            return label
    return str(original)


lazy_doctype_label = lazy(doctype_label, str)
lazy_field_label = lazy(field_label, str)
lazy_choice_label = lazy(choice_label, str)


def make_labels_lazy(model) -> None:
    """Called as a doctype's model is prepared (base.py): its labels follow the Property Setters from now on."""
    doctype = model.doctype
    opts = model._meta
    setattr(opts, ORIGINAL_NAME, str(opts.verbose_name))
    opts.verbose_name = lazy_doctype_label(doctype, opts.verbose_name)
    opts.verbose_name_plural = lazy_doctype_label(doctype, opts.verbose_name_plural)
    for field in [*opts.local_fields, *opts.local_many_to_many]:
        if field.primary_key:
            continue
        fieldname = field.name[:-3] if field.name.endswith("_id") else field.name
        field.__dict__[ORIGINAL] = (field.verbose_name, field.choices)
        field.verbose_name = lazy_field_label(doctype, fieldname, field.verbose_name, field)
        if field.choices and all(not isinstance(label, list | tuple) for _, label in field.choices):
            key = tuple((str(value), str(label)) for value, label in field.choices)
            _same_choices.setdefault(key, []).append((doctype, fieldname))
            field.choices = [
                (value, lazy_choice_label(doctype, fieldname, value, label, key)) for value, label in field.choices
            ]


_deconstruct = models.Field.deconstruct


def _deconstruct_with_original_labels(self):
    name, path, args, kwargs = _deconstruct(self)
    original = self.__dict__.get(ORIGINAL)
    if original is not None:
        verbose_name, choices = original
        if "verbose_name" in kwargs:
            kwargs["verbose_name"] = verbose_name
        if "choices" in kwargs:
            kwargs["choices"] = choices
    return name, path, args, kwargs


models.Field.deconstruct = _deconstruct_with_original_labels
