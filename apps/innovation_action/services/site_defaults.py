"""What every site of the app starts with, whatever its jurisdiction: the roles, the task roles (牵头、责任、
配合), the project stages (前期、在建 …), the default workflows (fixtures/defaults/workflows.yaml), the reminder rules (reminders.yaml) and
the print formats (print_formats/).

Installed on a new site by `manage.py new_site` (the app's ``after_install`` hook, as Frappe's) and by
every plan's fixtures (`manage.py load_plan`). Idempotent: a workflow that exists is left as its
administrators made it, and a print format is updated only while nobody edited it.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from apps.innovation_action import roles
from apps.innovation_action.doctype.project_stage.model import DEFAULT_STAGES, ProjectStage
from apps.innovation_action.doctype.task_role.model import DEFAULT_ROLES, TaskRole
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.print_format.loader import PrintFormatDataError, load_print_formats
from apps.lowcode.reminder.loader import load_reminder_rules
from apps.lowcode.workflow.loader import load_workflows


class DefaultsDataError(ValueError):
    """A defaults file that cannot be loaded; the message says which, in Chinese."""


def read_rows(path: Path) -> list:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise DefaultsDataError(f"数据文件 {path.name} 格式错误：{exc}") from exc


def install_workflows(rows: list, source: str = "workflows.yaml") -> list[str]:
    """Workflows from fixture rows (created once, then the administrators'); returns the names created."""
    try:
        return load_workflows(rows)
    except ValidationError as exc:
        raise DefaultsDataError(f"{source}：{exc.message}") from None


def install_task_roles() -> None:
    """The default task roles, as the data migration creates them; an edited or deleted-and-remade one is left
    alone. Here too, so `manage.py install_defaults` gives an emptied database (flush) what migrate gave it."""
    for role in DEFAULT_ROLES:
        if not TaskRole.objects.filter(name=role["name"]).exists():
            TaskRole.objects.create(**role)


def install_project_stages() -> None:
    """The default project stages, as the data migration creates them, unless the site has stages already
    (the office's list is theirs: a stage they deleted is not brought back)."""
    if not ProjectStage.objects.exists():
        for stage in DEFAULT_STAGES:
            ProjectStage.objects.create(**stage)


@transaction.atomic
def install_defaults() -> None:
    # Workflows name roles: make sure they exist first.
    roles.sync()
    install_task_roles()
    install_project_stages()
    install_workflows(read_rows(Path(settings.DEFAULT_FIXTURES_DIR) / "workflows.yaml"))
    try:
        load_reminder_rules(read_rows(Path(settings.DEFAULT_FIXTURES_DIR) / "reminders.yaml"))
    except ValidationError as exc:
        raise DefaultsDataError(f"reminders.yaml：{exc.message}") from None
    try:
        load_print_formats(settings.PRINT_FORMATS_DIR)
    except PrintFormatDataError as exc:
        raise DefaultsDataError(f"打印格式：{exc}") from None


def after_install() -> None:
    """The app's hook (hooks.py ``after_install``), run by `manage.py new_site` on the new site."""
    install_defaults()
