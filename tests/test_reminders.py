"""Deadlines as data, reminders before and after them, and 催办 by hand — with the clock moved.

The 2023 plan ships no enabled deadline rule (the seed sets no deadline): each test sets the
rules it needs, as the office would. 市工信局's report is acted on by gongxin (its liaison),
章贡区人民政府's by zhanggong (章贡区's user); 市教育局 has no user account, so nobody is reminded of it.
"""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.urls import reverse
from rq import SimpleWorker
from rq.cron import CronScheduler

from apps.innovation_action.models import AssessmentPeriod, DeadlineRule, ProgressReport, SelfAssessment, Unit
from apps.innovation_action.services import deadlines
from apps.innovation_action.services.monthly_reports import late_reports
from apps.lowcode.jobs.scheduler import run_scheduled_job, scheduled_jobs
from apps.lowcode.models import NotificationLog, ReminderLog, ReminderRule
from apps.lowcode.reminder import service
from tests.test_progress_reports import act, beijing, create_report, stored_report
from tests.test_workflow_api import client, ok, refused

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
JOB = "apps.lowcode.reminder.service.send_due_reminders"


@pytest.fixture(autouse=True)
def only_the_tests_rules(db):
    """The site's default reminder rules (fixtures/defaults/reminders.yaml) are switched off: each test sets its own."""
    ReminderRule.objects.update(enabled=False)


def at(year, month, day, hour=9, tick=False):
    """The clock at ``hour`` o'clock Beijing time on that day (frozen, unless it ticks on)."""
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=BEIJING), tick=tick)


def monthly_rule(days=5, enabled=True) -> DeadlineRule:
    rule, _ = DeadlineRule.objects.update_or_create(
        plan_id=AssessmentPeriod.objects.get(name="2023-M01").plan_id,
        document_type="Progress Report",
        period_kind="月度",
        defaults={"basis": "次月日", "days": days, "enabled": enabled},
    )
    return rule


def reminder_rule(**fields) -> ReminderRule:
    values = {
        "title": "月度调度提醒",
        "document_type": "Progress Report",
        "days_before": 3,
        "on_due_date": True,
        "every_days_late": 2,
        "channels": "email",
    }
    values.update(fields)
    rule = ReminderRule(**values)
    rule.full_clean()
    rule.save()
    return rule


def drafts(month=3):
    """Draft reports of 市工信局 (gongxin), 章贡区人民政府 (zhanggong) and 市教育局 (nobody) for a month."""
    return [stored_report(unit, month, submitted=False) for unit in ("市工信局", "章贡区人民政府", "市教育局")]


def received() -> list[tuple[str, str, str]]:
    """(recipient, document, occasion) of every reminder logged, sorted."""
    return sorted(ReminderLog.objects.values_list("recipient__username", "document_name", "occasion"))


def sent_on(day: date) -> int:
    with at(day.year, day.month, day.day):
        return run_scheduled_job(JOB)


# ------------------------------------------------------------------ deadlines as data


def test_a_rule_gives_each_period_its_deadline_and_a_period_date_overrides_it(plan):
    report = stored_report("市工信局", 3, submitted=False)
    assert deadlines.due_date(report) is None  # the plan ships no enabled rule: no deadline
    rule = monthly_rule(5)
    assert deadlines.due_date(report) == date(2023, 4, 5)
    assert deadlines.due_date(stored_report("市工信局", 12, submitted=False)) == date(2024, 1, 5)
    rule.days = 31
    rule.save()
    assert deadlines.due_date(stored_report("市工信局", 1, submitted=False)) == date(2023, 2, 28)  # February's end
    AssessmentPeriod.objects.filter(name="2023-M03").update(deadline=date(2023, 4, 8))
    report.refresh_from_db()
    assert deadlines.due_date(report) == date(2023, 4, 8)  # the period's own date wins
    DeadlineRule.objects.filter(pk=rule.pk).update(enabled=False)
    assert deadlines.due_date(stored_report("市工信局", 2, submitted=False)) is None

    # 自评报告 of a quarter: N days after it ends.
    DeadlineRule.objects.filter(plan=plan, document_type="SelfAssessment", period_kind="季度").update(enabled=True)
    assessment = SelfAssessment(period=AssessmentPeriod.objects.get(name="2023-Q1"))
    assert deadlines.due_date(assessment) == date(2023, 4, 10)


