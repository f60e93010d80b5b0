from django.db import models, transaction
from django.db.models import Q

from apps.lowcode.doctype import Document


class File(Document):
    """An uploaded attachment (Frappe's File), attached to one document.

    Files are always stored privately and served only to users who may see
    the document they are attached to.
    """

    doctype = "File"
    # Visibility follows the attached document (scope_condition), not a link path.
    scope_paths = {}
    # Files arrive through /api/method/upload_file, never as a plain resource write.
    writable_as_resource = False

    file_name = models.CharField("文件名", max_length=140)
    file_url = models.CharField("文件地址", max_length=300, unique=True)
    is_private = models.BooleanField("私有文件", default=True)
    attached_to_doctype = models.CharField("所属单据类型", max_length=140, blank=True)
    attached_to_name = models.CharField("所属单据编号", max_length=140, blank=True)
    attached_to_field = models.CharField("所属字段", max_length=140, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    content_hash = models.CharField("内容摘要", max_length=64, blank=True)
    content = models.FileField("文件", upload_to="private/files/%Y/%m", max_length=300)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["-creation"]
        indexes = [models.Index(fields=["attached_to_doctype", "attached_to_name"])]

    def __str__(self):
        return self.file_name

    def delete(self, *args, **kwargs):
        stored = self.content.name
        result = super().delete(*args, **kwargs)
        # Remove the bytes only once the row is really gone.
        transaction.on_commit(lambda: self.content.storage.delete(stored))
        return result

    def check_delete(self, user):
        """Deleting an attachment is editing its document: write permission on it is needed."""
        from apps.lowcode.doctype import doctype_registry
        from apps.lowcode.exceptions import PermissionError
        from apps.lowcode.permissions import can

        model = doctype_registry.get(self.attached_to_doctype)
        allowed = self.owner_id == user.pk if model is None else can(user, "write", model)
        if not allowed:
            raise PermissionError("没有删除该附件的权限")
        document = attached_document(self)
        if document is not None:  # an attachment is part of its document: frozen with it
            from apps.lowcode.document import lifecycle

            lifecycle.ensure_editable(user, document)

    @classmethod
    def scope_condition(cls, user) -> Q:
        """Files of documents the user can read; unattached files only to their owner."""
        from apps.lowcode.doctype import doctype_registry
        from apps.lowcode.permissions import can, scope_queryset

        condition = Q(attached_to_doctype="", owner=user)
        doctypes = cls.objects.exclude(attached_to_doctype="").values_list("attached_to_doctype", flat=True).distinct()
        for doctype in doctypes:
            model = doctype_registry.get(doctype)
            if model is None or not can(user, "read", model):
                continue
            names = scope_queryset(user, model).values("name")
            condition |= Q(attached_to_doctype=doctype, attached_to_name__in=names)
        return condition


def attached_document(file: File):
    from apps.lowcode.doctype import doctype_registry

    model = doctype_registry.get(file.attached_to_doctype)
    return model.objects.filter(name=file.attached_to_name).first() if model else None
