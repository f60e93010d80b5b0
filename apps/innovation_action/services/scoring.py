"""Scores of self-assessments, as 附件3 of the plan prescribes (DESIGN.md §4).

Every self-assessment line is scored at two stages: the assessee's own (自评分,
from the values it reports) and the office's (初审得分, from the values the
competent departments confirmed where there are any). How a line is scored is
its indicator's configuration:

- an automatic method (apps/lowcode/scoring) applied to a value: the reported
  value, the official value, late monthly reports or task completion;
- 评审打分: the score the assessee or the reviewer typed in — also the
  fallback of an automatic line that has no value to score;
- the bonus item: the claims of the catalogue, capped at the item's points;
- a county that cannot count an indicator separately (a new district, say) gets the
  average score of the other counties of its category;
- 完成率法, 功效系数法 and formulas score against the assessee's own target
  (and 不允许值) for the period where it has one (Assessee Target: the
  period's, else its year's), else the indicator's (``CategoryScorer.rule``).

Relative methods and averages look at the whole category of the period, so a
``CategoryScorer`` scores all of it at once. Nothing here is stored by
accident: ``refresh`` writes a stage's scores onto the lines, ``freeze``
writes the approved result (Score) and re-ranks the category. Both can run
any number of times with the same result.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from functools import cached_property

from django.db import transaction
from django.db.models import Prefetch, Q, Subquery, TextField, Value, prefetch_related_objects
from django.utils import timezone

from apps.innovation_action.doctype.assessee_target.model import period_year
from apps.innovation_action.models import (
    AssesseeTarget,
    BonusClaim,
    County,
    Indicator,
    OfficialValue,
    PlanAssessee,
    Score,
    ScoreLine,
    SelfAssessment,
    SelfAssessmentLine,
    ValueSource,
)
from apps.innovation_action.services import monthly_reports, ranking
from apps.lowcode import prepared
from apps.lowcode.bulk import update_rows, update_values
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.jobs.progress import publish_progress
from apps.lowcode.scoring.methods import ScoringError, rounded, text
from apps.lowcode.scoring.rules import Method, Peers, Rule, apply, parse_value
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import StateType

ADOPTED = "采用自评分"
OFFICIAL = "核定值"
OVERRIDDEN = "初审调整"
# The methods that score against a target (and a floor): an assessee's own applies to them.
TARGETED = {Method.COMPLETION_RATE, Method.EFFICACY, Method.FORMULA}


class Stage(Enum):
    """Which score of a line: the assessee's (自评) or the office's (初审)."""

    SELF = ("self_score", "self_note", "自评")
    REVIEWED = ("reviewed_score", "reviewed_note", "初审")

    def __init__(self, score_field, note_field, label):
        self.score_field, self.note_field, self.label = score_field, note_field, label


@dataclass(frozen=True)
class LineResult:
    score: Decimal | None
    explanation: str
    basis: str  # 核定值 / 填报值 / 同类平均 / 自评打分 / 评审打分 / 加分申报 / 迟报漏报次数 / 任务完成率 / 初审调整
    value: Decimal | None = None
    computed: Decimal | None = None  # what the indicator's method gives (computed lines); differs when overridden
    overridden: bool = False  # the office typed another 初审得分 than the computed one (its reason in 初审意见)

    @property
    def shown_basis(self) -> str:
        return OVERRIDDEN if self.overridden else self.basis


def category_of(assessment) -> str:
    """The short name of the plan's 考评分类 the assessee is ranked in (一类, 市直单位, 街办)."""
    category = PlanAssessee.category_of(assessment.period.plan_id, assessment.county_id, assessment.unit_id)
    if category is None:
        raise ValidationError(f"{assessment.assessee} 不是“{assessment.period.plan}”的考评对象，无法计分排名")
    return category.short_name


RECORD_KEEPING = ("owner", "creation", "modified", "modified_by", "docstatus", "workflow_state")


def unread(model, *related: str, texts: tuple[str, ...] = ()) -> list[str]:
    """What the focused read of a category leaves out (``QuerySet.defer``) of ``model`` and its ``related``
    paths: the record-keeping columns, a few hundred datetimes per action to convert, and the long texts
    of the ``texts`` paths ("" for ``model`` itself): a document's 工作总结, its plan's notice (KBs a row).
    Scoring reads none of them; the model's own workflow state stays (the engine reads it)."""
    names = []
    for path in ("", *related):
        target = model
        for part in filter(None, path.split("__")):
            target = target._meta.get_field(part).related_model
        prefix = f"{path}__" if path else ""
        for column in target._meta.concrete_fields:
            keeping = column.name in RECORD_KEEPING and not (path == "" and column.name == "workflow_state")
            if keeping or (path in texts and isinstance(column, TextField)):
                names.append(prefix + column.name)
    return names


def category_documents(period_id: int, category):
    """The period's self-assessments of the assessees its plan puts in ``category`` (the rows only).

    ``category``: a short name, or a query of the category's pk (then it is part of the one query)."""
    if isinstance(category, str):
        members = PlanAssessee.objects.filter(plan__periods=period_id, category__short_name=category)
    else:
        members = PlanAssessee.objects.filter(plan__periods=period_id, category=Subquery(category))
    return SelfAssessment.objects.filter(period_id=period_id).filter(
        Q(county__in=members.filter(county__isnull=False).values("county"))
        | Q(unit__in=members.filter(unit__isnull=False).values("unit"))
    )