def test_every_site_has_the_default_reminder_rules():
    assert sorted(ReminderRule.objects.values_list("title", "document_type", "days_before", "every_days_late")) == [
        ("月度调度报送提醒", "Progress Report", 3, 3),
        ("自评报告报送提醒", "SelfAssessment", 5, 3),
    ]


def test_the_ganzhou_plan_ships_its_rules_switched_off(plan):
    """The seed sets no deadline: the rules are there for the office to switch on, and 2023 keeps no deadline."""
    assert sorted((str(r), r.enabled) for r in DeadlineRule.objects.filter(plan=plan)) == [
        ("月度调度（月度）：次月5日前报送", False),
        ("自评报告（季度）：周期结束后10日内报送", False),
        ("自评报告（年度）：周期结束后15日内报送", False),
    ]
    assert {deadlines.period_due_date(p) for p in AssessmentPeriod.objects.filter(plan=plan)} == {None}


def test_a_rule_must_fit_its_document(plan):
    rule = DeadlineRule(plan=plan, document_type="Progress Report", period_kind="季度", basis="次月日", days=5)
    with pytest.raises(Exception) as error:
        rule.full_clean()
    assert "月度调度只按月度周期报送" in str(error.value)


def test_the_form_and_the_api_show_the_time_left(plan, login):
    monthly_rule(5)
    name = create_report()["name"]  # 市工信局, 2023-M03, by gongxin
    getdoc = "/api/method/frappe.desk.form.load.getdoc"
    with at(2023, 4, 2):
        doc = client("gongxin").get(getdoc, {"doctype": "Progress Report", "name": name}).json()["docs"][0]
        assert doc["__onload"]["deadline"] == {
            "due_date": "2023-04-05",
            "days_left": 3,
            "text": "还剩 3 天",
            "late": False,
        }
        page = login("office").get(
            reverse("admin:innovation_action_progressreport_change", args=[ProgressReport.objects.get(name=name).pk])
        )
        assert "2023-04-05（还剩 3 天）" in page.content.decode()
    with at(2023, 4, 5):
        assert (
            ok(
                client("gongxin").get(
                    "/api/method/innovation_action.api.get_deadline", {"doctype": "Progress Report", "name": name}
                )
            )["text"]
            == "今天截止"
        )
    with at(2023, 4, 7):
        answer = ok(
            client("gongxin").get(
                "/api/method/innovation_action.api.get_deadline", {"doctype": "Progress Report", "name": name}
            )
        )
        assert (answer["text"], answer["days_left"], answer["late"]) == ("已逾期 2 天", -2, True)
        ok(act("gongxin", name, "报送"))
        assert deadlines.deadline_of(ProgressReport.objects.get(name=name)).text == "逾期 2 天报送"


def test_late_deductions_follow_the_configured_deadlines(plan):
    """附表3-2 第4项: a report stamped on 8 April is late under 次月5日 and on time under 次月10日."""
    gongxin = Unit.objects.get(name="市工信局")
    stored_report("市工信局", 1, submitted_at=beijing(2023, 2, 3, 10))
    stored_report("市工信局", 2, submitted_at=beijing(2023, 3, 8, 10))
    q1 = AssessmentPeriod.objects.get(name="2023-Q1")
    before = late_reports(gongxin, q1, as_of=date(2023, 12, 31))
    assert before.value == 0 and "1-3月未设报送截止日期，不计" in before.explanation
    monthly_rule(5)
    counted = late_reports(gongxin, q1, as_of=date(2023, 12, 31))
    assert counted.value == 2
    assert counted.explanation == "2023年2月迟报（3月8日报送，截止3月5日）；2023年3月漏报（截止4月5日）；共 2 次"
    monthly_rule(10)
    assert late_reports(gongxin, q1, as_of=date(2023, 12, 31)).explanation == "2023年3月漏报（截止4月10日）；共 1 次"
    # Not yet past the deadline on 9 April: March is not counted yet.
    assert late_reports(gongxin, q1, as_of=date(2023, 4, 9)).value == 0


# ------------------------------------------------------------------ automatic reminders


