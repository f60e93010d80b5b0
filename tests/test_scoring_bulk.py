"""A whole period scored at once (``scoring.recompute_period``) gives exactly what scoring every
document afresh, one after another, gives.

The bulk path reads a category once (its lines as tuples, ``scoring.BulkScorer``, the plan's
indicators once for the pass), scores it, writes what changed through ``apps/lowcode/bulk`` (a
temporary table and one UPDATE … JOIN on MariaDB) and lets the category go before the next one. The
reference is the per-document path: ``refresh_current`` on each document in the period's order, each
reading its category afresh with model instances, then the ranking.
"""

from decimal import Decimal

import pytest
from django.db import transaction

from apps.innovation_action.models import (
    AssesseeTarget,
    County,
    Indicator,
    OfficialValue,
    Scheme,
    Score,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.innovation_action.services import periods, ranking, scoring
from apps.lowcode import bulk
from apps.lowcode.workflow import engine
from tests.test_scoring import approve, create, edit, line, manual_scores, user
from tests.test_workflow_speed_paths import varied_category

pytestmark = pytest.mark.django_db
D = Decimal
LINE_COLUMNS = (
    "id",
    "self_score",
    "self_note",
    "reviewed_score",
    "reviewed_note",
    "reviewed_computed",
    "reviewed_overridden",
)


def period_rows(period) -> tuple:
    """Every line's scores and notes, every document's totals, every Score's place: what a pass writes."""
    lines = SelfAssessmentLine.objects.filter(assessment__period=period).order_by("assessment_id", "idx")
    return (
        list(lines.values_list(*LINE_COLUMNS)),
        list(
            SelfAssessment.objects.filter(period=period)
            .order_by("id")
            .values_list("id", "self_total", "reviewed_total")
        ),
        list(Score.objects.filter(period=period).order_by("id").values_list("id", "total", "rank", "outcome")),
    )


def varied_period(plan):
    """Two categories and what scoring looks at: the varied first category (values relative to the best,
    a bad value, an averaged county, bonus claims, an official value, an override with its reason),
    other methods with an assessee's own target, an approved document, a city unit; then data changed
    behind the stored scores (as an import or a department's confirmation leaves them)."""
    docs = varied_category()

    def configure(number, **fields):
        Indicator.objects.filter(group__plan=plan, group__scheme=Scheme.COUNTY, number=number).update(**fields)

    configure(3, scoring_method="completion_rate", target=D(40), cap=D("1.2"))
    configure(4, scoring_method="efficacy_coefficient", target=D(2), floor=D(0))
    configure(5, scoring_method="rank_points", rank_step=D(1))
    configure(6, scoring_method="formula", formula="min(value / target, 1) * points", target=D(50))
    xinfeng, ningdu = create("信丰县"), create("宁都县")
    indicator3 = line(xinfeng, 3).indicator
    AssesseeTarget.objects.create(indicator=indicator3, county=xinfeng.county, year=2023, target=D(50))
    edit(ningdu, lines={3: {"value": "45"}, 5: {"value": "30"}, 6: {"value": "40"}})
    edit(xinfeng, lines={3: {"value": "60"}, 4: {"value": "0.5"}, 5: {"value": "31"}, 6: {"value": "25"}})
    approved = create("于都县")
    edit(
        approved,
        lines={2: {"value": "2"}, **{n: {"self_score": 5} for n in (1, 3, 4, 5, 6, 7, 8, 9, 10)}, **manual_scores(8)},
    )
    approve(approved)
    create(unit="市工信局")

    # Behind the stored scores: a better value in each category, a confirmed value, a cleared 初审得分.
    period = approved.period
    SelfAssessmentLine.objects.filter(assessment=docs["龙南市"], indicator__number=2).update(value="4")
    SelfAssessmentLine.objects.filter(assessment=ningdu, indicator__number=5).update(value="35")
    SelfAssessmentLine.objects.filter(assessment=ningdu, indicator__number=2).update(value="4")
    OfficialValue.objects.create(
        period=period, county=County.objects.get(name="章贡区"), indicator=line(ningdu, 2).indicator, value=D("2.5")
    )
    nankang = docs["南康区"]
    SelfAssessmentLine.objects.filter(assessment=nankang, indicator__number=3).update(reviewed_score=None)
    return period


def test_recomputing_a_period_gives_what_scoring_each_document_afresh_gives(plan):
    period = varied_period(plan)
    before = period_rows(period)

    with pytest.raises(RuntimeError), transaction.atomic():  # the reference, rolled back
        for doc in SelfAssessment.objects.filter(period=period):  # the period's order
            if not engine.is_final(doc):
                scoring.refresh_current(doc)
        ranking.rerank_period(period)
        expected = period_rows(period)
        raise RuntimeError("roll back")

    result = scoring.recompute_period(period)
    after = period_rows(period)
    assert after[0] == expected[0]  # line by line: scores, notes, computed scores, overrides
    assert after[1:] == expected[1:]  # totals; the Score's total, rank and outcome
    changed = [row for row, old in zip(after[0], before[0], strict=True) if row != old]
    assert len(changed) >= 10  # the data behind the stored scores did change them
    assert (result.refreshed, result.frozen) == (SelfAssessment.objects.filter(period=period).count() - 1, 1)
    assert result.differences == ["于都县 第2项：已审定 6.00，按现有数据为 3.00"]  # 6 × 2 ÷ 4, kept as approved

    # What the changed data gives, by hand: 龙南市's 4 is the best of 一类 now.
    zhanggong = SelfAssessment.objects.get(period=period, county__name="章贡区")
    two = line(zhanggong, 2)
    assert two.self_score == D("3.00") and "同类最优 4 = 3.00" in two.self_note  # 6 × 2 ÷ 4
    assert scoring.recompute_period(period).refreshed == result.refreshed  # idempotent
    assert period_rows(period) == after


def test_the_pass_holds_one_category_at_a_time(plan, monkeypatch):
    """Each category's writes are sent when it is done: the next category is read after them."""
    period = varied_period(plan)
    events = []
    real_init, real_flush = scoring.BulkScorer.__init__, scoring.Writes.flush

    def init(self, period, category, *args):
        events.append(("read", category))
        real_init(self, period, category, *args)

    def flush(self):
        events.append(("write", sum(len(lines) for lines in self.lines.values())))
        real_flush(self)

    monkeypatch.setattr(scoring.BulkScorer, "__init__", init)
    monkeypatch.setattr(scoring.Writes, "flush", flush)
    scoring.recompute_period(period)
    kinds = [kind for kind, _ in events]
    assert kinds == ["read", "write"] * (len(kinds) // 2)
    assert {category for kind, category in events if kind == "read"} == {"一类", "二类", "市直单位"}


def test_rows_of_values_are_stored_as_djangos_bulk_update_stores_them(plan):
    periods.open_period(user("office"), plan.periods.get(name="2023-Q1"))
    lines = list(SelfAssessmentLine.objects.filter(assessment__period__name="2023-Q1").order_by("id"))
    assert len(lines) > bulk.BATCH  # more than one statement
    fields = ["self_score", "self_note", "reviewed_computed", "reviewed_overridden"]
    values = [
        (
            row.pk,
            D(n % 7) + D("0.126") if n % 5 else None,
            f"说明{n}" * (n % 3),
            D("1.5") if n % 2 else None,
            n % 2 == 0,
        )
        for n, row in enumerate(lines)
    ]

    def stored():
        return list(
            SelfAssessmentLine.objects.filter(pk__in=[row.pk for row in lines])
            .order_by("id")
            .values_list("id", *fields)
        )

    assert bulk.update_values(SelfAssessmentLine, fields, values) == len(lines)
    written = stored()
    for row, (_, *new) in zip(lines, values, strict=True):
        for name, value in zip(fields, new, strict=True):
            setattr(row, name, value)
    bulk.update_values(SelfAssessmentLine, fields, [(row.pk, None, "", None, False) for row in lines])
    assert stored() != written
    SelfAssessmentLine.objects.bulk_update(lines, fields)  # Django's own, the reference
    assert stored() == written
    assert written[1][1:] == (D("1.13"), "说明1", D("1.50"), False)


def test_reranking_locks_the_scores_alone_not_their_counties(plan):
    """A join under FOR UPDATE would lock the county rows too and wait on an import's foreign-key checks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    doc = create("章贡区")
    edit(
        doc,
        lines={2: {"value": "2"}, **{n: {"self_score": 5} for n in (1, 3, 4, 5, 6, 7, 8, 9, 10)}, **manual_scores(8)},
    )
    approve(doc)
    with CaptureQueriesContext(connection) as captured:
        scores = ranking.rerank(doc.period, "一类")
    locking = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locking) == 1 and "JOIN" not in locking[0]
    assert [(s.assessee.name, s.rank) for s in scores] == [("章贡区", 1)]
    assert Score.objects.get(self_assessment=doc).outcome_note.startswith("一类暂列第1名")