# What a document is scored with: its lines with their indicators (a bonus item's points share its
# group's), its bonus claims with the catalogue's rules.
SCORED_WITH = (
    Prefetch("lines", SelfAssessmentLine.objects.select_related("indicator__group")),
    "lines__indicator__group__indicators",
    Prefetch("bonus_claims", BonusClaim.objects.select_related("rule")),
)


def assessee_documents(period_id: int, county_id: int | None, unit_id: int | None):
    """The period's documents of the category the plan puts the assessee in (its first row), each with
    ``category_short_name``; none when the assessee is in no category of the period's plan."""
    own = PlanAssessee.objects.filter(plan__periods=period_id, county_id=county_id, unit_id=unit_id).order_by("pk")[:1]
    related = ("county", "unit", "period")
    return (
        category_documents(period_id, own.values("category"))
        .annotate(category_short_name=Subquery(own.values("category__short_name")))
        .select_related(*related)
        .defer(*unread(SelfAssessment, *related, texts=("",)))
        .order_by()  # sorted by the caller (``in_order``): sorting joined rows costs the database more
    )


def in_order(documents) -> list:
    """A period's documents in their Meta.ordering (the county's order, the unit's, the id; none first)."""

    def key(document):
        county, unit = document.county, document.unit
        return (
            county is not None,
            county.order if county else 0,
            unit is not None,
            unit.order if unit else 0,
            document.pk,
        )

    return sorted(documents, key=key)


def peer_lines(assessments: list[int], indicators: list[int]):
    """What ``PeerLine`` takes of the lines of ``indicators`` in ``assessments``."""
    lines = SelfAssessmentLine.objects.filter(assessment_id__in=assessments, indicator_id__in=indicators)
    return lines.order_by().values_list("assessment_id", "indicator_id", *PeerLine.FIELDS)


def period_facts(period_id: int, counties: list[int]):
    """(county, indicator, value, False) of the period's official values, then (county, indicator, None,
    True) of what ``counties`` are scored on by their category's average: one query (a UNION ALL)."""
    official = (
        OfficialValue.objects.filter(period_id=period_id)
        .order_by()
        .annotate(averaged=Value(False))
        .values_list("county_id", "indicator_id", "value", "averaged")
    )
    averaged = (
        County.averaged_indicators.through.objects.filter(county_id__in=counties)
        .order_by()
        .annotate(value=Value(None, output_field=OfficialValue._meta.get_field("value")), averaged=Value(True))
        .values_list("county_id", "indicator_id", "value", "averaged")
    )
    return official.union(averaged, all=True)


def scored_lines(assessment_id: int):
    lines = SelfAssessmentLine.objects.filter(assessment_id=assessment_id)
    return lines.defer(*unread(SelfAssessmentLine)).order_by("idx")


def indicator_groups(indicators: list[int]):
    """Every indicator of the groups of ``indicators``, with its group (in no order)."""
    wanted = Indicator.objects.filter(pk__in=indicators).order_by().values("group_id")
    return (
        Indicator.objects.filter(group_id__in=wanted)
        .select_related("group")
        .defer(*unread(Indicator, "group"))
        .order_by()  # in number order by ``read_scored``, cheaper than in the database
    )


def bonus_claims(assessment_id: int):
    return BonusClaim.objects.filter(assessment_id=assessment_id).select_related("rule").order_by("idx")


def read_scored(document) -> None:
    """What ``SCORED_WITH`` prefetches, for one document, in as many queries and with less Python
    (a third of the CPU: no prefetch machinery, one instance per indicator): its lines, their
    indicators with every indicator of their groups (an indicator without points of its own shares
    what its group's leave), its bonus claims with their rules."""
    lines = prepared.run(scored_lines, document.pk)
    wanted = sorted({line.indicator_id for line in lines})
    indicators, siblings, groups = {}, {}, {}  # by pk; each group's indicators in number order (Meta.ordering)
    read = prepared.run(indicator_groups, wanted) if wanted else []
    for indicator in sorted(read, key=lambda indicator: (indicator.number, indicator.pk)):
        indicator.group = groups.setdefault(indicator.group_id, indicator.group)
        indicators[indicator.pk] = indicator
        siblings.setdefault(indicator.group_id, []).append(indicator)
    for group_id, members in siblings.items():
        _prefetched(groups[group_id], "indicators", members)
    for line in lines:
        line.indicator, line.assessment = indicators[line.indicator_id], document
    claims = prepared.run(bonus_claims, document.pk)
    for claim in claims:
        claim.assessment = document
    _prefetched(document, "lines", lines)
    _prefetched(document, "bonus_claims", claims)


def _prefetched(instance, relation: str, rows: list) -> None:
    """``instance.<relation>.all()`` answers ``rows`` without a query, as after prefetch_related."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache, queryset._prefetch_done = rows, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset


def category_assessments(period, category: str):
    """The period's self-assessments of ``category``, each with all it is scored with."""
    return (
        category_documents(period.pk, category)
        .select_related("county", "unit", "period__plan")
        .prefetch_related(*SCORED_WITH)
    )


class PeerLine:
    """What scoring one document needs of a peer's line: its value and the scores typed beside it
    (a county scored by the category's average scores its peers' lines). No model instance."""

    FIELDS = (
        "value",
        "self_score",
        "reviewed_score",
        "reviewed_note",
        "reviewed_computed",
        "reviewed_overridden",
        "review_comment",
    )
    __slots__ = ("assessment_id", "indicator_id", "indicator", *FIELDS)

    def __init__(self, indicator, row):
        self.indicator, self.indicator_id = indicator, indicator.pk
        for name, value in zip(("assessment_id", *self.FIELDS), row, strict=True):
            setattr(self, name, value)


