"""The admin's side doors: a version restored from the history page, the job queues' dashboard, the period form.

A revert is an edit of the change form or nothing (same permission, scope,
workflow rights, validation, events and history); the RQ dashboard is the
administrators' only; the office opens, adds and edits assessment periods.
Every page is read and posted back the way a browser would (tests/html_forms.py).
"""

from datetime import date

import pytest
from django.urls import reverse

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    Indicator,
    SelfAssessment,
    Task,
)
from apps.lowcode.doctype import events
from apps.lowcode.print_format.model import LetterHead, Notice, PrintFormat
from tests.html_forms import main_form
from tests.test_workflow_api import act, create_assessment, fill_in, ok, put, submitted

pytestmark = pytest.mark.django_db


def admin_url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def version_url(obj, version) -> str:
    return admin_url(obj, "simple_history", version.history_id)


def edit_in_the_database(obj, **values):
    """A later version in the record's history (what the revert is taken back from)."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return obj.history.order_by("history_date", "history_id").first()


def post_version(client, obj, version, **changes):
    """GET the version page and post its form back, ``changes`` applied: what the 恢复 button sends."""
    page = client.get(version_url(obj, version))
    assert page.status_code == 200, page.status_code
    form = main_form(page.content.decode())
    return client.post(version_url(obj, version), form.data(submit="_save", **changes))


# ------------------------------------------------------------------ revert = edit, or refused

VIEW_ONLY_REVERTS = [
    (Task, {"name": "2023-T01"}, "title", "（被改动的标题）"),
    (County, {"name": "信丰县"}, "aliases", "信丰"),
    (Indicator, {"name": "2023-C-01"}, "points", "99"),
    (PrintFormat, {}, "title", "被改动的标题"),
    (LetterHead, {}, "signature", "被改动的署名"),
]


@pytest.mark.both_databases
@pytest.mark.parametrize("username", ["leader"])
@pytest.mark.parametrize(
    ("model", "lookup", "field", "value"), VIEW_ONLY_REVERTS, ids=[m.__name__ for m, *_ in VIEW_ONLY_REVERTS]
)
def test_a_view_only_role_cannot_revert(login, username, model, lookup, field, value):
    obj = model.objects.filter(**lookup).order_by("pk").first()
    version = obj.history.order_by("history_date", "history_id").first()
    before = getattr(obj, field)
    client = login(username)
    page = client.get(version_url(obj, version))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no 恢复 button for a reader
    response = post_version(client, obj, version, **{field: value})
    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) == before
    assert obj.modified_by is None or obj.modified_by.username != username


def scoped_office_user():
    """An admin (staff) user limited to 章贡区: the office role with a County user permission."""
    from django.contrib.auth.models import User

    from apps.innovation_action import roles
    from apps.lowcode.models import UserPermission

    user = User.objects.create_user("zg_office_doors", password="pw-123456")
    user.groups.add(roles.group(roles.OFFICE))
    UserPermission.objects.create(user=user, allow="County", for_value="章贡区")
    return user


@pytest.mark.both_databases
def test_a_revert_outside_the_scope_is_refused(client):
    county = County.objects.get(name="信丰县")
    version = county.history.first()
    client.force_login(scoped_office_user())
    response = client.post(version_url(county, version), {"aliases": "信丰", "_save": "1"})
    assert response.status_code == 403
    county.refresh_from_db()
    assert county.aliases == ""


@pytest.mark.both_databases
@pytest.mark.parametrize("username", ["xinfeng", "zhanggong"])
def test_a_county_user_never_reaches_a_version_page(login, username):
    """County users are not admin users (issue 18): the version pages send them to the workbench, nothing changes."""
    county = County.objects.get(name="信丰县")
    version = county.history.first()
    client = login(username)
    assert client.get(version_url(county, version))["Location"] == "/app/"
    response = client.post(version_url(county, version), {"aliases": "信丰", "_save": "1"})
    assert response.status_code == 302 and response["Location"] == "/app/"
    county.refresh_from_db()
    assert county.aliases == ""


@pytest.mark.both_databases
def test_the_office_reverts_a_task_as_an_edit(login):
    task = Task.objects.get(name="2023-T03")
    original = task.title
    first = edit_in_the_database(task, title="后来改过的标题")
    rows = list(task.units.values_list("pk", "unit_id", "role"))
    reader = login("leader").get(version_url(task, first)).content.decode()
    assert original in reader and 'name="_save"' not in reader  # a reader sees the version, read-only
    client = login("office")
    page = client.get(version_url(task, first)).content.decode()
    assert 'name="_save"' in page  # the office may edit tasks: the version page is its change form
    assert main_form(page).data()["title"] == original
    assert 'id="history-revert"' in page and 'name="units-TOTAL_FORMS"' not in page  # child rows stay
    response = client.post(version_url(task, first), main_form(page).data(submit="_save"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == original
    assert task.modified_by.username == "office"
    assert list(task.units.values_list("pk", "unit_id", "role")) == rows  # child rows as they were
    latest = task.history.first()
    assert latest.history_user.username == "office"
    assert latest.history_change_reason.startswith("恢复为 ")


@pytest.mark.both_databases
def test_a_revert_is_validated_as_the_form_is(login):
    county = County.objects.get(name="章贡区")
    version = county.history.first()
    response = post_version(login("admin"), county, version, order="第一")
    assert response.status_code == 200  # the form again, with the error
    assert "第一" in response.content.decode()
    county.refresh_from_db()
    assert county.order == 3


@pytest.mark.both_databases
def test_a_revert_keeps_the_workflow_field_rights_and_runs_the_events(login, monkeypatch):
    """待初审: the office writes its review columns only; the county's summary stays as submitted."""
    name = create_assessment("zhanggong", summary="最初的自评摘要")["name"]
    doc = ok(put("zhanggong", name, {"summary": "提交时的自评摘要"}))
    assert doc["summary"] == "提交时的自评摘要"
    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    assessment = SelfAssessment.objects.get(name=name)
    first = assessment.history.order_by("history_date", "history_id").first()
    assert first.summary == "最初的自评摘要"

    saved = []
    registry = {
        doctype: {event: list(handlers) for event, handlers in by_event.items()}
        for doctype, by_event in events.doc_events().items()
    }
    registry.setdefault("SelfAssessment", {}).setdefault("on_update", []).append(
        lambda doc, **context: saved.append((doc.name, context["user"].username))
    )
    monkeypatch.setattr(events, "doc_events", lambda: registry)

    client = login("office")
    page = client.get(version_url(assessment, first)).content.decode()
    assert 'name="summary"' not in page  # 待初审: the page offers only what the office may change now
    response = client.post(version_url(assessment, first), {"summary": "最初的自评摘要", "_save": "1"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.summary == "提交时的自评摘要"
    assert saved == [(name, "office")]


@pytest.mark.both_databases
def test_a_revert_in_a_locked_state_is_refused_with_the_reason(login):
    name = submitted()
    ok(act("office", name, "初审通过"))  # 待审定: nobody edits
    assessment = SelfAssessment.objects.get(name=name)
    first = assessment.history.order_by("history_date", "history_id").first()
    response = login("office").post(version_url(assessment, first), {"summary": "改回去", "_save": "1"})
    assert response.status_code == 403
    assert "待审定" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.workflow_state == "待审定"


@pytest.mark.both_databases
def test_an_issued_notice_is_never_reverted(login, plan):
    """A voided notice taken back to 排队中 with its PDF emptied would be a second life for its 发文字号."""
    notice = Notice.objects.create(
        number="赣市科赋字〔2023〕99号",
        title="测试通知",
        reference_doctype="Action Plan",
        reference_name=plan.name,
        print_format=PrintFormat.objects.filter(doc_type="Action Plan").first(),
        issue_date=date(2023, 2, 21),
    )
    first = notice.history.first()
    notice.status, notice.pdf = Notice.Status.VOID, "notices/x.pdf"
    notice.save()
    for username in ("office", "admin"):
        client = login(username)
        page = client.get(version_url(notice, first))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        response = client.post(version_url(notice, first), {"status": Notice.Status.QUEUED, "pdf": "", "_save": "1"})
        assert response.status_code == 403
        notice.refresh_from_db()
        assert notice.status == Notice.Status.VOID and notice.pdf.name == "notices/x.pdf"


# ------------------------------------------------------------------ the job queues


@pytest.mark.parametrize("username", ["xinfeng", "office", "leader", "gongxin"])
def test_the_job_queues_are_closed_to_other_roles(login, username):
    client = login(username)
    if username in ("xinfeng", "gongxin"):  # not admin users (issue 18): sent to the workbench from every page
        for url in ("/admin/django_rq/dashboard/", "/admin/django_rq/dashboard/stats.json/", "/admin/"):
            assert client.get(url)["Location"] == "/app/"
        assert client.post("/admin/django_rq/dashboard/queues/0/empty/")["Location"] == "/app/"
        return
    dashboard = client.get("/admin/django_rq/dashboard/")
    assert dashboard.status_code == 403
    assert "6379" not in dashboard.content.decode()
    assert client.post("/admin/django_rq/dashboard/queues/0/empty/").status_code == 403
    assert client.get("/admin/django_rq/dashboard/stats.json/").status_code == 403
    assert "django_rq" not in client.get("/admin/").content.decode()


@pytest.mark.redis
def test_the_administrator_sees_the_job_queues(login, redis_queue):
    redis_queue.enqueue("builtins.print", "x")
    client = login("admin")
    assert client.get("/admin/django_rq/dashboard/").status_code == 200
    assert client.post("/admin/django_rq/dashboard/queues/0/empty/").status_code in (200, 302)
    assert redis_queue.count == 0
    # Addresses of things that are not there: 404, not django-rq's crash.
    for missing in ("queues/9/", "queues/0/no-such-job/delete/", "workers/0/no-such-worker/"):
        assert client.get(f"/admin/django_rq/dashboard/{missing}").status_code == 404, missing


def test_anonymous_users_are_sent_to_login_from_the_queues(client):
    response = client.get("/admin/django_rq/dashboard/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# ------------------------------------------------------------------ assessment periods


@pytest.mark.both_databases
def test_the_office_adds_and_edits_a_period_with_its_deadline(login, plan):
    AssessmentPeriod.objects.filter(plan=plan, kind="月度", number=11).delete()  # the plan ships all twelve
    client = login("office")
    add = client.get(reverse("admin:innovation_action_assessmentperiod_add"))
    assert add.status_code == 200
    form = main_form(add.content.decode())
    response = client.post(
        reverse("admin:innovation_action_assessmentperiod_add"),
        form.data(
            submit="_save",
            plan=str(plan.pk),
            kind="月度",
            number="11",
            start_date="2023-11-01",
            end_date="2023-11-30",
            deadline="2023-12-05",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    period = AssessmentPeriod.objects.get(plan=plan, kind="月度", number=11)
    assert str(period.deadline) == "2023-12-05"
    assert period.owner.username == "office"

    change = client.get(admin_url(period, "change"))
    assert change.status_code == 200
    response = client.post(
        admin_url(period, "change"), main_form(change.content.decode()).data(submit="_save", deadline="2023-12-08")
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert str(period.deadline) == "2023-12-08"
    history = client.get(admin_url(period, "history"))
    assert history.status_code == 200
    first = period.history.order_by("history_date", "history_id").first()
    assert client.get(version_url(period, first)).status_code == 200
