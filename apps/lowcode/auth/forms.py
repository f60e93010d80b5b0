"""The admin's login form, saying in Chinese when a locked login may try again."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from apps.lowcode.auth import lockout
from apps.lowcode.auth.client_address import client_address


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        self.ensure_not_locked()
        return super().clean()

    def ensure_not_locked(self):
        until = lockout.locked_until(self.cleaned_data.get("username"), client_address(self.request))
        if until is not None:
            raise ValidationError(lockout.message(until), code="locked")
