"""The workflow engine: which actions a user may take on a document, and taking them.

Every function reads the workflow from the database, so an administrator's
change applies to the next action with no restart (the rows are read each
time; the workflow is built from them again only when they changed:
definitions.py). A document's state lives
in its ``workflow_state`` field, which only this module writes.

Who may take a transition: the user has one of its roles (if it lists any),
is one of the approvers it takes from the document (if it names any), is not
the document's creator when self-approval is off, has not already approved it
in this round (N-of-M), and the condition holds. The caller has already
checked that the user can see the document at all (record scope).

Whose task a document is: a transition is a task (``is_task``, 计入待办) unless the
administrator says otherwise. Everything that asks who must act (待我处理, 待办 and
its counts, "please act" notifications, reminders) looks at task transitions only;
the actions offered on the document itself (its buttons, apply_workflow) are all of
them. So the submitter's 撤回 from 待初审 is a button for them, but the report does not
wait on them: it waits on the office.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.lowcode import prepared
from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.events import run_doc_event
from apps.lowcode.exceptions import (
    DoesNotExistError,
    FrappeError,
    TimestampMismatchError,
    ValidationError,
    WorkflowPermissionError,
    WorkflowTransitionError,
)
from apps.lowcode.expressions import ExpressionError, evaluate
from apps.lowcode.permissions import can, in_scope, locked_in_scope, scope_queryset
from apps.lowcode.permissions.user_permission import UserPermission
from apps.lowcode.workflow import definitions
from apps.lowcode.workflow.model import (
    StateType,
    Workflow,
    WorkflowLog,
    WorkflowState,
    WorkflowTransition,
)

CREATE_ACTION = "新建"
# Where apply_workflow keeps the workflow it read on the document it locked, for the length of the action.
WORKFLOW_ATTR = "_lowcode_workflow"
# Where it keeps a scratch dict for the action's events (see action_cache), for the length of the action.
ACTION_CACHE_ATTR = "_lowcode_action_cache"


# ------------------------------------------------------------------ reading the workflow


def get_workflow(doctype: str) -> Workflow | None:
    """The active workflow of a doctype, with its states and transitions loaded.

    Built again only when the workflow tables changed (workflow/definitions.py): every caller in the
    process shares it, so read it, never change it.
    """
    return definitions.active_workflow(doctype, read_workflow)


def read_workflow(doctype: str) -> Workflow | None:
    """The active workflow of a doctype as the database has it now."""
    return (
        Workflow.objects.filter(document_type=doctype, is_active=True).prefetch_related("states", "transitions").first()
    )


def workflow_of(doc) -> Workflow | None:
    """The document's workflow; an action keeps the one it read on the document, so that the events
    it runs (which ask again) see the same workflow without reading it again."""
    if WORKFLOW_ATTR in doc.__dict__:
        return doc.__dict__[WORKFLOW_ATTR]
    return get_workflow(type(doc).doctype)


def action_cache(doc) -> dict | None:
    """A dict the events of the workflow action under way on ``doc`` share (None outside an action).

    What one event read for the action (say the before_transition check), a later one (the
    after_transition) may reuse instead of reading it again. It lives exactly as long as the action:
    the document is locked meanwhile, and the next action, or a save, starts without it.
    """
    return doc.__dict__.get(ACTION_CACHE_ATTR)


def get_state(workflow: Workflow, state: str) -> WorkflowState | None:
    return next((s for s in workflow.states.all() if s.state == state), None)


def current_state(doc, workflow: Workflow | None = None) -> WorkflowState | None:
    """The workflow state the document is in (None outside any workflow)."""
    if not getattr(doc, "workflow_state", ""):
        return None
    workflow = workflow or workflow_of(doc)
    return get_state(workflow, doc.workflow_state) if workflow else None


def is_final(doc, workflow: Workflow | None = None) -> bool:
    """In a final state: read-only for everyone, its figures are what was approved."""
    state = current_state(doc, workflow)
    return state is not None and state.state_type == StateType.FINAL


def transitions_from(workflow: Workflow, state: str, tasks_only: bool = False) -> list[WorkflowTransition]:
    """The transitions leaving ``state``; with ``tasks_only``, those that make the document someone's task."""
    return [t for t in workflow.transitions.all() if t.state == state and (t.is_task or not tasks_only)]


