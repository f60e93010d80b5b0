"""The app's doctypes; each lives in its own folder under ``doctype/``."""

from apps.innovation_action.doctype.action_plan.model import ActionPlan, PlanTarget
from apps.innovation_action.doctype.assessee_target.model import AssesseeTarget
from apps.innovation_action.doctype.assessment_category.model import AssesseeType, AssessmentCategory
from apps.innovation_action.doctype.assessment_period.model import (
    AssessmentPeriod,
    PeriodKind,
)
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.deadline_rule.model import DeadlineRule
from apps.innovation_action.doctype.indicator.model import (
    BonusRule,
    Indicator,
    IndicatorGroup,
    Scheme,
    ValueSource,
)
from apps.innovation_action.doctype.integrity_case.model import IntegrityCase
from apps.innovation_action.doctype.liaison.model import Liaison
from apps.innovation_action.doctype.light_setting.model import LightSetting
from apps.innovation_action.doctype.official_value.model import OfficialValue
from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.innovation_action.doctype.progress_report.model import (
    ProgressReport,
    ProgressReportLine,
    TaskStatus,
)
from apps.innovation_action.doctype.project.model import Project
from apps.innovation_action.doctype.project_report.model import ProjectReport
from apps.innovation_action.doctype.project_stage.model import ProjectStage
from apps.innovation_action.doctype.score.model import (
    Outcome,
    Score,
    ScoreLine,
)
from apps.innovation_action.doctype.self_assessment.model import (
    BonusClaim,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.innovation_action.doctype.unit.model import Unit, UnitKind
from apps.innovation_action.doctype.unit_group.model import UnitGroup, UnitGroupMember

__all__ = [
    "ActionPlan",
    "AssesseeTarget",
    "AssesseeType",
    "AssessmentCategory",
    "AssessmentPeriod",
    "BonusClaim",
    "BonusRule",
    "County",
    "DeadlineRule",
    "Indicator",
    "IndicatorGroup",
    "IntegrityCase",
    "Liaison",
    "LightSetting",
    "OfficialValue",
    "Outcome",
    "PeriodKind",
    "PlanAssessee",
    "PlanTarget",
    "ProgressReport",
    "ProgressReportLine",
    "Project",
    "ProjectReport",
    "ProjectStage",
    "Scheme",
    "Score",
    "ScoreLine",
    "SelfAssessment",
    "SelfAssessmentLine",
    "Task",
    "TaskRole",
    "TaskStatus",
    "TaskUnit",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "UnitKind",
    "ValueSource",
]
