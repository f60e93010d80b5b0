"""故障演练 (3): the disk fills up while a file is uploaded.

The site's files folder is a 2 MB tmpfs when this machine lets us mount one (root); otherwise the web
processes may write no file over 2 MB (RLIMIT_FSIZE), which fails a write the same way (EFBIG for ENOSPC).
"""

import os

import pytest

from apps.lowcode.file.model import File
from tests.faults import Stack, is_json

pytestmark = [pytest.mark.faults, pytest.mark.mariadb, pytest.mark.redis]

LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack.start(tmp_path_factory.mktemp("faults_disk"), files_limit=LIMIT)
    yield stack
    stack.stop()


def pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + os.urandom(size - 9)


def upload(session, stack, name: str, content: bytes):
    return session.post(
        stack.url("/api/method/upload_file"),
        data={"doctype": "Project", "docname": "2023-P03"},
        files={"file": (name, content, "application/pdf")},
        timeout=60,
    )


def stored_files(stack) -> dict[str, int]:
    folder = stack.site_dir / "files"
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_an_upload_that_fills_the_disk_is_refused_and_leaves_nothing_behind(stack):
    office = stack.session("office")
    first = upload(office, stack, "先传的材料.pdf", pdf(100_000))
    assert first.status_code == 200, first.text
    before = stored_files(stack)
    assert list(before.values()) == [100_000]

    # 2.3 MB: more than the disk holds, less than Django keeps in memory while it reads the request (2.5 MB),
    # so the write that fails is the one into the site's files folder.
    full = upload(office, stack, "放不下的材料.pdf", pdf(2_300_000))
    assert full.status_code == 507 and is_json(full), full.text
    body = full.json()
    assert body["exc_type"] == "InsufficientStorageError"
    assert body["message"] == "服务器存储空间不足，文件“放不下的材料.pdf”未保存，请联系系统管理员清理空间后重新上传"

    # Nothing half-written: the folder holds what it held, and no record names the refused file.
    assert stored_files(stack) == before
    table = File._meta.db_table
    assert stack.scalar(f"SELECT COUNT(*) FROM {table} WHERE file_name = %s", "放不下的材料.pdf") == 0
    assert stack.scalar(f"SELECT COUNT(*) FROM {table} WHERE file_name = %s", "先传的材料.pdf") == 1

    # The site goes on: a file that fits is stored, and the first one still downloads whole.
    after = upload(office, stack, "小文件.pdf", pdf(50_000))
    assert after.status_code == 200, after.text
    url = first.json()["message"]["file_url"]
    downloaded = office.get(stack.url(url))
    assert downloaded.status_code == 200 and len(downloaded.content) == 100_000
