"""Accepting uploads safely: size, type by name and by content, clean names, scope."""

import contextlib
import errno
import hashlib
import os
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from apps.lowcode.exceptions import FileTooLargeError, InsufficientStorageError, ValidationError
from apps.lowcode.file.model import File

DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024

# Extension -> accepted leading bytes (any of). Office formats from the last
# decades are ZIP (docx, xlsx, pptx, ofd) or OLE2 (doc, xls, ppt, wps, et).
ZIP, OLE2 = (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "zip": ZIP,
    "ofd": ZIP,
    "doc": OLE2,
    "xls": OLE2,
    "ppt": OLE2,
    "wps": OLE2 + ZIP,
    "et": OLE2 + ZIP,
    "rar": (b"Rar!\x1a\x07",),
    "7z": (b"7z\xbc\xaf\x27\x1c",),
    "txt": None,
    "csv": None,  # text: checked for being text instead
}
ALLOWED = "、".join(SIGNATURES)


def max_file_size() -> int:
    return int(settings.SITE_CONFIG.get("max_file_size", DEFAULT_MAX_FILE_SIZE))


def clean_file_name(name: str) -> str:
    """The last path component, without control characters, at most 100 characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 100 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:100]
    return name or "未命名"


def check_content(file_name: str, head: bytes) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in SIGNATURES:
        raise ValidationError(f"不允许上传该类型的文件：{file_name}（允许：{ALLOWED}）")
    signatures = SIGNATURES[extension]
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(f"文件内容与扩展名不符：{file_name} 不是文本文件")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a cut multi-byte character at the end is fine
                try:
                    head.decode("gb18030")
                except UnicodeDecodeError:
                    raise ValidationError(f"文件内容与扩展名不符：{file_name} 不是文本文件") from None
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(f"文件内容与扩展名不符：{file_name} 不是有效的 {extension} 文件")
    return extension


@transaction.atomic
def save_upload(user, upload, doctype: str, docname: str, fieldname: str = "") -> File:
    """Store an uploaded file attached to ``doctype``/``docname`` (already checked writable)."""
    if upload is None:
        raise ValidationError("请选择要上传的文件（字段 file）")
    if upload.size > max_file_size():
        raise FileTooLargeError(f"文件过大：{upload.size / 1048576:.1f} MB，上限 {max_file_size() / 1048576:.0f} MB")
    if upload.size == 0:
        raise ValidationError("文件为空")
    file_name = clean_file_name(upload.name)
    data = upload.read()
    check_content(file_name, data[:4096])
    stored = f"{secrets.token_hex(6)}_{file_name}"
    record = File(
        file_name=file_name,
        is_private=True,
        attached_to_doctype=doctype,
        attached_to_name=docname,
        attached_to_field=fieldname or "",
        file_size=len(data),
        content_hash=hashlib.sha256(data).hexdigest(),
        owner=user,
        modified_by=user,
    )
    # Where the storage will write it (the random prefix makes the name new): known before the write, so
    # a write that fails half-way can be removed.
    target = record.content.field.generate_filename(record, stored)
    try:
        record.content.save(stored, ContentFile(data), save=False)
        record.file_url = "/" + record.content.name.replace(os.sep, "/")
        record.save()
    except BaseException as exc:
        _remove_partial(record, target)
        if isinstance(exc, OSError) and exc.errno in DISK_FULL:
            raise InsufficientStorageError(
                f"服务器存储空间不足，文件“{file_name}”未保存，请联系系统管理员清理空间后重新上传"
            ) from None
        raise
    return record


# A full disk (ENOSPC), a full quota (EDQUOT), a file beyond the size the process may write (EFBIG).
DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _remove_partial(record: File, target: str) -> None:
    """Whatever part of the upload reached the disk before the failure: no half-written file is left behind."""
    for name in {record.content.name or target, target}:
        with contextlib.suppress(OSError):
            record.content.storage.delete(name)


def existing_file(user, file_url) -> ContentFile:
    """The content of a file the user may see, by its ``file_url``, as an upload to store again.

    Frappe's upload_file takes a ``file_url`` instead of a file (frappe-ui's FileUploader and
    frappe-js-sdk's uploadFile pass one) to attach a file already on the site to a document. Here
    the copy is stored anew, so that it follows its new document's permissions; a link to another
    site is refused, as nothing outside may be stored unchecked.
    """
    from apps.lowcode.permissions import scope_queryset

    if not isinstance(file_url, str) or not file_url.startswith("/"):
        raise ValidationError("只能引用本系统中的文件（file_url 以 / 开头），外部链接请以文件形式上传")
    record = scope_queryset(user, File).filter(file_url=file_url).first()
    if record is None:
        raise ValidationError("找不到该文件，或你无权查看它")
    with record.content.open("rb") as stored:
        return ContentFile(stored.read(), name=record.file_name)