class NotInCategoryError(LookupError):
    """The document to be scored is not among its category's documents."""


class CategoryScorer:
    """Scores the self-assessments of one period and category at one stage."""

    def __init__(self, period, category, stage: Stage, focus: int | None = None):
        """``focus``: the pk of the one document to be scored. Its peers are then read for what
        scoring it looks at (their lines' values and typed scores, as ``PeerLine``), not with
        everything a document is scored with; without ``focus`` every document is read in full.
        With ``focus``, ``period`` may be the period's pk: the period comes with the documents, and
        ``category`` may be the assessee as ``(county pk, unit pk)`` (``of``): the documents' query
        finds its category. The focused read's queries are compiled once per process
        (``apps.lowcode.prepared``)."""
        self.period, self.category, self.stage = period, category, stage
        self._values, self._peers = {}, {}  # what one scoring pass looks up again and again
        if focus is None:
            self.assessments = {a.pk: a for a in category_assessments(period, category)}
            return
        period_id = getattr(period, "pk", period)
        if isinstance(category, str):
            documents = category_documents(period_id, category).select_related("county", "unit", "period__plan")
        else:
            documents = in_order(prepared.run(assessee_documents, period_id, *category))
        self.assessments = {a.pk: a for a in documents}
        if focus not in self.assessments:
            raise NotInCategoryError(focus)
        document = self.assessments[focus]
        if not isinstance(category, str):
            self.category = document.category_short_name
        self.period = document.period
        read_scored(document)
        indicators = {line.indicator_id: line.indicator for line in document.lines.all()}
        lines = {(focus, line.indicator_id): line for line in document.lines.all()}
        peers = [pk for pk in self.assessments if pk != focus]
        if peers and indicators:
            for row in prepared.run(peer_lines, sorted(peers), sorted(indicators)):
                lines[row[0], row[1]] = PeerLine(indicators[row[1]], (row[0], *row[2:]))
        self.__dict__["_lines"] = lines

    @classmethod
    def of(cls, assessment, stage: Stage) -> "CategoryScorer":
        """A scorer of the category that scores ``assessment`` (its peers read lean).

        The assessee's category is found by the documents' query itself (a subquery): when the
        assessee is in none, no document comes back and ``category_of`` says why it cannot be scored.
        """
        try:
            return cls(assessment.period_id, (assessment.county_id, assessment.unit_id), stage, focus=assessment.pk)
        except NotInCategoryError:  # not an assessee of the plan (or not in the period)
            return cls(assessment.period_id, category_of(assessment), stage, focus=assessment.pk)

    def at(self, stage: Stage) -> "CategoryScorer":
        """The category as this scorer read it, scored at ``stage``: the passes of one workflow action
        (the 自评 check, then the 初审 scores) share one read of the category.

        Only what was read from the database is shared (the documents with their lines, the official
        values); ``refresh`` keeps the shared lines equal to what it writes. What a pass works out
        (values, peers) is the stage's own. Share a scorer only while nothing else writes the
        category's lines, i.e. inside one action on a locked document.
        """
        if stage is self.stage:
            return self
        other = CategoryScorer.__new__(CategoryScorer)
        other.period, other.category, other.stage = self.period, self.category, stage
        other.assessments = self.assessments
        other._values, other._peers = {}, {}
        for shared in ("_facts", "_lines"):
            if shared in self.__dict__:
                other.__dict__[shared] = self.__dict__[shared]
        return other

    # -- values ---------------------------------------------------------------

    def value(self, assessment, line) -> tuple[Decimal | None, str, str]:
        """(value, basis, note) a line is scored on; raises ScoringError for a value that is not a number."""
        key = (assessment.pk, line.indicator_id)
        if key not in self._values:
            try:
                self._values[key] = self._value(assessment, line)
            except ScoringError as exc:
                self._values[key] = exc
        if isinstance(self._values[key], ScoringError):
            raise self._values[key]
        return self._values[key]

    def _value(self, assessment, line) -> tuple[Decimal | None, str, str]:
        source = line.indicator.value_source
        if source in MONTHLY_SOURCES:
            if not assessment.unit_id:
                raise ScoringError("此取值来源只适用于市直单位")
            counted = getattr(monthly_reports, MONTHLY_SOURCES[source])(assessment.unit, self.period)
            return counted.value, ValueSource(source).label.split("（")[0], counted.explanation
        official = self.official_values.get((assessment.county_id, line.indicator_id))
        if self.stage is Stage.REVIEWED and official is not None:
            reported = f"（填报值 {line.value}）" if line.value else ""
            return official, OFFICIAL, f"核定值 {text(official)}{reported}"
        value = parse_value(line.value)
        return value, "填报值", f"填报值 {text(value)}" if value is not None else ""

    @cached_property
    def _facts(self) -> tuple[dict, set]:
        """``official_values`` and ``averaged``, which every pass needs, in one query (a UNION ALL)."""
        counties = sorted({a.county_id for a in self.assessments.values() if a.county_id}) or [0]
        rows = prepared.run(period_facts, self.period.pk, counties)
        values, pairs = {}, set()
        for county, indicator, value, is_averaged in rows:
            if is_averaged:
                pairs.add((county, indicator))
            else:
                values[county, indicator] = value
        return values, pairs

    @property
    def official_values(self) -> dict:
        """{(county pk, indicator pk): value} confirmed by the departments; the lines carry a copy for display."""
        return self._facts[0]

    def official_of(self, assessment, indicator) -> Decimal | None:
        return self.official_values.get((assessment.county_id, indicator.pk)) if assessment.county_id else None

    # -- targets --------------------------------------------------------------

    @cached_property
    def plan_targets(self) -> list:
        """Every assessee target of the period's plan (one query per scorer; a plan has a few hundred)."""
        return list(AssesseeTarget.objects.filter(indicator__group__plan=self.period.plan_id))

    @cached_property
    def assessee_targets(self) -> dict:
        """{(county pk, unit pk, indicator pk): AssesseeTarget} applying to the period: a target set for
        the period itself wins over one set for the year the period ends in."""
        found, year = {}, period_year(self.period)
        for row in self.plan_targets:
            key = (row.county_id, row.unit_id, row.indicator_id)
            if row.period_id == self.period.pk:
                row.period = self.period  # its title is what the explanation says
                found[key] = row
            elif row.year == year and key not in found:
                found[key] = row
        return found

    @cached_property
    def targeted_indicators(self) -> set:
        """Indicators of the plan with assessee targets (any year or period): their lines say whose target
        they used. Elsewhere there is only the indicator's own, and the explanation stays as it was."""
        return {row.indicator_id for row in self.plan_targets}

    def rule(self, assessment, indicator) -> tuple[Rule, str]:
        """The indicator's rule with the assessee's own target and floor for the period where it has them,
        and what the explanation says of the target used ("目标值 15（本单位2023年目标）")."""
        rule = indicator.rule()
        if rule.method not in TARGETED or indicator.pk not in self.targeted_indicators:
            return rule, ""
        own = self.assessee_targets.get((assessment.county_id, assessment.unit_id, indicator.pk))
        if own is not None:
            floor = own.floor if own.floor is not None else rule.floor
            rule, whose = replace(rule, target=own.target, floor=floor), f"本单位{own.applies_to}目标"
        # What the method reads: a formula names it, 完成率法 has no floor.
        uses_target = rule.method != Method.FORMULA or "target" in rule.formula
        uses_floor = rule.floor is not None and (
            rule.method == Method.EFFICACY or (rule.method == Method.FORMULA and "floor" in rule.formula)
        )
        if not (uses_target or uses_floor):
            return rule, ""
        if own is None:
            if rule.target is None:
                return rule, "指标未设目标值"
            floor = f"、不允许值 {text(rule.floor)}" if uses_floor else ""
            return rule, f"目标值 {text(rule.target)}{floor}（指标目标）"
        if not uses_floor:
            return rule, f"目标值 {text(rule.target)}（{whose}）"
        if own.floor is not None:
            return rule, f"目标值 {text(rule.target)}、不允许值 {text(rule.floor)}（{whose}）"
        return rule, f"目标值 {text(rule.target)}（{whose}）、不允许值 {text(rule.floor)}（指标）"

    @cached_property
    def _lines(self) -> dict:
        """{(assessment pk, indicator pk): line}."""
        return {(a.pk, line.indicator_id): line for a in self.assessments.values() for line in a.lines.all()}

    def peer_values(self, indicator) -> dict:
        """The category's values of an indicator, counties scored by average left out."""
        if indicator.pk in self._peers:
            return self._peers[indicator.pk]
        values = self._peers[indicator.pk] = {}
        for assessment in self.assessments.values():
            line = self._lines.get((assessment.pk, indicator.pk))
            if line is None or self.is_averaged(assessment, indicator):
                continue
            try:
                values[assessment.pk] = self.value(assessment, line)[0]
            except ScoringError:
                values[assessment.pk] = None
        return values

    def peers(self, indicator) -> Peers:
        """``Peers`` of ``peer_values``, built once per indicator (their known values worked out once)."""
        built = self.__dict__.setdefault("_peer_sets", {})
        if indicator.pk not in built:
            built[indicator.pk] = Peers(self.peer_values(indicator))
        return built[indicator.pk]

    # -- scores ---------------------------------------------------------------

    @property
    def averaged(self) -> set:
        """{(county pk, indicator pk)} of the category's counties scored by the category's average."""
        return self._facts[1]

    def is_averaged(self, assessment, indicator) -> bool:
        return bool(assessment.county_id) and (assessment.county_id, indicator.pk) in self.averaged

    def result(self, assessment, line) -> LineResult:
        indicator = line.indicator
        if indicator.is_bonus:
            return self.with_override(line, self.bonus(assessment, indicator))
        if self.is_averaged(assessment, indicator):
            return self.with_override(line, self.average(assessment, indicator))
        return self.own_result(assessment, line)

    def typed(self, line) -> tuple[Decimal | None, str]:
        """The score a person typed for this stage, and its basis. The office's 初审得分 defaults to the
        自评分: it only writes where it disagrees. A defaulted score is recognised by its note, which names
        it anywhere (an automatic line without a value first says why it fell back on a typed score)."""
        if self.stage is Stage.SELF:
            return line.self_score, "自评打分"
        defaulted = ADOPTED in line.reviewed_note and line.reviewed_score == line.self_score
        if line.reviewed_score is not None and not defaulted:
            return line.reviewed_score, "评审打分"
        return line.self_score, ADOPTED

    def own_result(self, assessment, line) -> LineResult:
        rule, target_note = self.rule(assessment, line.indicator)
        typed, manual_basis = self.typed(line)
        by_hand = f"{manual_basis} {text(typed)}" if typed is not None else "尚未打分"
        if not rule.automatic:
            return LineResult(typed, by_hand, manual_basis)
        # An automatic line without a usable value falls back on the score typed by hand.
        try:
            value, basis, note = self.value(assessment, line)
        except ScoringError as exc:
            return LineResult(typed, f"{exc}，无法自动计分；{by_hand}", manual_basis)
        if value is None:
            return LineResult(typed, f"未填写指标值，无法自动计分；{by_hand}", manual_basis)
        note = f"{note}；{target_note}" if target_note else note
        try:
            peers = self.peers(line.indicator) if rule.needs_peers else None
            scored = apply(rule, value, assessment.pk, peers, official=self.official_of(assessment, line.indicator))
        except ScoringError as exc:
            return LineResult(None, f"{note}；{rule.label}无法计分：{exc}", basis, value)
        return self.with_override(
            line, LineResult(scored.score, f"{note}；{rule.label}：{scored.explanation}", basis, value)
        )

    def with_override(self, line, computed: LineResult) -> LineResult:
        """The office may override a computed 初审得分 (with its reason in the line's 初审意见).

        A typed score is recognised against the computed score last written beside it
        (``reviewed_computed``): a 初审得分 that differs from it was typed by a person, not
        left over from an earlier computation. Once overridden, it stands through every
        recomputation until the office clears it (the computed score then applies again) or
        types the computed score itself.
        """
        if computed.score is None:
            return computed  # nothing computed yet (an undecided bonus claim): the line is incomplete
        computed = LineResult(  # replace(computed, computed=computed.score), without its cost
            computed.score, computed.explanation, computed.basis, computed.value, computed.score, computed.overridden
        )
        typed = line.reviewed_score
        if self.stage is not Stage.REVIEWED or typed is None or typed == computed.score:
            return computed
        if not (line.reviewed_overridden or (line.reviewed_computed is not None and typed != line.reviewed_computed)):
            return computed  # a score computed before (the data changed since): recomputed
        reason = line.review_comment.strip()
        because = f"，理由：{reason}" if reason else "，未说明理由"
        return replace(
            computed,
            score=typed,
            overridden=True,
            explanation=(f"{computed.explanation}；计算得分 {text(computed.score)}，初审调整为 {text(typed)}{because}"),
        )

    def average(self, assessment, indicator) -> LineResult:
        """附件3: a county whose S&T indicators cannot be counted separately scores its category's average."""
        scores = []
        for peer in self.assessments.values():
            line = self._lines.get((peer.pk, indicator.pk))
            if peer.pk == assessment.pk or line is None or self.is_averaged(peer, indicator):
                continue
            result = self.own_result(peer, line)
            if result.score is not None:
                scores.append((peer.assessee.name, result.score))
        if not scores:
            return LineResult(None, f"难以单独统计，按{self.category}平均得分计算，但同类尚无得分", "同类平均")
        average = rounded(sum(score for _, score in scores) / len(scores))
        parts = " + ".join(text(score) for _, score in scores)
        return LineResult(
            average, f"难以单独统计，按{self.category}平均得分计算：({parts}) ÷ {len(scores)} = {average}", "同类平均"
        )

    def bonus(self, assessment, indicator) -> LineResult:
        """附表3-1 第15项: the catalogue's points per claim, the total capped at the item's points.
        Under review every claim must have been decided (核定数量, 0 for none)."""
        reviewed = self.stage is Stage.REVIEWED
        parts, undecided, total = [], [], Decimal(0)
        for claim in assessment.bonus_claims.all():
            what = f"{claim.rule.item}（{claim.description}）"
            quantity = claim.accepted_quantity if reviewed else claim.quantity
            if quantity is None:
                undecided.append(f"{what}未核定")
            elif quantity == 0:
                parts.append(f"{what}不予认定")
            else:
                points = claim.points_for(quantity)
                total += points
                per = f"{quantity} 个 × {text(claim.rule.points)}" if claim.rule.per_occurrence else ""
                parts.append(f"{what}{per} = {text(points)}" if per else f"{what}{text(points)}")
        if undecided:
            return LineResult(None, "、".join(undecided), "加分申报", total)
        if not parts:
            return LineResult(Decimal("0.00"), "无加分申报", "加分申报", Decimal(0))
        cap = indicator.weight
        capped = rounded(min(total, cap))
        over = f"，超过上限 {text(cap)} 分，按 {text(cap)} 分计" if total > cap else ""
        return LineResult(capped, f"{'；'.join(parts)}；合计 {text(total)} 分{over}", "加分申报", total)

    def results(self, assessment) -> list[tuple[SelfAssessmentLine, LineResult]]:
        return [(line, self.result(assessment, line)) for line in assessment.lines.all()]


