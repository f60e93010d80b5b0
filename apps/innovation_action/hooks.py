"""The app's document events (see apps/lowcode/doctype/events.py), as Frappe's hooks.py."""

doc_events = {
    "SelfAssessment": {
        "after_insert": "apps.innovation_action.doctype.self_assessment.events.prefill_lines",
        "on_update": "apps.innovation_action.doctype.self_assessment.events.update_totals",
    },
}
