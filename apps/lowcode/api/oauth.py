"""Frappe's OAuth 2 provider (frappe.integrations.oauth2): its endpoints, paths, parameters and answers.

- ``authorize`` (GET): a guest is sent to log in and back; a user sees the consent page (允许/拒绝), unless
  the client skips it; the answer goes to the client's redirect address with ``code`` and ``state``.
- ``approve`` (POST, from the consent page): the user's decision.
- ``get_token`` (POST form): ``grant_type`` authorization_code (with PKCE's code_verifier), refresh_token,
  or password (a client registered for it, as Frappe's validator allows it).
- ``revoke_token`` (POST ``token``): always 200 ``{}``, as Frappe.
- ``introspect_token`` (``token``, ``token_type_hint``): active, exp, scope, client_id (and userinfo for openid).
- ``openid_profile``: the token's user (a whitelisted method, so it is reached with the bearer token itself).
- ``/.well-known/openid-configuration``.

The protocol is django-oauth-toolkit's (oauthlib); these views only give it Frappe's doors and answers.
Errors answer as Frappe's: the token endpoint ``{"error", "error_description"}`` with 400/401, the others
Frappe's ``{"description", "status_code", "error"}``; the descriptions are in Chinese.
"""

import json
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2 import FatalClientError, OAuth2Error

from apps.lowcode.auth.oauth import OAuthClient
from apps.lowcode.whitelist import FullResponse, whitelist

PREFIX = "/api/method/frappe.integrations.oauth2."
ENDPOINTS = {
    "authorization_endpoint": PREFIX + "authorize",
    "token_endpoint": PREFIX + "get_token",
    "userinfo_endpoint": PREFIX + "openid_profile",
    "revocation_endpoint": PREFIX + "revoke_token",
    "introspection_endpoint": PREFIX + "introspect_token",
}

# oauthlib's error codes stay (clients read them); what a person reads is said in Chinese.
DESCRIPTIONS = {
    "invalid_client": "客户端认证失败：client_id 或 client_secret 不正确",
    "invalid_grant": "授权码、刷新令牌或账号密码无效、已过期或已使用",
    "invalid_request": "请求参数不完整或不正确",
    "unauthorized_client": "该客户端未获准使用这种授权方式",
    "unsupported_grant_type": "不支持的授权方式（grant_type）",
    "unsupported_response_type": "不支持的 response_type",
    "invalid_scope": "请求的权限范围（scope）无效",
    "access_denied": "用户拒绝了授权",
    "unsupported_token_type": "不支持的令牌类型",
    # oauthlib's errors that share the code invalid_request, by their class.
    "InvalidRedirectURIError": "重定向地址（redirect_uri）格式不正确",
    "MismatchingRedirectURIError": "重定向地址（redirect_uri）与登记的不一致",
    "MissingRedirectURIError": "缺少重定向地址（redirect_uri）",
    "InvalidClientIdError": "client_id 无效：没有登记这个 OAuth 客户端",
    "MissingClientIdError": "缺少 client_id",
    "MissingCodeChallengeError": "缺少 code_challenge：此客户端必须使用 PKCE",
    "MissingResponseTypeError": "缺少 response_type",
}


def description(error: str, oauth_error=None) -> str:
    by_class = DESCRIPTIONS.get(type(oauth_error).__name__) if oauth_error is not None else None
    return by_class or DESCRIPTIONS.get(error, "OAuth 请求无效")


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def client_error(oauth_error) -> JsonResponse:
    """Frappe's generate_json_error_response: ``{"description", "status_code", "error"}``."""
    code = getattr(oauth_error, "error", None) or "invalid_request"
    status = getattr(oauth_error, "status_code", 400) or 400
    return _json({"description": description(code, oauth_error), "status_code": status, "error": code}, status=status)


def _toolkit_error(exc: OAuthToolkitError):
    """A non-fatal error goes back to the client's redirect address (oauthlib's rule); a fatal one is JSON."""
    redirect_uri = getattr(exc.oauthlib_error, "redirect_uri", None)
    if redirect_uri and not isinstance(exc.oauthlib_error, FatalClientError):
        return _Redirect(exc.oauthlib_error.in_uri(redirect_uri))
    return client_error(exc.oauthlib_error)


class _Redirect(HttpResponseRedirect):
    """A redirect to the client's address, whatever its scheme (a mobile app's own, e.g. myapp://)."""

    @property
    def allowed_schemes(self):
        return oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES


def _authorization(request, scopes, credentials, allow: bool):
    try:
        uri, _headers, _body, _status = get_oauthlib_core().create_authorization_response(
            request, list(scopes), credentials, allow
        )
    except OAuthToolkitError as exc:
        return _toolkit_error(exc)
    return _Redirect(uri)


def _validated(request):
    """(scopes, credentials, client) of an authorization request, or an error response."""
    try:
        scopes, credentials = get_oauthlib_core().validate_authorization_request(request)
    except OAuthToolkitError as exc:
        return None, _toolkit_error(exc)
    credentials.pop("request", None)
    client = OAuthClient.objects.get(client_id=credentials["client_id"])
    return (scopes, credentials, client), None


