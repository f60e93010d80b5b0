"""The faster workflow action gives exactly what the slower one gave.

- the workflow definition is built once per process for each content of the workflow tables
  (apps/lowcode/workflow/definitions.py): a change is seen by the very next action, whether this
  connection made it (through the models or ``QuerySet.update``), rolled it back, or another
  connection committed it, as another process does; a withdrawn transition is refused at once;
- 提交 reads the county's category once for both of its scoring passes (the 自评 check and the
  初审 scores), and writes exactly what the two passes wrote when each read the category afresh.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.innovation_action.models import OfficialValue, PlanAssessee, SelfAssessment, SelfAssessmentLine
from apps.innovation_action.services import scoring
from apps.lowcode.exceptions import ValidationError, WorkflowPermissionError, WorkflowTransitionError
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import WorkflowState, WorkflowTransition
from tests.test_scoring import act, create, edit, manual_scores, rule, scored_by_hand, user
from tests.test_workflow_api import DOCTYPE, WORKFLOW, set_transition

pytestmark = pytest.mark.django_db


def submit_transition():
    return next(t for t in engine.get_workflow(DOCTYPE).transitions.all() if t.action == "提交")


def rows_read(captured, table) -> list[str]:
    """The queries that read rows of ``table`` (not its totals)."""
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith(f"SELECT `{table}`.`id`")]


# ------------------------------------------------------------------ the workflow definition


def test_the_workflow_is_built_once_and_a_change_through_any_door_is_seen_at_once():
    first = engine.get_workflow(DOCTYPE)
    with CaptureQueriesContext(connection) as captured:
        assert engine.get_workflow(DOCTYPE) is first  # unchanged tables: the same definition
    assert len(captured.captured_queries) == 1  # the three tables' rows in one query, nothing built

    # Through the model, as the admin and the API save it.
    transition = WorkflowTransition.objects.get(workflow__name=WORKFLOW, action="提交")
    transition.comment_required = True
    transition.save()
    assert engine.get_workflow(DOCTYPE) is not first
    assert submit_transition().comment_required

    # Through QuerySet.update, which leaves ``modified`` alone: the content is the key.
    set_transition("提交", comment_required=False)
    assert not submit_transition().comment_required
    WorkflowState.objects.filter(workflow__name=WORKFLOW, state="待初审").update(allow_edit="")
    assert engine.get_state(engine.get_workflow(DOCTYPE), "待初审").edit_roles() == []

    # A change rolled back is forgotten at once.
    before = engine.get_workflow(DOCTYPE)
    with pytest.raises(RuntimeError), transaction.atomic():
        set_transition("提交", allowed="领导小组办公室")
        assert submit_transition().allowed_roles() == ["领导小组办公室"]
        raise RuntimeError("roll back")
    assert submit_transition().allowed_roles() == before.transitions.get(action="提交").allowed_roles()


def other_connection(work):
    """``work`` on a connection of its own that commits at once, as another process would."""
    errors = []

    def run():
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors


def test_a_transition_withdrawn_by_another_process_is_refused_at_the_next_action(plan):
    doc = create("南康区")
    edit(doc, lines={**manual_scores(5), **scored_by_hand(5, *range(1, 11))})
    allowed = submit_transition().allowed
    engine.get_transitions(user("County-南康区"), doc)  # the definition is cached in this process

    def withdraw():
        WorkflowTransition.objects.filter(workflow__name=WORKFLOW, action="提交").update(allowed="领导小组办公室")

    def restore():
        WorkflowTransition.objects.filter(workflow__name=WORKFLOW, action="提交").update(allowed=allowed)

    other_connection(withdraw)
    try:
        with pytest.raises(WorkflowPermissionError, match="只能由以下角色办理：领导小组办公室"):
            act(doc, "提交")
        other_connection(restore)
        assert act(doc, "提交").workflow_state == "待初审"
        other_connection(lambda: move_return("别处"))
        with pytest.raises(WorkflowTransitionError, match="不能执行“退回修改”"):
            act(doc, "退回修改", "office", "请补充")
    finally:  # what the other connection committed outlives this test's transaction
        other_connection(restore)
        other_connection(lambda: move_return("待初审"))
    assert act(doc, "退回修改", "office", "请补充").workflow_state == "草稿"


def move_return(from_state):
    WorkflowTransition.objects.filter(workflow__name=WORKFLOW, action="退回修改").update(state=from_state)


# ------------------------------------------------------------------ one read of the category per action


def line_scores(doc) -> list[tuple]:
    return list(
        SelfAssessmentLine.objects.filter(assessment=doc)
        .order_by("idx")
        .values_list(
            "self_score", "self_note", "reviewed_score", "reviewed_note", "reviewed_computed", "reviewed_overridden"
        )
    )


def test_submitting_reads_the_category_once_and_scores_as_fresh_computations_do(plan):
    docs = {name: create(name) for name in ("章贡区", "南康区", "龙南市", "赣州蓉江新区")}
    for name, value in (("章贡区", "2.0"), ("南康区", "1.5%"), ("龙南市", "1"), ("赣州蓉江新区", "9")):
        edit(docs[name], lines={2: {"value": value}})
    nankang = docs["南康区"]
    edit(nankang, lines={**manual_scores(5), **scored_by_hand(5, 1, 3, 4, 5, 6, 7, 8, 9, 10)})
    # A peer's better value after 南康区's last save: its 自评分 of indicator 2 is stale until 提交.
    edit(docs["章贡区"], lines={2: {"value": "3"}})
    OfficialValue.objects.create(
        period=nankang.period,
        county=nankang.county,
        indicator=nankang.lines.get(indicator__number=2).indicator,
        value=Decimal("1.2"),
        source="市统计局",
    )
    assert nankang.lines.get(indicator__number=2).self_score == Decimal("4.50")

    # What the two passes give, each reading the category afresh (as 提交 did before it shared one read).
    with pytest.raises(RuntimeError), transaction.atomic():
        doc = SelfAssessment.objects.get(pk=nankang.pk)
        scoring.ensure_complete(doc, scoring.Stage.SELF)
        scoring.refresh(doc, scoring.Stage.REVIEWED)
        expected = line_scores(nankang), (doc.self_total, doc.reviewed_total)
        raise RuntimeError("roll back")

    with CaptureQueriesContext(connection) as captured:
        result = engine.apply_workflow(user("County-南康区"), SelfAssessment, nankang.name, "提交")
    assert len(rows_read(captured, "innovation_action_selfassessmentline")) == 1  # the category's lines, once
    assert engine.ACTION_CACHE_ATTR not in result.doc.__dict__  # nothing outlives the action

    assert (line_scores(nankang), (result.doc.self_total, result.doc.reviewed_total)) == expected
    two = nankang.lines.get(indicator__number=2)
    assert (two.self_score, two.reviewed_score) == (Decimal("3.00"), Decimal("2.40"))  # 6 × 1.5 ÷ 3, 6 × 1.2 ÷ 3
    saved = SelfAssessment.objects.get(pk=nankang.pk)
    assert (saved.self_total, saved.reviewed_total) == expected[1]


# ------------------------------------------------------------------ the peers read lean


def varied_category():
    """A first category with what scoring looks at in peers: values relative to the best, a bad value,
    an averaged county (赣州蓉江新区), bonus claims, an official value, an office's override with its reason."""
    docs = {name: create(name) for name in ("章贡区", "南康区", "龙南市", "赣州蓉江新区", "赣县区（赣州高新区）")}
    edit(docs["章贡区"], lines={2: {"value": "2.0"}, 3: {"value": "30"}, **manual_scores(7)})
    edit(docs["龙南市"], lines={2: {"value": "1"}, 3: {"value": "约两成"}})
    edit(docs["赣州蓉江新区"], lines={2: {"value": "9"}, 3: {"value": "45"}})
    edit(
        docs["赣县区（赣州高新区）"],
        lines={2: {"value": "1.8"}},
        claims=[{"rule": rule("辖区企业当年认定为瞪羚企业"), "quantity": 2, "description": "丙、丁公司"}],
    )
    nankang = docs["南康区"]
    edit(nankang, lines={2: {"value": "1.5%"}, **manual_scores(5), **scored_by_hand(5, 1, 3, 4, 5, 6, 7, 8, 9, 10)})
    OfficialValue.objects.create(
        period=nankang.period,
        county=nankang.county,
        indicator=nankang.lines.get(indicator__number=2).indicator,
        value=Decimal("1.2"),
        source="市统计局",
    )
    act(nankang, "提交")
    edit(nankang, "office", lines={2: {"reviewed_score": 3, "review_comment": "材料不全"}})
    for doc in docs.values():  # every document's scores as its peers' values now give them
        scoring.refresh_current(SelfAssessment.objects.get(pk=doc.pk))
    return docs


