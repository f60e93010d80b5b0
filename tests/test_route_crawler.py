"""Every admin URL and every workbench route, for every kind of user: the guard behind issue 14's doors.

The URLs come from the URL conf (tests/route_crawler.py walks the resolver) and
from the workbench's router.js, so a page added later is crawled without
touching this file. For each user — no one, an active user with no role, a user
whose only role opens the admin but grants nothing, and each demo account —
every admin page is fetched (GET) and its own form posted back with one field
changed (POST; a page that refuses the user is posted the form the
administrator sees there). It must hold that:

- no page answers 5xx;
- a POST from a user to whom the page offered no save button (a reader, a
  refused or out-of-scope user) changes nothing in the database (checksum of
  every table before and after);
- a record outside the user's scope is refused (403/404, or the admin's
  "does not exist" redirect to its index); anonymous users are sent to the
  login page, and users whose roles have no desk access (county users, unit
  liaisons: issue 18) to the workbench, from every admin page;
- every workbench route (/app/…, its record pages with a record in and out of
  the user's scope and hostile names) answers its page to every user.

Scope in the workbench is the API's (tests/test_api_fuzz.py calls every workbench
method as every role). The administrator is crawled last: its posts may delete
the records the others look at.
"""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from apps.innovation_action.services.demo_accounts import DEMO_ACCOUNTS
from apps.lowcode.print_format.model import Notice, PrintFormat
from apps.lowcode.roles.desk import set_desk_access, workbench_url
from tests import route_crawler as crawler
from tests.html_forms import main_form
from tests.test_workflow_api import act, create_assessment, fill_in, ok

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# Crawled in this order; the administrator last (see above), the office just before.
DEMO_ORDER = ["xinfeng", "zhanggong", "gongxin", "leader", "office", "admin"]
ANONYMOUS, NOT_STAFF, NO_ROLE = "（未登录）", "no_staff_user", "staff_without_role"
# Users whose roles have no desk access: every admin page sends them to the workbench.
WORKBENCH_USERS = {NOT_STAFF, "xinfeng", "zhanggong", "gongxin"}
# Posting these would end the crawling user's session.
NO_POST = {"logout"}
CHANGED = "（爬虫改动）"


@pytest.fixture
def crawl_data(plan):
    """Records the demo data lacks until people work: assessments in and out of a county's scope, a workflow
    log, an issued notice; users with no role; a job on the queue."""
    for county, username in (("章贡区", "zhanggong"), ("信丰县", "xinfeng")):
        name = create_assessment(username, county)["name"]
        fill_in(username, name)
        ok(act(username, name, "提交"))
    notice = Notice.objects.create(
        number="赣市科赋字〔2023〕98号",
        title="爬虫测试通知",
        reference_doctype="Action Plan",
        reference_name=plan.name,
        print_format=PrintFormat.objects.filter(doc_type="Action Plan").first(),
        issue_date=date(2023, 2, 21),
    )
    User.objects.create_user(NOT_STAFF, password="crawl-pw-123")
    # A role that opens the admin and grants nothing: its user is staff with no permission at all.
    empty_role = Group.objects.create(name="爬虫空角色")
    set_desk_access(empty_role, True)
    User.objects.create_user(NO_ROLE, password="crawl-pw-123").groups.add(empty_role)
    assert User.objects.get(username=NO_ROLE).is_staff and not User.objects.get(username=NOT_STAFF).is_staff
    job = None
    if settings.REDIS_URL:
        import django_rq

        job = django_rq.get_queue("default", autocommit=True).enqueue("builtins.print", "crawl")
    print_doctypes = sorted(set(PrintFormat.objects.values_list("doc_type", flat=True)))
    yield crawler.fixed_values(notice.name, job.id if job else "no-such-job", print_doctypes)
    if job is not None:
        job.connection.delete(job.key)  # the administrator's crawl may have deleted it already


def client_of(username) -> Client:
    client = Client()
    if username != ANONYMOUS:
        client.force_login(User.objects.get(username=username))
    return client


