"""The roles of DESIGN.md §1 and what each may do in the admin.

Record-level scope (a county user sees only their county) comes from
User Permission rows, not from these model permissions.

The code names a role by its key (``OFFICE``); users read its group's name, which
is ``STANDARD_NAMES`` when the site is set up and whatever an administrator renames
it to afterwards (a district's 街镇填报员). A message naming a role asks ``name``.
"""

from django.apps import apps
from django.contrib.auth.models import Group

from apps.lowcode.roles import ALL_ACTIONS, role_group, role_name, sync_roles

COUNTY_USER = "county_user"
UNIT_LIAISON = "unit_liaison"
OFFICE = "office"
LEADING_GROUP = "leading_group"
ADMINISTRATOR = "administrator"

STANDARD_NAMES = {
    COUNTY_USER: "县级填报员",
    UNIT_LIAISON: "市直单位联络员",
    OFFICE: "领导小组办公室",
    LEADING_GROUP: "领导小组",
    ADMINISTRATOR: "系统管理员",
}

# Which roles use the admin (可进入后台, Frappe's Role.desk_access): the administrators (configuration), the
# office (its data maintenance) and the leading group, which reads everything: its 审定 and the rankings are
# in the workbench, but the issued notices, the plan's records and their history only in the admin.
# Counties and units work only in the workbench (/app/). A new site's default; administrators change it.
DESK_ACCESS = {
    COUNTY_USER: False,
    UNIT_LIAISON: False,
    OFFICE: True,
    LEADING_GROUP: True,
    ADMINISTRATOR: True,
}


def name(key: str) -> str:
    """The role's name as users read it now (街镇填报员 once an administrator renamed 县级填报员)."""
    return role_name(key, default=STANDARD_NAMES[key])


def office_or_administrator() -> str:
    """“领导小组办公室或系统管理员”, as the roles are called now: who sets up and loads plan data."""
    return f"{name(OFFICE)}或{name(ADMINISTRATOR)}"


def group(key: str) -> Group:
    """The role's group, found by its key whatever it is called."""
    return role_group(key, standard_name=STANDARD_NAMES[key])


def sync() -> dict[str, Group]:
    """Every role with exactly its permissions: {key: group}."""
    return sync_roles(role_spec(), STANDARD_NAMES, DESK_ACCESS)


# Plan data the office sets up each year; the rest (counties, units,
# indicators) is configuration that only administrators change.
PLAN_DATA = (
    "ActionPlan",
    "PlanTarget",
    "AssessmentCategory",
    "PlanAssessee",
    "Task",
    "TaskUnit",
    # Groups named in a task table (各街办、镇、集聚区): set up with the tasks they expand in.
    "UnitGroup",
    "UnitGroupMember",
    "Project",
    "Liaison",
    "AssessmentPeriod",
    "DeadlineRule",
    "OfficialValue",
    "AssesseeTarget",
    "IntegrityCase",
    # 红黄绿灯设置: the office sets the yellow margin of its plan.
    "LightSetting",
    # 项目阶段: the office extends the stages a project report may name (前期、在建 …).
    "ProjectStage",
)
# Self-assessments: assessees and the office fill them in; what each may change
# or delete in which state is the workflow's business (fixtures/defaults/workflows.yaml):
# a draft can be deleted by its assessee, nothing once submitted.
# Monthly progress reports and project reports follow the same pattern (their own workflows).
ASSESSMENT = {
    f"innovation_action.{name}": ("view", "add", "change", "delete")
    for name in (
        "SelfAssessment",
        "SelfAssessmentLine",
        "BonusClaim",
        "ProgressReport",
        "ProgressReportLine",
        "ProjectReport",
    )
}
VIEW = ("view",)
WORKFLOW_MODELS = ("lowcode.Workflow", "lowcode.WorkflowState", "lowcode.WorkflowTransition", "lowcode.WorkflowLog")
# Print formats, letterheads and fonts are the administrators'; everyone may print with them.
PRINT_MODELS = ("lowcode.PrintFormat", "lowcode.PrintFormatBlock", "lowcode.LetterHead", "lowcode.PrintFont")
# Custom fields and field properties change every form: the administrators' alone.
CUSTOMIZE_MODELS = ("lowcode.CustomField", "lowcode.PropertySetter")
# The site's name and footer (站点设置): the administrators'; every page shows them.
SITE_MODELS = ("lowcode.WebsiteSettings",)


def app_models() -> list[str]:
    return [
        model._meta.label
        for model in apps.get_app_config("innovation_action").get_models()
        if not model.__name__.startswith("Historical")
    ]


def role_spec() -> dict:
    models = app_models()
    everything = {label: VIEW for label in models}
    office = dict(everything)
    office.update({f"innovation_action.{name}": ALL_ACTIONS for name in PLAN_DATA})
    administration = {label: ALL_ACTIONS for label in models}
    administration.update({label: ALL_ACTIONS for label in WORKFLOW_MODELS})
    administration.update({label: ALL_ACTIONS for label in PRINT_MODELS})
    administration.update({label: ALL_ACTIONS for label in CUSTOMIZE_MODELS})
    administration.update({label: ALL_ACTIONS for label in SITE_MODELS})
    administration.update(
        {
            "lowcode.UserPermission": ALL_ACTIONS,
            "lowcode.ApiKey": ("view", "delete"),
            # OAuth clients (Frappe's OAuth Client) may act for any user who approves them: the administrators'.
            "lowcode.OAuthClient": ALL_ACTIONS,
            "auth.User": ALL_ACTIONS,
            "auth.Group": ALL_ACTIONS,
            # Background job queues (django-rq's dashboard): seeing or emptying them is the administrators' alone.
            "django_rq.Dashboard": ("admin",),
        }
    )
    # Attachments: everyone may read and add them; which ones is decided by the
    # document they are attached to (scope) and write permission on it (upload).
    files = {"lowcode.File": ("view", "add", "delete")}
    # Everyone reads their own messages (scope) and marks them read.
    messages = {"lowcode.NotificationLog": ("view", "change")}
    # Issued notices are public to every user; the office issues them and may void one, nobody deletes one.
    printing = {label: VIEW for label in PRINT_MODELS} | {"lowcode.Notice": VIEW}
    for spec in (everything, office, administration):
        spec.update(files)
        spec.update(messages)
        spec.update({k: v for k, v in printing.items() if k not in spec})
    office["lowcode.Notice"] = administration["lowcode.Notice"] = ("view", "add", "change")
    administration["lowcode.File"] = ALL_ACTIONS
    assessee = {**everything, **ASSESSMENT}
    office.update(ASSESSMENT)
    office["lowcode.Workflow"] = VIEW
    # Reminders: the office sets the rules and 催办s by hand; everyone reads the reminders they may see
    # (an assessee's user those sent to them, Reminder Log's scope).
    for spec in (everything, office, administration):
        spec["lowcode.ReminderLog"] = VIEW
    for spec in (office, administration):
        spec["lowcode.ReminderRule"] = ALL_ACTIONS
        spec["lowcode.ReminderLog"] = ("view", "remind")
    assessee["lowcode.ReminderLog"] = VIEW
    return {
        COUNTY_USER: assessee,
        UNIT_LIAISON: assessee,
        OFFICE: office,
        LEADING_GROUP: everything,
        ADMINISTRATOR: administration,
    }
