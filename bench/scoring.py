"""What scoring costs over the bare database writes it makes.

- Refreshing a county's 自评分 in a full category (三类, 8 counties, the ten
  quantitative indicators scored by 比最优法 against the category) against
  writing its 15 lines' score and note with the ORM.
- Freezing an approved assessment (Score with 15 explained lines) and
  re-ranking its category against creating the same Score and lines with the ORM.

    SITE=default .venv/bin/python bench/scoring.py [--repeat 30]
"""

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.innovation_action.models import (  # noqa: E402
    County,
    Score,
    ScoreLine,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.innovation_action.services import scoring  # noqa: E402
from apps.lowcode.doctype.meta import get_meta  # noqa: E402
from apps.lowcode.document.service import save_document  # noqa: E402
from bench.api_list import report  # noqa: E402

PERIOD = "2023-Q3"
CATEGORY = "三类"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat
    office = User.objects.get(username="office")
    meta = get_meta("SelfAssessment")

    SelfAssessment.objects.filter(period__name=PERIOD).delete()
    docs = []
    for value, county in enumerate(County.objects.filter(plan_assessees__category__short_name=CATEGORY), start=1):
        doc = save_document(office, meta, {"period": PERIOD, "county": county.name})
        doc.lines.filter(indicator__number__lte=10).update(value=str(value))
        doc.lines.filter(indicator__number__gt=10, indicator__number__lt=15).update(self_score=4, reviewed_score=4)
        docs.append(doc)
    mine = docs[0]
    lines = list(mine.lines.all())

    def orm_line_writes():
        with transaction.atomic():
            for line in lines:
                SelfAssessmentLine.objects.filter(pk=line.pk).update(self_score=Decimal(1), self_note="基准")
            SelfAssessment.objects.filter(pk=mine.pk).update(self_total=Decimal(15))

    def refresh_self_scores():
        scoring.refresh(mine, scoring.Stage.SELF)

    def orm_score_create():
        with transaction.atomic():
            Score.objects.filter(self_assessment=mine).delete()
            score = Score.objects.create(
                name=mine.name,
                period=mine.period,
                self_assessment=mine,
                scheme=mine.scheme,
                county=mine.county,
                category=CATEGORY,
                subtotal=1,
                total=1,
                approved_at=timezone.now(),
            )
            ScoreLine.objects.bulk_create(
                [
                    ScoreLine(
                        score=score,
                        idx=i,
                        name=f"{score.name}-{i:02d}",
                        indicator=line.indicator,
                        points=1,
                        basis="基准",
                        result=1,
                        explanation="基准",
                    )
                    for i, line in enumerate(lines, start=1)
                ]
            )

    def freeze_and_rerank():
        scoring.freeze(mine, office)

    scenarios = {
        "ORM write of 15 lines' scores (baseline)": (orm_line_writes, 1),
        "refresh 自评分, category of 8": (refresh_self_scores, 1),
        "ORM create of a Score with 15 lines (baseline)": (orm_score_create, 1),
        "freeze the Score and re-rank the category": (freeze_and_rerank, 1),
    }
    try:
        report(scenarios, repeat)
    finally:
        Score.objects.filter(period__name=PERIOD).delete()
        SelfAssessment.objects.filter(period__name=PERIOD).delete()


if __name__ == "__main__":
    main()
