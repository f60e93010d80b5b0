"""A scoring rule as data: the method an administrator chose and its parameters.

Any doctype that scores something (an indicator of an assessment scheme) keeps
these parameters in its own fields and hands them here as a ``Rule``; this
module checks them (``rule_errors``, for the form that edits them) and applies
them (``apply``). Relative methods (ratio to the best, rank points) compare a
value with its peers: the values of the others being ranked with it.
"""

import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models

from apps.lowcode.expressions import ExpressionError, check
from apps.lowcode.scoring import methods
from apps.lowcode.scoring.methods import D, Scored, ScoringError, rounded, text


class Method(models.TextChoices):
    MANUAL = "manual", "评审打分"
    COMPLETION_RATE = "completion_rate", "完成率法（对照目标值，可封顶）"
    RATIO_TO_BEST = "ratio_to_best", "比最优法（与同类最优值相比）"
    RANK_POINTS = "rank_points", "位次法（按同类排名递减）"
    EFFICACY = "efficacy_coefficient", "功效系数法"
    DEDUCTION = "deduction", "扣分法（每次扣分，扣完为止）"
    FORMULA = "formula", "自定义公式"


# What each method needs besides the value and the points, as the fields' Chinese labels.
REQUIRED = {
    Method.COMPLETION_RATE: {"target": "目标值"},
    Method.RANK_POINTS: {"step": "每降一位扣分"},
    Method.EFFICACY: {"target": "目标值（满分值）", "floor": "不允许值（底线值）"},
    Method.DEDUCTION: {"deduction": "每次扣分"},
    Method.FORMULA: {"formula": "计分公式"},
}
RELATIVE = {Method.RATIO_TO_BEST, Method.RANK_POINTS}
# The names a formula may use (see by_formula), checked when the formula is saved. All are numbers
# except ``official``: the officially confirmed value, None where there is none.
FORMULA_NAMES = ("value", "target", "floor", "official", "points", "best", "worst", "average", "rank", "count")


@dataclass(frozen=True)
class Rule:
    method: str
    points: Decimal
    target: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal = Decimal(1)
    step: Decimal | None = None
    deduction: Decimal | None = None
    formula: str = ""
    higher_is_better: bool = True

    @property
    def automatic(self) -> bool:
        return self.method != Method.MANUAL

    @property
    def needs_peers(self) -> bool:
        """Relative methods and formulas (best, average, rank) look at the others' values."""
        return self.method in RELATIVE or self.method == Method.FORMULA

    @property
    def label(self) -> str:
        return Method(self.method).label.split("（")[0]


def rule_errors(rule: Rule) -> dict[str, str]:
    """Missing or inconsistent parameters, by field name, in Chinese; empty when the rule can score."""
    errors = {}
    for name, label in REQUIRED.get(rule.method, {}).items():
        if getattr(rule, name) in (None, ""):
            errors[name] = f"{rule.label}须填写{label}"
    if rule.method == Method.COMPLETION_RATE and rule.target is not None and rule.target <= 0:
        errors["target"] = "完成率法的目标值须大于 0"
    if rule.method == Method.EFFICACY and None not in (rule.target, rule.floor) and rule.target <= rule.floor:
        errors["floor"] = "功效系数法的不允许值须小于目标值"
    if rule.cap is not None and rule.cap < 1:
        errors["cap"] = "封顶系数不能小于 1（1 表示完成目标即满分）"
    if rule.method == Method.FORMULA and rule.formula:
        try:
            check(rule.formula, dict.fromkeys(FORMULA_NAMES))
        except ExpressionError as exc:
            errors["formula"] = str(exc)
    return errors


@functools.lru_cache(maxsize=1024)
def checked(rule: Rule) -> tuple[str, ...]:
    """``rule_errors`` of a rule (immutable), worked out once: a period scores 60,000 lines with a few rules."""
    return tuple(rule_errors(rule).values())


