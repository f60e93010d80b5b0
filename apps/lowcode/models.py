from apps.lowcode.auth.api_key import ApiKey
from apps.lowcode.auth.oauth import OAuthClient
from apps.lowcode.doctype.customization import CustomField, PropertySetter
from apps.lowcode.file.model import File
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.permissions.user_permission import UserPermission
from apps.lowcode.print_format.model import (
    LetterHead,
    Notice,
    NumberSeries,
    PrintFont,
    PrintFormat,
    PrintFormatBlock,
)
from apps.lowcode.reminder.model import ReminderLog, ReminderRule
from apps.lowcode.roles.model import RoleKey, RoleProfile
from apps.lowcode.website.model import WebsiteSettings
from apps.lowcode.workflow.model import (
    Workflow,
    WorkflowLog,
    WorkflowState,
    WorkflowTransition,
)

__all__ = [
    "ApiKey",
    "CustomField",
    "File",
    "LetterHead",
    "Notice",
    "NotificationLog",
    "OAuthClient",
    "NumberSeries",
    "PrintFont",
    "PrintFormat",
    "PrintFormatBlock",
    "PropertySetter",
    "ReminderLog",
    "ReminderRule",
    "RoleKey",
    "RoleProfile",
    "UserPermission",
    "WebsiteSettings",
    "Workflow",
    "WorkflowLog",
    "WorkflowState",
    "WorkflowTransition",
]
