"""What the ranking notices of a period (季度排名通报, 年度考评结果通报) print besides ``doc``.

Everything comes from the ranking services (services/ranking_report.py builds
the per-category tables the ranking page shows; services/ranking.py writes the
ranks, praise, interview and veto at each approval): nothing is ranked here.

A notice is the leading group's document to every county and unit, so its
context covers all assessees, whoever prints it. While an assessee of the
period has no approved score the results are provisional (考评结果待定): the
preview says so, and ``before_issue`` refuses to number and issue the notice.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from apps.innovation_action import roles
from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.action_plan.words import PlanWords, plan_words
from apps.innovation_action.doctype.assessment_category.model import AssesseeType, chinese_count
from apps.innovation_action.doctype.assessment_period.model import (
    AssessmentPeriod,
    PeriodKind,
)
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.score.model import Outcome, Score
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment
from apps.innovation_action.services import ranking
from apps.innovation_action.services.ranking_report import (
    CategoryTable,
    Column,
    Pending,
    Row,
    ranking_table,
)
from apps.lowcode.exceptions import PermissionError, ValidationError
from apps.lowcode.permissions import SYSTEM, restrictions

# The shipped notices and the period kind each is written for (print_formats/period_*.yaml).
FORMAT_KINDS = {
    "季度排名通报": PeriodKind.QUARTER,
    "年度考评结果通报": PeriodKind.YEAR,
}
NONE = "—"


@dataclass
class PrintRow:
    """One line of an attachment table: a ranked assessee, or one not approved yet (未审定)."""

    category: str  # the group title of the table: 一类县（市、区）
    rank: str  # "2（并列）"; "—" when not ranked
    assessee: str
    group_scores: list[Decimal | None]
    subtotal: Decimal | None
    bonus: str  # "15（核定 17.5）"
    total: Decimal | None
    result: str  # 表扬 / 约谈 / 取消评优 / — / 未审定
    note: str = ""


@dataclass
class Category:
    """One ranking category of the notice, with what its paragraphs say."""

    category: str  # 一类, …, 市直单位
    title: str  # 一类县（市、区）
    columns: list[Column]  # the scheme's indicator groups
    rows: list[Row]  # by rank
    pending: list[Pending]
    praised: list[str] = field(default_factory=list)
    interviewed: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # top three, praise withheld for an integrity case

    @property
    def provisional(self) -> bool:
        return bool(self.pending)

    @property
    def ranks_text(self) -> str:
        """ "第1名甲区，第2名乙县、丙市（并列），第4名…"."""
        places: list[tuple[int, list[str]]] = []
        for row in self.rows:
            if places and places[-1][0] == row.rank:
                places[-1][1].append(row.assessee)
            else:
                places.append((row.rank, [row.assessee]))
        return "，".join(
            f"第{rank}名{'、'.join(names)}{'（并列）' if len(names) > 1 else ''}" for rank, names in places
        )

    @property
    def pending_names(self) -> str:
        return "、".join(p.assessee for p in self.pending)

    @property
    def praised_text(self) -> str:
        return "、".join(self.praised) or "无"

    @property
    def interviewed_text(self) -> str:
        return "、".join(self.interviewed) or "无"


def _print_rows(table: Category) -> list[PrintRow]:
    rows = [
        PrintRow(
            category=table.title,
            rank=row.rank_text or NONE,
            assessee=row.assessee,
            group_scores=list(row.group_scores),
            subtotal=row.subtotal,
            bonus=row.bonus_text,
            total=row.total,
            result=row.result_text or NONE,
        )
        for row in table.rows
    ]
    rows += [
        PrintRow(
            category=table.title,
            rank=NONE,
            assessee=p.assessee,
            group_scores=[None] * len(table.columns),
            subtotal=None,
            bonus="",
            total=None,
            result="未审定",
            note=p.state,
        )
        for p in table.pending
    ]
    return rows


def _category(table: CategoryTable) -> Category:
    category = Category(
        category=table.category, title=table.title, columns=table.columns, rows=table.rows, pending=table.pending
    )
    if table.has_outcomes and not table.pending:
        category.praised = [r.assessee for r in table.rows if r.outcome == Outcome.PRAISE]
        category.interviewed = [r.assessee for r in table.rows if r.outcome == Outcome.INTERVIEW]
        category.withheld = [
            r.assessee for r in table.rows if r.veto and r.rank is not None and r.rank <= table.praised
        ]
    return category


def has_units(period) -> bool:
    """City units are assessed in this period when any has a self-assessment or a score in it."""
    return (
        SelfAssessment.objects.filter(period=period, unit__isnull=False).exists()
        or Score.objects.filter(period=period, unit__isnull=False).exists()
    )


@dataclass
class VetoNote:
    county: str
    case: str


@dataclass
class PeriodContext:
    period: AssessmentPeriod
    plan: ActionPlan
    is_year: bool
    categories: list[Category]
    units: Category | None
    county_columns: list[Column]
    unit_columns: list[Column]
    bonus_cap: Decimal | None
    ranking_rows: list[PrintRow]
    unit_rows: list[PrintRow]
    praised: list[Category]
    interviewed: list[Category]
    withheld: list[str]
    vetoed: list[VetoNote]
    county_rule: str
    unit_rule: str
    praise_scope: str  # who the notice praises: 各类别排名前三（含并列）的县（市、区）
    interview_scope: str  # who is interviewed: 各类别排名末位（含并列）的县（市、区）
    words: PlanWords  # the plan's own words: its action, office, assessees, addressees
    provisional: bool
    pending_counties: list[Pending]
    pending_units: list[Pending]
    pending_text: str


def praise_scope(tables) -> str:
    """Whom the notice praises, from the categories' own numbers: 各类别排名前三（含并列）的县（市、区）,
    or 排名第一 where one is praised, or each category's own number where they differ."""
    who = str(County._meta.verbose_name)  # as the administrator labelled the doctype

    def top(n: int) -> str:
        return "第一" if n == 1 else f"前{chinese_count(n)}"

    counts = {t.praised for t in tables if t.praised}
    if len(counts) == 1:
        return f"各类别排名{top(counts.pop())}（含并列）的{who}"
    return "、".join(f"{t.title}排名{top(t.praised)}" for t in tables if t.praised) + f"（含并列）的{who}"


