"""What the plan's print formats see besides ``doc``: its lists, read in few queries.

Templates see plain data only (apps/lowcode/print_format/safe.py): a task's units and
liaisons are handed over as the texts the task list prints, not as records to walk.
"""

from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from apps.innovation_action.doctype.indicator.model import IndicatorGroup
from apps.innovation_action.doctype.project.model import Project


@dataclass
class TaskRow:
    """A task of the plan's task list (附件1)."""

    number: int
    section: str
    title: str
    content: str
    lead_unit: str
    responsible_units: list[str]
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


def task_row(task) -> TaskRow:
    return TaskRow(
        number=task.number,
        section=task.section,
        title=task.title,
        content=task.content,
        lead_unit=task.lead_unit.name if task.lead_unit_id else "",
        responsible_units=[unit.name for unit in task.responsible_units],
        liaisons=[str(liaison) for liaison in task.liaisons],
    )


def context(plan) -> PlanContext:
    tasks = [
        task_row(task)
        for task in plan.tasks.select_related("lead_unit").prefetch_related("units__unit", "units__liaison")
    ]
    return PlanContext(
        tasks=tasks,
        task_sections=[TaskSection(title, list(rows)) for title, rows in groupby(tasks, attrgetter("section"))],
        projects=list(plan.projects.select_related("county")),
        indicator_groups=list(plan.indicator_groups.order_by("scheme", "order")),
    )
