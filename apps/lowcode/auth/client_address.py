"""The address a request comes from, as the login lockout counts it.

REMOTE_ADDR is the peer's address, which nobody can forge. Behind a reverse
proxy that is the proxy; the client is then in X-Forwarded-For, a header any
client can also send. So the header is believed only as far as the site
trusts it: ``"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"]`` in
site_config.json names the proxies, and the address is the first hop, read
from the right, that is not one of them. Without that key the header is
ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    try:
        return tuple(ipaddress.ip_network(str(proxy).strip(), strict=False) for proxy in proxies)
    except ValueError as exc:
        raise ImproperlyConfigured(f"site_config.json 的 trusted_proxies 有误：{exc}") from None


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The client's IP address as text; "" when there is no request (a shell, a job)."""
    if request is None:
        return ""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", None) or ()))
    if not networks or not _trusted(_address(remote), networks):
        return remote
    client = remote
    for hop in reversed(str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage where an address should be: stop at the last hop we could read
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
