"""What the API is measured against: plain Django views doing the same database work, no framework.

Each authenticates the user from the same ``Authorization: token key:secret``
header through the same ApiKey lookup and applies the same record scope
(``scope_queryset``), then runs the query and answers JSON. They skip what the
API adds on top: DRF, metadata, role checks, serialisation rules, workflow rules
and document events. Mounted only by bench/settings.py, never by the site.
"""

import json

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.innovation_action.models import (
    BonusClaim,
    Project,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.lowcode.auth.api_key import user_for_token
from apps.lowcode.permissions import locked_in_scope, scope_queryset
from apps.lowcode.workflow.model import Workflow, WorkflowLog

LIST_FIELDS = ["name", "project_name", "county__name", "section", "total_investment", "planned_investment"]
DRAFT, SUBMITTED = "草稿", "待初审"


def _user(request):
    scheme, _, pair = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    key, _, secret = pair.strip().partition(":")
    return user_for_token(key, secret) if scheme.lower() == "token" and key and secret else None


def _json(data) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False, default=str), content_type="application/json")


def project_list(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthorised"}, status=401)
    rows = scope_queryset(user, Project).order_by("number").values(*LIST_FIELDS)[:100]
    return _json(
        {
            "data": [
                {
                    "name": row["name"],
                    "project_name": row["project_name"],
                    "county": row["county__name"],
                    "section": row["section"],
                    "total_investment": float(row["total_investment"]),
                    "planned_investment": float(row["planned_investment"]),
                }
                for row in rows
            ]
        }
    )


def assessment(request, name):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthorised"}, status=401)
    doc = scope_queryset(user, SelfAssessment).filter(name=name).values().first()
    if doc is None:
        return JsonResponse({"error": "not found"}, status=404)
    doc["lines"] = list(SelfAssessmentLine.objects.filter(assessment_id=doc["id"]).values())
    doc["bonus_claims"] = list(BonusClaim.objects.filter(assessment_id=doc["id"]).values())
    return _json({"data": doc})


@csrf_exempt
def workflow_action(request, name):
    """草稿 ↔ 待初审 with a log row, in one transaction, locking the document as the engine does."""
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthorised"}, status=401)
    with transaction.atomic():
        doc = locked_in_scope(user, SelfAssessment, name=name)  # the same lock the engine takes
        if doc is None:
            return JsonResponse({"error": "not found"}, status=404)
        source = doc.workflow_state
        doc.workflow_state = SUBMITTED if source == DRAFT else DRAFT
        doc.docstatus = 1 if doc.workflow_state == SUBMITTED else 0
        doc.modified_by = user
        doc.save(update_fields=["workflow_state", "docstatus", "modified", "modified_by"])
        WorkflowLog.objects.create(
            workflow=Workflow.objects.get(document_type="SelfAssessment", is_active=True),
            reference_doctype="SelfAssessment",
            reference_name=doc.name,
            action=request.POST.get("action", ""),
            from_state=source,
            to_state=doc.workflow_state,
            user=user,
            moved=True,
        )
    return _json({"message": {"name": doc.name, "workflow_state": doc.workflow_state}})


@csrf_exempt
def reset(request):
    """Every benchmark assessment back in 草稿, before each workflow phase (the office's token)."""
    user = _user(request)
    if user is None or user.username != "office":
        return JsonResponse({"error": "unauthorised"}, status=401)
    names = json.loads(request.body)["names"]
    count = SelfAssessment.objects.filter(name__in=names).update(workflow_state=DRAFT, docstatus=0)
    return _json({"message": count})
