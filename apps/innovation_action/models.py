"""The app's doctypes; each lives in its own folder under ``doctype/``."""

from apps.innovation_action.doctype.action_plan.model import ActionPlan, PlanTarget
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.county.model import County, CountyCategory
from apps.innovation_action.doctype.indicator.model import BonusRule, Indicator, IndicatorGroup, Scheme
from apps.innovation_action.doctype.liaison.model import Liaison
from apps.innovation_action.doctype.project.model import Project
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment, SelfAssessmentLine
from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.unit.model import Unit, UnitKind

__all__ = [
    "ActionPlan", "AssessmentPeriod", "BonusRule", "County", "CountyCategory", "Indicator", "IndicatorGroup",
    "Liaison", "PeriodKind", "PlanTarget", "Project", "Scheme", "SelfAssessment", "SelfAssessmentLine",
    "Task", "TaskUnit", "Unit", "UnitKind",
]
