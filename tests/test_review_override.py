"""The office overrides a computed 初审得分, with its reason (issue 14, item 5).

Before: on a line scored automatically (完成率法, 扣分法 …) the office typed a 初审得分, saved, saw the
success message — and the computed score was back. Now the typed score is kept and marked as overridden
(``reviewed_overridden``, the computed score beside it in ``reviewed_computed``), its reason is required
(the line's 初审意见), the form, the explanation, the frozen Score and the print show both, and a
recomputation leaves it alone. Clearing the 初审得分 takes the computed score again.
"""

from decimal import Decimal

import pytest

from apps.innovation_action.doctype.self_assessment.print import (
    context as print_context,
)
from apps.innovation_action.models import AssessmentPeriod, Score, SelfAssessment
from apps.innovation_action.services import scoring
from tests.admin_forms import form_data
from tests.test_scoring import act, create, edit, line
from tests.test_workflow_api import get_doc, ok, put, refused

pytestmark = [pytest.mark.django_db]
D = Decimal
UNIT = "市工信局"
TASKS = 5  # 完成本单位牵头或配合的重点任务: 完成率法 over the tasks marked 已完成 (70 points)


def submitted_unit_assessment() -> SelfAssessment:
    """市工信局's 2023 report, in 待初审: lines 1–3 scored by hand, 4 (扣分法) and 5 (完成率法) computed."""
    doc = create(unit=UNIT)
    edit(doc, lines={1: {"self_score": 5}, 2: {"self_score": 8}, 3: {"self_score": 5}})
    act(doc, "提交")
    doc = SelfAssessment.objects.get(pk=doc.pk)
    assert doc.workflow_state == "待初审"
    return doc


def office_sets(name, number, **values):
    """PUT by the office: the whole document back, with ``values`` on the line of indicator ``number``."""
    doc = get_doc("office", name)
    line_name = SelfAssessment.objects.get(name=name).lines.get(indicator__number=number).name
    lines = [{**row, **values} if row["name"] == line_name else row for row in doc["lines"]]
    return put("office", name, {"lines": lines, "modified": doc["modified"]})


@pytest.mark.both_databases
def test_the_office_overrides_a_computed_score_over_the_api(plan):
    doc = submitted_unit_assessment()
    computed = line(doc, TASKS)
    assert (computed.reviewed_score, computed.reviewed_computed, computed.reviewed_overridden) == (D(0), D(0), False)
    total_before = SelfAssessment.objects.get(pk=doc.pk).reviewed_total

    # Without a reason: refused, saying which line and what was computed; nothing changes.
    message = refused(office_sets(doc.name, TASKS, reviewed_score=40), 417, "ValidationError")
    assert "第5项的初审得分 40 与计算得分 0 不同" in message and "初审意见" in message
    assert line(doc, TASKS).reviewed_score == D(0)

    # With its reason in 初审意见: kept, marked, explained; the total follows it.
    saved = ok(office_sets(doc.name, TASKS, reviewed_score=40, review_comment="月度调度漏填，已核实完成 4 项"))
    overridden = line(doc, TASKS)
    assert (overridden.reviewed_score, overridden.reviewed_computed, overridden.reviewed_overridden) == (
        D(40),
        D(0),
        True,
    )
    assert overridden.reviewed_note.endswith(
        "完成率法：完成率 = 0 ÷ 100 = 0%；得分 = 70 × 0% = 0.00；"
        "计算得分 0，初审调整为 40，理由：月度调度漏填，已核实完成 4 项"
    )
    assert D(str(saved["reviewed_total"])) == total_before + 40
    row = next(r for r in saved["lines"] if r["name"] == overridden.name)
    assert (row["reviewed_score"], row["reviewed_computed"], row["reviewed_overridden"]) == (40.0, 0.0, 1)

    # Saving again (another line), recomputing the period, passing the review: the override stands.
    ok(office_sets(doc.name, 1, review_comment="材料齐全"))
    scoring.recompute_period(AssessmentPeriod.objects.get(name="2023-Y"))
    assert line(doc, TASKS).reviewed_score == D(40) and line(doc, TASKS).reviewed_overridden

    # The printed 自评报告表 shows the computed and the adjusted score.
    printed = next(r for r in print_context(SelfAssessment.objects.get(pk=doc.pk)).lines if r.number == TASKS)
    assert printed.review_comment == "计算得分 0，初审调整为 40。月度调度漏填，已核实完成 4 项"
    assert (printed.reviewed_score, printed.reviewed_computed, printed.reviewed_overridden) == (D(40), D(0), True)

    act(SelfAssessment.objects.get(pk=doc.pk), "初审通过", "office")
    score = act(SelfAssessment.objects.get(pk=doc.pk), "审定通过", "leader").score
    frozen = score.lines.get(indicator__number=TASKS)
    assert (frozen.result, frozen.basis) == (D(40), "初审调整")
    assert frozen.explanation == overridden.reviewed_note
    assert scoring.recompute_period(score.period).differences == []  # not a "difference" to report
    assert Score.objects.get(pk=score.pk).total == score.total


