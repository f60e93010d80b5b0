"""The app's document events (see apps/lowcode/doctype/events.py), as Frappe's hooks.py."""

SELF_ASSESSMENT = "apps.innovation_action.doctype.self_assessment.events"
INTEGRITY_CASE = "apps.innovation_action.doctype.integrity_case.events"

doc_events = {
    "SelfAssessment": {
        "onload": "apps.innovation_action.services.deadlines.onload",
        "after_insert": f"{SELF_ASSESSMENT}.prefill_lines",
        "on_update": f"{SELF_ASSESSMENT}.refresh_scores",
        "before_transition": f"{SELF_ASSESSMENT}.check_scores",
        "after_transition": f"{SELF_ASSESSMENT}.score_on_transition",
    },
    "Official Value": {
        "on_update": "apps.innovation_action.services.official_data.official_value_saved",
        "after_delete": "apps.innovation_action.services.official_data.official_value_saved",
    },
    "Assessee Target": {
        # Saved or deleted, from any door: the scores of the periods it applies to follow.
        "on_update": "apps.innovation_action.services.assessee_targets.target_changed",
        "after_delete": "apps.innovation_action.services.assessee_targets.target_changed",
    },
    "Integrity Case": {
        "on_update": f"{INTEGRITY_CASE}.rerank",
    },
    "Assessment Period": {
        # A ranking notice is issued only with final results, in the format written for the period's kind.
        "before_issue": "apps.innovation_action.doctype.assessment_period.print.before_issue",
        # Before that, a preview is for the office and the leading group (it lists every county).
        "before_print": "apps.innovation_action.doctype.assessment_period.print.before_print",
    },
    "Task": {
        # The unit rows are the one source of truth of who leads a task.
        "on_update": "apps.innovation_action.doctype.task.events.sync_lead_unit",
    },
    "Progress Report": {
        # The form's deadline, time left and reminders (frappe.desk.form.load.getdoc's __onload).
        "onload": "apps.innovation_action.services.deadlines.onload",
        "after_insert": "apps.innovation_action.doctype.progress_report.events.prefill_lines",
        "after_transition": "apps.innovation_action.doctype.progress_report.events.stamp_submission",
    },
    "Project Report": {
        # 报送时间 as for a task report: the first time it leaves its draft state.
        "after_transition": "apps.innovation_action.doctype.progress_report.events.stamp_submission",
    },
}

# When each kind of report is due (services/deadlines.py): reminders (apps/lowcode/reminder) ask here.
deadlines = {
    "Progress Report": "apps.innovation_action.services.deadlines.due_date",
    "SelfAssessment": "apps.innovation_action.services.deadlines.due_date",
}

# What clients write before it is checked: a task's roles by their labels, groups of units for their members.
client_data = {
    "Task": "apps.innovation_action.doctype.task.events.prepare_units",
}

# What each doctype's print formats see besides the document (apps/lowcode/print_format/compose.py).
print_context = {
    "Action Plan": "apps.innovation_action.doctype.action_plan.print.context",
    "Assessment Period": "apps.innovation_action.doctype.assessment_period.print.context",
    "SelfAssessment": "apps.innovation_action.doctype.self_assessment.print.context",
    "Score": "apps.innovation_action.doctype.score.print.context",
}

# Computed values print formats may use besides a doctype's fields (Frappe's virtual fields).
print_properties = {
    "Action Plan": ["years_text"],
    "Assessment Period": ["title", "year"],
    "SelfAssessment": ["assessee"],
    "Score": ["assessee"],
}

# Which of a doctype's print formats fit a document (the rest are neither offered, previewed nor issued).
print_format_fit = {
    "Assessment Period": "apps.innovation_action.doctype.assessment_period.print.format_fit",
}

# The app's configuration that travels with the platform's (apps/lowcode/fixtures): the indicators
# and their scoring of one plan, chosen by its name (plans may span years, two may share a year),
# loaded into the plan chosen at load time (--plan, default: the plan of the file's name).
fixture_scopes = {"Action Plan": {"by": "name", "option": "plan"}}
fixtures = [
    {"doctype": "Indicator Group", "key": ["plan", "scheme", "order"], "scope": "plan"},
    # Bonus rules by position, as the plan's fixtures number them; claims link to them, so a
    # row is updated in place rather than replaced.
    {"doctype": "Indicator", "key": ["group", "number"], "scope": "group.plan", "tables": {"bonus_rules": []}},
]

# What a new site gets when the app is installed on it (`manage.py new_site`, as Frappe's after_install):
# the roles, the default workflows and the print formats, nothing of any jurisdiction.
after_install = "apps.innovation_action.services.site_defaults.after_install"
