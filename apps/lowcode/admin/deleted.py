"""已删除的记录: deleted records listed from their history and restored (Frappe's Deleted Document).

Every document keeps its history (django-simple-history), including the last
version before deletion; restoring saves that version again under its old
primary key and name, with the child-table rows deleted with it. As Frappe's
restore inserts the document, the version is validated as any save is and the
apps' after_insert and on_update events run (a restored target rescores its
periods), all in one transaction.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.lowcode.doctype.events import run_doc_event
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import validate
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.permissions import restrictions

# Child rows go within the same second as their parent (one delete, one transaction).
SAME_DELETION = timedelta(seconds=5)


def deleted_versions(model):
    """The last version of each record that no longer exists, newest first."""
    existing = model._default_manager.values("pk")
    return model.history.filter(history_type="-").exclude(id__in=existing).order_by("-history_date")


def restore(user, version):
    """Save the deleted version again, and the child rows deleted with it; returns the record.

    Raises ValidationError (in Chinese) when the version no longer passes the doctype's checks, e.g. a
    link to a record deleted since."""
    model = version.instance_type
    meta = get_meta(model.doctype)
    with transaction.atomic():
        record = version.instance
        record._change_reason = "从已删除的记录恢复"
        validate(meta, record)
        record.save(force_insert=True)
        for table in meta.tables.values():
            child_model = get_meta(table.doctype).model
            rows = child_model.history.filter(
                history_type="-",
                **{f"{table.parent_fk}_id": record.pk},
                history_date__range=(version.history_date - SAME_DELETION, version.history_date + SAME_DELETION),
            )
            for row in rows.exclude(id__in=child_model._default_manager.values("pk")):
                child = row.instance
                child._change_reason = "从已删除的记录恢复"
                child.save(force_insert=True)
        run_doc_event(record, "after_insert", user=user)
        run_doc_event(record, "on_update", user=user)
    return record


class DeletedRecordsAdminMixin:
    """A page per doctype listing its deleted records, each with 恢复, for users who may add records."""

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name="%s_%s_deleted" % info),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="%s_%s_restore" % info,
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        context = dict(extra_context or {})
        if self.has_add_permission(request) and not restrictions(request.user):
            opts = self.model._meta
            context["deleted_records_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_deleted")
        return super().changelist_view(request, context)

    def _check_restore_permission(self, request):
        """Users who may add records and see all of them: a deleted record's scope is no longer checkable."""
        if not self.has_add_permission(request) or restrictions(request.user):
            raise PermissionDenied

    def deleted_view(self, request):
        self._check_restore_permission(request)
        versions = deleted_versions(self.model)[:200]
        return TemplateResponse(
            request,
            "lowcode/deleted_records.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"已删除的{self.model._meta.verbose_name}",
                "versions": versions,
            },
        )

    def restore_view(self, request, history_id):
        self._check_restore_permission(request)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
            )
        version = get_object_or_404(deleted_versions(self.model), history_id=history_id)
        try:
            record = restore(request.user, version)
        except FrappeError as exc:
            messages.error(request, f"无法恢复“{version.instance}”：{exc.message}")
            return HttpResponseRedirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
            )
        except IntegrityError:
            messages.error(request, f"无法恢复“{version.instance}”：已有同名或同编号的记录，请先修改或删除那一条")
            return HttpResponseRedirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
            )
        messages.success(request, f"已恢复{self.model._meta.verbose_name}“{record}”")
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
