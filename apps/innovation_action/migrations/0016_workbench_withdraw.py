"""Sites made before 撤回 existed get the shipped transition (fixtures/defaults/workflows.yaml) on their
self-assessment workflow: the assessee may take a report back while it still waits for 初审. It is allowed
to whoever may 提交 (the roles as the site names them now) and to the same approvers."""

import secrets

from django.db import migrations
from django.db.models import Max

WORKFLOW = "自评报告审核流程"
MESSAGE = "{title}已由填报单位撤回，修改后将重新提交。"


def add_withdraw(apps, schema_editor):
    Transition = apps.get_model("lowcode", "WorkflowTransition")
    for submit in Transition.objects.filter(workflow__name=WORKFLOW, state="草稿", action="提交", next_state="待初审"):
        rows = Transition.objects.filter(workflow_id=submit.workflow_id)
        if rows.filter(state="待初审", action="撤回").exists():
            continue
        Transition.objects.create(
            workflow_id=submit.workflow_id,
            name=secrets.token_hex(5),
            idx=(rows.aggregate(last=Max("idx"))["last"] or 0) + 1,
            state="待初审",
            action="撤回",
            next_state="草稿",
            allowed=submit.allowed,
            approver_field=submit.approver_field,
            message=MESSAGE,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("innovation_action", "0015_project_stages"),
        ("lowcode", "0014_reminder_rule_labels"),
    ]

    operations = [migrations.RunPython(add_withdraw, migrations.RunPython.noop)]