def interview_scope(tables) -> str:
    """Who is interviewed, from the categories' own numbers: 各类别排名末位（含并列）的县（市、区）, 末两位
    where two are, or each category's own number where they differ."""
    who = str(County._meta.verbose_name)

    def bottom(n: int) -> str:
        return "末位" if n == 1 else f"末{chinese_count(n)}位"

    counts = {t.interviewed for t in tables if t.interviewed}
    if len(counts) <= 1:
        return f"各类别排名{bottom(counts.pop() if counts else 1)}（含并列）的{who}"
    return "、".join(f"{t.title}排名{bottom(t.interviewed)}" for t in tables if t.interviewed) + f"（含并列）的{who}"


def context(period) -> PeriodContext:
    tables = ranking_table(SYSTEM, period)  # the notice lists everyone
    # The notice has the counties' tables, then the units' (one category in the demo plan: 市直单位).
    county_tables = [t for t in tables if t.assessee_type == AssesseeType.COUNTY]
    unit_tables = [t for t in tables if t.assessee_type == AssesseeType.UNIT]
    counties = [_category(t) for t in county_tables]
    units = _category(unit_tables[0]) if unit_tables and has_units(period) else None
    pending_counties = [p for c in counties for p in c.pending]
    pending_units = list(units.pending) if units else []
    cases = ranking.vetoes(period)  # the cases the ranking service applied
    # Every major integrity case of a county, for the table's note (its rank stays, its praise goes).
    vetoed = [VetoNote(county=case.county.name, case=case.title) for case in cases.values()]
    return PeriodContext(
        period=period,
        plan=period.plan,
        is_year=period.kind == PeriodKind.YEAR,
        categories=counties,
        units=units,
        county_columns=counties[0].columns if counties else [],
        unit_columns=units.columns if units else [],
        bonus_cap=next((t.bonus_cap for t in tables if t.has_bonus), None),
        ranking_rows=[row for c in counties for row in _print_rows(c)],
        unit_rows=_print_rows(units) if units else [],
        praised=[c for c in counties if c.praised],
        interviewed=[c for c in counties if c.interviewed],
        withheld=[name for c in counties for name in c.withheld],
        vetoed=vetoed,
        county_rule=county_tables[0].rule if county_tables else "",
        praise_scope=praise_scope(county_tables),
        interview_scope=interview_scope(county_tables),
        words=plan_words(period.plan),
        unit_rule=unit_tables[0].rule if unit_tables else "",
        provisional=bool(pending_counties or pending_units),
        pending_counties=pending_counties,
        pending_units=pending_units,
        pending_text=pending_text(pending_counties, pending_units, units.title if units else ""),
    )


def pending_text(counties: list, units: list, units_title: str = "") -> str:
    """ "尚有 5 个县（市、区）、2 个市直单位未审定"; empty when everyone is approved."""
    parts = [f"{len(counties)} 个{County._meta.verbose_name}"] if counties else []
    parts += [f"{len(units)} 个{units_title or '单位'}"] if units else []
    return f"尚有 {'、'.join(parts)}未审定" if parts else ""


def format_fit(period, print_format) -> str:
    """Why a format does not fit the period ("" when it does): the ranking notices are written for one kind.

    The print page offers, the preview prints and 印发 issues only what fits (apps/lowcode/print_format/fitness.py).
    """
    kind = FORMAT_KINDS.get(print_format.name)
    if kind is None:
        return ""  # a format an administrator added for periods: theirs to judge
    if period.kind == PeriodKind.MONTH:
        return f"{period.title}是月度调度周期，不通报考评排名；请印发季度或年度考评周期的通报"
    if kind != period.kind:
        fitting = next((name for name, k in FORMAT_KINDS.items() if k == period.kind), "")
        hint = f"，{period.title}请使用“{fitting}”" if fitting else ""
        return f"“{print_format.name}”用于{kind.label}考评周期{hint}"
    return ""


def before_issue(period, event=None, user=None, print_format=None, **kwargs) -> None:
    """Issuing a ranking notice numbers it for good: only with final results."""
    data = context(period)
    if data.provisional:
        raise ValidationError(f"{data.pending_text}，考评结果待定，不能印发通报")


def before_print(period, event=None, user=None, print_format=None, **kwargs) -> None:
    """A notice lists every assessee: before it is final, only users who see them all may preview it.

    The ranking page shows a county user their own row; a preview of the notice would show every
    county's provisional scores, so it waits until the results are final (the notice is then public).
    """
    if user is None or not restrictions(user):
        return
    if context(period).provisional:
        raise PermissionError(
            f"考评结果审定前，通报仅{roles.name(roles.OFFICE)}和{roles.name(roles.LEADING_GROUP)}可以预览"
        )
