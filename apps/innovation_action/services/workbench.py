"""What the workbench (/app/) asks the server for beyond single documents: who is using it, and their 待办."""

from django.utils import timezone

from apps.innovation_action import roles
from apps.innovation_action.services.deadlines import deadline_of
from apps.lowcode.document.service import get_document, meta_for
from apps.lowcode.file.attach import attachments_of
from apps.lowcode.file.upload import max_file_size
from apps.lowcode.scoring.rules import Method
from apps.lowcode.website.site import site_name
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import Workflow, WorkflowLog

# Documents that are due by a date (a period's deadline): their 待办 items show the time left.
DUE_DOCTYPES = ("SelfAssessment", "Progress Report", "Project Report")


def session_info(user) -> dict:
    """The user's name, their role keys (roles.py: county_user, office, …) and the site's name."""
    keys = set(user.groups.filter(role_key__isnull=False).values_list("role_key__key", flat=True))
    if user.is_superuser:
        keys.add(roles.ADMINISTRATOR)
    return {
        "user": user.get_username(),
        "full_name": user.get_full_name() or user.get_username(),
        "roles": sorted(keys),
        "site_name": site_name(),
    }


def _state_order(doctypes) -> dict[str, dict[str, int]]:
    """{doctype: {state: position}} in the order each active workflow lists its states."""
    order: dict[str, dict[str, int]] = {}
    for workflow in Workflow.objects.filter(is_active=True, document_type__in=doctypes).prefetch_related("states"):
        order[workflow.document_type] = {s.state: i for i, s in enumerate(workflow.states.all())}
    return order


def _last_moves(docs) -> dict[tuple[str, str], WorkflowLog]:
    """{(doctype, name): the log entry that moved the document into its current state}."""
    keys = {(type(doc).doctype, doc.name) for doc in docs}
    last: dict[tuple[str, str], WorkflowLog] = {}
    names = {name for _doctype, name in keys}
    doctypes = {doctype for doctype, _name in keys}
    logs = (
        WorkflowLog.objects.filter(reference_doctype__in=doctypes, reference_name__in=names, moved=True)
        .select_related("user")
        .order_by("id")
    )
    for log in logs:
        key = (log.reference_doctype, log.reference_name)
        if key in keys:
            last[key] = log
    return last


def todo(user) -> list[dict]:
    """待办: the documents the user can act on now, returned ones first (with who returned them, when and
    why), then by deadline (the nearest first, none last), each with the time left and the actions."""
    pending = engine.pending_documents(user)
    docs = [doc for doc, _transitions in pending]
    order = _state_order({type(doc).doctype for doc in docs})
    moves = _last_moves(docs)
    workflows = {doctype: engine.get_workflow(doctype) for doctype in order}
    items = []
    for doc, transitions in pending:
        doctype = type(doc).doctype
        move = moves.get((doctype, doc.name))
        states = order.get(doctype, {})
        # Sent back by whoever it waited on (退回), not taken back by its own people (撤回: no one's task).
        returned = bool(
            move
            and states.get(move.from_state, -1) > states.get(move.to_state, len(states))
            and move.from_state
            and engine.is_task_move(workflows.get(doctype), move)
        )
        deadline = deadline_of(doc).as_dict() if doctype in DUE_DOCTYPES else None
        items.append(
            {
                "doctype": doctype,
                "name": doc.name,
                "title": str(doc),
                "workflow_state": doc.workflow_state,
                "actions": [t.action for t in transitions],
                "deadline": deadline,
                "returned": (
                    {
                        "action": move.action,
                        "reason": move.comment,
                        "by": (move.user.get_full_name() or move.user.get_username()) if move.user else "",
                        "on": timezone.localtime(move.creation).strftime("%Y-%m-%d %H:%M"),
                    }
                    if returned
                    else None
                ),
                "modified": timezone.localtime(doc.modified).strftime("%Y-%m-%d %H:%M"),
            }
        )

    def key(item):
        due = (item["deadline"] or {}).get("due_date")
        return (item["returned"] is None, due is None, due or "", item["modified"])

    return sorted(items, key=key)


