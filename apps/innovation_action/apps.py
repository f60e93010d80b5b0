from django.apps import AppConfig


class InnovationActionConfig(AppConfig):
    name = "apps.innovation_action"
    label = "innovation_action"
    verbose_name = "科技创新赋能行动"

    def ready(self):
        from apps.innovation_action import (
            api,  # noqa: F401  (registers the app's API methods)
        )
        from apps.innovation_action.doctype.integrity_case import (
            events,  # noqa: F401  (re-rank when a case is removed)
        )
