"""Ranks and outcomes within a category, as 附件3 四、考评结果运用 says.

- Ranks by total, highest first; equal totals share a rank and the next rank
  is skipped (1, 2, 2, 4), as published rankings do.
- Counties ranked 1–3 (ties included) are praised (表扬); the last (ties
  included) is interviewed by the leading group's head (约谈) unless it is also
  in the top three (a category of three or fewer).
- A major research-integrity case (科研诚信) found by the end of the period
  takes away the county's praise for that year; its rank stays.
- Outcomes are given only when every county of the category has an approved
  score for the period; until then ranks are provisional and say so.
- City units are ranked among themselves without outcomes: their result
  goes into the city's general assessment (评价结果纳入市直单位综合考核).
"""

from django.db import transaction

from apps.innovation_action.models import (
    UNIT_CATEGORY,
    County,
    IntegrityCase,
    Outcome,
    Score,
)
from apps.lowcode.scoring.methods import competition_ranks

PRAISED_RANKS = 3
RULE = (
    "并列者名次相同，其后名次顺延（如 1、2、2、4）；名次前三（含并列）予以表扬，末位（含并列）由领导小组组长约谈；"
    "发生重大科研诚信问题的取消当年评优资格，不予表扬。"
)
UNIT_RULE = "市直单位按总分排名，评价结果纳入市直单位综合考核。"


def vetoes(period) -> dict:
    """{county pk: the first major integrity case} found in the plan's year by the end of the period."""
    cases = IntegrityCase.objects.filter(
        plan=period.plan, is_major=True, found_on__lte=period.end_date, county__isnull=False
    ).order_by("found_on")
    found = {}
    for case in cases:
        found.setdefault(case.county_id, case)
    return found


@transaction.atomic
def rerank(period, category: str) -> list[Score]:
    scores = list(
        Score.objects.select_for_update()
        .filter(period=period, category=category)
        .select_related("county", "unit")
        .order_by("pk")
    )
    if not scores:
        return []
    ranks = competition_ranks({score.pk: score.total for score in scores})
    waiting = 0 if category == UNIT_CATEGORY else County.objects.filter(category=category).count() - len(scores)
    cases = vetoes(period) if category != UNIT_CATEGORY else {}
    last = max(ranks.values())
    for score in scores:
        rank = ranks[score.pk]
        tied = [s.assessee.name for s in scores if s is not score and ranks[s.pk] == rank]
        place = f"{'与' + '、'.join(tied) + '并列' if tied else ''}第{rank}名"
        case = cases.get(score.county_id)
        score.rank, score.veto, score.outcome = rank, case is not None, ""
        if category == UNIT_CATEGORY:
            score.outcome_note = f"市直单位{place}"
        elif waiting > 0:
            score.outcome_note = f"{category}暂列{place}；尚有 {waiting} 个县（市、区）未审定，考评结果待定"
        elif rank <= PRAISED_RANKS and case:
            score.outcome_note = f"{category}{place}；因重大科研诚信问题（{case.title}）取消评优资格，不予表扬"
        elif rank <= PRAISED_RANKS:
            score.outcome, score.outcome_note = Outcome.PRAISE, f"{category}{place}，予以表扬"
        elif rank == last:
            score.outcome, score.outcome_note = (
                Outcome.INTERVIEW,
                f"{category}{place}（末位），由领导小组组长约谈相关责任领导",
            )
        else:
            score.outcome_note = f"{category}{place}"
    Score.objects.bulk_update(scores, ["rank", "outcome", "veto", "outcome_note"])
    return scores


def rerank_period(period) -> None:
    for category in Score.objects.filter(period=period).values_list("category", flat=True).distinct():
        rerank(period, category)


def rerank_plan(plan) -> None:
    for period in plan.periods.all():
        rerank_period(period)
