"""xlsx imports as long jobs: the upload is stored under the site's files first, so that the worker reads it.

``start_import(user, title, func, args, upload, kwargs)`` runs ``func(user, *args, upload, **kwargs)``
(an import of the platform or of an app: it checks permissions itself, reports progress with
``publish_progress`` and returns an object with ``as_dict()``) as a tracked job
(:mod:`apps.lowcode.jobs.progress`). The caller checks who may import what in the request, before
anything is queued; the job runs the same function again as the same user, so the checks and the
saving are one code path wherever it runs.

A file of ``LOWCODE_IMPORT_JOB_BYTES`` or more (a big import) goes to the RQ worker; a smaller one is
imported at once, in the request, still as a tracked job with an id, so that callers handle one kind
of answer. ``rollback`` imports and then undoes everything (an admin page's preview).
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.module_loading import import_string

from apps.lowcode.exceptions import ValidationError
from apps.lowcode.jobs import progress, redis_configured
from apps.lowcode.xlsx import reader

UPLOADS = "private/job-uploads"  # under MEDIA_ROOT; never served (only private/files/ is)
DEFAULT_JOB_BYTES = 64 * 1024  # about a thousand rows of a template


def job_bytes() -> int:
    return int(getattr(settings, "LOWCODE_IMPORT_JOB_BYTES", DEFAULT_JOB_BYTES))


def start_import(
    user, title: str, func, args: tuple, upload, kwargs: dict | None = None, rollback: bool = False
) -> progress.Tracked:
    """Import ``upload`` with ``func`` as a tracked job; its record (done already when the file is small)."""
    path = func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"
    upload.seek(0)
    if not redis_configured() or (upload.size or 0) < job_bytes():
        return progress.start(
            user, title, import_job, path, user.pk, upload, list(args), kwargs or {}, rollback, inline=True
        )
    reader.checked_bytes(upload)  # a file refused at once is refused here, in the request, as it always was
    upload.seek(0)
    stored = keep(upload)
    return progress.start(user, title, import_job, path, user.pk, stored, list(args), kwargs or {}, rollback)


def keep(upload) -> dict:
    """Store an upload under the site's files for the job: where it is and what it was called."""
    upload.seek(0)
    suffix = PurePosixPath(upload.name or "").suffix.lower()[:10]
    name = default_storage.save(f"{UPLOADS}/{secrets.token_hex(16)}{suffix}", ContentFile(upload.read()))
    return {"path": name, "name": upload.name or f"upload{suffix}"}


def take(stored: dict) -> SimpleUploadedFile:
    """The stored upload as an uploaded file again; the stored copy is removed (a job runs once)."""
    if not default_storage.exists(stored["path"]):
        raise ValidationError("要导入的文件已不存在（可能已被清理），请重新上传")
    with default_storage.open(stored["path"], "rb") as f:
        data = f.read()
    default_storage.delete(stored["path"])
    return SimpleUploadedFile(stored["name"], data)


def import_job(path: str, user_id: int, source, args: list, kwargs: dict, rollback: bool = False) -> dict:
    """The job: the import, as the user who started it, of the stored file (or of the upload itself inline)."""
    upload = take(source) if isinstance(source, dict) else source
    user = get_user_model().objects.get(pk=user_id)
    with transaction.atomic():  # each import names its user in the change history itself (no request here)
        result = import_string(path)(user, *args, upload, **kwargs)
        if rollback:
            transaction.set_rollback(True)
    answer = result.as_dict()
    answer.setdefault("message", answer.get("summary", ""))  # what the progress page shows when it is done
    return answer
