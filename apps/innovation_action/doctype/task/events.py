"""A task's unit rows as users write them, and the lead unit the rows give.

Clients (the API, the xlsx import) may write a role by its label (牵头单位) and
name a group of units (各街办、镇、集聚区) where a unit is asked for: the group
becomes a row per member, in the row's role. After every save the task's
``lead_unit`` is set from the rows, which are the one source of truth.
"""

from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.doctype.unit_group.model import UnitGroup
from apps.lowcode.exceptions import LinkValidationError, ValidationError


def expand_units(user, data: dict, name=None) -> dict:
    """client_data hook of Task: roles named by their label, and unit groups expanded to their members."""
    rows = data.get("units")
    if not isinstance(rows, list):
        return data
    table = TaskUnit._meta.verbose_name_plural
    given = [_with_role_name(row) for row in rows]
    explicit = {_key(row) for row in given if isinstance(row, dict) and _names_unit(row.get("unit"))}
    stored = _stored_rows(name)
    used_names = {row.get("name") for row in given if isinstance(row, dict) and row.get("name")}
    result = []
    for idx, row in enumerate(given, start=1):
        unit = row.get("unit") if isinstance(row, dict) else None
        if not isinstance(unit, str) or not unit.strip() or _names_unit(unit):
            result.append(row)  # the document service checks it like any other row
            continue
        group = UnitGroup.objects.filter(name=unit.strip()).first()
        where = f"子表“{table}”第{idx}行"
        if group is None:
            raise LinkValidationError(f"{where}：找不到单位或单位组“{unit.strip()}”")
        members = group.member_units()
        if not members:
            raise ValidationError(f"{where}：单位组“{group.name}”还没有成员单位")
        if row.get("liaison"):
            raise ValidationError(f"{where}：单位组“{group.name}”代表多个单位，不能指定一个联络员，请逐个单位填写")
        for member in members:
            expanded = {k: v for k, v in row.items() if k not in ("name", "unit", "liaison")}
            expanded["unit"] = member.name
            key = _key(expanded)
            if key in explicit:
                continue  # the unit is also listed on its own row in this role: one row, the explicit one
            explicit.add(key)
            # An unchanged group keeps its members' rows (names, liaisons, history) rather than replacing them.
            old = stored.get(key)
            if old is not None and old["name"] not in used_names:
                expanded["name"] = old["name"]
                used_names.add(old["name"])
                if old["liaison"]:
                    expanded["liaison"] = old["liaison"]
            result.append(expanded)
    return {**data, "units": result}


def _with_role_name(row):
    """A row whose role is written as a label (牵头单位) carries the role's name (牵头)."""
    if not isinstance(row, dict) or not isinstance(row.get("role"), str):
        return row
    if TaskRole.objects.filter(name=row["role"]).exists():
        return row
    role = TaskRole.named(row["role"])
    return {**row, "role": role.name} if role else row


def _names_unit(value) -> bool:
    return isinstance(value, str) and Unit.objects.filter(name=value.strip()).exists()


def _key(row: dict) -> tuple[str, str]:
    return (str(row.get("unit") or "").strip(), str(row.get("role") or "").strip())


def _stored_rows(name) -> dict[tuple[str, str], dict]:
    """The saved rows of the task being updated, by (unit, role)."""
    if not name:
        return {}
    rows = TaskUnit.objects.filter(task__name=name).values("name", "unit__name", "role__name", "liaison__name")
    return {(r["unit__name"], r["role__name"]): {"name": r["name"], "liaison": r["liaison__name"]} for r in rows}


def sync_lead_unit(task: Task, **context) -> None:
    """on_update of Task: ``lead_unit`` is the unit of the first row in a leading role (None without one).

    Set without a new save: the save that changed the rows has just written its
    history record, which is corrected to show the lead the save ends with.
    """
    row = (
        TaskUnit.objects.filter(task=task, role__is_leading=True)
        .order_by("idx", "id")
        .values_list("unit_id", flat=True)
        .first()
    )
    if task.lead_unit_id == row:
        return
    Task.objects.filter(pk=task.pk).update(lead_unit_id=row)
    task.lead_unit_id = row
    record = task.history.order_by("-history_id").first()
    if record is not None:
        type(record).objects.filter(pk=record.pk).update(lead_unit_id=row)
