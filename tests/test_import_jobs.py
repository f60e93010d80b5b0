"""Big xlsx imports run as long jobs with progress: real RQ jobs (a SimpleWorker in burst mode).

The upload is stored under the site's files first, permissions are checked in the request before anything
is queued, and the worker imports as the user who uploaded, through the same import function; the admin
follows the job on its progress page and then shows the import's report, or its problems by row. A file
below LOWCODE_IMPORT_JOB_BYTES is imported at once, still answered with its job id.
"""

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from rq import SimpleWorker

from apps.innovation_action.models import AssesseeTarget, OfficialValue, Project
from apps.lowcode.jobs import imports
from tests.test_assessee_targets import SUB_DISTRICT, district, indicator, two_years, wide_sheet  # noqa: F401
from tests.test_data_import import fill, project
from tests.test_data_import import upload as project_upload
from tests.test_official_data import sheet as official_sheet
from tests.test_workflow_api import client, ok, refused

pytestmark = pytest.mark.redis


@pytest.fixture(autouse=True)
def every_file_is_big(settings):
    settings.LOWCODE_IMPORT_JOB_BYTES = 0


IMPORT = "/api/method/frappe.core.doctype.data_import.data_import.import_file"
STATUS = "/api/method/lowcode.api.get_job_status"


def work(queue):
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def kept_files() -> list[str]:
    folder = settings.MEDIA_ROOT / imports.UPLOADS
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def project_sheet(office, *rows):
    template = office.get(reverse("admin:innovation_action_project_excel_template")).content
    return project_upload(fill(template, list(rows)))


