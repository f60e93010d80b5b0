"""Frappe's ``/login``: the address Frappe's clients, its OAuth provider and people open to log in.

The site has one sign-in page, the workbench's (``settings.WORKBENCH_URL`` + ``login``, which the project
configures; apps/lowcode never names the project's app). ``/login`` sends a guest there with Frappe's
``redirect-to`` (or Django's ``next``) kept, and someone already logged in straight on. Only a path of this
site is kept: an address elsewhere (``https://evil.example/``, ``//evil.example``, ``/\\evil.example``)
is dropped, so the login can never send anyone off the site.
"""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from apps.lowcode.roles.desk import home_page, workbench_login_url

# Frappe's parameter first (its OAuth provider and its pages use it), then Django's.
REDIRECT_FIELDS = ("redirect-to", "next")


def same_site_path(request, target) -> str | None:
    """``target`` as a path of this site (an absolute address on this host reduced to its path), or None."""
    if not isinstance(target, str) or not target:
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(target)
    path = parts.path
    # A relative path has no meaning here; "//x" and "/\x" are other hosts once a browser reads them.
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return None
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def redirect_target(request) -> str | None:
    for field in REDIRECT_FIELDS:
        target = same_site_path(request, request.GET.get(field))
        if target is not None:
            return target
    return None


@require_safe
def login_page(request):
    target = redirect_target(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(target or home_page(request.user))
    query = "?" + urlencode({"redirect-to": target}) if target else ""
    return HttpResponseRedirect(workbench_login_url() + query)