# ------------------------------------------------------------------ who may act


def user_roles(user) -> set[str]:
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(prepared.run(role_names, user.pk)) if user.is_authenticated else set()
        user._role_names = cached
    return cached


def role_names(user_id: int):
    """The names of the user's roles (``user.groups``), for ``prepared.run``."""
    return Group.objects.filter(user=user_id).values_list("name", flat=True)


def has_any_role(user, roles: list[str]) -> bool:
    """No roles listed means anyone; a superuser holds every role (Frappe's Administrator)."""
    return not roles or user.is_superuser or bool(user_roles(user) & set(roles))


def approver_ids(doc, transition: WorkflowTransition) -> set[int] | None:
    """Users the transition takes from the document's data; None when it names no approvers.

    A path ending at a user gives that user; a path ending at a record gives
    the users whose User Permissions allow that record (a county's own users).
    """
    paths = transition.approver_paths()
    if not paths:
        return None
    User = get_user_model()
    targets = [path_target(type(doc), path) for path in paths]
    this = type(doc)._default_manager.filter(pk=doc.pk)
    if User not in targets:  # records only: their users in one query, the names read by subqueries
        if type(doc.pk) is int:
            return set(prepared.run(_record_approvers(type(doc), tuple(paths)), doc.pk))
        return set(_record_approvers(type(doc), tuple(paths))(doc.pk))
    # Every path's value in one query; a record's name straight from the join (User Permissions name
    # records by name). Each column's values are its own path's, whatever the others join.
    columns = [path if target is User else f"{path}__name" for path, target in zip(paths, targets, strict=True)]
    rows = list(this.values_list(*columns))
    ids: set[int] = set()
    records = {}  # {doctype: record names}
    for index, target in enumerate(targets):
        values = {row[index] for row in rows if row[index]}
        if target is User:
            ids.update(values)
        elif values:
            records.setdefault(target.doctype, set()).update(values)
    if records:  # the users of every record named, in one query
        allowed = Q()
        for doctype, names in records.items():
            allowed |= Q(allow=doctype, for_value__in=sorted(names))
        ids.update(UserPermission.objects.filter(allowed).values_list("user_id", flat=True))
    return ids


@cache
def _record_approvers(model, paths: tuple[str, ...]):
    """The query of the users whose User Permissions allow the records ``paths`` reach from a document
    of ``model`` (by its pk), one function per model and paths, so that ``prepared.run`` compiles it once."""
    targets = [path_target(model, path) for path in paths]

    def users(pk):
        this = model._default_manager.filter(pk=pk)
        allowed = Q()
        for path, target in zip(paths, targets, strict=True):
            allowed |= Q(allow=target.doctype, for_value__in=this.values(f"{path}__name"))
        return UserPermission.objects.filter(allowed).values_list("user_id", flat=True)

    return users


def path_target(model, path: str):
    """The model a ``a__b__c`` relation path ends at; ValueError (Chinese) when it is not a relation path."""
    current = model
    for part in path.split("__"):
        try:
            field_ = current._meta.get_field(part)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
            raise ValueError(f"“{path}”：{current._meta.verbose_name}没有字段 {part}") from None
        if field_.related_model is None:
            raise ValueError(f"“{path}”：{part} 不是链接字段，审批人来源须指向用户或记录")
        current = field_.related_model
    return current