def parse_value(raw) -> Decimal | None:
    """A reported value as a number: "2.35", " 2.35% ", "1,200" → Decimal; empty → None."""
    if raw is None or isinstance(raw, Decimal):
        return raw
    cleaned = str(raw).strip().replace(",", "").replace("，", "").rstrip("%％").strip()
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ScoringError(f"“{raw}”不是数字") from None
    if not number.is_finite():
        raise ScoringError(f"“{raw}”不是数字")
    return number


@dataclass(frozen=True)
class Peers:
    """The values scored against each other (the assessee's own included), by key."""

    values: dict = field(default_factory=dict)

    def known(self) -> dict:
        """The values there are, as a new dict (the caller adds its own); worked out once per ``Peers``:
        a category's lines of one indicator are scored against the same peers."""
        known = self.__dict__.get("_known")
        if known is None:
            known = {key: value for key, value in self.values.items() if value is not None}
            object.__setattr__(self, "_known", known)
        return dict(known)


def apply(rule: Rule, value, key=None, peers: Peers | None = None, official=None) -> Scored:
    """The score of ``value`` under ``rule``; ``key`` names the assessee among ``peers``.

    ``official`` is the officially confirmed value, if any, offered to formulas (``value`` is what is
    scored: the caller decides whether that is the official or the reported one)."""
    errors = checked(rule)
    if errors:
        raise ScoringError("；".join(errors))
    if rule.method == Method.MANUAL:
        raise ScoringError("评审打分的指标由评审人填写得分")
    if value is None:
        raise ScoringError("缺少指标值")
    value = D(value)
    if rule.method == Method.COMPLETION_RATE:
        return methods.completion_rate(value, rule.target, rule.points, rule.cap)
    if rule.method == Method.EFFICACY:
        return methods.efficacy_coefficient(value, rule.floor, rule.target, rule.points)
    if rule.method == Method.DEDUCTION:
        return deduct(value, rule.deduction, rule.points)
    known = (peers or Peers()).known()
    known[key] = value
    if rule.method == Method.RATIO_TO_BEST:
        return ratio_to_best(rule, value, known)
    if rule.method == Method.RANK_POINTS:
        rank = methods.competition_ranks(known, rule.higher_is_better)[key]
        scored = methods.rank_points(rank, rule.points, rule.step)
        return Scored(scored.score, f"{text(value)} 在同类 {len(known)} 个中{scored.explanation}")
    return by_formula(rule, value, key, known, official)


def ratio_to_best(rule: Rule, value: Decimal, known: dict) -> Scored:
    if rule.higher_is_better:
        return methods.ratio_to_best(value, max(known.values()), rule.points)
    # Lower is better (e.g. energy per unit): the best is the smallest, and the score is best ÷ value.
    best = min(known.values())
    if value <= 0:
        return Scored(rounded(rule.points), f"{text(value)} 为同类最优，得满分 {rounded(rule.points)}")
    score = rounded(rule.points * min(best / value, 1))
    return Scored(score, f"数值越小越好：得分 = {text(rule.points)} × 同类最优 {text(best)} ÷ {text(value)} = {score}")


def deduct(count, per_item, points) -> Scored:
    """扣分法: points − count × per_item, not below 0 ("扣完为止")."""
    count, per_item, points = D(count), D(per_item), D(points)
    if count < 0:
        raise ScoringError("扣分次数不能为负数")
    score = rounded(max(points - count * per_item, Decimal(0)))
    floor_note = "，扣完为止" if points - count * per_item < 0 else ""
    return Scored(score, f"{text(points)} − {text(count)} 次 × {text(per_item)} 分 = {score}{floor_note}")


def by_formula(rule: Rule, value: Decimal, key, known: dict, official=None) -> Scored:
    values = list(known.values())
    names = {
        "value": value,
        "points": rule.points,
        "target": rule.target if rule.target is not None else 0,
        "floor": rule.floor if rule.floor is not None else 0,
        "official": D(official) if official is not None else None,
        "best": max(values) if rule.higher_is_better else min(values),
        "worst": min(values) if rule.higher_is_better else max(values),
        "average": sum(values) / len(values),
        "rank": methods.competition_ranks(known, rule.higher_is_better)[key],
        "count": len(values),
    }
    return methods.formula(rule.formula, names, rule.points)
