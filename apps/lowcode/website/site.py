"""The site's words for pages, prints and exports, read once per metadata version (see doctype/version.py)."""

from django.db import DatabaseError, transaction
from django.utils.functional import lazy

_cache = {"version": None, "settings": None}


def site_settings():
    """The stored WebsiteSettings, or the neutral defaults while there is none (a new or emptied database).

    Imported here, not above: settings and AppConfigs import this module (its lazy words) before models load.
    """
    from apps.lowcode.doctype import version
    from apps.lowcode.website.model import WebsiteSettings

    current = version.current()
    if _cache["version"] == current:
        return _cache["settings"]
    try:
        with transaction.atomic():
            stored = WebsiteSettings.objects.first()
    except (DatabaseError, RuntimeError):  # before the first migration, or where a test allows no database
        return WebsiteSettings()
    settings = stored or WebsiteSettings()
    _cache.update(version=current, settings=settings)
    return settings


def site_name() -> str:
    return site_settings().site_name


def footer() -> str:
    """The host organisation, or the site's name when none is set."""
    settings = site_settings()
    return settings.organisation or settings.site_name


def welcome_sign() -> str:
    settings = site_settings()
    return settings.welcome_sign or f"欢迎使用{settings.site_name}"


# For settings and class attributes written before any request (JAZZMIN_SETTINGS, an AppConfig's name).
lazy_site_name = lazy(site_name, str)
lazy_footer = lazy(footer, str)
lazy_welcome_sign = lazy(welcome_sign, str)
