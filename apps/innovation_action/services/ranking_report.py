"""考评排名: the approved scores of a period as one table per ranking category.

Read-only: the scores, ranks and outcomes are written by the scoring service
when the leading group approves a self-assessment (services/scoring.py,
services/ranking.py). This module only arranges them the way the office
publishes them (每季通报排名): per category of the plan, in the plan's order
(the demo plan: 一类、二类、三类 then 市直单位), each under the category's own title, by rank,
with the points of each indicator group, the bonus as counted and as
approved, the outcome and the lines that explain every number. Assessees
whose self-assessment is not approved yet are listed as 未审定, so a table
never looks complete when it is not.

Everything goes through the user's scope: a county user gets their own row.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q

from apps.innovation_action.doctype.assessment_category.model import AssessmentCategory
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.indicator.model import IndicatorGroup
from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.innovation_action.doctype.score.model import (
    Outcome,
    Score,
    ScoreLine,
)
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.services import periods
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import ensure_can, restrictions, scope_queryset

NOT_APPROVED = "未审定"
VETO_LABEL = "取消评优"
# Bootstrap colour of each outcome badge.
BADGE_STYLES = {Outcome.PRAISE: "success", Outcome.INTERVIEW: "danger", VETO_LABEL: "secondary"}


@dataclass
class Column:
    """A scheme group shown as a column: the sum of its indicators' scores."""

    group: str
    title: str
    points: Decimal
    short_title: str = ""  # the group's 简称, for narrow headings: 科技创新

    @property
    def points_label(self) -> str:
        return f"（{number_text(self.points)}分）"

    @property
    def label(self) -> str:
        return f"{self.title}{self.points_label}"

    @property
    def heading(self) -> str:
        """A narrow table's heading: the group's 简称 (else its title) and points, 科技创新（60分）."""
        return f"{self.short_title or self.title}{self.points_label}"


@dataclass
class Line:
    """One indicator of the breakdown and how its score was reached."""

    group: str
    number: int
    indicator: str
    points: Decimal
    reported_value: str
    official_value: Decimal | None
    basis: str
    result: Decimal
    explanation: str

    @property
    def official_text(self) -> str:
        """The official value without trailing zeros (2.3500 → 2.35); empty when none was loaded."""
        return number_text(self.official_value)


@dataclass
class Row:
    """An assessee with an approved score."""

    assessee: str
    score: str  # the Score's name
    group_scores: list[Decimal]  # in the order of the table's columns
    subtotal: Decimal
    bonus: Decimal
    bonus_claimed: Decimal
    total: Decimal
    rank: int | None
    tied: bool  # another assessee of the category shares the rank
    outcome: str
    veto: bool
    outcome_note: str
    approved_at: datetime
    lines: list[Line] = field(default_factory=list)

    @property
    def bonus_text(self) -> str:
        """ "15（核定 17.5）" when the approved bonus is above the cap, else the bonus alone."""
        text = number_text(self.bonus)
        if self.bonus_claimed > self.bonus:
            text += f"（核定 {number_text(self.bonus_claimed)}）"
        return text

    @property
    def rank_text(self) -> str:
        if self.rank is None:
            return ""
        return f"{self.rank}（并列）" if self.tied else str(self.rank)

    @property
    def badges(self) -> list[tuple[str, str]]:
        """(label, bootstrap colour) of the outcome: 表扬 green, 约谈 red, 取消评优 grey."""
        labels = [self.outcome] if self.outcome else []
        if self.veto:
            labels.append(VETO_LABEL)
        return [(label, BADGE_STYLES[label]) for label in labels]

    @property
    def result_text(self) -> str:
        """The outcome in words, for the export and screen readers: "约谈、取消评优"."""
        return "、".join(label for label, _ in self.badges)


@dataclass
class Pending:
    """An assessee of the category whose result is not approved yet (未审定)."""

    assessee: str
    state: str  # where its self-assessment is: 待审定, 草稿 …, or 未填报

    status = NOT_APPROVED