def test_reminders_go_once_per_rule_to_those_who_must_act_and_stop_after_submission(plan):
    monthly_rule(5)  # March's reports are due on 5 April
    rule = reminder_rule()
    gongxin, zhanggong, education = drafts(3)
    assert sent_on(date(2023, 4, 1)) == 0  # four days before: nothing yet
    assert sent_on(date(2023, 4, 2)) == 2  # three days before: gongxin and zhanggong, in-app
    assert sent_on(date(2023, 4, 2)) == 0  # the same day again
    assert sent_on(date(2023, 4, 3)) == 0  # still the same reminder (before the deadline)
    assert sent_on(date(2023, 4, 5)) == 2  # on the day
    assert sent_on(date(2023, 4, 6)) == 2  # first day late
    assert sent_on(date(2023, 4, 7)) == 0  # every 2 days
    before = f"rule:{rule.pk}|2023-04-05|"
    assert received() == sorted(
        (user, doc.name, before + occasion)
        for user, doc in (("gongxin", gongxin), ("zhanggong", zhanggong))
        for occasion in ("before-3", "due", "late-1")
    )
    assert not ReminderLog.objects.filter(document_name=education.name).exists()  # nobody acts for 市教育局

    # gongxin submits; only zhanggong is reminded from now on.
    with at(2023, 4, 7):
        ok(act("gongxin", gongxin.name, "报送"))
    assert sent_on(date(2023, 4, 8)) == 1
    assert ReminderLog.objects.filter(recipient__username="gongxin").count() == 3
    last = ReminderLog.objects.get(recipient__username="zhanggong", occasion=before + "late-2")
    assert (last.kind, last.sender, last.channel, last.status) == ("自动提醒", None, "site", "已发送")
    assert last.reason == "月度调度提醒：已逾期3天，第2次逾期提醒"
    note = NotificationLog.objects.get(event_key=f"reminder:{last.pk}")
    assert note.for_user.username == "zhanggong" and note.document_name == zhanggong.name
    assert note.email_content == f"{zhanggong}的报送截止日期为2023年4月5日，已逾期 3 天。请尽快填报并提交。"
    assert NotificationLog.objects.filter(event_key__startswith="reminder:").count() == ReminderLog.objects.count() == 7


def test_a_disabled_rule_or_no_deadline_reminds_nobody(plan):
    drafts(3)
    reminder_rule()
    assert sent_on(date(2023, 4, 6)) == 0  # no deadline rule: nothing is due
    monthly_rule(5, enabled=False)
    assert sent_on(date(2023, 4, 6)) == 0
    monthly_rule(5)
    ReminderRule.objects.update(enabled=False)
    assert sent_on(date(2023, 4, 6)) == 0


def test_email_and_configured_channels(plan, settings):
    """Email through Django's backend (locmem here) when the site has a mail server; an SMS gateway by config."""
    settings.EMAIL_NOTIFICATIONS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_CHANNELS = {"sms": "tests.test_reminders.FakeSms", "broken": "tests.test_reminders.Broken"}
    User.objects.filter(username="gongxin").update(email="gongxin@example.org")
    FakeSms.sent.clear()
    monthly_rule(5)
    reminder_rule(channels="email, sms, broken")
    drafts(3)
    mail.outbox.clear()
    assert sent_on(date(2023, 4, 5)) == 5  # gongxin: site, email, sms; zhanggong (no address): site, sms
    assert [m.to for m in mail.outbox] == [["gongxin@example.org"]]
    assert mail.outbox[0].subject.startswith("【提醒】月度调度报送提醒：")
    assert sorted(FakeSms.sent) == ["gongxin", "zhanggong"]
    failed = ReminderLog.objects.filter(channel="broken")
    assert {(log.status, log.error) for log in failed} == {("发送失败", "网关无响应")}
    assert sent_on(date(2023, 4, 5)) == 0  # a failed one is logged, never retried into a duplicate
    assert len(mail.outbox) == 1 and len(FakeSms.sent) == 2


class FakeSms(service.channels.Channel):
    label = "短信"
    sent: list[str] = []

    def send(self, log):
        FakeSms.sent.append(log.recipient.username)


class Broken(service.channels.Channel):
    label = "坏网关"

    def send(self, log):
        raise RuntimeError("网关无响应")