def redis_page(route) -> bool:
    return route.route.startswith("admin/django_rq/")


def changed_data(form, fallback) -> dict:
    """The page's form, one text field changed (a number field gets a number)."""
    form = form or fallback
    if form is None:
        return {}
    changes = {}
    for name, kind in form.editable:
        if name == "csrfmiddlewaretoken" or "-" in name and name.split("-")[-1] in ("TOTAL_FORMS", "INITIAL_FORMS"):
            continue
        current = dict(form.fields).get(name, "")
        changes[name] = "7" if kind == "number" else f"{current}{CHANGED}"
        break
    submit = form.submits[0][0] if form.submits else None
    return form.data(submit=submit, **changes)


def refused(response, url) -> bool:
    """403/404, or a redirect to the login page or the admin's index ("does not exist"), or Django's
    ``<id>/`` shortcut redirecting to the same record's change page (which then refuses)."""
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return (
            location.startswith(reverse("admin:login"))
            or location == reverse("admin:index")
            or location.rstrip("/").endswith("/change")
            and url in location
        )
    return False


def request(findings, client, who, method, url, data=None):
    findings.requests += 1
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data or {})
    except Exception as exc:  # noqa: BLE001 - every crash is a finding, the crawl goes on
        findings.add(who, method, url, f"500 {type(exc).__name__}: {exc}"[:400])
        return None


def sent_to_workbench(response) -> bool:
    return response.status_code == 302 and response["Location"] == workbench_url()


def get_pages(findings, client, who, targets, logged_out, workbench_user=False):
    """GET every target; [(target, status, the page's own form or None)]."""
    pages = []
    for target in targets:
        response = request(findings, client, who, "GET", target.url)
        form, status = None, response.status_code if response is not None else 500
        if response is not None:
            if response.status_code >= 500:
                findings.add(who, "GET", target.url, str(response.status_code))
            if logged_out and target.route.name != "login" and not refused(response, target.url):
                findings.add(who, "GET", target.url, f"{response.status_code}: not sent to the login page")
            if workbench_user and not sent_to_workbench(response):
                findings.add(who, "GET", target.url, f"{response.status_code}: not sent to the workbench")
            if not target.in_scope and not refused(response, target.url):
                findings.add(who, "GET", target.url, f"{response.status_code} for a record outside the scope")
            if status == 200 and "html" in response.get("Content-Type", ""):
                form = main_form(response.content.decode())
        pages.append((target, status, form))
    return pages


def post_pages(findings, client, who, posts, tables, watched):
    """POST each (target, data); when ``watched`` (users the pages offered no save button), the database
    must not change: one checksum around the whole batch, and only when it did change, the batch again
    one by one from a savepoint to name the pages that wrote."""

    def post_all():
        for target, data in posts:
            response = request(findings, client, who, "POST", target.url, data)
            if response is not None and response.status_code >= 500:
                findings.add(who, "POST", target.url, str(response.status_code))

    if not watched:
        post_all()
        return
    savepoint = transaction.savepoint()
    before = crawler.checksum(tables)
    post_all()
    if not crawler.changed_tables(before, crawler.checksum(tables)):
        transaction.savepoint_commit(savepoint)
        return
    transaction.savepoint_rollback(savepoint)
    findings.problems = [p for p in findings.problems if not p.startswith(f"{who} POST ")]
    for target, data in posts:
        before = crawler.checksum(tables)
        response = request(findings, client, who, "POST", target.url, data)
        if response is not None and response.status_code >= 500:
            findings.add(who, "POST", target.url, str(response.status_code))
        changed = crawler.changed_tables(before, crawler.checksum(tables))
        if changed:
            status = response.status_code if response is not None else 500
            findings.add(who, "POST", target.url, f"{status}, wrote without the right to: {', '.join(changed)}")


