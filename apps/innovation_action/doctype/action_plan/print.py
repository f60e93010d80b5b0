"""What the plan's print formats see besides ``doc``: its lists, read in few queries.

Templates see plain data only (apps/lowcode/print_format/safe.py): a task's units and
liaisons are handed over as the texts the task list prints, not as records to walk.
"""

from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from apps.innovation_action.doctype.action_plan.words import PlanWords, plan_words
from apps.innovation_action.doctype.indicator.model import IndicatorGroup
from apps.innovation_action.doctype.project.model import Project
from apps.innovation_action.doctype.task_role.model import TaskRole


@dataclass
class TaskRoleUnits:
    """The units of a task in one role: ``role`` is the short name (配合), ``label`` the heading (配合单位)."""

    role: str
    label: str
    units: list[str]


@dataclass
class TaskRow:
    """A task of the plan's task list (附件1).

    ``lead_unit`` and ``responsible_units`` are the columns of the demo plan's list; a format
    for other roles reads ``roles`` (each role the task has, in the roles' order) or
    ``units`` by role name: ``{{ row.units.配合|lines }}``.
    """

    number: int
    section: str
    title: str
    content: str
    lead_unit: str  # the units in a leading role, 、-separated (one in the demo plan's list)
    responsible_units: list[str]
    roles: list[TaskRoleUnits]
    units: dict[str, list[str]]
    liaisons: list[str]  # 市科技局 赋能办 廖家乐


@dataclass
class TaskSection:
    title: str
    tasks: list[TaskRow]


@dataclass
class PlanContext:
    tasks: list[TaskRow]
    # The plan's own text numbers tasks within each section (（二）1.…); the task list runs 1–29.
    task_sections: list[TaskSection]
    projects: list[Project]
    indicator_groups: list[IndicatorGroup]
    words: PlanWords  # the plan's own words: its action, office, assessees, addressees
    # {role short name: its label} of the roles the plan's tasks use, in the roles' order: a task-list
    # column headed {{ role_labels.配合 }} prints only in a plan that has 配合 units (an empty heading
    # leaves its column out), and under the label the administrator gave the role.
    role_labels: dict[str, str]


def task_row(task) -> TaskRow:
    roles = [
        TaskRoleUnits(role.name, role.label, [unit.name for unit in units]) for role, units in task.units_by_role()
    ]
    return TaskRow(
        number=task.number,
        section=task.section,
        title=task.title,
        content=task.content,
        lead_unit="、".join(unit.name for unit in task.lead_units),
        responsible_units=[unit.name for unit in task.responsible_units],
        roles=roles,
        units={entry.role: entry.units for entry in roles},
        liaisons=[str(liaison) for liaison in task.liaisons],
    )


def context(plan) -> PlanContext:
    tasks = [task_row(task) for task in plan.tasks.prefetch_related("units__unit", "units__role", "units__liaison")]
    used = {entry.role: entry.label for task in tasks for entry in task.roles}
    return PlanContext(
        tasks=tasks,
        task_sections=[TaskSection(title, list(rows)) for title, rows in groupby(tasks, attrgetter("section"))],
        projects=list(plan.projects.select_related("county")),
        indicator_groups=list(plan.indicator_groups.order_by("scheme", "order")),
        words=plan_words(plan),
        role_labels=dict(TaskRole.objects.filter(name__in=used).values_list("name", "label")),
    )