def test_a_rule_checks_its_template_and_channels():
    def refusal(**fields):
        values = {"title": "规则", "document_type": "Progress Report", "channels": "email"}
        with pytest.raises(Exception) as error:
            ReminderRule(**{**values, **fields}).full_clean()
        return str(error.value)

    assert "不支持的占位符 {单据.__class__}" in refusal(message="{单据.__class__}")
    assert "模板格式有误" in refusal(subject="{单据")
    assert "未知的发送渠道：fax" in refusal(channels="email, fax")
    assert "没有截止日期" in refusal(document_type="Project")


def test_the_job_is_registered_with_the_scheduler():
    assert ("0 8 * * *", JOB) in scheduled_jobs()


@pytest.mark.redis
def test_rq_cron_enqueues_the_reminders_and_a_worker_sends_them(plan, redis_queue):
    """What the Procfile's scheduler and worker do at 8 o'clock: the cron job goes on the queue, the worker runs it."""
    monthly_rule(5)
    reminder_rule()
    drafts(3)
    scheduler = CronScheduler(connection=redis_queue.connection)
    scheduler.load_config_from_file("apps.lowcode.jobs.cron")
    [cron_job] = [job for job in scheduler.get_jobs() if job.args == (JOB,)]
    assert (cron_job.cron, cron_job.queue_name) == ("0 8 * * *", "default")
    with at(2023, 4, 6, 8, tick=True):
        job = cron_job.enqueue(redis_queue.connection)
        SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    job.refresh()
    assert job.get_status() == "finished", job.latest_result().exc_string
    assert job.return_value() == 2
    assert [user for user, _doc, _occasion in received()] == ["gongxin", "zhanggong"]


# ------------------------------------------------------------------ 催办 by hand


@pytest.mark.redis
def test_the_office_reminds_one_document_or_every_late_one(
    plan, login, redis_queue, django_capture_on_commit_callbacks
):
    monthly_rule(5)
    gongxin, zhanggong, education = drafts(3)
    stored_report("市科技局", 3, submitted_at=beijing(2023, 4, 1, 10))  # submitted: never reminded
    url = "/api/method/innovation_action.api.remind"
    with at(2023, 4, 10):
        refused(
            client("zhanggong").post(url, {"doctype": "Progress Report", "name": zhanggong.name}),
            403,
            "PermissionError",
        )
        answer = ok(
            client("office").post(url, {"doctype": "Progress Report", "name": zhanggong.name, "note": "请今天报送"})
        )
        assert answer["recipients"] == ["zhanggong"] and answer["reminders"] == 1
        log = ReminderLog.objects.get()
        assert (log.kind, log.sender.username, log.recipient.username, log.reason) == (
            "催办",
            "office",
            "zhanggong",
            "催办：请今天报送",
        )
        assert "已逾期 5 天" in log.message and "催办说明：请今天报送" in log.message
        # The bell names who pressed 催办, with their name as Frappe's user_info gives it.
        bell = ok(
            client("zhanggong").get(
                "/api/method/frappe.desk.doctype.notification_log.notification_log.get_notification_logs"
            )
        )
        assert bell["notification_logs"][0]["from_user"] == "office"
        info = bell["user_info"]["office"]
        assert (info["fullname"], info["image"], info["name"]) == ("赋能办 初审员", None, "office")
        submitted = ProgressReport.objects.get(unit__name="市科技局", period__name="2023-M03")
        refused(
            client("office").post(url, {"doctype": "Progress Report", "name": submitted.name}), 417, "ValidationError"
        )

        # Every late one of March at once, as a job (RQ's worker) as the office: 市教育局 has nobody to remind.
        with django_capture_on_commit_callbacks(execute=True):
            queued = ok(client("office").post("/api/method/innovation_action.api.remind_late", {"period": "2023-M03"}))
        assert queued == {"job_id": queued["job_id"], "status": "queued"}
        assert ReminderLog.objects.filter(recipient__username="gongxin").count() == 0  # the worker sends them
        SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
        job = ok(client("office").get("/api/method/lowcode.api.get_job_status", {"job_id": queued["job_id"]}))
        assert (job["title"], job["status"], job["error"]) == ("催办：2023年3月", "finished", "")
        assert job["progress"]["done"] == job["progress"]["total"] == 3
        answer = job["result"]
        assert ReminderLog.objects.get(recipient__username="gongxin").sender.username == "office"
        assert answer["documents"] == [gongxin.name, zhanggong.name]
        assert answer["skipped"] == [str(education)]
        assert answer["message"] == f"已催办 2 份逾期单据，发出提醒 2 条；1 份没有可催办的填报人员：{education}"
        refused(
            client("gongxin").post("/api/method/innovation_action.api.remind_late", {"period": "2023-M03"}),
            403,
            "PermissionError",
        )
        # Pressing 催办 again reminds again: each press is its own reminder.
        ok(client("office").post(url, {"doctype": "Progress Report", "name": zhanggong.name}))
    assert ReminderLog.objects.filter(recipient__username="zhanggong").count() == 3

    # The document lists its reminders: the assessee's user sees those sent to them.
    doc = (
        client("zhanggong")
        .get("/api/method/frappe.desk.form.load.getdoc", {"doctype": "Progress Report", "name": zhanggong.name})
        .json()["docs"][0]
    )
    assert [(r["kind"], r["sender"], r["recipient"]) for r in doc["__onload"]["reminders"]] == [
        ("催办", "office", "zhanggong")
    ] * 3

    # The admin's list action, and the form's 提醒记录.
    admin = login("office")
    changelist = reverse("admin:innovation_action_progressreport_changelist")
    with at(2023, 4, 11):
        response = admin.post(changelist, {"action": "remind_selected", "_selected_action": [gongxin.pk]})
        assert response.status_code == 302
        periods = reverse("admin:innovation_action_assessmentperiod_changelist")
        march = AssessmentPeriod.objects.get(name="2023-M03")
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(periods, {"action": "remind_late", "_selected_action": [march.pk]})
        assert response.status_code == 302 and response["Location"].startswith("/admin/jobs/")
        SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
        assert "已催办 2 份逾期单据" in admin.get(response["Location"]).content.decode()
    assert ReminderLog.objects.filter(recipient__username="gongxin", sender__username="office").count() == 3
    page = admin.get(reverse("admin:innovation_action_progressreport_change", args=[gongxin.pk])).content.decode()
    assert "提醒记录" in page and "催办" in page


