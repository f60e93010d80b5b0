"""Sites made before 撤回 was shipped get it (fixtures/defaults/workflows.yaml): the assessee takes a
report back while it still waits for the office (自评报告 待初审, 项目月报 已提交).

Only into a workflow an administrator has left as shipped in what matters: the active workflow of the
doctype with exactly the shipped states, its 提交 transition still there, and no transition named 撤回
(whatever an administrator made of 撤回, or of the states, is theirs). The new transition is no one's
task (is_task False: not in 待办, counts or 'please act' notifications) and is allowed to whoever may
提交 (the roles as the site names them now), with the same approvers.
"""

import secrets

from django.db import migrations
from django.db.models import Max

MESSAGE = "{title}已由填报单位撤回，修改后将重新提交。"
ACTION = "撤回"
# doctype: (the shipped states, the state a submitted report waits in)
SHIPPED = {
    "SelfAssessment": ({"草稿", "待初审", "待审定", "已审定"}, "待初审"),
    "Project Report": ({"草稿", "已提交", "已审核"}, "已提交"),
}


def add_withdraw(apps, schema_editor):
    Workflow = apps.get_model("lowcode", "Workflow")
    Transition = apps.get_model("lowcode", "WorkflowTransition")
    for doctype, (states, waiting) in SHIPPED.items():
        for workflow in Workflow.objects.filter(document_type=doctype, is_active=True):
            if set(workflow.states.values_list("state", flat=True)) != states:
                continue
            rows = Transition.objects.filter(workflow=workflow)
            submit = rows.filter(state="草稿", action="提交", next_state=waiting).order_by("idx", "pk").first()
            if submit is None or rows.filter(action=ACTION).exists():
                continue
            Transition.objects.create(
                workflow=workflow,
                name=secrets.token_hex(5),
                idx=(rows.aggregate(last=Max("idx"))["last"] or 0) + 1,
                state=waiting,
                action=ACTION,
                next_state="草稿",
                allowed=submit.allowed,
                approver_field=submit.approver_field,
                is_task=False,
                message=MESSAGE,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("innovation_action", "0015_project_stages"),
        ("lowcode", "0015_workflow_transition_is_task"),
    ]

    operations = [migrations.RunPython(add_withdraw, migrations.RunPython.noop)]
