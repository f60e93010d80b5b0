"""The platform's own document events (see apps/lowcode/doctype/events.py)."""

doc_events = {
    # A workflow saved through the API is checked whole, with its states and transitions.
    "Workflow": {"on_update": "apps.lowcode.workflow.validation.validate_saved_workflow"},
}
