from django.urls import path, re_path

from apps.innovation_action.workbench import views

urlpatterns = [
    path("", views.index, name="workbench"),
    re_path(r"^(?P<path>.+)$", views.index),
]
