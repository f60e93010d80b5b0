"""The scoring methods against scores computed by hand."""

from decimal import Decimal

import pytest

from apps.lowcode.scoring.methods import (
    ScoringError,
    competition_ranks,
    completion_rate,
    efficacy_coefficient,
    formula,
    manual,
    rank_points,
    ratio_to_best,
)


def test_completion_rate():
    # 研发支出占比 1.8% against a target of 2.0%, 10 points: 90% → 9.00
    result = completion_rate("1.8", "2.0", 10)
    assert result.score == Decimal("9.00")
    assert result.explanation == "完成率 = 1.8 ÷ 2 = 90%；得分 = 10 × 90% = 9.00"


def test_completion_rate_is_capped():
    result = completion_rate(150, 120, 6)
    assert result.score == Decimal("6.00")
    assert "125%（封顶）" in result.explanation
    assert completion_rate(150, 120, 6, cap="1.2").score == Decimal("7.20")


def test_completion_rate_needs_a_target():
    with pytest.raises(ScoringError, match="目标值须大于 0"):
        completion_rate(1, 0, 10)


def test_ratio_to_best():
    assert ratio_to_best(30, 40, 8).score == Decimal("6.00")
    assert ratio_to_best(0, 0, 8).score == Decimal("0.00")


def test_ties_share_a_rank_and_the_next_is_skipped():
    assert competition_ranks({"章贡区": 95, "南康区": 97, "龙南市": 95, "赣州经开区": 90}) == {
        "南康区": 1,
        "章贡区": 2,
        "龙南市": 2,
        "赣州经开区": 4,
    }
    assert competition_ranks({"a": 3, "b": 1}, higher_is_better=False) == {"a": 2, "b": 1}


def test_rank_points():
    assert rank_points(1, 10, "0.5").score == Decimal("10.00")
    assert rank_points(4, 10, "0.5").score == Decimal("8.50")
    assert rank_points(30, 10, "0.5").score == Decimal("0.00")
    assert rank_points(4, 10, "0.5").explanation == "第4位：10 − (4 − 1) × 0.5 = 8.50"


def test_efficacy_coefficient():
    # x = 1.5, floor 1, target 2: 60 + 40 × 0.5 = 80 → 10 points × 80% = 8.00
    assert efficacy_coefficient("1.5", 1, 2, 10).score == Decimal("8.00")
    assert efficacy_coefficient("2.5", 1, 2, 10).score == Decimal("10.00")  # at most 100
    assert efficacy_coefficient("0.5", 1, 2, 10).score == Decimal("6.00")  # at least 60
    with pytest.raises(ScoringError):
        efficacy_coefficient(1, 2, 2, 10)


def test_manual_score_within_points():
    assert manual("8.5", 10).score == Decimal("8.50")
    with pytest.raises(ScoringError, match="0 到 10 分"):
        manual(11, 10)


def test_formula_is_clamped_and_explained():
    result = formula("value / target * 10", {"value": 3, "target": 2}, 10)
    assert result.score == Decimal("10.00")
    assert result.explanation == "value / target * 10（value = 3，target = 2）= 15，限 0～10：10.00"
    with pytest.raises(ScoringError, match="不是数字"):
        formula("value > 1", {"value": 3}, 10)
    with pytest.raises(ScoringError, match="无效"):
        formula("__import__('os')", {}, 10)
