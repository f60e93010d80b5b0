"""Registers each doctype's admin, which lives beside its model."""

from apps.innovation_action.doctype.action_plan import (
    admin as _action_plan,  # noqa: F401
)
from apps.innovation_action.doctype.assessee_target import (
    admin as _assessee_target,  # noqa: F401
)
from apps.innovation_action.doctype.assessment_category import (
    admin as _assessment_category,  # noqa: F401
)
from apps.innovation_action.doctype.assessment_period import (
    admin as _assessment_period,  # noqa: F401
)
from apps.innovation_action.doctype.county import admin as _county  # noqa: F401
from apps.innovation_action.doctype.deadline_rule import admin as _deadline_rule  # noqa: F401
from apps.innovation_action.doctype.indicator import admin as _indicator  # noqa: F401
from apps.innovation_action.doctype.integrity_case import (
    admin as _integrity_case,  # noqa: F401
)
from apps.innovation_action.doctype.liaison import admin as _liaison  # noqa: F401
from apps.innovation_action.doctype.light_setting import (
    admin as _light_setting,  # noqa: F401
)
from apps.innovation_action.doctype.official_value import (
    admin as _official_value,  # noqa: F401
)
from apps.innovation_action.doctype.plan_assessee import (
    admin as _plan_assessee,  # noqa: F401
)
from apps.innovation_action.doctype.progress_report import (
    admin as _progress_report,  # noqa: F401
)
from apps.innovation_action.doctype.project import admin as _project  # noqa: F401
from apps.innovation_action.doctype.project_report import (
    admin as _project_report,  # noqa: F401
)
from apps.innovation_action.doctype.project_stage import admin as _project_stage  # noqa: F401
from apps.innovation_action.doctype.score import admin as _score  # noqa: F401
from apps.innovation_action.doctype.self_assessment import (
    admin as _self_assessment,  # noqa: F401
)
from apps.innovation_action.doctype.task import admin as _task  # noqa: F401
from apps.innovation_action.doctype.task_role import admin as _task_role  # noqa: F401
from apps.innovation_action.doctype.unit import admin as _unit  # noqa: F401
from apps.innovation_action.doctype.unit_group import admin as _unit_group  # noqa: F401
