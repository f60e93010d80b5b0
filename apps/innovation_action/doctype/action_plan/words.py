"""The words a plan's notices and forms print, from the plan and the site's data: nothing is written in a template.

Every print context of the app (the plan, a period, a self-assessment, a score) hands them over as
``words``, built here once: the plan's 行动名称 and 考评组织机构 (its 考评通报用语 fields), what the
assessees are called (the County and Unit doctypes' labels as the administrator set them, the plan's unit
category's title), and the 主送机关 of its notices. A field left blank is built from the rest, so a new
jurisdiction's notice reads right before anyone types these words.
"""

from dataclasses import dataclass

from apps.innovation_action.doctype.assessment_category.model import AssesseeType, AssessmentCategory
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.website.site import site_settings

DEFAULT_OFFICE = "领导小组办公室"


@dataclass
class PlanWords:
    action: str  # the action's name in titles: 科技创新三年行动; "" when the plan has none
    office: str  # who ran the assessment: 区科技创新工作领导小组办公室
    county: str  # the county-level assessees, as the County doctype is labelled: 县（市、区）, 街办、镇、集聚区
    unit: str  # a unit, as the Unit doctype is labelled: 单位
    units: str  # the plan's assessed units, by their category's title: 区直部门; "" when the plan assesses none
    units_addressee: str  # the assessed units as a notice addresses them: 区直有关部门
    addressees: str  # the 主送机关 of the plan's notices


def plan_words(plan) -> PlanWords:
    county = str(County._meta.verbose_name)  # lazy: the administrator's label for the doctype
    unit_category = (
        AssessmentCategory.objects.filter(plan=plan, assessee_type=AssesseeType.UNIT).order_by("order", "id").first()
    )
    units = unit_category.title if unit_category else ""
    units_addressee = plan.units_addressee.strip() or units
    default_addressees = f"各{county}" + (f"，{units_addressee}" if units_addressee else "")
    settings = site_settings()
    return PlanWords(
        action=plan.action_name.strip(),
        office=plan.assessing_office.strip() or settings.organisation or DEFAULT_OFFICE,
        county=county,
        unit=str(Unit._meta.verbose_name),
        units=units,
        units_addressee=units_addressee,
        addressees=plan.notice_addressees.strip() or default_addressees,
    )