@dataclass
class CategoryTable:
    category: str  # the category's short name (一类), as scores store it
    title: str  # its title (一类县（市、区）)
    scheme: str
    rule: str  # the rule the ranking service applies (DESIGN.md §4: "the rule is visible")
    assessee_type: str  # County or Unit
    praised: int  # how many (ranks) are praised; 0 for a category ranked without outcomes
    interviewed: int  # how many (ranks, from the bottom) are interviewed
    has_outcomes: bool
    columns: list[Column]
    has_bonus: bool
    bonus_cap: Decimal | None
    rows: list[Row]
    pending: list[Pending]

    @property
    def bonus_points_label(self) -> str:
        return f"（上限{number_text(self.bonus_cap)}分）" if self.has_bonus else ""

    @property
    def bonus_label(self) -> str:
        return f"加分项{self.bonus_points_label}" if self.has_bonus else ""

    @property
    def rule_label(self) -> str:
        return "排名规则" if self.has_outcomes else "说明"


# ---------------------------------------------------------------- periods


def periods_with_scores():
    """Periods with approved results, latest first (the year before its fourth quarter)."""
    return (
        AssessmentPeriod.objects.filter(pk__in=Score.objects.values("period"))
        .select_related("plan")
        .order_by("-end_date", "start_date")
    )


def find_period(name: str | None = None) -> AssessmentPeriod | None:
    """The period named (e.g. 2023-Q1), or the latest with results when no name is given."""
    return periods.named(name) if name else periods_with_scores().first()


# ---------------------------------------------------------------- the table


def ranking_table(user, period: AssessmentPeriod) -> list[CategoryTable]:
    """The ranking of ``period`` as the user may see it: one table per category that has anyone in scope."""
    ensure_can(user, "read", Score)
    scores = list(
        scope_queryset(user, Score)
        .filter(period=period)
        .select_related("county", "unit")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ScoreLine.objects.select_related("indicator__group").order_by(
                    "indicator__group__order", "indicator__number"
                ),
            )
        )
        .order_by("category", F("rank").asc(nulls_last=True), "county__order", "unit__order", "id")
    )
    shared = _shared_ranks(period)
    by_category: dict[str, list[Score]] = {}
    for score in scores:
        by_category.setdefault(score.category, []).append(score)
    pending = _pending(user, period, {s.county_id for s in scores} - {None}, {s.unit_id for s in scores} - {None})
    groups = _groups(period)

    tables = []
    for found in AssessmentCategory.objects.filter(plan_id=period.plan_id).order_by("order", "id"):
        category = found.short_name
        if not by_category.get(category) and not pending.get(category):
            continue
        scheme = found.scheme
        scheme_groups = groups.get(scheme, [])
        columns = [Column(g.name, g.title, g.points, g.short_title) for g in scheme_groups if not g.is_bonus]
        bonus_group = next((g for g in scheme_groups if g.is_bonus), None)
        tables.append(
            CategoryTable(
                category=category,
                title=found.title,
                scheme=scheme,
                rule=found.rule_text,
                assessee_type=found.assessee_type,
                praised=found.praised,
                interviewed=found.interviewed,
                has_outcomes=found.has_outcomes,
                columns=columns,
                has_bonus=bonus_group is not None,
                bonus_cap=bonus_group.points if bonus_group else None,
                rows=[
                    _row(score, columns, (category, score.rank) in shared) for score in by_category.get(category, [])
                ],
                pending=pending.get(category, []),
            )
        )
    return tables


def _groups(period) -> dict[str, list[IndicatorGroup]]:
    groups: dict[str, list[IndicatorGroup]] = {}
    for group in IndicatorGroup.objects.filter(plan_id=period.plan_id).order_by("scheme", "order"):
        groups.setdefault(group.scheme, []).append(group)
    return groups


def _shared_ranks(period) -> set[tuple[str, int]]:
    """(category, rank) pairs held by more than one assessee, over the whole period.

    Counted over all scores, not the user's scope, so a county user whose
    rank is shared sees "2（并列）" too; it names no other assessee.
    """
    return {
        (row["category"], row["rank"])
        for row in Score.objects.filter(period=period, rank__isnull=False)
        .order_by()
        .values("category", "rank")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    }


