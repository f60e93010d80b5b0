"""The Django admin of the low-code platform: the door on top of every engine.

Django's autodiscovery imports this package; importing it registers every
admin below. ``base`` holds what every doctype's admin shares (apps import
``DocumentAdmin`` and friends from it); one module per engine registers that
engine's records (``workflow``, ``print_format``, ``customize``, ``notification``,
``jobs``) and ``platform`` the records of no engine; ``inbox``, ``print_page``
and ``attachment_views`` are the admin's own pages. Nothing below the admin
imports it (import-linter's layers contract in pyproject.toml).
"""

from apps.lowcode.admin import (  # noqa: F401  (registers the admins)
    customize,
    jobs,
    notification,
    oauth,
    platform,
    print_format,
    reminder,
    website,
    workflow,
)