@pytest.mark.both_databases
def test_clearing_the_override_takes_the_computed_score_again(plan):
    doc = submitted_unit_assessment()
    ok(office_sets(doc.name, TASKS, reviewed_score=30, review_comment="酌情认定"))
    assert line(doc, TASKS).reviewed_overridden
    ok(office_sets(doc.name, TASKS, reviewed_score=None))
    cleared = line(doc, TASKS)
    assert (cleared.reviewed_score, cleared.reviewed_overridden, cleared.reviewed_computed) == (D(0), False, D(0))
    assert "初审调整" not in cleared.reviewed_note


@pytest.mark.both_databases
def test_data_changing_after_a_computation_is_not_taken_for_an_override(plan):
    """A 初审得分 left as computed follows the data; only a typed one is kept."""
    doc = submitted_unit_assessment()
    deduction = line(doc, 4)  # 扣分法 on late monthly reports: no deadline set, none late → 10
    assert (deduction.reviewed_score, deduction.reviewed_computed) == (D(10), D(10))
    period = AssessmentPeriod.objects.get(name="2023-Y")
    from apps.innovation_action.models import SelfAssessmentLine

    SelfAssessmentLine.objects.filter(pk=deduction.pk).update(reviewed_computed=D(9), reviewed_score=D(9))
    scoring.recompute_period(period)  # the stored score equals the last computed one: recomputed, not kept
    assert (line(doc, 4).reviewed_score, line(doc, 4).reviewed_overridden) == (D(10), False)


def test_the_office_overrides_in_the_admin_form(login, plan):
    doc = submitted_unit_assessment()
    office = login("office")
    url = f"/admin/innovation_action/selfassessment/{doc.pk}/change/"
    page = office.get(url)
    assert "计算得分" in page.content.decode()
    data = form_data(page)
    prefix = next(key for key, value in data.items() if key.endswith("-id") and value == line(doc, TASKS).pk)[
        : -len("id")
    ]

    response = office.post(url, {**data, f"{prefix}reviewed_score": "24"})
    assert response.status_code == 200  # the form again, with the typed score and the reason asked for
    html = response.content.decode()
    assert "第5项的初审得分 24 与计算得分 0 不同" in html and 'value="24"' in html
    assert line(doc, TASKS).reviewed_score == D(0)

    response = office.post(url, {**data, f"{prefix}reviewed_score": "24", f"{prefix}review_comment": "已核实"})
    assert response.status_code == 302
    assert (line(doc, TASKS).reviewed_score, line(doc, TASKS).reviewed_overridden) == (D(24), True)
    page = office.get(url).content.decode()
    assert "已调整为 24" in page, page[page.find("计算得分") :][:3000]
    assert "计算得分 0，初审调整为 24，理由：已核实" in page


def test_a_score_adopted_from_the_self_assessment_stays_adopted_on_every_recomputation(plan):
    """An automatic line without a value falls back on the typed 自评分; the office's stage adopts it.
    Its note then starts with the fallback's reason, not with 采用自评分, and a recomputation used to
    take the adopted score for one the office typed (basis 评审打分)."""
    doc = create(county="章贡区")
    edit(doc, lines={number: {"self_score": 3} for number in range(1, 15)})
    act(doc, "提交")
    period = AssessmentPeriod.objects.get(name="2023-Y")
    for _ in range(2):
        adopted = line(doc, 2)
        assert adopted.reviewed_note.startswith("未填写指标值，无法自动计分；采用自评分 3"), adopted.reviewed_note
        assert "评审打分" not in adopted.reviewed_note
        scoring.recompute_period(period)
