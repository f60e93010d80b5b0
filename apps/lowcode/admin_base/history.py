"""Reverting a record to a version from its history page: an edit, through the change form's own save.

simple-history's revert view saves the posted version with the model admin's
save_model only: it asks for the *view* permission, ignores the user's scope,
the workflow state's editing rights, the document events and the child rows,
and a state that forbids editing ends in an error page. Here the version page
is only the form that is shown; posting it goes to the change view, so a revert
passes exactly the checks, validation, events and history of saving the change
form, or is refused as that save would be (403 with the reason).
"""

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import formats, timezone


class HistoryRevertAdminMixin:
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        version = self.model.history.filter(**{self.model._meta.pk.attname: unquote(object_id)},
                                            history_id=version_id).first()
        if version is None:
            raise Http404
        # The same door as the version page itself (scope), then the change form's.
        if not self.has_view_history_or_change_history_permission(request, version.instance):
            raise PermissionDenied
        request.history_revert = version
        return self.change_view(request, object_id, extra_context=extra_context)

    def get_inline_instances(self, request, obj=None):
        """The version page shows the record's own fields only: a revert leaves its child rows as they are."""
        if getattr(request, "history_revert", None) is not None:
            return []
        return super().get_inline_instances(request, obj)

    def save_model(self, request, obj, form, change):
        version = getattr(request, "history_revert", None)
        if version is not None:
            when = formats.date_format(timezone.localtime(version.history_date), "Y-m-d H:i")
            obj._change_reason = f"恢复为 {when} 的版本"
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None):
        """The 恢复 button is offered to those who may save the record's change form as it is now."""
        if getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
            return True
        current = self.get_queryset(request).filter(pk=obj.pk).first() if obj is not None else None
        return current is None or not self.has_change_permission(request, current)
