"""Workflows from fixtures (YAML rows), created once and then owned by the administrator."""

from django.db import transaction

from apps.lowcode.exceptions import ValidationError
from apps.lowcode.roles import current_role_name
from apps.lowcode.workflow.model import Workflow, WorkflowState, WorkflowTransition, split_lines
from apps.lowcode.workflow.validation import workflow_errors


def _lines(value) -> str:
    return "\n".join(value) if isinstance(value, list) else (value or "")


def _roles(value) -> str:
    """Roles as the fixtures name them (their standard names), as this site calls them now."""
    return "\n".join(current_role_name(name) for name in split_lines(_lines(value)))


@transaction.atomic
def load_workflows(rows: list[dict]) -> list[str]:
    """Create the workflows not yet on the site; returns the names created.

    A workflow that exists is left alone, so loading fixtures again (every
    `make run`) never undoes what an administrator changed.
    """
    created = []
    for row in rows:
        if Workflow.objects.filter(name=row["name"]).exists():
            continue
        states = [
            {**s, "allow_edit": _roles(s.get("allow_edit")), "editable_fields": _lines(s.get("editable_fields"))}
            for s in row["states"]
        ]
        transitions = [
            {**t, "allowed": _roles(t.get("allowed")), "approver_field": _lines(t.get("approver_field"))}
            for t in row["transitions"]
        ]
        errors = workflow_errors(row["document_type"], states, transitions)
        if errors:
            raise ValidationError(f"工作流“{row['name']}”：{'；'.join(errors)}")
        workflow = Workflow.objects.create(
            name=row["name"], document_type=row["document_type"], is_active=row.get("is_active", True)
        )
        for idx, state in enumerate(states, start=1):
            WorkflowState.objects.create(workflow=workflow, idx=idx, **state)
        for idx, transition in enumerate(transitions, start=1):
            WorkflowTransition.objects.create(workflow=workflow, idx=idx, **transition)
        created.append(workflow.name)
    return created
