"""How a reminder reaches a person: channel classes by name, from the apps' hooks and the site's config.

Built in: ``site`` (站内消息, always sent) and ``email`` (when the site has a mail server and the person
an address). A gateway (短信, 政务微信) is a class with the same two methods, named by dotted path in
``site_config.json``::

    "reminder_channels": {"sms": "mygov.sms.SmsChannel"}

or in an app's hooks.py (``reminder_channels = {...}``); a rule then lists ``sms`` among its channels.
"""

from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from apps.lowcode.doctype.events import app_hooks
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.website import site

IN_APP = "site"


class Channel:
    """One way of sending. ``can_reach`` says whether it can reach the user at all (no address: not
    logged, not sent); ``send`` sends one reminder (a Reminder Log row) or raises."""

    label = ""

    def can_reach(self, user) -> bool:
        return True

    def send(self, log) -> None:
        raise NotImplementedError


class InAppChannel(Channel):
    label = "站内消息"

    def send(self, log) -> None:
        NotificationLog.objects.get_or_create(
            for_user=log.recipient,
            event_key=f"reminder:{log.pk}",
            defaults={
                "from_user": log.sender,  # who pressed 催办; none for the scheduler's reminders
                "subject": log.subject,
                "email_content": log.message,
                "document_type": log.document_type,
                "document_name": log.document_name,
            },
        )


class EmailChannel(Channel):
    label = "邮件"

    def can_reach(self, user) -> bool:
        return bool(settings.EMAIL_NOTIFICATIONS and user.email)

    def send(self, log) -> None:
        send_mail(f"【提醒】{log.subject}", f"{log.message}\n\n{site.footer()}", None, [log.recipient.email])


BUILT_IN = {
    IN_APP: "apps.lowcode.reminder.channels.InAppChannel",
    "email": "apps.lowcode.reminder.channels.EmailChannel",
}


def registry() -> dict[str, str]:
    """{channel name: dotted path}: built in, then the apps' hooks, then the site's config (last wins)."""
    paths = dict(BUILT_IN)
    for _app, declared in app_hooks("reminder_channels"):
        paths.update(declared)
    paths.update(getattr(settings, "REMINDER_CHANNELS", {}) or {})
    return paths


@cache
def _instance(path: str) -> Channel:
    return import_string(path)()


def get(name: str) -> Channel:
    return _instance(registry()[name])