def test_scoring_one_document_with_its_peers_read_lean_gives_what_the_full_read_gives(plan):
    docs = varied_category()
    some = next(iter(docs.values()))
    category = scoring.category_of(some)
    for stage in scoring.Stage:
        full = scoring.CategoryScorer(some.period, category, stage)  # every document read in full
        for doc in docs.values():
            lean = scoring.CategoryScorer.of(doc, stage)
            assert isinstance(lean._lines[next(k for k in lean._lines if k[0] != doc.pk)], scoring.PeerLine)
            expected = [(line.pk, result) for line, result in full.results(full.assessments[doc.pk])]
            assert [(line.pk, result) for line, result in lean.results(lean.assessments[doc.pk])] == expected
            for line in lean.assessments[doc.pk].lines.all():
                assert lean.peer_values(line.indicator) == full.peer_values(line.indicator)
    # The data covers what it is meant to: an average, a best of the category, an override, bonus points.
    notes = {
        (name, line.indicator.number): (line.self_note, line.reviewed_note)
        for name, doc in docs.items()
        for line in doc.lines.select_related("indicator")
    }
    assert notes["赣州蓉江新区", 2][0].startswith("难以单独统计，按一类平均得分计算：")
    assert "同类最优 2 = " in notes["龙南市", 2][0]
    assert "初审调整为 3，理由：材料不全" in notes["南康区", 2][1]
    assert notes["赣县区（赣州高新区）", 15][0].endswith("合计 2 分")


