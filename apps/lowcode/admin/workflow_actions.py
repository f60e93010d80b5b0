"""The workflow in every document's admin: state, action buttons, timeline, locking and bulk actions.

Whether a doctype has a workflow is read at request time, so a workflow an
administrator attaches to any doctype shows up in its admin at once.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from apps.lowcode.doctype.meta import meta_of
from apps.lowcode.document import lifecycle
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.diagram import workflow_svg


def table_name_of(inline) -> str:
    """The child-table fieldname an inline edits ("lines"), as workflow field lists name it."""
    parent_fk = meta_of(inline.model).parent_fk
    return inline.model._meta.get_field(parent_fk).remote_field.related_name


class WorkflowAdminMixin:
    def workflow(self):
        return engine.get_workflow(self.model.doctype) if hasattr(self.model, "workflow_state") else None

    # ------------------------------------------------------------ locking by state

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.workflow_state and not engine.edit_rights(request.user, obj).allowed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and engine.delete_refusal(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.workflow_state:
            editable = engine.edit_rights(request.user, obj).fields
            if editable:
                form_fields = [f.name for f in self.model._meta.concrete_fields if f.editable]
                form_fields += [name for name, f in meta_of(self.model).fields.items() if f.custom]
                fields += [f for f in form_fields if f not in editable and f not in fields]
        return fields

    # ------------------------------------------------------------ saving through the lifecycle

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A workflow refusal while saving is shown as a message; the save is rolled back."""
        if request.method == "POST" and object_id is not None:
            self.refuse_locked_save(request, object_id)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except FrappeError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())

    def refuse_locked_save(self, request, object_id):
        """A save the state does not allow is refused (403) with the state's reason: the admin's own refusal,
        from has_change_permission above, would give none."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.workflow_state:
            rights = engine.edit_rights(request.user, obj)
            if not rights.allowed:
                raise PermissionDenied(rights.reason)

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.get(pk=obj.pk) if change else obj
        request._lifecycle_before = lifecycle.before_save(request.user, stored, not change)
        if change:
            obj.workflow_state, obj.docstatus = stored.workflow_state, stored.docstatus
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lifecycle.after_save(request.user, form.instance, not change, getattr(request, "_lifecycle_before", None))

    def delete_model(self, request, obj):
        """The delete page: the apps' after_delete events run as for a deletion through the API."""
        super().delete_model(request, obj)
        lifecycle.after_delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        """The bulk 删除所选 action: one transaction, the after_delete events of each record deleted."""
        with transaction.atomic():
            docs = list(queryset)
            super().delete_queryset(request, queryset)
            for doc in docs:
                lifecycle.after_delete(request.user, doc)

    # ------------------------------------------------------------ the change form and the list

    def workflow_context(self, request, obj) -> dict:
        """What the change form shows of the workflow; empty for a document outside any workflow."""
        from apps.lowcode.doctype.serialize import format_value

        if not obj.workflow_state:
            return {}
        workflow = self.workflow()
        logs = engine.history(obj)
        transitions = engine.get_transitions(request.user, obj, workflow) if workflow else []
        rights = engine.edit_rights(request.user, obj)
        waiting = [
            (t.action, len(engine.approvals_so_far(obj, t)), t.approvals_required)
            for t in (engine.transitions_from(workflow, obj.workflow_state) if workflow else [])
            if t.approvals_required > 1
        ]
        return {
            "workflow": workflow,
            "workflow_doc": obj,
            "workflow_doctype": self.model.doctype,
            "workflow_modified": format_value(obj.modified),
            "workflow_transitions": transitions,
            "workflow_comment_required": any(t.comment_required for t in transitions),
            "workflow_edit_reason": "" if rights.allowed else rights.reason,
            "workflow_waiting": waiting,
            "workflow_log": logs,
            "workflow_visits": [(v, engine.format_duration(v.duration)) for v in engine.state_visits(logs)],
            # Where the document stands on its workflow, and the way it came (generated SVG, text escaped).
            "workflow_diagram": mark_safe(workflow_svg(workflow, logs, obj.workflow_state)) if workflow else "",
        }

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if self.workflow() is not None and "workflow_state" not in display:
            display.insert(1, "workflow_state")
        return display

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if self.workflow() is not None and "workflow_state" not in filters:
            filters.insert(0, "workflow_state")
        return filters

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.workflow() is not None:
            actions["workflow_bulk"] = (
                WorkflowAdminMixin.workflow_bulk,
                "workflow_bulk",
                "批量办理所选的%(verbose_name_plural)s",
            )
        return actions

    def workflow_bulk(self, request, queryset):
        """Admin action: a confirmation page offering only the actions valid for every selected document."""
        docs = list(queryset)
        action = request.POST.get("workflow_action")
        if action:
            result = engine.bulk_apply(
                request.user, self.model, [d.name for d in docs], action, request.POST.get("workflow_comment", "")
            )
            if result.succeeded:
                messages.success(request, f"“{action}”已办理 {len(result.succeeded)} 张：{'、'.join(result.succeeded)}")
            for name, message in result.failed:
                messages.error(request, f"{name}：{message}")
            return None
        actions = engine.common_actions(request.user, docs)
        transitions = {t.action: t for d in docs for t in engine.get_transitions(request.user, d)}
        return TemplateResponse(
            request,
            "lowcode/workflow/bulk.html",
            {
                **self.admin_site.each_context(request),
                "title": "批量办理",
                "opts": self.model._meta,
                "docs": docs,
                "actions": actions,
                "comment_required": any(transitions[a].comment_required for a in actions),
                "action_checkbox_name": "_selected_action",
            },
        )


class WorkflowInlineMixin:
    """A child table follows its parent's state: read-only, or only the fields the state opens."""

    def _rights(self, request, obj):
        if obj is None or not getattr(obj, "workflow_state", ""):
            return None
        return engine.edit_rights(request.user, obj)

    def has_change_permission(self, request, obj=None):
        rights = self._rights(request, obj)
        return super().has_change_permission(request, obj) and (rights is None or rights.allowed)

    def _rows_open(self, request, obj) -> bool:
        """Rows may be added or removed when the state opens the whole document or names the table itself
        among its editable fields (``bonus_claims``), as the API's check of changed fields does."""
        rights = self._rights(request, obj)
        return rights is None or (rights.allowed and (not rights.fields or table_name_of(self) in rights.fields))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._rows_open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._rows_open(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        rights = self._rights(request, obj)
        if rights is not None and rights.fields:
            prefix = f"{table_name_of(self)}."
            editable = {f[len(prefix) :] for f in rights.fields if f.startswith(prefix)}
            shown = self.fields or [f.name for f in self.model._meta.concrete_fields if f.editable]
            fields += [f for f in shown if f not in editable and f not in fields]
        return fields
