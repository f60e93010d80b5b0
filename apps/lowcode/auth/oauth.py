"""OAuth 2 bearer tokens, as Frappe's OAuth provider issues them (django-oauth-toolkit underneath).

Frappe's client libraries and mobile apps send ``Authorization: Bearer <access token>``;
:func:`user_for_bearer` answers whose token it is, for the API's one authentication class
(apps.lowcode.api.auth.TokenAuthentication). Clients are Frappe's "OAuth Client": the library's
Application, seen through the proxy :class:`OAuthClient` with Chinese labels.
"""

from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OAuthlibRequest


class OAuthClient(Application):
    """Frappe's OAuth Client: an application that may ask users for access to the API on their behalf."""

    class Meta:
        proxy = True
        verbose_name = "OAuth 客户端"
        verbose_name_plural = "OAuth 客户端"


def user_for_bearer(token: str, uri: str = ""):
    """The active user an unexpired, unrevoked access token was issued to, else None."""
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    oauth_request = OAuthlibRequest(uri)
    if not token or not validator.validate_bearer_token(token, [], oauth_request):
        return None
    user = oauth_request.user
    return user if user is not None and user.is_active else None


def pkce_required(client_id: str) -> bool:
    """PKCE for every public client (a browser or mobile app holds no secret); a server-side client may skip it."""
    client = Application.objects.filter(client_id=client_id).only("client_type").first()
    return client is None or client.client_type == Application.CLIENT_PUBLIC