@require_GET
def authorize(request):
    if not request.user.is_authenticated:
        # Frappe's /login?redirect-to=…, which sends on to the site's sign-in page and back here.
        return redirect_to_login(request.get_full_path(), reverse("login"), redirect_field_name="redirect-to")
    validated, error = _validated(request)
    if error is not None:
        return error
    scopes, credentials, client = validated
    if client.skip_authorization:
        return _authorization(request, scopes, credentials, allow=True)
    labels = oauth2_settings.SCOPES
    page = render(
        request,
        "lowcode/oauth_authorize.html",
        {
            "client": client,
            "scopes": [labels.get(scope, scope) for scope in scopes],
            "approve_url": PREFIX + "approve?" + request.META.get("QUERY_STRING", ""),
        },
    )
    # The consent form's answer redirects to the app, and browsers hold a form's redirects to the page's
    # form-action ('self' site-wide): the validated redirect address is added for this page only.
    page._csp_update = {"form-action": [csp_source(credentials["redirect_uri"])]}
    return page


def csp_source(uri: str) -> str:
    """The CSP source of a redirect address: its origin, or its scheme for an app's own (myapp://)."""
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:"


@require_POST
def approve(request):
    """The consent page's answer (Django's CSRF check applies: the form carries the token)."""
    if not request.user.is_authenticated:
        return client_error(_Denied())
    validated, error = _validated(request)
    if error is not None:
        return error
    scopes, credentials, _client = validated
    return _authorization(request, scopes, credentials, allow=request.POST.get("allow") == "1")


class _Denied:
    error = "access_denied"
    status_code = 401


@csrf_exempt  # a client's server or app calls it, with its own credentials, never a browser's session
@require_POST
def get_token(request):
    _url, _headers, body, status = get_oauthlib_core().create_token_response(request)
    data = json.loads(body or "{}")
    if "error" in data:
        data["error_description"] = description(data["error"])
        return _json(data, status=status if 400 <= status < 500 else 400)
    return _json(data, status=status)


@csrf_exempt
@require_POST
def revoke_token(request):
    """Frappe answers 200 and ``{}`` whatever the token was (RFC 7009)."""
    try:
        get_oauthlib_core().create_revocation_response(request)
    except (OAuth2Error, OAuthToolkitError):
        pass  # as Frappe: an unknown or malformed token is still a 200
    return _json({})


def userinfo(request, user) -> dict:
    """Frappe's get_userinfo: sub, name, given_name, family_name, email, picture, roles, iss."""
    return {
        "sub": user.username,
        "name": user.get_full_name() or user.username,
        "given_name": user.first_name,
        "family_name": user.last_name,
        "email": user.email,
        "picture": None,
        "roles": list(user.groups.order_by("name").values_list("name", flat=True)),
        "iss": server_url(request),
    }


def server_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@csrf_exempt
def introspect_token(request):
    params = request.POST if request.method == "POST" else request.GET
    token = params.get("token", "")
    hint = params.get("token_type_hint")
    access = None
    if hint == "refresh_token":
        refresh = get_refresh_token_model().objects.filter(token=token, revoked__isnull=True).first()
        access = refresh.access_token if refresh is not None else None
    else:
        access = get_access_token_model().objects.select_related("application", "user").filter(token=token).first()
    if access is None or access.application is None:
        return _json({"active": False})
    answer = {
        "client_id": access.application.client_id,
        "trusted_client": int(access.application.skip_authorization),
        "active": hint == "refresh_token" or access.expires > timezone.now(),
        "exp": round(access.expires.timestamp()),
        "scope": access.scope,
    }
    if "openid" in access.scope.split() and access.user is not None:
        answer.update(userinfo(request, access.user))
    return _json(answer)


USERINFO = {
    "application/json": {
        "schema": {
            "type": "object",
            "required": ["sub", "name", "roles", "iss"],
            "properties": {
                "sub": {"type": "string"},
                "name": {"type": "string"},
                "given_name": {"type": "string"},
                "family_name": {"type": "string"},
                "email": {"type": "string"},
                "picture": {"type": "string", "nullable": True},
                "roles": {"type": "array", "items": {"type": "string"}},
                "iss": {"type": "string"},
            },
        }
    }
}


@whitelist("frappe.integrations.oauth2.openid_profile", methods=("GET", "POST"), response_content=USERINFO)
def openid_profile(request):
    """OAuth 2 令牌（或会话）所属用户的资料（OpenID Connect userinfo）"""
    return FullResponse(userinfo(request, request.user))


def openid_configuration(request):
    base = server_url(request)
    return _json(
        {
            "issuer": base,
            **{key: base + path for key, path in ENDPOINTS.items()},
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "password"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "scopes_supported": list(oauth2_settings.SCOPES),
            "subject_types_supported": ["public"],
        }
    )


# The endpoints answered here rather than as whitelisted methods: they speak OAuth (client credentials in
# Basic auth, redirects, a consent page), not the API's token or session authentication.
VIEWS = {
    "authorize": authorize,
    "approve": approve,
    "get_token": get_token,
    "revoke_token": revoke_token,
    "introspect_token": introspect_token,
}
