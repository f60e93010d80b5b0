"""Who administers the system: the people who may change its configuration.

Job queues and the health details (hosts, queue lengths, workers) are theirs
alone. "Administrator" is a role of the app (系统管理员), so the framework
recognises one by what the role may do: change the custom fields, as only
administrators may, or be a superuser.
"""

ADMINISTRATOR_PERMISSION = "lowcode.change_customfield"


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and (user.is_superuser or user.has_perm(ADMINISTRATOR_PERMISSION)))