def test_every_admin_url_for_every_user(crawl_data):
    findings = crawler.Findings()
    routes = crawler.admin_routes()
    assert len(routes) > 200, "the resolver walk found too few admin URLs"
    assert {"innovation_action_task_simple_history", "django_rq_clear", "print-page"} <= {r.name for r in routes}
    tables = crawler.data_tables()
    redis = bool(settings.REDIS_URL)
    admin_user = User.objects.get(username="admin")

    def targets_of(user):
        return [
            t
            for route in routes
            if redis or not redis_page(route)  # no Redis here: no dashboard
            for t in crawler.targets_for(route, user, crawl_data)
        ]

    # The administrator's pages first: their forms are what a refused user posts.
    admin_client = client_of("admin")
    admin_pages = get_pages(findings, admin_client, "admin", targets_of(admin_user), False)
    admin_forms = {target.url: form for target, _, form in admin_pages}
    # A page the administrator reads without any form to post (a list of versions, a download) takes no POST;
    # every other address does, POST-only ones (restore, apply, empty the queue) included.
    formless = {target.url for target, status, form in admin_pages if status == 200 and form is None}

    assert {d.username for d in DEMO_ACCOUNTS} == set(DEMO_ORDER)
    for who in [ANONYMOUS, NOT_STAFF, NO_ROLE, *DEMO_ORDER]:
        logged_out = who == ANONYMOUS
        workbench_user = who in WORKBENCH_USERS
        if who == "admin":
            client, pages = admin_client, admin_pages
        else:
            client = client_of(who)
            user = User.objects.get(username=who) if who != ANONYMOUS else None
            # Logged-out users and those who do not use the admin try the administrator's URLs.
            targets = targets_of(admin_user if logged_out or workbench_user else user)
            pages = get_pages(findings, client, who, targets, logged_out, workbench_user)
        watched, allowed = [], []
        for target, _, form in pages:
            if target.route.name in NO_POST or target.url in formless:
                continue
            # A save button, not the list's action button ("index"): posting a list with nothing selected writes nothing.
            may_save = (
                form is not None
                and any(name != "index" for name, _ in form.submits)
                and target.in_scope
                and not logged_out
                and not workbench_user
            )
            (allowed if may_save else watched).append((target, changed_data(form, admin_forms.get(target.url))))
        post_pages(findings, client, who, watched, tables, watched=True)
        post_pages(findings, client, who, allowed, tables, watched=False)

    print(f"{len(routes)} admin URL patterns, {findings.requests} requests")
    assert not findings.problems, "\n" + "\n".join(findings.problems)


def test_every_workbench_route_for_every_user(crawl_data):
    """Every route of the workbench's router.js, as every kind of user, with record names in and out of each
    user's scope and hostile ones: the page (the same single-page app) answers, never a 5xx. What a page then
    shows comes from the API, whose scope tests/test_api_fuzz.py holds."""
    from apps.innovation_action.models import SelfAssessment

    routes = crawler.workbench_routes()
    assert {"/login", "/todo", "/self-assessment/:name", "/monthly/project/:name", "/ranking"} <= set(routes)
    names = [*SelfAssessment.objects.order_by("name").values_list("name", flat=True)[:2]]
    names += ["no-such-record", "../../admin/", "<script>alert(1)</script>", "%00", "章贡区' OR 1=1 --"]
    urls = crawler.workbench_urls(names)
    findings = crawler.Findings()
    for who in [ANONYMOUS, NOT_STAFF, NO_ROLE, *DEMO_ORDER]:
        client = client_of(who)
        for url in urls:
            response = request(findings, client, who, "GET", url)
            if response is None:
                continue
            if response.status_code != 200 or b"workbench-boot" not in response.content:
                findings.add(who, "GET", url, f"{response.status_code}: not the workbench page")
            for method in ("POST", "PUT", "DELETE"):
                other = client.generic(method, url)
                if other.status_code >= 500:
                    findings.add(who, method, url, str(other.status_code))
    print(f"{len(routes)} workbench routes, {findings.requests} requests")
    assert not findings.problems, "\n" + "\n".join(findings.problems)
