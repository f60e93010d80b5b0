from apps.lowcode.user_permission.model import UserPermission

__all__ = ["UserPermission"]
