"""审定: the leading group's approval queue, each self-assessment with the summary a leader decides on.

A leader does not read fifteen lines of evidence: they read the totals (自评 / 初审), the lines where the
office changed the county's score (by how much, and why), the bonus the office did not accept in full,
and the office's comment when it passed the report on. Everything is what the user may act on now
(engine.pending_documents, so scoped and by role like every other door).
"""

from decimal import Decimal

from django.utils import timezone

from apps.innovation_action.doctype.self_assessment.model import SelfAssessment
from apps.lowcode.doctype.serialize import format_value
from apps.lowcode.numbers import number_text
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import WorkflowLog


def _changed_lines(doc) -> list[dict]:
    """The lines whose 初审得分 differs from the 自评分 (or carry an office comment), in the report's order."""
    lines = []
    for line in doc.lines.select_related("indicator").order_by("idx"):
        own, reviewed = line.self_score, line.reviewed_score
        delta = (reviewed - own) if own is not None and reviewed is not None else None
        if delta == 0 and not line.review_comment.strip():
            continue
        if delta is None and reviewed is None and not line.review_comment.strip():
            continue
        lines.append(
            {
                "number": line.indicator.number,
                "indicator": line.indicator.title,
                "points": number_text(line.indicator.weight),
                "self_score": number_text(own),
                "reviewed_score": number_text(reviewed),
                "delta": float(delta) if delta is not None else None,
                "delta_text": (("+" if delta > 0 else "") + number_text(delta)) if delta else "",
                "comment": line.review_comment or line.reviewed_note,
            }
        )
    return lines


def _bonus_changes(doc) -> list[dict]:
    """The bonus claims the office accepted only in part (or not at all)."""
    changes = []
    for claim in doc.bonus_claims.select_related("rule").order_by("idx"):
        claimed, accepted = claim.claimed_points, claim.accepted_points
        if claim.accepted_quantity is None or accepted == claimed:
            continue
        changes.append(
            {
                "claim": str(claim),
                "claimed": number_text(claimed),
                "accepted": number_text(accepted),
                "comment": claim.review_comment,
            }
        )
    return changes


def _office_comments(names) -> dict[str, dict]:
    """{name: the latest move of the report into its current state}: who passed it on, when, with what comment."""
    last = {}
    logs = (
        WorkflowLog.objects.filter(reference_doctype=SelfAssessment.doctype, reference_name__in=names, moved=True)
        .select_related("user")
        .order_by("id")
    )
    for log in logs:
        last[log.reference_name] = log
    return {
        name: {
            "action": log.action,
            "comment": log.comment,
            "by": (log.user.get_full_name() or log.user.get_username()) if log.user else "",
            "on": timezone.localtime(log.creation).strftime("%Y-%m-%d %H:%M"),
        }
        for name, log in last.items()
    }


def _total(value) -> str:
    return number_text(value if value is not None else Decimal(0))


def approval_queue(user) -> list[dict]:
    """待审定: the self-assessments the user may approve or send back now, oldest first, each with its summary."""
    pending = [(doc, ts) for doc, ts in engine.pending_documents(user) if isinstance(doc, SelfAssessment)]
    comments = _office_comments([doc.name for doc, _ts in pending])
    queue = []
    for doc, transitions in pending:
        doc = SelfAssessment.objects.select_related("period", "county", "unit").get(pk=doc.pk)
        self_total, reviewed_total = doc.self_total, doc.reviewed_total
        change = (reviewed_total or 0) - (self_total or 0)
        queue.append(
            {
                "name": doc.name,
                "title": str(doc),
                "assessee": str(doc.assessee) if doc.assessee else "",
                "period": doc.period.title,
                "workflow_state": doc.workflow_state,
                "modified": format_value(doc.modified),  # sent back with the action: refused if someone acted since
                "actions": [t.action for t in transitions],
                "self_total": _total(self_total),
                "reviewed_total": _total(reviewed_total),
                "total_change": ("+" if change > 0 else "") + number_text(change) if change else "",
                "lines": _changed_lines(doc),
                "bonus": _bonus_changes(doc),
                "office": comments.get(doc.name),
            }
        )
    return queue
