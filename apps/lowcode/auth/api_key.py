"""API keys: Frappe's ``Authorization: token <api_key>:<api_secret>``.

The secret is shown once, when generated, and stored only as a hash. The
secret is 128 random bits, so a plain SHA-256 is as safe as a slow password
hash against guessing, and it keeps token requests cheap: a password hasher
would spend ~0.3 s of CPU on every API call.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_key"
    )
    api_key = models.CharField("API Key", max_length=32, unique=True)
    secret_hash = models.CharField("密钥摘要", max_length=128)
    created = models.DateTimeField("生成时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 密钥"
        verbose_name_plural = "API 密钥"

    def __str__(self):
        return f"{self.user} · {self.api_key}"

    def check_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, digest(secret))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_keys(user) -> tuple[str, str]:
    """(api_key, api_secret) for ``user``; a new secret each time, the old one stops working."""
    secret = secrets.token_hex(16)
    key_row = ApiKey.objects.filter(user=user).first()
    if key_row is None:
        key_row = ApiKey(user=user, api_key=secrets.token_hex(8))
    key_row.secret_hash = digest(secret)
    key_row.save()
    return key_row.api_key, secret


def revoke_keys(user) -> bool:
    deleted, _ = ApiKey.objects.filter(user=user).delete()
    return bool(deleted)


def user_for_token(api_key: str, api_secret: str):
    key_row = ApiKey.objects.select_related("user").filter(api_key=api_key).first()
    if key_row is None or not key_row.check_secret(api_secret) or not key_row.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a write on every request would cost more than the request.
    if key_row.last_used is None or (now - key_row.last_used).total_seconds() > 60:
        ApiKey.objects.filter(pk=key_row.pk).update(last_used=now)
    return key_row.user
