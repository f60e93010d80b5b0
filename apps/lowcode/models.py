from apps.lowcode.api.api_key import ApiKey
from apps.lowcode.file.model import File
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.permissions.user_permission import UserPermission
from apps.lowcode.workflow.model import Workflow, WorkflowLog, WorkflowState, WorkflowTransition

__all__ = ["ApiKey", "File", "NotificationLog", "UserPermission", "Workflow", "WorkflowLog", "WorkflowState",
           "WorkflowTransition"]
