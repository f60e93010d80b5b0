import secrets

from django.conf import settings
from django.db import models
from django.db.models.signals import class_prepared
from simple_history.models import HistoricalRecords

from apps.lowcode.doctype.fieldtypes import ReadableJSONEncoder

# doctype name ("Action Plan") -> model class; filled as models are defined.
doctype_registry: dict[str, type[models.Model]] = {}


def get_doctype_model(doctype: str) -> type[models.Model]:
    """The model of a doctype name; KeyError when no such doctype exists."""
    return doctype_registry[doctype]


class DocStatus(models.IntegerChoices):
    DRAFT = 0, "草稿"
    SUBMITTED = 1, "已提交"
    CANCELLED = 2, "已作废"


class BaseDocument(models.Model):
    """Fields Frappe puts on every record, child rows included."""

    doctype: str = ""
    # Frappe's naming: "autoname" records get their name from autoname() (2023-T01);
    # "prompt" records are named by the user (a County is called 章贡区).
    naming_rule: str = "autoname"
    # Frappe's "Allow Rename": a prompt-named master whose name may change (frappe.client.rename_doc).
    allow_rename: bool = False
    # Frappe's title field and search fields: what a link search (frappe.desk.search) matches
    # beside the name and shows as each result's label and description.
    title_field: str = ""
    search_fields: tuple[str, ...] = ()

    name = models.CharField("编号", max_length=140, unique=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    creation = models.DateTimeField("创建时间", auto_now_add=True)
    modified = models.DateTimeField("修改时间", auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    docstatus = models.SmallIntegerField("单据状态", choices=DocStatus.choices, default=DocStatus.DRAFT, editable=False)

    class Meta:
        abstract = True

    def autoname(self) -> str:
        """The ``name`` of a new record. Override to follow a naming rule."""
        return secrets.token_hex(5)

    def save(self, *args, **kwargs):
        if not self.name:
            self.name = self.autoname()
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name

    def clean(self):
        """Model validation, from the admin's forms and the API alike; apps hook "validate" here."""
        from apps.lowcode.doctype.events import run_doc_event

        run_doc_event(self, "validate")


class Document(BaseDocument):
    """A top-level record; its field history is kept (django-simple-history).

    ``workflow_state`` is set by the workflow engine only (empty when the
    doctype has no workflow), as Frappe's workflow_state field.
    """

    workflow_state = models.CharField("工作流状态", max_length=140, blank=True, editable=False, db_index=True)
    # Values of the fields an administrator added (Custom Field), by fieldname: no migration per field.
    custom_values = models.JSONField(
        "自定义字段值", default=dict, blank=True, editable=False, encoder=ReadableJSONEncoder
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def get_title(self) -> str:
        """What people call this document (Frappe's ``Document.get_title``), e.g. in messages about it.

        Its name (编号) unless the doctype says better, as SelfAssessment does with
        "章贡区的2023年第一季度自评报告"; see also ``title_or_label``.
        """
        return str(self.name)

    def title_or_label(self) -> str:
        """The title, or "<doctype label> <name>" when the doctype has no title of its own."""
        title = self.get_title()
        return title if title and title != str(self.name) else f"{self._meta.verbose_name} {self.name}"

    def __getattr__(self, name):
        """``doc.custom_x`` reads a custom field, as in Frappe (templates, the admin's read-only fields)."""
        if name.startswith("custom_"):
            values = self.__dict__.get("custom_values")
            if values is not None:
                from apps.lowcode.doctype.meta import get_meta

                docfield = get_meta(type(self).doctype).fields.get(name)
                if docfield is not None and docfield.custom:
                    return values.get(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def save(self, *args, **kwargs):
        if self._state.adding:
            from apps.lowcode.doctype.meta import get_meta
            from apps.lowcode.doctype.required import apply_defaults

            apply_defaults(self, get_meta(self.doctype))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        from apps.lowcode.doctype.meta import get_meta
        from apps.lowcode.doctype.required import check_required

        check_required(self, get_meta(self.doctype))


class ChildDocument(BaseDocument):
    """A row of a child table (Frappe's ``istable``), ordered by ``idx``.

    Subclasses add the foreign key to their parent; the parent's history
    records changes made through its form.
    """

    idx = models.PositiveIntegerField("序号", default=0)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["idx"]


def _register_doctype(sender, **kwargs):
    if issubclass(sender, BaseDocument) and sender.doctype and not sender._meta.abstract:
        doctype_registry[sender.doctype] = sender
        from apps.lowcode.doctype.labels import make_labels_lazy

        make_labels_lazy(sender)


class_prepared.connect(_register_doctype)
