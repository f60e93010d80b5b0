"""Authentication of API requests: Frappe's token header, and the session cookie.

CSRF, as Frappe applies it: a non-browser client (a script, a mobile app)
logged in through /api/method/login is not asked for a token. A request
that a browser marks as coming from another site (``Sec-Fetch-Site`` or an
``Origin`` that is not ours) must carry the CSRF token in
``X-Frappe-CSRF-Token`` or ``X-CSRFToken``; that is the attack CSRF is.
The same rule holds at every door (/api, /api/v2, the legacy ``cmd=`` POST to
the site root); logging in is exempt, as in Frappe.
"""

import base64
import binascii

from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import authentication, exceptions

from apps.lowcode.auth.api_key import user_for_token
from apps.lowcode.auth.oauth import user_for_bearer
from apps.lowcode.exceptions import CSRFTokenError

CSRF_HEADERS = ("HTTP_X_FRAPPE_CSRF_TOKEN", "HTTP_X_CSRFTOKEN")
# Methods a session may call without the CSRF token (the views mark such requests).
CSRF_EXEMPT_METHODS = frozenset({"login"})


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: token <key>:<secret>``, ``Basic base64(<key>:<secret>)``, or ``Bearer <access token>``.

    The bearer token is an OAuth 2 access token of Frappe's OAuth provider (apps.lowcode.auth.oauth): the
    request is then its user's, with that user's permissions, scope and workflow rights, as a session's.
    """

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            user = user_for_bearer(credentials.strip(), request.build_absolute_uri())
            if user is None:
                raise exceptions.AuthenticationFailed("访问令牌无效、已过期或已被撤销，请重新授权")
            return user, None
        if scheme == "token":
            pair = credentials.strip()
        elif scheme == "basic":
            try:
                pair = base64.b64decode(credentials.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise exceptions.AuthenticationFailed("Authorization 头格式不正确") from None
        else:
            return None
        key, _, secret = pair.partition(":")
        user = user_for_token(key, secret) if key and secret else None
        if user is None:
            raise exceptions.AuthenticationFailed("API Key 或 Secret 不正确")
        return user, None

    def authenticate_header(self, request):
        return "token"


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        if getattr(request, "frappe_csrf_exempt", False):
            return
        if any(h in request.META for h in CSRF_HEADERS):
            if "HTTP_X_FRAPPE_CSRF_TOKEN" in request.META:
                request.META.setdefault("HTTP_X_CSRFTOKEN", request.META["HTTP_X_FRAPPE_CSRF_TOKEN"])
            check = _CsrfCheck(lambda req: None)
            check.process_request(request)
            reason = check.process_view(request, None, (), {})
            if reason:
                raise CSRFTokenError(f"CSRF 校验失败：{reason}")
            return
        if self._cross_site(request):
            raise CSRFTokenError("跨站请求必须携带 CSRF 令牌（X-Frappe-CSRF-Token）")

    @staticmethod
    def _cross_site(request) -> bool:
        fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
        if fetch_site in ("cross-site", "same-site"):
            return True
        origin = request.META.get("HTTP_ORIGIN")
        if origin and origin != "null":
            return origin.split("://", 1)[-1] != request.get_host()
        return origin == "null"
