"""Notifications when a document enters a workflow state: in-app, and by email when the site has a mail server.

Runs as a background job (RQ) after the transaction that moved the document
commits. Only real moves are notified (saves that change nothing never reach
here), and each (user, log entry) pair is notified once even if the job runs
again.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.website import site
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import WorkflowLog


def notify_state_entered(log_id: int) -> int:
    """Notify whoever can act on the document now (its creator, when no one can); returns how many were notified."""
    log = WorkflowLog.objects.filter(pk=log_id).select_related("workflow", "user").first()
    model = doctype_registry.get(log.reference_doctype) if log else None
    doc = model._default_manager.filter(name=log.reference_name).first() if model else None
    if doc is None or doc.workflow_state != log.to_state:
        return 0  # deleted, or already moved on: the later move notifies
    recipients = engine.users_who_can_act(doc, log.workflow)
    if not recipients and doc.owner is not None:
        recipients = [doc.owner]
    recipients = [user for user in recipients if user.pk != log.user_id]
    label = model._meta.verbose_name
    subject = f"{label} {doc.name}：{log.action} → {log.to_state}"
    actor = (log.user.get_full_name() or log.user.get_username()) if log.user else "系统"
    body = f"{actor} 执行了“{log.action}”，{label} {doc.name} 现为“{log.to_state}”。"
    if log.comment:
        body += f"\n意见：{log.comment}"
    count = 0
    for user in recipients:
        try:
            with transaction.atomic():
                note = NotificationLog.objects.create(
                    for_user=user,
                    subject=subject,
                    email_content=body,
                    document_type=log.reference_doctype,
                    document_name=doc.name,
                    event_key=f"workflow-log:{log.pk}",
                )
        except IntegrityError:
            continue  # already notified by an earlier run of this job
        count += 1
        if log.workflow and log.workflow.send_email_alert and settings.EMAIL_NOTIFICATIONS and user.email:
            send_mail(f"【待办】{subject}", f"{body}\n\n{site.footer()}", None, [user.email])  # signed by the site
            NotificationLog.objects.filter(pk=note.pk).update(email_sent=True)
    return count


def unread_count(user) -> int:
    return NotificationLog.objects.filter(for_user=user, read=False).count() if user.is_authenticated else 0
