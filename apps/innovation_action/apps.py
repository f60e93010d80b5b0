from django.apps import AppConfig

from apps.lowcode.website.site import lazy_site_name


class InnovationActionConfig(AppConfig):
    name = "apps.innovation_action"
    label = "innovation_action"
    verbose_name = lazy_site_name()  # the site's name (Website Settings), as the admin's menu heads the app

    def ready(self):
        from apps.innovation_action import (
            api,  # noqa: F401  (registers the app's API methods)
        )
        from apps.innovation_action.doctype.integrity_case import (
            events,  # noqa: F401  (re-rank when a case is removed)
        )
