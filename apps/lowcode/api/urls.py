"""Routes of the API, as Frappe's: /api (= /api/v1) and /api/v2, a trailing slash allowed everywhere."""

from django.urls import include, path, re_path, register_converter

from apps.lowcode.api import oauth
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

# REST API v1, served at /api/ and /api/v1/ as Frappe does.
v1_patterns = [
    # Frappe's OAuth 2 provider, before the methods' route (openid_profile is a whitelisted method).
    *(re_path(rf"^method/frappe\.integrations\.oauth2\.{name}/?$", view) for name, view in oauth.VIEWS.items()),
    re_path(r"^resource/(?P<doctype>[^/]+)/?$", ResourceListView.as_view()),
    path("resource/<str:doctype>/<any:name>", ResourceDocView.as_view()),
    re_path(r"^method/(?P<method_name>[^/]+)/?$", MethodView.as_view()),
]

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="openapi-schema"),
    path("docs/", swagger_ui, name="api-docs"),
    *v1_patterns,
    path("v1/", include(v1_patterns)),
    path("v2/", include("apps.lowcode.api.v2")),
    # Anything else under /api answers in Frappe's JSON, not Django's HTML page.
    re_path(r"^[\s\S]*$", not_found),
]
