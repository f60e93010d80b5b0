"""Notifications when a document enters a workflow state: in-app, and by email when the site has a mail server.

Runs as a background job (RQ) after the transaction that moved the document
commits. Only real moves are notified (saves that change nothing never reach
here), and each (user, log entry) pair is notified once even if the job runs
again.

Who is told: whose task the document is now (engine.users_who_can_act: task
transitions only), asked to act. A move by a transition that is no one's task
(计入待办 unchecked, e.g. the submitter's 撤回) also tells those whose task the
document was in the state it left, as news: it no longer waits on them.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.website import site
from apps.lowcode.workflow import engine, messages
from apps.lowcode.workflow.model import WorkflowLog


def notify_state_entered(log_id: int) -> int:
    """Notify whoever can act on the document now (its creator, when no one can); returns how many were notified."""
    log = WorkflowLog.objects.filter(pk=log_id).select_related("workflow", "user").first()
    model = doctype_registry.get(log.reference_doctype) if log else None
    doc = model._default_manager.filter(name=log.reference_name).first() if model else None
    if doc is None or doc.workflow_state != log.to_state:
        return 0  # deleted, or already moved on: the later move notifies
    transitions = _transitions_of(log)
    can_act = engine.users_who_can_act(doc, log.workflow)
    recipients = can_act or ([doc.owner] if doc.owner is not None else [])
    if transitions and not any(t.is_task for t in transitions) and log.from_state:
        # Taken back (撤回): it left the queue of whoever was to act on it; they hear why.
        recipients = recipients + engine.users_who_can_act(doc, log.workflow, state=log.from_state)
    recipients = list({user.pk: user for user in recipients if user.pk != log.user_id}.values())
    said = message_for(doc, log, transitions)
    # Whoever must act now is told so, unless the transition's own text already says what to do.
    to_act = said if _asks(said) else said + messages.PLEASE_ACT
    acting = {user.pk for user in can_act}
    count = 0
    for user in recipients:
        try:
            with transaction.atomic():
                text = to_act if user.pk in acting else said
                note = NotificationLog.objects.create(
                    for_user=user,
                    from_user_id=log.user_id,
                    subject=text[:300],
                    email_content=text,
                    document_type=log.reference_doctype,
                    document_name=doc.name,
                    event_key=f"workflow-log:{log.pk}",
                )
        except IntegrityError:
            continue  # already notified by an earlier run of this job
        count += 1
        if log.workflow and log.workflow.send_email_alert and settings.EMAIL_NOTIFICATIONS and user.email:
            heading = f"【待办】{doc.title_or_label()}" if user.pk in acting else f"【消息】{doc.title_or_label()}"
            send_mail(heading, f"{text}\n\n{site.footer()}", None, [user.email])  # signed by the site
            NotificationLog.objects.filter(pk=note.pk).update(email_sent=True)
    return count


def _transitions_of(log: WorkflowLog) -> list:
    """The workflow's transitions that could have made this move (one, unless rows repeat it for other roles)."""
    if log.workflow is None:
        return []
    return list(
        log.workflow.transitions.filter(state=log.from_state, action=log.action, next_state=log.to_state).order_by(
            "idx", "pk"
        )
    )


def message_for(doc, log: WorkflowLog, transitions: list | None = None) -> str:
    """What happened to ``doc`` and what to do, in plain Chinese: the transition's 通知内容, or a general sentence."""
    transitions = _transitions_of(log) if transitions is None else transitions
    transition = next((t for t in transitions if t.message), None)
    values = {
        "title": doc.title_or_label(),
        "doctype": type(doc)._meta.verbose_name,
        "name": doc.name,
        "action": log.action,
        "from_state": log.from_state,
        "state": log.to_state,
        "user": (log.user.get_full_name() or log.user.get_username()) if log.user else "系统",
        "comment": messages.clean_comment(log.comment),
    }
    return messages.render(transition.message if transition else messages.DEFAULT_MESSAGE, values)


def _asks(text: str) -> bool:
    """The message already says what to do ("请初审。"), so "请及时办理" would repeat it."""
    return "请" in text


def unread_count(user) -> int:
    return NotificationLog.objects.filter(for_user=user, read=False).count() if user.is_authenticated else 0
