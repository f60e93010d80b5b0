"""Ranks and outcomes within a category, as 附件3 四、考评结果运用 says.

A plan's categories are data (Assessment Category): their names, and how many
of each are praised and interviewed. The demo plan's county categories praise 3 and
interview 1; its city units are ranked without outcomes.

- Ranks by total, highest first; equal totals share a rank and the next rank
  is skipped (1, 2, 2, 4), as published rankings do.
- Assessees ranked within the category's 表扬名额 (ties included) are praised
  (表扬); the last ones within its 约谈名额 (ties included) are interviewed by
  the leading group's head (约谈) unless also praised (a small category).
- A major research-integrity case (科研诚信) found in the period's year by the
  end of the period takes away the county's praise; its rank stays.
- Outcomes are given only when every assessee of the category has an approved
  score for the period; until then ranks are provisional and say so.
- A category with neither praise nor interview (市直单位) is only ranked: its
  result goes elsewhere (评价结果纳入市直单位综合考核).
"""

from django.db import transaction

from apps.innovation_action.doctype.assessment_category.model import chinese_count
from apps.innovation_action.models import (
    AssessmentCategory,
    County,
    IntegrityCase,
    Outcome,
    Score,
    Unit,
)
from apps.lowcode.bulk import update_rows
from apps.lowcode.scoring.methods import competition_ranks


def category_named(period, short_name: str) -> AssessmentCategory | None:
    return AssessmentCategory.objects.filter(plan_id=period.plan_id, short_name=short_name).first()


def interviewed_from(ranks: list[int], count: int) -> int | None:
    """The best rank that is still among the last ``count`` places (ties included); None for none."""
    if not count or not ranks:
        return None
    ordered = sorted(ranks)
    return ordered[-min(count, len(ordered))]


def vetoes(period) -> dict:
    """{county pk: the first major integrity case} found in the period's year by the end of the period."""
    cases = IntegrityCase.objects.filter(
        plan=period.plan,
        is_major=True,
        found_on__year=period.year,
        found_on__lte=period.end_date,
        county__isnull=False,
    ).order_by("found_on")
    found = {}
    for case in cases:
        found.setdefault(case.county_id, case)
    return found


@transaction.atomic
def rerank(period, category: str) -> list[Score]:
    # The Score rows alone are locked: a join (select_related) would lock the county and unit rows too,
    # and wait on whatever holds them (an import's foreign-key checks on a county); MariaDB has no
    # FOR UPDATE OF. The assessees' names come by a plain read.
    scores = list(
        Score.objects.select_for_update()
        .filter(period=period, category=category)
        .order_by("pk")
        .prefetch_related("county", "unit")
    )
    if not scores:
        return []
    ranks = competition_ranks({score.pk: score.total for score in scores})
    found = category_named(period, category)
    praised = found.praised if found else 0
    has_outcomes = found is not None and found.has_outcomes
    waiting = found.assessees.count() - len(scores) if has_outcomes else 0
    kind = (County if found.assessee_field == "county" else Unit)._meta.verbose_name if found else ""
    cases = vetoes(period) if has_outcomes else {}
    interviewed = interviewed_from(list(ranks.values()), found.interviewed if found else 0)
    by_rank = {}
    for score in scores:
        by_rank.setdefault(ranks[score.pk], []).append(score)
    fields = ["rank", "outcome", "veto", "outcome_note"]
    before = {score.pk: tuple(getattr(score, name) for name in fields) for score in scores}
    for score in scores:
        rank = ranks[score.pk]
        tied = [s.assessee.name for s in by_rank[rank] if s is not score]
        place = f"{'与' + '、'.join(tied) + '并列' if tied else ''}第{rank}名"
        case = cases.get(score.county_id)
        score.rank, score.veto, score.outcome = rank, case is not None, ""
        if not has_outcomes:
            score.outcome_note = f"{category}{place}"
        elif waiting > 0:
            score.outcome_note = f"{category}暂列{place}；尚有 {waiting} 个{kind}未审定，考评结果待定"
        elif rank <= praised and case:
            score.outcome_note = f"{category}{place}；因重大科研诚信问题（{case.title}）取消评优资格，不予表扬"
        elif rank <= praised:
            score.outcome, score.outcome_note = Outcome.PRAISE, f"{category}{place}，予以表扬"
        elif interviewed is not None and rank >= interviewed:
            last = "末位" if found.interviewed == 1 else f"末{chinese_count(found.interviewed)}位"
            score.outcome, score.outcome_note = (
                Outcome.INTERVIEW,
                f"{category}{place}（{last}），由领导小组组长约谈相关责任领导",
            )
        else:
            score.outcome_note = f"{category}{place}"
    # Only the scores whose place changed are written: one approval in a category of 100 moves a few.
    changed = [score for score in scores if tuple(getattr(score, name) for name in fields) != before[score.pk]]
    if changed:
        update_rows(changed, fields)
    return scores


def rerank_period(period) -> None:
    # order_by(): the model's ordering would make DISTINCT return a category once per score.
    for category in Score.objects.filter(period=period).order_by().values_list("category", flat=True).distinct():
        rerank(period, category)


def rerank_plan(plan) -> None:
    for period in plan.periods.all():
        rerank_period(period)
