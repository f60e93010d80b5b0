from django.urls import path, re_path, register_converter

from apps.lowcode.api.views import (
    MethodView,
    ResourceDocView,
    ResourceListView,
    SchemaView,
    not_found,
    swagger_ui,
)


class AnyText:
    """A document name: any characters, newlines and slashes included (Django's <path> stops at newlines)."""

    regex = r"[\s\S]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AnyText, "any")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="openapi-schema"),
    path("docs/", swagger_ui, name="api-docs"),
    path("resource/<str:doctype>", ResourceListView.as_view()),
    path("resource/<str:doctype>/<any:name>", ResourceDocView.as_view()),
    path("method/<str:method_name>", MethodView.as_view()),
    # Anything else under /api answers in Frappe's JSON, not Django's HTML page.
    re_path(r"^[\s\S]*$", not_found),
]
