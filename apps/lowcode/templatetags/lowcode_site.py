"""{% site_name %} and {% site_footer %}: the site's words (站点设置) in any template, the 500 page included
(Django renders it without a request, so no context processor runs there)."""

from django import template

from apps.lowcode.website import site

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return site.site_name()


@register.simple_tag
def site_footer() -> str:
    return site.footer()


@register.simple_tag
def workbench_login_url() -> str:
    """The workbench's login (``/app/login``), for the admin's login page to point there."""
    from apps.lowcode.roles.desk import workbench_login_url as url

    return url()
