from django.apps import AppConfig


class LowcodeConfig(AppConfig):
    name = "apps.lowcode"
    label = "lowcode"
    verbose_name = "平台设置"
    # How the platform names itself where the installed apps are listed (frappe.utils.change_log.get_versions);
    # verbose_name heads the admin's menu.
    app_title = "低代码平台"

    def ready(self):
        from django.contrib import admin

        from apps.lowcode.auth.forms import LockoutAdminAuthenticationForm
        from apps.lowcode.roles import desk  # noqa: F401 (is_staff follows the roles: its signals)

        # The admin's login says when a locked login may try again (apps/lowcode/auth/lockout.py).
        admin.site.login_form = LockoutAdminAuthenticationForm
        # ... and points users who work in the workbench to its own login.
        admin.site.login_template = "lowcode/admin/login.html"
