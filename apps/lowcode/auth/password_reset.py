"""Forgotten passwords: a one-time link by email, as Frappe's reset_password / update_password.

The key in the link is Django's PasswordResetTokenGenerator token with the user's id: it holds a hash of
the user's password and last login, so it stops working once the password is set (or the user logs in),
and after settings.PASSWORD_RESET_TIMEOUT (one day, Frappe's reset_password_link_expiry). Nothing is stored.

Asking for a link answers the same sentence whether or not the account exists, is active, or has an
email address, and the email goes out as a background job (:func:`send_link_job`), so neither the answer
nor its timing tells which accounts exist. The requests are counted per client address and per
account name (hashed cache keys, like the login lockout), so the form can neither flood a mailbox nor
be used to probe many names.
"""

import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

log = logging.getLogger(__name__)

SENT = "如果该账号存在并登记了邮箱，重置密码的链接已发送到其邮箱。"
INVALID_KEY = "重置密码的链接无效、已使用过或已过期，请重新申请。"
TOO_MANY = "重置密码的申请过于频繁，请 1 小时后再试。"

WINDOW_SECONDS = 60 * 60
MAX_PER_ACCOUNT = 3  # links per account name per hour
MAX_PER_ADDRESS = 10  # requests per client address per hour


def _count(kind: str, who: str) -> int:
    """Count one more request of this kind for ``who`` within the hour; returns the count."""
    key = f"pwreset-{kind}:{hashlib.sha256(who.strip().lower().encode()).hexdigest()[:40]}"
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        return 1


def over_limit(account: str, address: str) -> bool:
    """Count this request; True when the address or the account name asked too often this hour."""
    by_address = _count("address", address or "-")
    by_account = _count("account", account)
    return by_address > MAX_PER_ADDRESS or by_account > MAX_PER_ACCOUNT


def find_user(account: str):
    """The active user whose name or email address this is, or None (an email shared by two: None)."""
    account = account.strip()
    if not account:
        return None
    users = list(get_user_model().objects.filter(Q(username=account) | Q(email__iexact=account), is_active=True)[:3])
    exact = [user for user in users if user.username == account]
    if exact:
        return exact[0]
    return users[0] if len(users) == 1 else None


def make_key(user) -> str:
    """The one-time key of a link: the user's id and Django's token, joined by a dot."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"


def user_for_key(key) -> object | None:
    """The active user whose valid key this is, or None (unknown, used, expired or malformed)."""
    if not isinstance(key, str) or key.count(".") != 1:
        return None
    uid, token = key.split(".")
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def send_link_job(user_pk: int, page_url: str, site_name: str, signature: str) -> bool:
    """The background job: make the user's key and email the link to ``page_url?key=…``."""
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return False
    return send_link(user, f"{page_url}?{urlencode({'key': make_key(user)})}", site_name, signature)


def send_link(user, link: str, site_name: str, signature: str) -> bool:
    """Email the link, signed by the site; False (logged) when the user has no address or the mail server refused."""
    if not user.email:
        log.info("password reset asked for %s, who has no email address: nothing sent", user.username)
        return False
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    name = user.get_full_name() or user.username
    body = (
        f"{name}，你好：\n\n"
        f"有人（希望是你本人）申请重置你在「{site_name}」的账号 {user.username} 的密码。"
        f"请在 {hours} 小时内打开下面的链接设置新密码，链接只能使用一次：\n\n{link}\n\n"
        f"如果不是你本人申请的，请忽略这封邮件，你的密码不会改变。\n\n{signature}"
    )
    try:
        send_mail(f"【{site_name}】重置密码", body, None, [user.email])
    except Exception:  # the answer stays the same; the administrator sees the log
        log.exception("password reset email to %s could not be sent", user.username)
        return False
    return True
