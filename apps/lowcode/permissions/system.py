"""The system as a reader: every permission, no User Permission scope.

For what is made for everyone rather than for the person asking (a published
notice lists every county), code passes ``SYSTEM`` where a user is expected;
the permission checks (``can``, ``scope_queryset``) then let everything through.
"""


class SystemReader:
    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    username = "system"

    def __init__(self):
        self._user_permission_cache: dict = {}  # read by restrictions(): none

    def has_perm(self, perm, obj=None) -> bool:
        return True


SYSTEM = SystemReader()