def self_assessment_page(user, name: str) -> dict:
    """What the self-assessment page shows beside the document (read through the resource route): per line
    its indicator (number, title, category, points, scoring standard and method, target, whether the score
    is typed or computed, whether it is the bonus item), the bonus catalogue the county claims from, the
    files attached (to the report, a line or a bonus claim), the report's deadline, its timeline and the
    full names of the people in it. Only for a report the user may read."""
    doc = get_document(user, meta_for("SelfAssessment"), name)
    lines = list(doc.lines.select_related("indicator__group").order_by("idx"))
    logs = engine.history(doc)
    people = {log.user.get_username(): _full_name(log.user) for log in logs if log.user}
    bonus = next((line.indicator for line in lines if line.indicator.is_bonus), None)
    return {
        "people": people,
        "name": doc.name,
        "title": doc.get_title(),
        "deadline": deadline_of(doc).as_dict(),
        "indicators": {
            line.name: {
                "number": line.indicator.number,
                "title": line.indicator.title,
                "group": line.indicator.group.title,
                "points": float(line.indicator.weight),
                "scoring_standard": line.indicator.scoring_standard,
                # The bonus item is scored from its claims (services/scoring.py), whatever its method says.
                "method": "按加分申报计算" if line.indicator.is_bonus else line.indicator.get_scoring_method_display(),
                "manual": line.indicator.scoring_method == Method.MANUAL and not line.indicator.is_bonus,
                "bonus": line.indicator.is_bonus,
                "target": float(line.indicator.target) if line.indicator.target is not None else None,
            }
            for line in lines
        },
        "bonus_cap": float(bonus.weight) if bonus else None,
        "bonus_rules": [
            {
                "name": rule.name,
                "category": rule.category,
                "item": rule.item,
                "points": float(rule.points),
                "per_occurrence": rule.per_occurrence,
            }
            for rule in (bonus.bonus_rules.order_by("idx", "id") if bonus else [])
        ],
        "files": [_file(f) for f in attachments_of(doc)],
        "max_file_size": max_file_size(),
        "timeline": timeline(doc, logs),
    }


def _full_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _file(record) -> dict:
    return {
        "name": record.name,
        "file_name": record.file_name,
        "file_url": record.file_url,
        "file_size": record.file_size,
        "field": record.attached_to_field,
        "owner": _full_name(record.owner) if record.owner else "",
        "creation": timezone.localtime(record.creation).strftime("%Y-%m-%d %H:%M"),
    }


def timeline(doc, logs) -> list[dict]:
    """办理记录: every workflow step (新建, 提交, 退回修改 with its reason, 初审通过, 审定通过…) from the workflow
    log, and between them the saves of the document's history (django-simple-history), one entry per person
    and stretch of saving (an autosaved draft is saved many times: "保存草稿 12 次", at the last one)."""
    events = [
        {
            "kind": "workflow",
            "at": log.creation,
            "user": _full_name(log.user) if log.user else "系统",
            "action": log.action,
            "comment": log.comment,
            "from_state": log.from_state,
            "to_state": log.to_state,
            "moved": bool(log.moved),
        }
        for log in logs
    ]
    records = list(doc.history.select_related("history_user").order_by("history_date", "history_id"))
    for before, record in zip(records, records[1:]):
        if record.history_type != "~" or record.workflow_state != before.workflow_state:
            continue  # the creation, and the saves a workflow step makes, are in the log already
        events.append(
            {
                "kind": "save",
                "at": record.history_date,
                "user": _full_name(record.history_user) if record.history_user else "系统",
                "draft": record.docstatus == 0,
            }
        )
    events.sort(key=lambda e: (e["at"], e["kind"] == "save"))
    entries: list[dict] = []
    for event in events:
        last = entries[-1] if entries else None
        if event["kind"] == "save" and last and last["kind"] == "save" and last["user"] == event["user"]:
            last["count"] += 1
            last["time"] = _time(event["at"])
            last["action"] = f"保存{_saved_what(event['draft'])} {last['count']} 次"
            continue
        if event["kind"] == "save":
            event = {**event, "count": 1, "action": f"保存{_saved_what(event['draft'])}", "comment": ""}
        entries.append({**{k: v for k, v in event.items() if k not in ("at", "draft")}, "time": _time(event["at"])})
    return entries


def _saved_what(draft: bool) -> str:
    return "草稿" if draft else "修改"


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
