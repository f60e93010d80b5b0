"""The status of a long job a user started (opening a period, recomputing, an import, a notice)."""

from apps.lowcode.exceptions import ValidationError
from apps.lowcode.jobs import progress
from apps.lowcode.whitelist import whitelist


@whitelist("lowcode.api.get_job_status", methods=("GET",))
def get_job_status(request, job_id, **_):
    """后台任务的状态、进度、结果与出错原因；只有发起人和可查看任务队列的管理员能看到"""
    if not isinstance(job_id, str) or not job_id.strip():
        raise ValidationError("参数 job_id 应为后台任务编号")
    return progress.status(request.user, job_id.strip())
