from django.urls import path

from apps.lowcode.api.views import MethodView, ResourceDocView, ResourceListView

urlpatterns = [
    path("resource/<str:doctype>", ResourceListView.as_view()),
    path("resource/<str:doctype>/<path:name>", ResourceDocView.as_view()),
    path("method/<str:method_name>", MethodView.as_view()),
]
