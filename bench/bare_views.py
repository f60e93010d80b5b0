"""What the API is measured against: plain Django views doing the same database work, no framework.

Each authenticates the user from the same ``Authorization: token key:secret``
header through the same ApiKey lookup and applies the same record scope
(``scope_queryset``), then runs the query and answers JSON. They skip what the
API adds on top: DRF, metadata, role checks, serialisation rules, workflow rules
and document events. Mounted only by bench/settings.py, never by the site.
"""

import io
import json

from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from apps.innovation_action.doctype.assessment_period.model import PeriodKind
from apps.innovation_action.models import (
    AssessmentPeriod,
    BonusClaim,
    ProgressReport,
    Project,
    ProjectReport,
    Score,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.innovation_action.services import scoring
from apps.innovation_action.services.scoring import Stage
from apps.lowcode.auth.api_key import user_for_token
from apps.lowcode.permissions import locked_in_scope, scope_queryset
from apps.lowcode.workflow.model import Workflow, WorkflowLog, WorkflowTransition

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
    return _move(request, name, scored=False)


@csrf_exempt
def scored_workflow_action(request, name):
    """``workflow_action`` plus the app's business rule on 提交, called straight: every line must have a
    自评分 (the category scored at the 自评 stage), and the 初审得分 are computed at once — what the
    SelfAssessment hooks do inside the engine (apps/innovation_action/doctype/self_assessment/events.py).
    Against this view the API's ratio is its own cost, the scoring being the same work on both sides."""
    return _move(request, name, scored=True)


def _move(request, name, scored: bool):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthorised"}, status=401)
    with transaction.atomic():
        doc = locked_in_scope(user, SelfAssessment, name=name)  # the same lock the engine takes
        if doc is None:
            return JsonResponse({"error": "not found"}, status=404)
        source = doc.workflow_state
        scorer = None
        if scored and source == DRAFT:
            scorer = scoring.CategoryScorer.of(doc, Stage.SELF)
            scoring.ensure_complete(doc, Stage.SELF, scorer=scorer)
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
        if scorer is not None:
            scoring.refresh(doc, Stage.REVIEWED, scorer)
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


# ---------------------------------------------------------------- for the load benchmark (bench/locustfile.py)

ASSESSMENT_FIELDS = ["name", "county__name", "period__name", "workflow_state", "self_total", "modified"]


def _authorised(view):
    """The view with the token's user as its second argument, or a 401."""

    def wrapped(request, *args, **kwargs):
        user = _user(request)
        if user is None:
            return JsonResponse({"error": "unauthorised"}, status=401)
        return view(request, user, *args, **kwargs)

    return csrf_exempt(wrapped)


@_authorised
def assessment_list(request, user):
    """The 20 most recently changed self-assessments in the user's scope."""
    rows = scope_queryset(user, SelfAssessment).order_by("-modified").values(*ASSESSMENT_FIELDS)[:20]
    return _json({"data": list(rows)})


@_authorised
def save_summary(request, user, name):
    """A draft's 自评总体情况 saved under the document's row lock, as the API's save takes it."""
    with transaction.atomic():
        doc = locked_in_scope(user, SelfAssessment, name=name)
        if doc is None:
            return JsonResponse({"error": "not found"}, status=404)
        doc.summary = json.loads(request.body)["summary"]
        doc.modified_by = user
        doc.save(update_fields=["summary", "modified", "modified_by"])
    return _json({"data": {"name": doc.name, "summary": doc.summary}})


@_authorised
def inbox(request, user):
    """The documents in the user's scope in a state from which one of the user's roles has an action."""
    roles = set(user.groups.values_list("name", flat=True))
    states = {
        state
        for state, allowed in WorkflowTransition.objects.filter(
            workflow__document_type="SelfAssessment", workflow__is_active=True
        ).values_list("state", "allowed")
        if not allowed.strip() or roles & {part.strip() for part in allowed.replace(",", "\n").splitlines()}
    }
    rows = scope_queryset(user, SelfAssessment).filter(workflow_state__in=states).values(*ASSESSMENT_FIELDS)
    return _json({"message": list(rows)})


@_authorised
def dashboard(request, user):
    """A period's figures as SQL aggregates over the rows the API's dashboard reads: the period's
    self-assessments and its months' progress and project reports by county and state, the plan's
    projects' planned investment and the months' reported investment by county, the period's ranks.
    Not here: the status lights (judged row by row from targets and reports) and the filters behind
    each figure, which the API adds."""
    period = AssessmentPeriod.objects.get(name=request.GET["period"])
    months = AssessmentPeriod.objects.filter(
        plan_id=period.plan_id, kind=PeriodKind.MONTH, start_date__gte=period.start_date, end_date__lte=period.end_date
    )
    by_state = {
        model.doctype: list(
            scope_queryset(user, model)
            .filter(**where)
            .values(county, "workflow_state")
            .annotate(count=Count("id"))
            .order_by()
        )
        for model, county, where in (
            (SelfAssessment, "county__name", {"period": period}),
            (ProgressReport, "unit__county__name", {"period__in": months}),
            (ProjectReport, "county__name", {"period__in": months}),
        )
    }
    planned = (
        scope_queryset(user, Project)
        .filter(plan_id=period.plan_id)
        .values("county__name")
        .annotate(planned=Sum("planned_investment"), count=Count("id"))
        .order_by()
    )
    completed = (
        scope_queryset(user, ProjectReport)
        .filter(period__in=months, submitted_at__isnull=False)
        .values("county__name")
        .annotate(completed=Sum("year_investment"))
        .order_by()
    )
    figures = {"submissions": by_state, "planned": list(planned), "completed": list(completed)}
    return _json({"message": {**figures, **_ranks(user, period.name)}})


def _ranks(user, period) -> dict:
    rows = scope_queryset(user, Score).filter(period__name=period).order_by("category", "rank")
    return {"ranking": list(rows.values("name", "category", "total", "rank", "outcome"))}


@_authorised
def ranking(request, user):
    return _json({"message": _ranks(user, request.GET["period"])})


@_authorised
def pdf(request, user, name):
    """The self-assessment and its lines as text in a PDF drawn with plain reportlab (a built-in CJK font)."""
    doc = scope_queryset(user, SelfAssessment).filter(name=name).values("id", "name", "summary").first()
    if doc is None:
        return JsonResponse({"error": "not found"}, status=404)
    lines = SelfAssessmentLine.objects.filter(assessment_id=doc["id"]).values_list(
        "indicator__name", "value", "self_score", "evidence"
    )
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=landscape(A4))
    page.setFont("STSong-Light", 11)
    y = 550
    for text in [doc["name"], doc["summary"], *(" ".join(str(v) for v in line) for line in lines)]:
        page.drawString(40, y, str(text)[:90])
        y -= 18
        if y < 40:
            page.showPage()
            page.setFont("STSong-Light", 11)
            y = 550
    page.save()
    return HttpResponse(buffer.getvalue(), content_type="application/pdf")
