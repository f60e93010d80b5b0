"""What the 评分明细表 prints besides ``doc``: the score's row of the period's ranking table and its lines.

The row comes from the ranking report (services/ranking_report.py), the same
one the ranking page shows: group subtotals, the bonus as approved and as
counted, the rank with its tie, the outcome. Only this score's row is used.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from apps.innovation_action.doctype.action_plan.words import PlanWords, plan_words
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.services.ranking_report import (
    Column,
    Line,
    Row,
    ranking_table,
)
from apps.lowcode.permissions import SYSTEM


@dataclass
class GroupScore:
    title: str
    points: Decimal
    score: Decimal


@dataclass
class ScoreContext:
    category_title: str
    period: AssessmentPeriod
    row: Row
    columns: list[Column]
    groups: list[GroupScore]
    lines: list[Line]
    bonus_cap: Decimal | None
    has_bonus: bool
    rank_text: str
    result_text: str
    approved_at: str
    approved_by: str
    words: PlanWords  # the plan's own words (its action's name for the title)


def context(score) -> ScoreContext:
    tables = ranking_table(SYSTEM, score.period)
    table = next(t for t in tables if t.category == score.category)
    row = next(r for r in table.rows if r.score == score.name)
    approved = timezone.localtime(score.approved_at) if score.approved_at else None
    return ScoreContext(
        category_title=table.title,
        period=score.period,
        row=row,
        columns=table.columns,
        groups=[GroupScore(c.title, c.points, s) for c, s in zip(table.columns, row.group_scores)],
        lines=row.lines,
        bonus_cap=table.bonus_cap,
        has_bonus=table.has_bonus,
        rank_text=f"第{row.rank}名{'（并列）' if row.tied else ''}" if row.rank is not None else "",
        result_text=row.result_text or "—",
        approved_at=f"{approved.year}年{approved.month}月{approved.day}日" if approved else "",
        approved_by=(score.approved_by.get_full_name() or score.approved_by.username) if score.approved_by else "",
        words=plan_words(score.period.plan),
    )
