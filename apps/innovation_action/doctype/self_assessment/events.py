"""Document events of SelfAssessment (registered in apps/innovation_action/hooks.py).

The scores follow the workflow (DESIGN.md §4): while the assessee drafts,
its 自评分 is kept up to date; submitting needs every line self-scored;
under review the office's 初审得分 is kept up to date and must be complete
before the review is passed on; the final approval freezes the Score and
re-ranks the category.
"""

from apps.innovation_action.doctype.self_assessment.model import SelfAssessmentLine
from apps.innovation_action.services import official_data, scoring
from apps.innovation_action.services.scoring import Stage
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import StateType

REVIEW_FIELD = "lines.reviewed_score"


def prefill_lines(assessment, **context) -> None:
    """A new self-assessment gets one line per indicator of its scheme, unless the client sent lines,
    with what the system already knows: the official values and, for a city unit, its monthly reports."""
    if assessment.lines.exists():
        return
    user = context.get("user")
    SelfAssessmentLine.objects.bulk_create(
        [
            SelfAssessmentLine(
                assessment=assessment,
                indicator=indicator,
                idx=idx,
                name=f"{assessment.name}-{indicator.number:02d}",
                owner=user,
                modified_by=user,
            )
            for idx, indicator in enumerate(assessment.indicators().order_by("number"), start=1)
        ]
    )
    if assessment.county_id:  # the departments' figures already loaded for the period
        official_data.sync_lines(assessment.period, county=assessment.county, user=user)
    scoring.prefill_monthly_values(assessment)


def state(doc, name: str, workflow=None):
    workflow = workflow or engine.workflow_of(doc)
    return engine.get_state(workflow, name) if workflow else None


SCORER_KEY = "self_assessment.scorer"


def shared_scorer(assessment, stage: Stage) -> scoring.CategoryScorer | None:
    """The category as this action already read it (None outside an action: the scoring reads it).

    An action's check and its after_transition scoring each score the category: the first read
    serves both (kept in the engine's action cache, which goes with the action).
    """
    cache = engine.action_cache(assessment)
    if cache is None:
        return None
    if SCORER_KEY not in cache:
        cache[SCORER_KEY] = scoring.CategoryScorer.of(assessment, stage)
    return cache[SCORER_KEY]


def refresh_scores(assessment, **context) -> None:
    """on_update: the scores of the stage the document is in follow its lines."""
    scoring.refresh_current(assessment)


def check_scores(assessment, from_state="", to_state="", **context) -> None:
    """before_transition: submitting needs every 自评分, passing the review every 初审得分."""
    workflow = engine.workflow_of(assessment)
    source, target = state(assessment, from_state, workflow), state(assessment, to_state, workflow)
    if source is None or target is None or target.state_type == StateType.EDITABLE:
        return  # a return for correction needs nothing complete
    if source.state_type == StateType.EDITABLE:
        scoring.ensure_complete(assessment, Stage.SELF, scorer=shared_scorer(assessment, Stage.SELF))
    elif REVIEW_FIELD in source.editable_field_list() or target.state_type == StateType.FINAL:
        scoring.ensure_complete(assessment, Stage.REVIEWED, scorer=shared_scorer(assessment, Stage.REVIEWED))


def score_on_transition(assessment, to_state="", user=None, **context) -> None:
    """after_transition: under review the office sees the computed 初审得分 at once; approval freezes the Score."""
    target = state(assessment, to_state)
    if target is None:
        return
    if target.state_type == StateType.SUBMITTED:
        scoring.refresh(assessment, Stage.REVIEWED, shared_scorer(assessment, Stage.REVIEWED))
    elif target.state_type == StateType.FINAL:
        scoring.freeze(assessment, user, shared_scorer(assessment, Stage.REVIEWED))
