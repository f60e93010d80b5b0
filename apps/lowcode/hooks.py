"""The platform's own document events (see apps/lowcode/doctype/events.py)."""

doc_events = {
    # A workflow saved through the API is checked whole, with its states and transitions.
    "Workflow": {"on_update": "apps.lowcode.workflow.validation.validate_saved_workflow"},
    # A field made required is opened for editing in the draft states that list their fields.
    # What an administrator may not do to a doctype (apps/lowcode/customize/validation.py).
    "Custom Field": {
        "validate": "apps.lowcode.customize.validation.validate_custom_field",
        "on_update": "apps.lowcode.workflow.required_fields.custom_field_saved",
    },
    "Property Setter": {
        "validate": "apps.lowcode.customize.validation.validate_property_setter",
        "on_update": "apps.lowcode.workflow.required_fields.property_setter_saved",
    },
}

# Jobs the RQ cron scheduler runs (apps/lowcode/jobs/scheduler.py), as Frappe's scheduler_events:
# "hourly", "daily" or a cron line in the scheduler's local time. Reminders go out at 8 every morning;
# a second or overlapping run sends nothing twice. The site is backed up at 2 every night, keeping the newest
# backup_keep archives (sites/backup.py; an overlapping run is refused by a lock).
scheduler_events = {
    "cron": {
        "0 8 * * *": ["apps.lowcode.reminder.service.send_due_reminders"],
        "0 2 * * *": ["sites.backup.daily_backup"],
    },
}

# The only fields a document's current state lets its editors change (None: every field); a required field
# nobody may fill in now is not asked for (apps/lowcode/doctype/required.py).
editable_fields = "apps.lowcode.workflow.required_fields.fields_editable_now"

# Configuration that travels between sites (apps/lowcode/fixtures/registry.py), in load order:
# custom fields before the workflows that may name them, letterheads before the formats using them.
fixtures = [
    {"doctype": "Custom Field", "key": ["dt", "fieldname"]},
    {"doctype": "Property Setter", "key": ["doc_type", "field_name"]},
    {
        "doctype": "Workflow",
        "key": ["name"],
        "tables": {"states": ["state"], "transitions": ["state", "action", "next_state"]},
    },
    {"doctype": "Letter Head", "key": ["name"]},
    # Blocks have no name of their own: they are matched by position.
    {"doctype": "Print Format", "key": ["name"], "tables": {"blocks": []}},
]
