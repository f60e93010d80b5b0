from apps.lowcode.api.api_key import ApiKey
from apps.lowcode.file.model import File
from apps.lowcode.permissions.user_permission import UserPermission

__all__ = ["ApiKey", "File", "UserPermission"]
