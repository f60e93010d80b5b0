"""Reverting a record to a version from its history page: an edit, through the change form's own view.

simple-history's revert view saves the whole stored version (read-only fields
such as a notice's status and PDF included) with the model admin's save_model
alone: it asks only for the *view* permission and skips the user's scope, the
workflow state's editing rights, the document events and the child rows, and a
state that forbids editing ends in an error page.

Here the version page *is* the record's change form, filled in with the
version's values of the fields the user may edit now (a reader sees the whole
version, read-only); its child tables are left out, since a version holds the
record's own fields only. Posting it is saving that form: the same permission,
scope, workflow rights, validation, events and history, or the same refusal
(403 with the reason).
"""

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import formats, timezone


def version_time(version) -> str:
    return formats.date_format(timezone.localtime(version.history_date), "Y-m-d H:i")


class HistoryRevertAdminMixin:
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        version = self.model.history.filter(
            **{self.model._meta.pk.attname: unquote(object_id)}, history_id=version_id
        ).first()
        if version is None:
            raise Http404
        # The door of the history pages (scope), then the change form's own.
        if not self.has_view_history_or_change_history_permission(request, version.instance):
            raise PermissionDenied
        request.history_revert = version
        context = {
            "title": f"{version.instance}：{version_time(version)} 的版本",
            "history_revert": version,
            **(extra_context or {}),
        }
        return self.change_view(request, object_id, extra_context=context)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        version = getattr(request, "history_revert", None)
        if obj is not None and version is not None and request.method != "POST":
            self.fill_in_version(request, obj, version)
        return obj

    def fill_in_version(self, request, obj, version):
        """The version's values on the current record, for the form to show (nothing is saved here)."""
        if self.has_change_permission(request, obj):
            names = set(self.get_form(request, obj, change=True).base_fields)
        else:  # a reader sees the whole version
            names = {f.name for f in obj._meta.concrete_fields} | set(getattr(version, "custom_values", None) or {})
        for field in obj._meta.concrete_fields:
            if field.name in names and field.editable and not field.primary_key:
                setattr(obj, field.attname, getattr(version, field.attname))
        stored = getattr(version, "custom_values", None)
        if stored is not None:
            custom = dict(obj.custom_values or {})
            custom.update({name: value for name, value in stored.items() if name in names})
            obj.custom_values = custom

    def get_inline_instances(self, request, obj=None):
        """A version holds the record's own fields: reverting one leaves the child rows as they are."""
        if getattr(request, "history_revert", None) is not None:
            return []
        return super().get_inline_instances(request, obj)

    def save_model(self, request, obj, form, change):
        version = getattr(request, "history_revert", None)
        if version is not None:
            obj._change_reason = f"恢复为 {version_time(version)} 的版本"
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None):
        """The history list says 修改历史 to those who may save the record's change form as it is now."""
        if getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
            return True
        current = self.get_queryset(request).filter(pk=obj.pk).first() if obj is not None else None
        return current is None or not self.has_change_permission(request, current)
