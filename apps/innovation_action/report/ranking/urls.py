"""/admin/rankings/: included from sites/urls.py ahead of the admin's own URLs."""

from django.contrib import admin
from django.urls import path

from apps.innovation_action.report.ranking import views

urlpatterns = [
    path("", admin.site.admin_view(views.ranking), name="ranking"),
    path("export/", admin.site.admin_view(views.export), name="ranking-export"),
]
