"""The site's URLs plus the bare views the API is compared with (only under bench.settings)."""

from django.urls import path

from bench import bare_views
from sites.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/projects", bare_views.project_list),
    path("bench/assessment/<str:name>", bare_views.assessment),
    path("bench/workflow/<str:name>", bare_views.workflow_action),
    path("bench/workflow-scored/<str:name>", bare_views.scored_workflow_action),
    path("bench/reset", bare_views.reset),
    path("bench/assessments", bare_views.assessment_list),
    path("bench/save/<str:name>", bare_views.save_summary),
    path("bench/inbox", bare_views.inbox),
    path("bench/dashboard", bare_views.dashboard),
    path("bench/ranking", bare_views.ranking),
    path("bench/pdf/<str:name>", bare_views.pdf),
    *site_urlpatterns,
]