# ------------------------------------------------------------------ two runs at once


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_two_scheduler_runs_at_once_send_once():
    from apps.innovation_action.services.demo_accounts import create_demo_accounts
    from apps.innovation_action.services.plan_loader import load_plan
    from tests.conftest import PLAN_FOLDER

    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    ReminderRule.objects.update(enabled=False)  # the defaults, as in the other tests
    monthly_rule(5)
    reminder_rule()
    drafts(3)
    barrier = threading.Barrier(2)
    counts = []

    def run():
        try:
            barrier.wait()
            counts.append(service.send_due_reminders())
        finally:
            connection.close()

    with at(2023, 4, 6):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(counts) in ([0, 2], [1, 1])  # between them, each reminder once
    assert ReminderLog.objects.count() == 2
    assert sorted(ReminderLog.objects.values_list("recipient__username", flat=True)) == ["gongxin", "zhanggong"]
    assert NotificationLog.objects.filter(event_key__startswith="reminder:").count() == 2


# ------------------------------------------------------------------ the rules' admin speaks Chinese


def test_the_office_picks_a_rules_document_type_and_channels_by_their_labels(login):
    """No internal name on the rule's page: the doctypes with deadlines and the channels are offered by
    their labels (月度调度, 邮件), and what is picked is stored by name as the scheduler reads it."""
    office = login("office")
    add = reverse("admin:lowcode_reminderrule_add")
    page = office.get(add).content.decode()
    assert "月度调度" in page and "邮件" in page
    assert "Progress Report</option>" not in page and ">email<" not in page
    answer = office.post(
        add,
        {
            "title": "月度调度提前两天提醒",
            "document_type": "Progress Report",
            "enabled": "on",
            "days_before": "2",
            "subject": "{单据类型}报送提醒：{单据}",
            "message": "{单据}的报送截止日期为{截止日期}，{时间}。",
            "channel_list": ["email"],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    rule = ReminderRule.objects.get(title="月度调度提前两天提醒")
    assert (rule.document_type, rule.channel_names) == ("Progress Report", ["email"])
    listing = office.get(reverse("admin:lowcode_reminderrule_changelist")).content.decode()
    assert "站内消息、邮件" in listing and "月度调度" in listing
    refused_page = office.post(
        add, {"title": "x", "document_type": "SelfAssessmentLine", "subject": "a", "message": "b"}
    )
    assert refused_page.status_code == 200 and "errorlist" in refused_page.content.decode()