def _row(score: Score, columns: list[Column], tied: bool) -> Row:
    lines = list(score.lines.all())
    by_group: dict[str, Decimal] = {}
    for line in lines:
        key = line.indicator.group.name
        by_group[key] = by_group.get(key, Decimal(0)) + line.result
    return Row(
        assessee=str(score.assessee),
        score=score.name,
        group_scores=[by_group.get(column.group, Decimal(0)) for column in columns],
        subtotal=score.subtotal,
        bonus=score.bonus,
        bonus_claimed=score.bonus_claimed,
        total=score.total,
        rank=score.rank,
        tied=tied,
        outcome=score.outcome,
        veto=score.veto,
        outcome_note=score.outcome_note,
        approved_at=score.approved_at,
        lines=[
            Line(
                group=line.indicator.group.title,
                number=line.indicator.number,
                indicator=line.indicator.title,
                points=line.points,
                reported_value=line.reported_value,
                official_value=line.official_value,
                basis=line.basis,
                result=line.result,
                explanation=line.explanation,
            )
            for line in lines
        ],
    )


def _assessees(user, model):
    """The counties or units whose results the user may see.

    As for self-assessments (SelfAssessment.scope_condition), a result belongs
    to its assessee alone: a county user sees their county and no unit, a
    unit liaison their unit and no county; unrestricted users see everyone.
    """
    queryset = scope_queryset(user, model)
    allowed = restrictions(user)
    if allowed and not user.is_superuser:
        queryset = queryset.filter(name__in=allowed.get(model.doctype, ()))
    return queryset


def _pending(user, period, scored_counties: set[int], scored_units: set[int]) -> dict[str, list[Pending]]:
    """Per category, the assessees in scope without a score for the period, with their self-assessment's state.

    Assessees are the plan's (Plan Assessee), each in its category.
    """
    states = {}
    for county_id, unit_id, state in SelfAssessment.objects.filter(period=period).values_list(
        "county_id", "unit_id", "workflow_state"
    ):
        states[("County", county_id) if county_id else ("Unit", unit_id)] = state or "草稿"
    pending: dict[str, list[Pending]] = {}
    members = (
        PlanAssessee.objects.filter(plan_id=period.plan_id)
        .filter(
            Q(county__in=_assessees(user, County).exclude(pk__in=scored_counties))
            | Q(unit__in=_assessees(user, Unit).exclude(pk__in=scored_units))
        )
        .select_related("category", "county", "unit")
        .order_by("county__order", "unit__order", "county_id", "unit_id")
    )
    for member in members:
        key = ("County", member.county_id) if member.county_id else ("Unit", member.unit_id)
        pending.setdefault(member.category.short_name, []).append(
            Pending(member.assessee.name, states.get(key, "未填报"))
        )
    return pending


# ---------------------------------------------------------------- JSON


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def table_as_dict(table: CategoryTable) -> dict:
    """A table for the API: numbers as JSON numbers, plus the texts the page shows."""
    data = _plain(asdict(table))
    data["columns"] = [{**column, "label": c.label} for column, c in zip(data["columns"], table.columns)]
    for row, r in zip(data["rows"], table.rows):
        row.update(bonus_text=r.bonus_text, rank_text=r.rank_text, result=r.result_text)
    data["pending"] = [{**p, "status": NOT_APPROVED} for p in data["pending"]]
    return data


def ranking_data(user, period_name: str | None = None) -> dict:
    """The ranking as JSON for the API: ``{"period", "title", "tables"}``; no tables before any approval."""
    ensure_can(user, "read", Score)
    period = find_period(period_name)
    if period is None:
        return {"period": None, "title": "", "tables": []}
    return {
        "period": period.name,
        "title": period.title,
        "tables": [table_as_dict(table) for table in ranking_table(user, period)],
    }
