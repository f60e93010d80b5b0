"""What the plan's print formats see besides ``doc``: its lists, read in few queries."""

from itertools import groupby
from operator import attrgetter


def context(plan) -> dict:
    tasks = list(plan.tasks.select_related("lead_unit").prefetch_related("units__unit", "units__liaison"))
    return {
        "tasks": tasks,
        # The plan's own text numbers tasks within each section (（二）1.…); the task list runs 1–29.
        "task_sections": [{"title": title, "tasks": list(rows)} for title, rows in groupby(tasks, attrgetter("section"))],
        "projects": list(plan.projects.select_related("county")),
        "indicator_groups": list(plan.indicator_groups.prefetch_related("indicators").order_by("scheme", "order")),
    }
