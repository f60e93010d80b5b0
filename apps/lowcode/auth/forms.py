"""The admin's login form, saying in Chinese when a locked login may try again, and sending users whose
roles have no desk access to the workbench's login."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from apps.lowcode.auth import lockout
from apps.lowcode.auth.client_address import client_address
from apps.lowcode.roles.desk import not_desk_message


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        self.ensure_not_locked()
        return super().clean()

    def ensure_not_locked(self):
        until = lockout.locked_until(self.cleaned_data.get("username"), client_address(self.request))
        if until is not None:
            raise ValidationError(lockout.message(until), code="locked")

    def confirm_login_allowed(self, user):
        """Django says only "enter a correct username and password" to a user who is not staff; this one's
        password was right, so they are told where they work instead (apps/lowcode/roles/desk.py)."""
        if user.is_active and not user.is_staff:
            raise ValidationError(not_desk_message(), code="not_desk")
        super().confirm_login_allowed(user)