# -- writing scores ----------------------------------------------------------


class Writes:
    """The writes of a pass over many documents (``recompute_period``), sent together at its end:
    the changed lines in a few statements instead of one per document. Safe while nothing in the
    pass reads back what it wrote (the scorers hold the lines as written)."""

    def __init__(self):
        self.lines: dict[tuple, list] = {}  # the fields written -> the lines (instances or ``LeanLine``)
        self.totals: dict[int, SelfAssessment] = {}

    def flush(self) -> None:
        by_fields = {}  # a ``LeanLine`` writes only the fields that differ from what was read
        for fields, lines in self.lines.items():
            for line in lines:
                changed = line.changed(fields) if isinstance(line, LeanLine) else fields
                if changed:
                    by_fields.setdefault(changed, []).append(line)
        for fields, lines in by_fields.items():
            update_values(
                SelfAssessmentLine, list(fields), [(line.pk, *map(line.__getattribute__, fields)) for line in lines]
            )
        update_rows(list(self.totals.values()), ["self_total", "reviewed_total"])
        self.lines, self.totals = {}, {}


def refresh(
    assessment, stage: Stage, scorer: CategoryScorer | None = None, writes: Writes | None = None
) -> list[tuple[SelfAssessmentLine, LineResult]]:
    """Write a stage's scores and their explanations onto the lines, and the totals onto the assessment.

    At review, a computed score the office overrode needs its reason (the line's 初审意见): without
    one the save is refused, never silently reverted to the computed score.

    ``scorer``: the category as an earlier pass of the same action read it (see ``CategoryScorer.at``);
    the lines it holds are updated with what is written here, so that the next pass needs no new read.
    ``writes``: collects the writes instead of sending them (see ``Writes``).
    """
    scorer = scorer.at(stage) if scorer is not None else CategoryScorer.of(assessment, stage)
    results = scorer.results(scorer.assessments[assessment.pk])
    if stage is Stage.REVIEWED:
        ensure_override_reasons(results)
    changed, fields = [], [stage.score_field, stage.note_field]
    if stage is Stage.REVIEWED:
        fields += ["reviewed_computed", "reviewed_overridden"]
    for line, result in results:
        values = dict(zip(fields, (result.score, result.explanation, result.computed, result.overridden)))
        if any(getattr(line, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(line, field, value)
            changed.append(line)
    if changed and writes is not None:
        writes.lines.setdefault(tuple(fields), []).extend(changed)
    elif changed:  # one statement for the lines whose scores changed
        update_rows(changed, fields)
    write_totals(assessment, scorer.assessments[assessment.pk], [line for line, _ in results], writes)
    return results


def write_totals(assessment, read, lines, writes: Writes | None = None) -> None:
    """The totals of the document's lines (``SelfAssessment.update_totals`` without reading them back).

    ``lines``: every line of the document as the scorer holds them, equal to what was written;
    ``read``: the document as the scorer read it, with the totals its row holds. The row is written
    only when its totals change; ``assessment`` (the caller's instance) gets them either way.
    """

    def total(scores):
        scores = [score for score in scores if score is not None]
        return rounded(sum(scores)) if scores else None  # as SQL's SUM: NULL when nothing is scored

    totals = {
        "self_total": total(line.self_score for line in lines),
        "reviewed_total": total(line.reviewed_score for line in lines),
    }
    if any(getattr(read, name) != value for name, value in totals.items()):
        if writes is not None:
            writes.totals[read.pk] = read  # written as they are set below
        else:
            SelfAssessment.objects.filter(pk=read.pk).update(**totals)
    for name, value in totals.items():
        setattr(read, name, value)
        setattr(assessment, name, value)


def ensure_override_reasons(results) -> None:
    unexplained = [(line, result) for line, result in results if result.overridden and not line.review_comment.strip()]
    if unexplained:
        listed = "；".join(
            f"第{line.indicator.number}项（计算得分 {text(result.computed)}，你填写的初审得分 {text(result.score)}）"
            for line, result in unexplained
        )
        raise ValidationError(
            f"以下指标的初审得分与按计分方法算出的得分不同：{listed}。调整计算得分须在该项的"
            "“初审意见”中说明理由；如不调整，请清空初审得分，将采用计算得分"
        )


def refresh_current(assessment, scorer_at=None, workflow=None, writes: Writes | None = None) -> None:
    """The scores of the stage the document is in: 自评 in a draft, 初审 under review; approved ones stand.

    ``scorer_at(assessment, stage)``: the scorer of the document's category read earlier in the same
    pass (see ``recompute_period``); without it the category is read for this document. ``workflow``:
    the document's workflow, read once for a pass over many."""
    current = engine.current_state(assessment, workflow)
    if current is None or current.state_type == StateType.EDITABLE:
        stage = Stage.SELF
    elif current.state_type == StateType.SUBMITTED:
        stage = Stage.REVIEWED
    else:
        assessment.update_totals()
        return
    refresh(assessment, stage, scorer_at(assessment, stage) if scorer_at else None, writes)


def missing_scores(results) -> str:
    """The lines without a score, grouped by reason: "第11、12项（尚未打分）；第3项（“abc”不是数字…）"."""
    by_reason = {}
    for line, result in results:
        if result.score is None:
            by_reason.setdefault(result.explanation, []).append(str(line.indicator.number))
    return "；".join(f"第{'、'.join(numbers)}项（{reason}）" for reason, numbers in by_reason.items())


def ensure_complete(
    assessment, stage: Stage, doing: str = "请补充后再办理", scorer: CategoryScorer | None = None
) -> list:
    """Refuse to move on while a line has no score for the stage, saying which and why."""
    results = refresh(assessment, stage, scorer)
    missing = missing_scores(results)
    if missing:
        raise ValidationError(f"以下指标尚无{stage.label}得分，{doing}：{missing}")
    return results


@transaction.atomic
def freeze(assessment, user=None, scorer: CategoryScorer | None = None) -> Score:
    """The leading group approved: the office's scores become the frozen Score, and the category is re-ranked."""
    results = ensure_complete(assessment, Stage.REVIEWED, "不能审定", scorer)
    assessment = SelfAssessment.objects.select_related("period", "county", "unit").get(pk=assessment.pk)
    subtotal = sum((r.score for line, r in results if not line.indicator.is_bonus), Decimal(0))
    bonus = [(line, r) for line, r in results if line.indicator.is_bonus]
    bonus_claimed = sum((r.value or Decimal(0) for _, r in bonus), Decimal(0))
    bonus_counted = sum((r.score for _, r in bonus), Decimal(0))
    score, _ = Score.objects.update_or_create(
        self_assessment=assessment,
        defaults=dict(
            name=assessment.name,
            period=assessment.period,
            scheme=assessment.scheme,
            county=assessment.county,
            unit=assessment.unit,
            category=category_of(assessment),
            subtotal=rounded(subtotal),
            bonus_claimed=rounded(bonus_claimed),
            bonus=rounded(bonus_counted),
            total=rounded(subtotal + bonus_counted),
            approved_at=timezone.now(),
            approved_by=user,
            owner=user,
            modified_by=user,
        ),
    )
    score.lines.all().delete()
    ScoreLine.objects.bulk_create(
        [
            ScoreLine(
                score=score,
                idx=idx,
                name=f"{score.name}-{line.indicator.number:02d}",
                indicator=line.indicator,
                points=line.indicator.weight,
                reported_value=line.value,
                official_value=result.value if result.basis == OFFICIAL else None,
                basis=result.shown_basis,
                result=result.score,
                explanation=result.explanation,
            )
            for idx, (line, result) in enumerate(results, start=1)
        ]
    )
    ranking.rerank(score.period, score.category)
    return score


def frozen_differences(score: Score, scorer: CategoryScorer | None = None) -> list[str]:
    """What a fresh computation would change in a frozen score (it stays as approved; the office sees why)."""
    scorer = scorer or CategoryScorer.of(score.self_assessment, Stage.REVIEWED)
    fresh = {line.indicator_id: result for line, result in scorer.results(scorer.assessments[score.self_assessment_id])}
    return [
        f"{score.assessee} 第{line.indicator.number}项：已审定 {line.result}，按现有数据为 {fresh[line.indicator_id].score}"
        for line in score.lines.select_related("indicator")
        if line.indicator_id in fresh and fresh[line.indicator_id].score != line.result
    ]


def prefill_monthly_values(assessment) -> None:
    """A new unit self-assessment shows what its monthly reports say (late reports, tasks completed)
    as the value and evidence of the lines scored on them."""
    if not assessment.unit_id:
        return
    for line in assessment.lines.select_related("indicator"):
        source = line.indicator.value_source
        if source in MONTHLY_SOURCES:
            counted = getattr(monthly_reports, MONTHLY_SOURCES[source])(assessment.unit, assessment.period)
            SelfAssessmentLine.objects.filter(pk=line.pk).update(
                value=text(counted.value), evidence=counted.explanation
            )


MONTHLY_SOURCES = {ValueSource.LATE_REPORTS: "late_reports", ValueSource.TASK_COMPLETION: "task_completion"}


# -- the bulk path: a whole period (``recompute_period``) --------------------


class LeanLine:
    """A line as a pass over a whole period scores and writes it: its columns as read (a tuple), and
    its indicator, one instance per indicator of the plan shared by all lines. No model instance: a
    period has 60,000 lines, and a model instance per line with its own indicator and group is most of
    what made the pass take ~450 MB and ~9 s of CPU (README, National scale). ``read``: the row as read,
    so that ``Writes`` sends only the fields that changed (``update_values``)."""

    FIELDS = (
        "id",
        "assessment_id",
        "indicator_id",
        "value",
        "self_score",
        "self_note",
        "reviewed_score",
        "reviewed_note",
        "reviewed_computed",
        "reviewed_overridden",
        "review_comment",
    )
    __slots__ = (*FIELDS, "indicator", "read")
    INDEX = {name: index for index, name in enumerate(FIELDS)}

    def __init__(self, indicator, row):
        self.indicator, self.read = indicator, row
        (
            self.id,
            self.assessment_id,
            self.indicator_id,
            self.value,
            self.self_score,
            self.self_note,
            self.reviewed_score,
            self.reviewed_note,
            self.reviewed_computed,
            self.reviewed_overridden,
            self.review_comment,
        ) = row

    @property
    def pk(self) -> int:
        return self.id

    def changed(self, fields) -> tuple:
        """Those of ``fields`` whose value differs from the one read."""
        return tuple(name for name in fields if getattr(self, name) != self.read[self.INDEX[name]])


class BulkScorer(CategoryScorer):
    """A category scored by ``recompute_period``: the documents the pass read (bonus claims prefetched),
    their lines read as tuples (``LeanLine``) with the plan's indicators read once for the pass, the
    indicators' rules built once. Scores exactly as ``CategoryScorer`` with every document read in full.
    """

    def __init__(self, period, category: str, stage: Stage, documents: list, indicators: dict, rules: dict):
        self.period, self.category, self.stage = period, category, stage
        self._values, self._peers, self._rules = {}, {}, rules
        prefetch_related_objects(documents, Prefetch("bonus_claims", BonusClaim.objects.select_related("rule")))
        self.assessments = {document.pk: document for document in documents}
        self._documents_lines = {pk: [] for pk in self.assessments}
        lines = {}
        rows = SelfAssessmentLine.objects.filter(assessment_id__in=list(self.assessments))
        for row in rows.order_by("assessment_id", "idx").values_list(*LeanLine.FIELDS):
            line = LeanLine(indicators[row[2]], row)
            lines[row[1], row[2]] = line
            self._documents_lines[row[1]].append(line)
        self.__dict__["_lines"] = lines

    def at(self, stage: Stage) -> "BulkScorer":
        other = super().at(stage)
        if other is not self:
            other.__class__ = BulkScorer
            other._documents_lines, other._rules = self._documents_lines, self._rules
        return other

    def rule(self, assessment, indicator) -> tuple[Rule, str]:
        if indicator.pk in self.targeted_indicators:  # an assessee's own target may apply
            return super().rule(assessment, indicator)
        if indicator.pk not in self._rules:
            self._rules[indicator.pk] = indicator.rule()
        return self._rules[indicator.pk], ""

    def results(self, assessment) -> list[tuple[LeanLine, LineResult]]:
        return [(line, self.result(assessment, line)) for line in self._documents_lines[assessment.pk]]


def plan_indicators(plan_id) -> dict:
    """{pk: Indicator} of a plan, with their groups and the groups' indicators (what ``weight`` reads)."""
    indicators = Indicator.objects.filter(group__plan=plan_id).select_related("group")
    return {indicator.pk: indicator for indicator in indicators.prefetch_related("group__indicators")}


@dataclass
class Recomputed:
    refreshed: int = 0
    frozen: int = 0
    differences: list = field(default_factory=list)

    @property
    def message(self) -> str:
        text_ = f"已重新计算 {self.refreshed} 份自评报告的得分，{self.frozen} 份已审定得分保持不变，各类别已重新排名"
        if self.differences:
            text_ += "。以下已审定得分与现有数据不一致（如需更改，请退回后重新审定）：" + "；".join(self.differences)
        return text_


@transaction.atomic
def recompute_period(period) -> Recomputed:
    """Bring every score of a period up to date with its data; idempotent.

    Drafts get their 自评分 again and documents under review their 初审得分;
    approved (frozen) scores are never changed here, only compared, so that the
    office learns when data changed after an approval. Then every category is re-ranked.
    """
    result = Recomputed()
    # Category by category: one read of a category (its lines as tuples, ``BulkScorer``) serves all its
    # documents at both stages (``CategoryScorer.at`` shares the lines): ``refresh`` keeps the lines it
    # holds equal to what it writes, frozen scores are compared, never written, so the data stays current
    # through the category — as reading it again for every document would see it. The category's writes
    # are sent when it is done and its lines let go: memory holds one category's lines, not the period's.
    categories = {
        (county, unit): category
        for county, unit, category in PlanAssessee.objects.filter(plan=period.plan_id).values_list(
            "county_id", "unit_id", "category__short_name"
        )
    }
    assessments = list(SelfAssessment.objects.filter(period=period).select_related("county", "unit", "period"))
    workflow = engine.workflow_of(assessments[0]) if assessments else None
    by_category: dict[str | None, list] = {}  # the period's order kept within each category
    for assessment in assessments:
        by_category.setdefault(categories.get((assessment.county_id, assessment.unit_id)), []).append(assessment)
    indicators = plan_indicators(period.plan_id) if assessments else {}
    rules, done = {}, 0
    for category, documents in by_category.items():
        scorers = {}

        def scorer_at(assessment, stage: Stage, category=category, documents=documents, scorers=scorers):
            if category is None:
                return None  # not an assessee of the plan: refresh reads it alone and says why
            if stage not in scorers:
                read = next(iter(scorers.values()), None)
                scorers[stage] = (read or BulkScorer(period, category, stage, documents, indicators, rules)).at(stage)
            return scorers[stage]

        writes = Writes()  # the category's lines and totals, sent together when it is done
        final = [assessment.pk for assessment in documents if engine.is_final(assessment, workflow)]
        frozen = Score.objects.filter(self_assessment__in=final).select_related("county", "unit") if final else []
        frozen = {score.self_assessment_id: score for score in frozen}
        for assessment in documents:
            publish_progress(
                done,
                len(assessments),
                f"正在计算{assessment.assessee}的得分（第 {done + 1} 份，共 {len(assessments)} 份）",
            )
            done += 1
            if engine.is_final(assessment, workflow):
                score = frozen.get(assessment.pk)
                if score is not None:
                    result.frozen += 1
                    result.differences += frozen_differences(
                        score, scorer_at(assessment, Stage.REVIEWED) or CategoryScorer.of(assessment, Stage.REVIEWED)
                    )
                continue
            refresh_current(assessment, scorer_at, workflow, writes)
            result.refreshed += 1
        writes.flush()
        for assessment in documents:  # the bonus claims the category's scorer prefetched
            assessment.__dict__.pop("_prefetched_objects_cache", None)
    publish_progress(len(assessments), len(assessments), "正在排名")
    ranking.rerank_period(period)
    publish_progress(len(assessments), len(assessments), f"{period.title}：{result.message}")
    return result


def recompute_period_job(period_name: str) -> dict:
    """重新计算得分与排名 as a background job: the answer the API gives."""
    from apps.innovation_action.services.periods import named

    result = recompute_period(named(period_name))
    return {
        "refreshed": result.refreshed,
        "frozen": result.frozen,
        "differences": result.differences,
        "message": result.message,
    }
