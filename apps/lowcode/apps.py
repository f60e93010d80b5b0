from django.apps import AppConfig


class LowcodeConfig(AppConfig):
    name = "apps.lowcode"
    label = "lowcode"
    verbose_name = "平台设置"

    def ready(self):
        from django.contrib import admin

        from apps.lowcode.auth.forms import LockoutAdminAuthenticationForm

        # The admin's login says when a locked login may try again (apps/lowcode/auth/lockout.py).
        admin.site.login_form = LockoutAdminAuthenticationForm
