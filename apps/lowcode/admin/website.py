"""站点设置: the site's name and host organisation, one record, edited like any document."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from apps.lowcode.admin.print_format import PrintSettingsAdmin
from apps.lowcode.website.model import WebsiteSettings


@admin.register(WebsiteSettings)
class WebsiteSettingsAdmin(PrintSettingsAdmin):
    """The list of a single record opens that record (or the form to create it while there is none)."""

    fields = ("site_name", "organisation", "welcome_sign")

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        settings = WebsiteSettings.objects.first()
        if settings is None:
            return redirect(reverse("admin:lowcode_websitesettings_add"))
        return redirect(reverse("admin:lowcode_websitesettings_change", args=[settings.pk]))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WebsiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