def test_a_submission_costs_a_fixed_number_of_queries(plan):
    """提交 reads the category once, lean (its lines with the indicators, the peers' values), writes the
    lines whose scores changed in one statement and the totals only when they change. A regression (a
    query per line, per peer, per approver path or per scoring pass) shows as a higher count; the
    first 提交 below took 46 queries before the peers were read lean and the workflow tables in one query,
    20 before the assessee's category was found by the category's query itself and the approvers'
    users by one query with the records' names as subqueries."""
    zhanggong = varied_category()["章贡区"]
    edit(zhanggong, lines=scored_by_hand(4, 1, 4, 5, 6, 7, 8, 9, 10))
    county_user, office = user("County-章贡区"), user("office")

    def submit() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            engine.apply_workflow(county_user, SelfAssessment, zhanggong.name, "提交")
        return [q["sql"] for q in captured.captured_queries]

    first = submit()  # every 初审得分 is new: the 15 lines in one UPDATE, then the totals
    line_writes = [q for q in first if q.startswith("UPDATE `innovation_action_selfassessmentline`")]
    assert len(line_writes) == 1 and line_writes[0].count("WHEN") == 15 * 4  # four fields of 15 lines
    assert len(first) == 18, "\n".join(first)
    engine.apply_workflow(office, SelfAssessment, zhanggong.name, "退回修改", "请补充")
    again = submit()  # the same scores: no line and no total written
    assert not [q for q in again if q.startswith("UPDATE `innovation_action_selfassessmentline`")]
    assert len(again) == 14, "\n".join(again)
    saved = SelfAssessment.objects.get(pk=zhanggong.pk)
    assert (saved.self_total, saved.reviewed_total) == (Decimal("70.00"), Decimal("70.00"))
    assert saved.lines.filter(reviewed_score=None).count() == 0


def test_the_scorer_finds_the_category_in_the_documents_query_and_says_why_an_outsider_cannot_be_scored(plan):
    """``CategoryScorer.of`` finds the assessee's category inside the query of the category's documents;
    an assessee the plan does not rank gets the same message as before, from ``category_of``."""
    zhanggong = create("章贡区")
    scorer = scoring.CategoryScorer.of(zhanggong, scoring.Stage.SELF)
    assert scorer.category == scoring.category_of(zhanggong) == "一类"
    assert zhanggong.pk in scorer.assessments
    PlanAssessee.objects.filter(plan=zhanggong.period.plan_id, county=zhanggong.county_id).delete()
    with pytest.raises(ValidationError) as caught:
        scoring.CategoryScorer.of(zhanggong, scoring.Stage.SELF)
    assert caught.value.message == f"章贡区 不是“{zhanggong.period.plan}”的考评对象，无法计分排名"