def test_the_api_queues_a_big_import_the_worker_imports_it_as_the_uploader(
    db, redis_queue, login, django_capture_on_commit_callbacks
):
    before, files = Project.objects.count(), kept_files()
    data = project_sheet(login("office"), project(60), project(61, 隶属="不存在县"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = ok(
            client("office").post(IMPORT, {"doctype": "Project", "file": data, "dry_run": "0"}, format="multipart")
        )
    assert answer == {"job_id": answer["job_id"], "status": "queued"}
    assert len(kept_files()) == len(files) + 1  # stored under the site's files for the worker
    assert Project.objects.count() == before

    work(redis_queue)
    job = ok(client("office").get(STATUS, {"job_id": answer["job_id"]}))
    assert (job["status"], job["title"], job["error"]) == ("finished", "导入重点项目：导入.xlsx", "")
    assert job["progress"]["done"] == job["progress"]["total"] == 2
    report = job["result"]
    assert [(row["rows"], row["status"]) for row in report["rows"]] == [("第2行", "新建"), ("第3行", "错误")]
    assert "找不到县（市、区）“不存在县”" in report["rows"][1]["message"]
    assert report["message"] == report["summary"] and report["saved"] is True
    created = Project.objects.get(project_name="导入测试项目60")
    assert created.owner.username == "office"  # the job ran as the uploader
    assert Project.objects.count() == before + 1
    assert kept_files() == files  # the job took its file


def test_permissions_and_bad_files_are_refused_in_the_request_before_anything_is_queued(
    db, redis_queue, login, django_capture_on_commit_callbacks
):
    data = project_sheet(login("office"), project(62))
    files = kept_files()
    with django_capture_on_commit_callbacks(execute=True):
        refused(
            client("leader").post(IMPORT, {"doctype": "Project", "file": data, "dry_run": "0"}, format="multipart"),
            403,
            "PermissionError",
        )
        data.seek(0)
        refused(
            client("zhanggong").post(
                "/api/method/innovation_action.api.import_official_values",
                {"period": "2023-Y", "file": official_sheet(["章贡区", 2, None, 2.35])},
                format="multipart",
            ),
            403,
            "PermissionError",
        )
        not_xlsx = project_upload(b"just text", name="x.xlsx")
        message = refused(
            client("office").post(IMPORT, {"doctype": "Project", "file": not_xlsx}, format="multipart"),
            417,
            "ValidationError",
        )
    assert "不是 .xlsx 格式" in message
    assert redis_queue.count == 0 and kept_files() == files


def test_a_refused_sheet_fails_the_job_with_its_problems_by_row_in_chinese(
    db, redis_queue, django_capture_on_commit_callbacks
):
    bad = official_sheet(["章贡区", 2, None, 2.35], ["章贡区", 2, None, "两点四"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = ok(
            client("office").post(
                "/api/method/innovation_action.api.import_official_values",
                {"period": "2023-Y", "file": bad},
                format="multipart",
            )
        )
    assert answer["status"] == "queued"
    work(redis_queue)
    job = ok(client("office").get(STATUS, {"job_id": answer["job_id"]}))
    assert (job["status"], job["title"]) == ("failed", "导入核定数据：2023年度")
    assert job["error"].startswith("导入失败，未保存任何数据。") and "Traceback" not in job["error"]
    assert any(problem.startswith("第3行：核定值“两点四”不是数字") for problem in job["problems"])
    assert not OfficialValue.objects.filter(period__name="2023-Y").exists()

    good = official_sheet(["章贡区", 2, None, 2.35])
    with django_capture_on_commit_callbacks(execute=True):
        answer = ok(
            client("office").post(
                "/api/method/innovation_action.api.import_official_values",
                {"period": "2023-Y", "file": good},
                format="multipart",
            )
        )
    work(redis_queue)
    job = ok(client("office").get(STATUS, {"job_id": answer["job_id"]}))
    assert job["status"] == "finished" and job["result"]["created"] == 1
    value = OfficialValue.objects.get(period__name="2023-Y", county__name="章贡区", indicator__number=2)
    assert value.value == Decimal("2.35") and value.owner.username == "office"
    assert value.history.latest().history_user.username == "office"  # the change history names the uploader


def test_the_admin_follows_an_import_on_its_progress_page_then_shows_the_report(
    db, redis_queue, login, django_capture_on_commit_callbacks
):
    office = login("office")
    url = reverse("admin:innovation_action_project_excel_import")
    data = project_sheet(office, project(63), project(64, 隶属="不存在县"))
    before = Project.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url, {"file": data, "action": "dry_run"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/jobs/")
    assert "排队中" in office.get(response["Location"]).content.decode()
    work(redis_queue)
    progress_page = office.get(response["Location"]).content.decode()
    assert "已完成" in progress_page and "试导入（未保存任何数据）" in progress_page
    back = parse_qs(urlparse(response["Location"]).query)["next"][0]
    page = office.get(back)
    text = page.content.decode()
    assert "试导入结果（未保存）" in text and "找不到县（市、区）“不存在县”" in text
    assert Project.objects.count() == before
    token = page.context["token"]
    assert token  # 导入 the file the dry run kept, as a job again

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url, {"token": token, "action": "import"})
    assert response.status_code == 302
    work(redis_queue)
    page = office.get(parse_qs(urlparse(response["Location"]).query)["next"][0]).content.decode()
    assert "导入完成" in page and Project.objects.count() == before + 1
    # Somebody else's job is not shown.
    assert "不存在" in login("admin").get(back.replace("job=", "job=x")).content.decode()


def test_the_year_targets_page_previews_and_imports_as_jobs(two_years, redis_queue, django_capture_on_commit_callbacks):
    web = client("office")
    three = indicator(two_years, 3)
    url = reverse("admin:innovation_action_assesseetarget_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            url, {"indicator": three.pk, "file": wide_sheet([1, SUB_DISTRICT, 10, 15]), "action": "preview"}
        )
    assert response.status_code == 302
    work(redis_queue)
    back = parse_qs(urlparse(response["Location"]).query)["next"][0]
    page = web.get(back)
    assert "预览：尚未保存任何数据" in page.content.decode() and not AssesseeTarget.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(url, {"indicator": three.pk, "token": page.context["token"], "action": "import"})
    work(redis_queue)
    page = web.get(parse_qs(urlparse(response["Location"]).query)["next"][0]).content.decode()
    assert "导入成功" in page and AssesseeTarget.objects.count() == 2


def test_a_small_file_is_imported_at_once_and_still_answers_its_job(db, login, settings):
    settings.LOWCODE_IMPORT_JOB_BYTES = 10**9
    data = project_sheet(login("office"), project(65))
    answer = ok(client("office").post(IMPORT, {"doctype": "Project", "file": data, "dry_run": "0"}, format="multipart"))
    assert answer["status"] == "finished" and answer["saved"] is True and answer["rows"][0]["status"] == "新建"
    assert ok(client("office").get(STATUS, {"job_id": answer["job_id"]}))["result"]["saved"] is True
