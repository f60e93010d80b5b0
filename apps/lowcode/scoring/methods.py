"""Scoring methods as plain functions: each gives a score and says, in Chinese, how it was reached.

The assessment scheme of seed 000 leaves the method of each quantitative
indicator to configuration (DESIGN.md §4); these are the usual ones. Scores
are Decimals rounded half-up to two places, as a notice prints them.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from apps.lowcode.expressions import ExpressionError, evaluate
from apps.lowcode.numbers import number_text

CENT = Decimal("0.01")


class ScoringError(ValueError):
    """A method that cannot score with the parameters given; the message is Chinese."""


@dataclass(frozen=True)
class Scored:
    score: Decimal
    explanation: str


def D(value) -> Decimal:  # noqa: N802 - reads like the constructor it wraps
    return value if isinstance(value, Decimal) else Decimal(str(value))


def rounded(value) -> Decimal:
    return D(value).quantize(CENT, rounding=ROUND_HALF_UP)


text = number_text  # a number as a reader writes it: 90, 2.5, 0.35


def completion_rate(value, target, points, cap=1) -> Scored:
    """完成率法: points × min(value ÷ target, cap)."""
    value, target, points, cap = D(value), D(target), D(points), D(cap)
    if target <= 0:
        raise ScoringError("完成率法的目标值须大于 0")
    rate = value / target
    used = min(rate, cap)
    capped = "（封顶）" if rate > cap else ""
    score = rounded(points * used)
    return Scored(
        score,
        f"完成率 = {text(value)} ÷ {text(target)} = {text(rounded(rate * 100))}%{capped}；"
        f"得分 = {text(points)} × {text(rounded(used * 100))}% = {score}",
    )


def ratio_to_best(value, best, points) -> Scored:
    """比最优法: points × value ÷ the best value in the category."""
    value, best, points = D(value), D(best), D(points)
    if best <= 0:
        return Scored(rounded(0), f"同类最优值为 {text(best)}，无法比较，得 0 分")
    score = rounded(points * min(value / best, 1))
    return Scored(score, f"得分 = {text(points)} × {text(value)} ÷ 同类最优 {text(best)} = {score}")


def competition_ranks(values: dict, higher_is_better: bool = True) -> dict:
    """Ranks with ties sharing a rank and the next rank skipped (1, 2, 2, 4), as rankings are published."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def rank_points(rank: int, points, step) -> Scored:
    """位次法: the first gets full points, each rank below loses ``step``, never below 0."""
    points, step = D(points), D(step)
    if rank < 1:
        raise ScoringError("位次应从 1 开始")
    score = rounded(max(points - (rank - 1) * step, 0))
    return Scored(score, f"第{rank}位：{text(points)} − ({rank} − 1) × {text(step)} = {score}")


def efficacy_coefficient(value, floor, target, points) -> Scored:
    """功效系数法: 60 + 40 × (value − floor) ÷ (target − floor), kept within 60..100, times points ÷ 100."""
    value, floor, target, points = D(value), D(floor), D(target), D(points)
    if target <= floor:
        raise ScoringError("功效系数法的满分值须大于不允许值")
    coefficient = min(max(60 + 40 * (value - floor) / (target - floor), Decimal(60)), Decimal(100))
    score = rounded(points * coefficient / 100)
    return Scored(
        score,
        f"功效系数 = 60 + 40 × ({text(value)} − {text(floor)}) ÷ ({text(target)} − {text(floor)})"
        f" = {text(rounded(coefficient))}（限 60～100）；得分 = {text(points)} × "
        f"{text(rounded(coefficient))} ÷ 100 = {score}",
    )


def manual(score, points) -> Scored:
    """评审打分: the reviewer's score, checked against the indicator's points."""
    score, points = D(score), D(points)
    if not 0 <= score <= points:
        raise ScoringError(f"评审得分应在 0 到 {text(points)} 分之间")
    return Scored(rounded(score), f"评审打分 {text(score)}")


def formula(expression: str, names: dict, points) -> Scored:
    """公式: an administrator's expression over the names given (value, target, best, …), within 0..points."""
    try:
        result = evaluate(expression, names)
    except ExpressionError as exc:
        raise ScoringError(str(exc)) from None
    if isinstance(result, bool) or not isinstance(result, int | float | Decimal):
        raise ScoringError(f"公式“{expression}”的结果不是数字")
    points = D(points)
    score = rounded(min(max(D(result), Decimal(0)), points))
    shown = "，".join(f"{k} = {text(v)}" for k, v in names.items() if isinstance(v, int | float | Decimal))
    return Scored(score, f"{expression}（{shown}）= {text(rounded(result))}，限 0～{text(points)}：{score}")
