from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from apps.lowcode.admin import attachment_views
from apps.lowcode.admin import inbox as workflow_views
from apps.lowcode.admin import job_progress as job_views
from apps.lowcode.admin import print_page as print_views
from apps.lowcode.api import errors as api_errors
from apps.lowcode.api.key_views import my_api_keys
from apps.lowcode.api.oauth import openid_configuration
from apps.lowcode.api.views import PrintView, not_found, site_root
from apps.lowcode.auth.login_page import login_page
from apps.lowcode.file.views import PrivateFileView
from apps.lowcode.health.views import health

urlpatterns = [
    # GET / goes to the admin; a request with cmd= (or any POST) is Frappe's legacy method door.
    path("", site_root, {"home_view": RedirectView.as_view(url="/admin/", permanent=False)}),
    path("health/", health, name="health"),
    # Frappe's print view of a document (/print: the name older clients use).
    re_path(r"^print(?:view)?/?$", PrintView.as_view(), name="printview"),
    # Frappe's OAuth 2 provider describes itself here (OpenID Connect discovery).
    path(".well-known/openid-configuration", openid_configuration),
    # Frappe's login address: on to the workbench's sign-in page, keeping where to come back to.
    path("login", login_page, name="login"),
    path("admin/my-api-keys/", my_api_keys, name="my-api-keys"),
    path("admin/jobs/<str:job_id>/", admin.site.admin_view(job_views.job_progress), name="job-progress"),
    path("admin/inbox/", admin.site.admin_view(workflow_views.inbox), name="workflow-inbox"),
    path("admin/workflow/apply/", admin.site.admin_view(workflow_views.apply_action), name="workflow-apply"),
    path(
        "admin/attachments/upload/", admin.site.admin_view(attachment_views.upload_attachment), name="attachment-upload"
    ),
    path(
        "admin/attachments/delete/", admin.site.admin_view(attachment_views.delete_attachment), name="attachment-delete"
    ),
    # Before the print page's own pattern, which would take "notice-status" for a doctype.
    path(
        "admin/print/notice-status/<str:name>/",
        admin.site.admin_view(print_views.notice_status),
        name="print-notice-status",
    ),
    path("admin/print/<str:doctype>/<path:name>/", admin.site.admin_view(print_views.print_page), name="print-page"),
    path("admin/rankings/", include("apps.innovation_action.report.ranking.urls")),
    path("admin/config/", include("apps.lowcode.fixtures.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("apps.lowcode.api.urls")),
    # The workbench (a single-page app): /app/ and every /app/… answer the same page.
    path("app/", include("apps.innovation_action.workbench.urls")),
    path("app", RedirectView.as_view(url="/app/", permanent=False)),
    re_path(r"^api$", not_found),
    path("private/files/<path:path>", PrivateFileView.as_view(), name="private-file"),
]

# Unexpected failures answer in JSON under /api and at the legacy door (an HTML page elsewhere).
handler500 = api_errors.server_error
