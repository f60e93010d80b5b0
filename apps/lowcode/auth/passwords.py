"""The password rules (settings.AUTH_PASSWORD_VALIDATORS) as one Chinese sentence, for the commands that set one."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

# Django's Chinese catalogue lacks the plural form of this one message: it would read in English.
MESSAGES = {"password_too_short": "密码太短，至少要有 %(min_length)d 个字符。"}


def password_problems(password: str, user) -> str:
    """What is wrong with the password for this user ("" when nothing is)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return "".join(
            MESSAGES[error.code] % (error.params or {}) if error.code in MESSAGES else error.messages[0]
            for error in exc.error_list
        )
    return ""
