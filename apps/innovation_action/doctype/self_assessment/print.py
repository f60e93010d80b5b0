"""What the 自评报告表 prints besides ``doc``: its lines by indicator group, its bonus claims, when it was submitted.

The scores are the ones the scoring service wrote onto the lines (自评分 while
drafting, 初审得分 under review, services/scoring.py); nothing is scored here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from apps.innovation_action.doctype.action_plan.words import PlanWords, plan_words
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.lowcode.numbers import number_text
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import StateType


@dataclass
class LineRow:
    group: str  # 推进高质量跨越式发展成效科技创新指标（60分）
    number: int
    indicator: str
    points: Decimal
    value: str  # 指标值/核定值
    self_score: Decimal | None
    evidence: str  # 事实依据和分析意见
    reviewed_score: Decimal | None
    review_comment: str  # 初审意见; for an overridden score it begins with the computed and the adjusted score
    reviewed_computed: Decimal | None = None  # what the indicator's method gave at review
    reviewed_overridden: bool = False


@dataclass
class ClaimRow:
    number: int
    category: str
    item: str
    description: str
    quantity: int
    claimed_points: Decimal
    accepted_quantity: int | None
    accepted_points: Decimal | None
    note: str  # 佐证说明 and 核定意见


def value_text(line) -> str:
    """ "2.35" as reported; "2.35（核定值 2.4）" when the competent department's figure differs or stands alone."""
    official = number_text(line.official_value) if line.official_value is not None else ""
    if official and official != line.value:
        return f"{line.value}（核定值 {official}）" if line.value else f"核定值 {official}"
    return line.value or ""


def review_text(line) -> str:
    """初审意见, preceded for an overridden score by what was computed: "计算得分 32，初审调整为 40。理由…"."""
    comment = line.review_comment.strip()
    if not line.reviewed_overridden:
        return comment
    adjusted = f"计算得分 {number_text(line.reviewed_computed)}，初审调整为 {number_text(line.reviewed_score)}"
    return f"{adjusted}。{comment}" if comment else adjusted


def evidence_text(line) -> str:
    parts = [f"事实依据：{line.evidence.strip()}"] if line.evidence.strip() else []
    parts += [f"分析意见：{line.analysis.strip()}"] if line.analysis.strip() else []
    return "\n".join(parts)


def submitted_at(assessment):
    """When the assessee last submitted it: the last move out of an editable state of its workflow."""
    workflow = engine.workflow_of(assessment)
    if workflow is None:
        return None
    editable = {s.state for s in workflow.states.all() if s.state_type == StateType.EDITABLE}
    moves = [
        log
        for log in engine.history(assessment)
        if log.moved and log.from_state in editable and log.to_state not in editable
    ]
    return timezone.localtime(moves[-1].creation) if moves else None


@dataclass
class AssessmentContext:
    assessee_kind: str
    category_title: str
    period: AssessmentPeriod
    submitted_at: str
    lines: list[LineRow]
    bonus_claims: list[ClaimRow]
    bonus_applicable: bool
    bonus_cap: Decimal | None
    bonus_claimed: Decimal
    bonus_accepted: Decimal | None
    bonus_all_decided: bool
    bonus_self: Decimal | None
    bonus_reviewed: Decimal | None
    words: PlanWords  # the plan's own words (its action's name for the title)


def context(assessment) -> AssessmentContext:
    lines = list(
        assessment.lines.select_related("indicator__group").order_by("indicator__group__order", "indicator__number")
    )
    rows = [
        LineRow(
            group=f"{line.indicator.group.title}（{number_text(line.indicator.group.points)}分）",
            number=line.indicator.number,
            indicator=line.indicator.title,
            points=line.indicator.weight,
            value=value_text(line),
            self_score=line.self_score,
            evidence=evidence_text(line),
            reviewed_score=line.reviewed_score,
            review_comment=review_text(line),
            reviewed_computed=line.reviewed_computed,
            reviewed_overridden=line.reviewed_overridden,
        )
        for line in lines
    ]
    bonus_line = next((line for line in lines if line.indicator.group.is_bonus), None)
    claims = list(assessment.bonus_claims.select_related("rule").order_by("idx", "pk"))
    claim_rows = [
        ClaimRow(
            number=number,
            category=claim.rule.category,
            item=claim.rule.item,
            description=claim.description,
            quantity=claim.quantity,
            claimed_points=claim.claimed_points,
            accepted_quantity=claim.accepted_quantity,
            accepted_points=claim.accepted_points if claim.accepted_quantity is not None else None,
            note="\n".join(
                p
                for p in (
                    f"佐证：{claim.evidence.strip()}" if claim.evidence.strip() else "",
                    f"核定意见：{claim.review_comment.strip()}" if claim.review_comment.strip() else "",
                )
                if p
            ),
        )
        for number, claim in enumerate(claims, 1)
    ]
    decided = [c for c in claim_rows if c.accepted_quantity is not None]
    when = submitted_at(assessment)
    category = PlanAssessee.category_of(assessment.period.plan_id, assessment.county_id, assessment.unit_id)
    return AssessmentContext(
        assessee_kind=str(assessment._meta.get_field("county" if assessment.county_id else "unit").verbose_name),
        category_title=category.title if category else "",
        period=assessment.period,
        submitted_at=f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}" if when else "",
        lines=rows,
        bonus_claims=claim_rows,
        bonus_applicable=bonus_line is not None,
        bonus_cap=bonus_line.indicator.weight if bonus_line else None,
        bonus_claimed=sum((c.claimed_points for c in claim_rows), Decimal(0)),
        bonus_accepted=sum((c.accepted_points for c in decided), Decimal(0)) if decided else None,
        bonus_all_decided=bool(claim_rows) and len(decided) == len(claim_rows),
        # What the scoring service counted for the bonus item (capped), at each stage.
        bonus_self=bonus_line.self_score if bonus_line else None,
        bonus_reviewed=bonus_line.reviewed_score if bonus_line else None,
        words=plan_words(assessment.period.plan),
    )
