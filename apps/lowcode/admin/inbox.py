"""Admin pages of the workflow: taking an action from a document's form, and 待我处理 (the inbox)."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.lowcode.admin.base import change_url
from apps.lowcode.doctype import doctype_registry
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.workflow import engine


@require_POST
def apply_action(request):
    """Take one action; back to where the user came from, with the outcome as a message."""
    model = doctype_registry.get(request.POST.get("workflow_doctype", ""))
    name = request.POST.get("workflow_name", "")
    action = request.POST.get("workflow_action", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if model is None:
        messages.error(request, "单据类型不存在")
        return HttpResponseRedirect(next_url or reverse("admin:index"))
    try:
        result = engine.apply_workflow(
            request.user,
            model,
            name,
            action,
            request.POST.get("workflow_comment", ""),
            seen_modified=request.POST.get("workflow_modified") or None,
        )
    except FrappeError as exc:
        messages.error(request, f"{name}：{exc.message}")
        doc = scope_queryset(request.user, model).filter(name=name).first()
        return HttpResponseRedirect(next_url or (change_url(doc) if doc else reverse("admin:index")))
    messages.success(request, f"{name}：{result.message}")
    return HttpResponseRedirect(next_url or change_url(result.doc))


def inbox(request):
    """待我处理: what the user can act on now, grouped by document type, oldest first."""
    groups = {}
    for doc, transitions in engine.pending_documents(request.user):
        groups.setdefault(doc._meta.verbose_name, []).append(
            {
                "doc": doc,
                "url": change_url(doc),
                "transitions": transitions,
                "comment_required": any(t.comment_required for t in transitions),
                "waiting": engine.format_duration(engine.time_in_state(doc)),
            }
        )
    return render(
        request,
        "lowcode/workflow/inbox.html",
        {
            **admin.site.each_context(request),
            "title": "待我处理",
            "groups": groups,
            "count": sum(len(items) for items in groups.values()),
        },
    )
