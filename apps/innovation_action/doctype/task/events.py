"""A task's unit rows as users write them, and the lead unit the rows give.

The unit rows are the one source of truth of who takes part in a task and in
which role. Clients (the API, the xlsx import) may also:
- write a role by its label (牵头单位) rather than its name (牵头);
- name a group of units (各街办、镇、集聚区) where a unit is asked for: the row
  becomes a row per member, in the row's role;
- write the task's 牵头单位 (``lead_unit``): it is the unit of the first row in a
  leading role, so it sets that row (adds it when there is none); given with
  rows that name another lead, it is refused.
After every save the task's ``lead_unit`` is set from the rows.
"""

from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.doctype.unit_group.model import UnitGroup
from apps.lowcode.exceptions import LinkValidationError, ValidationError


def prepare_units(user, data: dict, name=None) -> dict:
    """client_data hook of Task: roles by label, unit groups expanded, the lead unit written as a row."""
    rows = data.get("units")
    stored = _stored_rows(name)
    if isinstance(rows, list):
        data = {**data, "units": expand_groups([_with_role_name(row) for row in rows], stored)}
    lead = data.get("lead_unit")
    if "units" in data and not isinstance(rows, list):
        return data  # not a table: the document service refuses it
    if isinstance(lead, str) and lead.strip():
        data = _with_lead_row(data, lead.strip(), stored, creating=name is None)
    return data


def expand_groups(rows: list, stored: list[dict]) -> list:
    """Each row naming a Unit Group (and no unit of that name) as a row per member unit, in its role."""
    table = TaskUnit._meta.verbose_name_plural
    explicit = {_key(row) for row in rows if isinstance(row, dict) and _names_unit(row.get("unit"))}
    by_key = {(row["unit"], row["role"]): row for row in stored}
    # Names of the stored rows the client's unit rows keep (a group's row is replaced, its name is free).
    used_names = {
        row.get("name") for row in rows if isinstance(row, dict) and row.get("name") and _names_unit(row.get("unit"))
    }
    result = []
    for idx, row in enumerate(rows, start=1):
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
            old = by_key.get(key)
            if old is not None and old["name"] not in used_names:
                expanded["name"] = old["name"]
                used_names.add(old["name"])
                if old["liaison"]:
                    expanded["liaison"] = old["liaison"]
            result.append(expanded)
    return result


def _with_lead_row(data: dict, lead: str, stored: list[dict], creating: bool) -> dict:
    leading = list(TaskRole.objects.filter(is_leading=True).values_list("name", flat=True))
    if not leading:
        raise ValidationError("没有设置牵头职责的任务职责，请先在“任务职责”中勾选“牵头职责”")
    given = data.get("units")
    source = given if isinstance(given, list) else ([] if creating else stored)
    rows = [dict(row) if isinstance(row, dict) else row for row in source]  # a bad row is the service's to refuse
    lead_rows = [row for row in rows if isinstance(row, dict) and str(row.get("role") or "").strip() in leading]
    if any(str(row.get("unit") or "").strip() == lead for row in lead_rows):
        return data  # the rows (given or stored) already name it
    if lead_rows and isinstance(given, list):
        named = "、".join(str(row.get("unit")) for row in lead_rows)
        raise ValidationError(f"牵头单位“{lead}”与单位表中的牵头单位“{named}”不一致，请只在一处填写")
    if lead_rows:  # a new lead for a stored task: its lead row changes unit (the liaison was the old unit's)
        lead_rows[0].update(unit=lead, liaison=None)
    else:
        rows.append({"unit": lead, "role": leading[0]})  # last: the rows the client numbered keep their numbers
    return {**data, "units": rows}


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


def _stored_rows(name) -> list[dict]:
    """The saved rows of the task being updated, as a client would send them back."""
    if not name:
        return []
    rows = TaskUnit.objects.filter(task__name=name).order_by("idx", "id")
    return [
        {"name": name, "unit": unit, "role": role, "liaison": liaison}
        for name, unit, role, liaison in rows.values_list("name", "unit__name", "role__name", "liaison__name")
    ]


def add_group_rows(task: Task, group: UnitGroup, role: TaskRole, user) -> list[TaskUnit]:
    """The admin's 按单位组添加: a row per member of ``group`` in ``role``, after the task's rows;
    a member already holding that role keeps its row."""
    held = set(TaskUnit.objects.filter(task=task, role=role).values_list("unit_id", flat=True))
    idx = TaskUnit.objects.filter(task=task).order_by("-idx").values_list("idx", flat=True).first() or 0
    added = []
    for unit in group.member_units():
        if unit.pk in held:
            continue
        idx += 1
        added.append(TaskUnit.objects.create(task=task, unit=unit, role=role, idx=idx, owner=user, modified_by=user))
    sync_lead_unit(task)
    return added


def sync_lead_unit(task: Task, **context) -> None:
    """on_update of Task: ``lead_unit`` is the unit of the first row in a leading role (None without one).

    Set without a new save: the save that changed the rows has just written its
    history record, which is corrected to show the lead the save ends with.
    """
    lead = (
        TaskUnit.objects.filter(task=task, role__is_leading=True)
        .order_by("idx", "id")
        .values_list("unit_id", flat=True)
        .first()
    )
    if task.lead_unit_id == lead:
        return
    Task.objects.filter(pk=task.pk).update(lead_unit_id=lead)
    task.lead_unit_id = lead
    record = task.history.order_by("-history_id").first()
    if record is not None:
        type(record).objects.filter(pk=record.pk).update(lead_unit_id=lead)
