"""The app's own whitelisted methods, called as /api/method/innovation_action.api.<name>."""

from django.db.models import Count, Sum

from apps.lowcode.api.errors import PermissionError
from apps.lowcode.api.methods import whitelist
from apps.lowcode.permissions import can, scope_queryset
from apps.innovation_action.models import Project


@whitelist("innovation_action.api.get_project_totals", methods=("GET",))
def get_project_totals(request, plan="2023"):
    """Project count and investment (万元) per section, over the projects the user may see."""
    if not can(request.user, "read", Project):
        raise PermissionError("没有查看重点项目的权限")
    rows = (
        scope_queryset(request.user, Project).filter(plan__name=str(plan)).order_by()
        .values("section").annotate(count=Count("id"), total=Sum("total_investment"), planned=Sum("planned_investment"))
    )
    by_section = {row["section"]: row for row in rows}
    return [
        {"section": section, "count": by_section[section]["count"],
         "total_investment": float(by_section[section]["total"]),
         "planned_investment": float(by_section[section]["planned"])}
        for section in Project.Section.values if section in by_section
    ]