def current_round_start(doc) -> int:
    """Id of the log entry that moved the document into its current state (0 if none)."""
    last = (
        WorkflowLog.objects.filter(reference_doctype=type(doc).doctype, reference_name=doc.name, moved=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def approvals_so_far(doc, transition: WorkflowTransition) -> list[int]:
    """Users who took this transition in the current round without moving the document yet."""
    return list(
        WorkflowLog.objects.filter(
            reference_doctype=type(doc).doctype,
            reference_name=doc.name,
            moved=False,
            from_state=transition.state,
            action=transition.action,
            id__gt=current_round_start(doc),
        ).values_list("user_id", flat=True)
    )


@dataclass
class _DocValues:
    """The document as the condition language sees it, computed once per check."""

    doc: object
    _values: dict | None = field(default=None, init=False)

    def get(self) -> dict:
        if self._values is None:
            from apps.lowcode.doctype.serialize import doc_to_dict

            self._values = doc_to_dict(self.doc)
        return self._values


def refusal(user, doc, transition: WorkflowTransition, values: _DocValues | None = None) -> str | None:
    """Why the user may not take the transition now, in Chinese; None when they may."""
    action = transition.action
    if not has_any_role(user, transition.allowed_roles()):
        return f"“{action}”只能由以下角色办理：{'、'.join(transition.allowed_roles())}"
    approvers = approver_ids(doc, transition)
    if approvers is not None and user.pk not in approvers:
        return f"你不是本单据“{action}”的审批人"
    if not transition.allow_self_approval and doc.owner_id == user.pk:
        return f"“{action}”不能由单据创建人本人办理"
    if transition.approvals_required > 1 and user.pk in approvals_so_far(doc, transition):
        return f"你已办理过“{action}”，正在等待其他审批人"
    if transition.condition.strip():
        try:
            if not evaluate(transition.condition, {"doc": (values or _DocValues(doc)).get()}):
                return f"单据不满足“{action}”的条件：{transition.condition}"
        except ExpressionError as exc:
            if exc.runtime:
                return f"单据不满足“{action}”的条件：{transition.condition}（条件用到的内容尚未填写或无法比较）"
            return f"“{action}”的条件无法计算，请联系管理员：{exc}"
    return None


def get_transitions(user, doc, workflow: Workflow | None = None, tasks_only: bool = False) -> list[WorkflowTransition]:
    """The transitions the user may take on the document now (one per action); with ``tasks_only``, only
    those that make it the user's task (not, say, the submitter's 撤回)."""
    workflow = workflow or workflow_of(doc)
    if workflow is None:
        return []
    values = _DocValues(doc)
    offered = {}
    for transition in transitions_from(workflow, doc.workflow_state, tasks_only):
        if transition.action not in offered and refusal(user, doc, transition, values) is None:
            offered[transition.action] = transition
    return list(offered.values())


def common_actions(user, docs) -> list[str]:
    """Actions valid for every one of the documents (for bulk actions), in workflow order."""
    actions = None
    for doc in docs:
        names = [t.action for t in get_transitions(user, doc)]
        actions = names if actions is None else [a for a in actions if a in names]
    return actions or []


def users_who_can_act(doc, workflow: Workflow | None = None, state: str | None = None) -> list:
    """Active users whose task the document is now: who could take one of its task transitions (for
    notifications and reminders). ``state``: whose task it was in that state instead (the one it just
    left), with the document's data as it is now."""
    workflow = workflow or workflow_of(doc)
    if workflow is None:
        return []
    User = get_user_model()
    values = _DocValues(doc)
    found = {}
    for transition in transitions_from(workflow, doc.workflow_state if state is None else state, tasks_only=True):
        candidates = User.objects.filter(is_active=True, is_superuser=False)
        if transition.allowed_roles():
            candidates = candidates.filter(groups__name__in=transition.allowed_roles())
        approvers = approver_ids(doc, transition)
        if approvers is not None:
            candidates = candidates.filter(pk__in=approvers)
        for user in candidates.distinct():
            if (
                user.pk not in found
                and can(user, "read", type(doc))
                and in_scope(user, doc)
                and refusal(user, doc, transition, values) is None
            ):
                found[user.pk] = user
    return list(found.values())


# ------------------------------------------------------------------ editing under a workflow


@dataclass(frozen=True)
class EditRights:
    allowed: bool
    fields: tuple[str, ...] = ()  # empty: every field
    reason: str = ""


def edit_rights(user, doc) -> EditRights:
    """Whether the user may edit the document in its current state, and which fields."""
    if not getattr(doc, "workflow_state", ""):  # outside any workflow (or a doctype without the field)
        return EditRights(True)
    workflow = workflow_of(doc)
    if workflow is None:
        return EditRights(True)
    state = get_state(workflow, doc.workflow_state)
    if state is None:
        return EditRights(False, reason=f"单据状态“{doc.workflow_state}”已不在工作流中，请联系管理员")
    if state.state_type == StateType.FINAL:
        return EditRights(False, reason=f"单据处于“{state.state}”状态，已办结，不能再修改")
    roles = state.edit_roles()
    if not roles:  # a state nobody edits in, e.g. while the leading group decides
        return EditRights(False, reason=f"单据处于“{state.state}”状态，不能修改")
    if not has_any_role(user, roles):
        return EditRights(False, reason=f"单据处于“{state.state}”状态，只有{'、'.join(roles)}可以修改")
    return EditRights(True, tuple(state.editable_field_list()))


def ensure_state_not_set(doc, incoming, creating: bool) -> None:
    """The state moves only through actions: a client may echo it back, never change it."""
    if incoming in (None, ""):
        return
    workflow = workflow_of(doc)
    expected = doc.workflow_state
    if creating and workflow is not None:
        first = workflow.first_state()
        expected = first.state if first else ""
    if str(incoming) != expected:
        if creating:
            raise ValidationError(f"新单据只能从“{expected or '（无工作流）'}”状态开始，不能直接设为“{incoming}”")
        raise ValidationError(f"不能直接修改工作流状态（当前“{expected}”），请使用工作流操作")


def start(doc) -> None:
    """Put a new document (not yet saved) into its workflow's first state."""
    workflow = workflow_of(doc)
    first = workflow.first_state() if workflow else None
    if first is not None:
        doc.workflow_state = first.state
        doc.docstatus = first.docstatus_value


def log_creation(user, doc) -> None:
    """Record the entry into the first state, so the timeline starts at creation."""
    workflow = workflow_of(doc)
    if workflow is None or not doc.workflow_state:
        return
    log = WorkflowLog.objects.create(
        workflow=workflow,
        reference_doctype=type(doc).doctype,
        reference_name=doc.name,
        action=CREATE_ACTION,
        from_state="",
        to_state=doc.workflow_state,
        user=user,
    )
    state = get_state(workflow, doc.workflow_state)
    run_doc_event(
        doc, "on_enter_state", user=user, action=CREATE_ACTION, from_state="", to_state=doc.workflow_state, comment=""
    )
    if state is not None and state.notify:
        _notify_on_commit(log)


def delete_refusal(user, doc) -> str | None:
    """Why the user may not delete the document in its state (None: they may); submitted ones never."""
    rights = edit_rights(user, doc)
    if not rights.allowed:
        return rights.reason
    if doc.docstatus != 0:
        return f"单据处于“{doc.workflow_state}”状态，已提交的单据不能删除"
    return None


# ------------------------------------------------------------------ taking an action


@dataclass(frozen=True)
class ActionResult:
    doc: object
    moved: bool
    from_state: str
    to_state: str
    approvals: int = 1
    approvals_required: int = 1

    @property
    def message(self) -> str:
        if self.moved:
            return f"已办理：{self.from_state} → {self.to_state}"
        return f"已记录你的审批（{self.approvals}/{self.approvals_required}），等待其他审批人"


def apply_workflow(
    user,
    model,
    name: str,
    action: str,
    comment: str = "",
    seen_modified: str | None = None,
    seen_state: str | None = None,
) -> ActionResult:
    """Take ``action`` on document ``name`` as ``user``, all or nothing.

    The document row is locked for the whole action, so of two reviewers
    acting at once the second sees the first one's result: its action is no
    longer offered from the new state and it gets a clear error.
    """
    from apps.lowcode.doctype.serialize import format_value

    comment = (comment or "").strip()
    with transaction.atomic():
        doc = locked_in_scope(user, model, name=str(name))
        if doc is None:
            raise DoesNotExistError(f"{model._meta.verbose_name} {name} 不存在")
        if seen_state not in (None, "") and seen_state != doc.workflow_state:
            raise TimestampMismatchError(
                f"{doc.name} 的状态已变为“{doc.workflow_state}”（你看到的是“{seen_state}”），请刷新后再办理"
            )
        if seen_modified and str(seen_modified) != format_value(doc.modified):
            raise TimestampMismatchError(f"{doc.name} 已被他人修改，请刷新后再办理")
        workflow = workflow_of(doc)
        if workflow is None:
            raise ValidationError(f"“{model._meta.verbose_name}”没有启用的工作流")
        doc.__dict__[WORKFLOW_ATTR] = workflow
        doc.__dict__[ACTION_CACHE_ATTR] = {}
        candidates = [t for t in transitions_from(workflow, doc.workflow_state) if t.action == action]
        if not candidates:
            offered = "、".join(t.action for t in get_transitions(user, doc, workflow)) or "无"
            raise WorkflowTransitionError(
                f"单据当前状态为“{doc.workflow_state}”，不能执行“{action}”（你可以执行：{offered}）"
            )
        values = _DocValues(doc)
        reasons = [refusal(user, doc, t, values) for t in candidates]
        if all(reasons):
            raise WorkflowPermissionError(reasons[0])
        transition = candidates[reasons.index(None)]
        if transition.comment_required and not comment:
            raise ValidationError(f"“{action}”必须填写意见（例如退回原因）")
        try:
            return _take(user, doc, workflow, transition, comment)
        finally:
            # The document outlives the action; the next one reads again.
            doc.__dict__.pop(WORKFLOW_ATTR, None)
            doc.__dict__.pop(ACTION_CACHE_ATTR, None)


def _take(user, doc, workflow: Workflow, transition: WorkflowTransition, comment: str) -> ActionResult:
    context = dict(
        user=user,
        action=transition.action,
        from_state=transition.state,
        to_state=transition.next_state,
        comment=comment,
    )
    run_doc_event(doc, "before_transition", **context)
    log_fields = dict(
        workflow=workflow,
        reference_doctype=type(doc).doctype,
        reference_name=doc.name,
        action=transition.action,
        from_state=transition.state,
        user=user,
        comment=comment,
    )
    # One approval moves the document: no need to count earlier ones (two log queries per action).
    approvals = len(approvals_so_far(doc, transition)) + 1 if transition.approvals_required > 1 else 1
    doc.modified_by = user
    if approvals < transition.approvals_required:
        WorkflowLog.objects.create(**log_fields, to_state=transition.state, moved=False)
        doc.save(update_fields=["modified", "modified_by"])
        return ActionResult(doc, False, transition.state, transition.state, approvals, transition.approvals_required)
    state = get_state(workflow, transition.next_state)
    if state is None:
        raise ValidationError(f"工作流配置错误：状态“{transition.next_state}”不存在，请联系管理员")
    doc.workflow_state = state.state
    doc.docstatus = state.docstatus_value
    doc.save(update_fields=["workflow_state", "docstatus", "modified", "modified_by"])
    log = WorkflowLog.objects.create(**log_fields, to_state=state.state, moved=True)
    run_doc_event(doc, "after_transition", **context)
    run_doc_event(doc, "on_enter_state", **context)
    if state.notify:
        _notify_on_commit(log)
    return ActionResult(doc, True, transition.state, state.state, approvals, transition.approvals_required)


@dataclass
class BulkResult:
    succeeded: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (name, message)


def bulk_apply(user, model, names: list[str], action: str, comment: str = "") -> BulkResult:
    """The action on each document, each one all or nothing; failures are reported, not raised."""
    result = BulkResult()
    for name in names:
        try:
            apply_workflow(user, model, name, action, comment)
            result.succeeded.append(str(name))
        except FrappeError as exc:
            result.failed.append((str(name), exc.message))
    return result


# Named by its dotted path, as Frappe enqueues a method: notifications build on the engine (who can act
# now), so the engine may not import them back (import-linter's layers in pyproject.toml).
NOTIFY_STATE_ENTERED = "apps.lowcode.notification.service.notify_state_entered"


def _notify_on_commit(log: WorkflowLog) -> None:
    from apps.lowcode.jobs import enqueue

    transaction.on_commit(lambda: enqueue(NOTIFY_STATE_ENTERED, log.pk))


# ------------------------------------------------------------------ the inbox and the timeline


def pending_documents(user) -> list[tuple[object, list[WorkflowTransition]]]:
    """待我处理: documents that are the user's task now (they may take a task transition), oldest first,
    each with those transitions."""
    pending = []
    for workflow in Workflow.objects.filter(is_active=True).prefetch_related("states", "transitions"):
        model = doctype_registry.get(workflow.document_type)
        if model is None or not can(user, "read", model):
            continue
        states = {t.state for t in workflow.transitions.all() if t.is_task and has_any_role(user, t.allowed_roles())}
        if not states:
            continue
        for doc in scope_queryset(user, model).filter(workflow_state__in=states).order_by("modified"):
            transitions = get_transitions(user, doc, workflow, tasks_only=True)
            if transitions:
                pending.append((doc, transitions))
    return pending


def not_task_moves(workflow: Workflow | None) -> set[tuple[str, str, str]]:
    """(from state, action, to state) of the workflow's transitions that are no one's task (撤回)."""
    if workflow is None:
        return set()
    return {(t.state, t.action, t.next_state) for t in workflow.transitions.all() if not t.is_task}


def is_task_move(workflow: Workflow | None, log: WorkflowLog) -> bool:
    """Whether a logged move was a task someone was asked for (初审通过, 退回修改), not the submitter's 撤回.

    A document back in its draft by a task move was returned; by a move that is no one's task, it was
    taken back by its own people, and nobody returned it.
    """
    return (log.from_state, log.action, log.to_state) not in not_task_moves(workflow)


def withdrawn_names(doctype: str, names) -> set[str]:
    """Of the named documents, those whose latest move was no one's task (taken back, not returned).
    No query when the doctype's workflow has no such transition."""
    moves = not_task_moves(get_workflow(doctype))
    names = list(names)
    if not moves or not names:
        return set()
    latest = {}
    logs = WorkflowLog.objects.filter(reference_doctype=doctype, reference_name__in=names, moved=True).order_by("id")
    for name, *move in logs.values_list("reference_name", "from_state", "action", "to_state"):
        latest[name] = tuple(move)
    return {name for name, move in latest.items() if move in moves}


@dataclass(frozen=True)
class StateVisit:
    state: str
    entered: object
    left: object | None  # None: the document is still in this state

    @property
    def duration(self) -> timedelta:
        return (self.left or timezone.now()) - self.entered


def time_in_state(doc) -> timedelta:
    """How long the document has been in its current state."""
    entered = WorkflowLog.objects.filter(pk=current_round_start(doc)).values_list("creation", flat=True).first()
    return timezone.now() - (entered or doc.modified)


def history(doc) -> list[WorkflowLog]:
    return list(
        WorkflowLog.objects.filter(reference_doctype=type(doc).doctype, reference_name=doc.name)
        .select_related("user")
        .order_by("id")
    )


def state_visits(logs: list[WorkflowLog]) -> list[StateVisit]:
    """The time spent in each state: from each move into it to the next move out."""
    moves = [log for log in logs if log.moved]
    return [
        StateVisit(move.to_state, move.creation, moves[i + 1].creation if i + 1 < len(moves) else None)
        for i, move in enumerate(moves)
    ]


def format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{days}天" if days else "",
        f"{hours}小时" if hours else "",
        f"{minutes}分钟" if minutes and not days else "",
    ]
    return "".join(parts) or "不到1分钟"
