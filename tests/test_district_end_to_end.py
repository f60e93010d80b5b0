"""Issue 16's acceptance check, end to end: another jurisdiction — a district (某区) whose assessees are its
街办、镇、集聚区 — sets up its 2021—2023 plan on an empty site through the admin and xlsx imports only; its
sub-districts fill in through the API, the office reviews, the leading group approves, each is ranked
against its own targets in its own category, and the notice prints with the district's letterhead.
No page a district user sees says 赣州.

The site: the test database emptied (flush) and given what `manage.py new_site` gives a new site
(`install_defaults`, the Administrator account). `tests/test_new_site.py` covers the command itself
(a real new database made by a child process); here the same empty start is driven with Django's test
client, which keeps the test fast and on one worker. The test is transactional, so the 赣州 plan the
other tests need is loaded again after it (tests/conftest.py).
"""

import io
import json
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rq import SimpleWorker

from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal
PASSWORD = "Qu1et-Harbor-77"
SITE_NAME = "某区科技创新工作平台"
FOOTER = "某区科技创新工作领导小组办公室"
PLAN = "某区2021-2023"
PLAN_TITLE = "某区科技创新三年行动方案（2021—2023年）"
ACTION = "科技创新三年行动"  # the plan's 行动名称, in its notices' and forms' titles
STREETS = ["东街办", "西街办", "南街办"]  # category 街办: 1 praised, 1 interviewed
TOWNS = ["河镇", "山镇", "产业集聚区"]  # category 镇、集聚区
GROUP = "各街办、镇、集聚区"
# Words of the 赣州 demo that must never reach the district's users (unless its administrator typed them).
DEMO_WORDS = ("赣州", "赣市", "科技创新赋能行动", "章贡", "蓉江", "南康", "信丰", "瑞金", "龙南")


# ------------------------------------------------------------------ the doors an administrator uses


def url(model, action="changelist", *args, app="innovation_action"):
    return reverse(f"admin:{app}_{model}_{action}", args=args)


def admin_save(client, path, **values):
    """Open an admin form (add or change), change ``values`` and save it, as the browser posts it."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    response = client.post(path, {**form_data(page), **values})
    assert response.status_code == 302, (path, response.context and response.context["adminform"].form.errors)
    return response


def admin_import(client, model, rows: list[dict], app="innovation_action"):
    """A list's 导入 Excel: 下载导入模板, fill it in by the labels the administrator sees, 试导入, 导入
    (all or nothing). Rows are dicts of header label → value; continuation rows are dicts too."""
    template = client.get(url(model, "excel_template", app=app))
    assert template.status_code == 200, template.status_code
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for values in rows:
        unknown = set(values) - set(header)
        assert not unknown, f"{model}: not in the template {header}: {unknown}"
        sheet.append([values.get(title) for title in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = url(model, "excel_import", app=app)
    trial = client.post(path, {"file": xlsx(buffer.getvalue()), "action": "dry_run"})
    page = trial.content.decode()
    assert trial.status_code == 200 and trial.context.get("token"), page
    assert _no_error_rows(trial), strip_tags(page)[-3000:]
    done = client.post(path, {"token": trial.context["token"], "action": "import", "all_or_nothing": "1"})
    assert "导入完成" in done.content.decode(), strip_tags(done.content.decode())[-3000:]
    return done


def _no_error_rows(response) -> bool:
    report = response.context.get("report")
    return report is not None and not [row for row in report.rows if row.status == "错误"]


def assessee_header(client) -> str:
    """The Plan Assessee sheet's column for the sub-district, as the administrator's template heads it."""
    template = client.get(url("planassessee", "excel_template"))
    header = [cell.value for cell in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    return header[3]


def add_user(client, username, role):
    """认证和授权 → 用户 → 增加: Django's own two forms (the account, then its roles, found by their keys). Whether
    the user may use the admin follows the role (可进入后台), not a box ticked on the form."""
    from apps.innovation_action import roles

    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": username, "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username=username)
    admin_save(
        client,
        reverse("admin:auth_user_change", args=[user.pk]),
        groups=[roles.group(role).pk],
        # Django's split date and time widget posts two fields; form_data() reads the form's one value.
        date_joined_0=f"{user.date_joined:%Y-%m-%d}",
        date_joined_1=f"{user.date_joined:%H:%M:%S}",
    )
    assert User.objects.get(pk=user.pk).is_staff == roles.DESK_ACCESS[role]


def ok(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    body = response.json()
    return body["data"] if "data" in body else body.get("message")


def put_json(client, path, data):
    return client.put(path, json.dumps(data, ensure_ascii=False), content_type="application/json")


def act(client, name, action):
    """frappe.model.workflow.apply_workflow, as the workbench calls it."""
    doc = json.dumps({"doctype": "SelfAssessment", "name": name}, ensure_ascii=False)
    return ok(client.post("/api/method/frappe.model.workflow.apply_workflow", {"doc": doc, "action": action}))


def reword(client, path):
    """An admin form posted back with the demo's words replaced by the district's (a find-and-replace)."""
    page = client.get(path)
    data = form_data(page)
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = value.replace("科技创新赋能行动", "某区科技创新工作").replace(
                "各县（市、区）", "各街办、镇、集聚区"
            )
    response = client.post(path, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def crawl_admin(client) -> dict[str, str]:
    """The admin's index and every list and add form it links to (what the user may open), by path."""
    index = client.get("/admin/").content.decode()
    pages = {"/admin/": index}
    for path in sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/(?:add/)?)"', index))):
        response = client.get(path, follow=True)
        assert response.status_code == 200, (path, response.status_code)
        pages[path] = response.content.decode()
    return pages


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
        )
    return result.stdout


def xlsx(data: bytes, name="导入.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def demo_words_in(text: str) -> list[str]:
    return [word for word in DEMO_WORDS if word in text]


# ------------------------------------------------------------------ the test


@pytest.mark.redis
def test_a_district_sets_up_runs_ranks_and_prints_its_plan_without_code(redis_queue):
    # 1. A new site: nothing of any jurisdiction, the defaults every site gets, one Administrator.
    call_command("flush", interactive=False, verbosity=0)
    call_command("install_defaults", verbosity=0)
    call_command("set_admin_password", password=PASSWORD, verbosity=0)
    from apps.innovation_action.models import ActionPlan, County, TaskRole

    assert not ActionPlan.objects.exists() and not County.objects.exists()
    assert set(TaskRole.objects.values_list("name", flat=True)) >= {"牵头", "责任", "配合"}

    admin = Client()
    assert admin.login(username="Administrator", password=PASSWORD)

    # 2. 站点设置: the district's own name and footer.
    listing = admin.get(reverse("admin:lowcode_websitesettings_changelist"))
    settings_page = listing["Location"] if listing.status_code == 302 else reverse("admin:lowcode_websitesettings_add")
    admin_save(admin, settings_page, site_name=SITE_NAME, organisation=FOOTER, welcome_sign="")

    # 3. Words: County reads 街办、镇、集聚区 (the doctype's own label), the scheme's choices the district's.
    add_setter = url("propertysetter", "add", app="lowcode")
    admin_save(admin, add_setter, doc_type="County", field_name="", label="街办、镇、集聚区", choice_labels="")
    admin_save(
        admin,
        add_setter + "?doc_type=Indicator Group",
        doc_type="Indicator Group",
        field_name="scheme",
        label="",
        choice_labels="县级=街办、镇、集聚区考评指标\n市直=区直部门考评指标",
    )

    # 4. Letterhead: the district's 发文机关标志 and 发文字号 pattern, on the shipped 领导小组 letterhead.
    from apps.lowcode.print_format.loader import digest
    from apps.lowcode.print_format.model import LetterHead, PrintFormat

    head = LetterHead.objects.get(name="领导小组")
    admin_save(
        admin,
        url("letterhead", "change", head.pk, app="lowcode"),
        issuer_mark="某区科技创新工作领导小组",
        number_pattern="某科创字〔{year}〕{number}号",
        signature="某区科技创新工作领导小组",
        printed_by="某区科技创新工作领导小组办公室",
    )

    # 4b. The office's letterhead too (its placeholders name the action 科技创新赋能行动). The print formats
    #     are printed as shipped: they take every word from the district's data (its plan, its labels,
    #     its categories, its indicator groups), nobody edits them.
    reword(admin, url("letterhead", "change", LetterHead.objects.get(name="领导小组办公室").pk, app="lowcode"))
    shipped = {f.name: f.standard_digest for f in PrintFormat.objects.all()}

    # 5. Reference data and the plan, from xlsx: sub-districts, units and a group, the plan, its categories
    #    and assessees, tasks (one unit 牵头 and 责任, the group 配合), indicators, a period.
    admin_import(admin, "county", [{"编号": name, "排列顺序": order} for order, name in enumerate(STREETS + TOWNS, 1)])
    units = ["区科技局", "区发改委", "区统计局"] + [f"{name}办事处" for name in STREETS + TOWNS]
    admin_import(admin, "unit", [{"编号": name, "排列顺序": order} for order, name in enumerate(units, 1)])
    members = [f"{name}办事处" for name in STREETS + TOWNS]
    admin_import(
        admin, "unitgroup", [{"编号": GROUP, "成员单位.单位": members[0]}, *[{"成员单位.单位": m} for m in members[1:]]]
    )
    admin_import(
        admin,
        "actionplan",
        [
            {
                "编号": PLAN,
                "方案标题": PLAN_TITLE,
                "开始日期": "2021-01-01",
                "结束日期": "2023-12-31",
                "发文字号": "某科创字〔2021〕1号",
                "发文机关": "某区科技创新工作领导小组",
                "行动名称": ACTION,
            }
        ],
    )
    admin_import(
        admin,
        "assessmentcategory",
        [
            {
                "工作方案": PLAN,
                "类别名称": "街办",
                "简称": "街办",
                "排列顺序": 1,
                "考评对象类型": "County",
                "表扬名额": 1,
                "约谈名额": 1,
            },
            {
                "工作方案": PLAN,
                "类别名称": "镇、集聚区",
                "简称": "镇、集聚区",
                "排列顺序": 2,
                "考评对象类型": "County",
                "表扬名额": 1,
                "约谈名额": 1,
            },
        ],
    )
    from apps.innovation_action.models import AssessmentCategory

    category = {c.short_name: c.name for c in AssessmentCategory.objects.filter(plan__name=PLAN)}
    header = assessee_header(admin)
    assert header == "街办、镇、集聚区"  # the County link follows the doctype's new name
    admin_import(
        admin,
        "planassessee",
        [{"工作方案": PLAN, "考评分类": category["街办"], header: name} for name in STREETS]
        + [{"工作方案": PLAN, "考评分类": category["镇、集聚区"], header: name} for name in TOWNS],
    )
    admin_import(
        admin,
        "task",
        [
            {
                "工作方案": PLAN,
                "板块序号": 1,
                "任务板块": "一、培育创新主体",
                "序号": 1,
                "任务名称": "高企倍增",
                "具体任务及要求": "新增高新技术企业。",
                "牵头及责任单位.单位": "区科技局",
                "牵头及责任单位.职责": "牵头",
            },
            {"牵头及责任单位.单位": "区科技局", "牵头及责任单位.职责": "责任"},
            {"牵头及责任单位.单位": "区发改委", "牵头及责任单位.职责": "责任"},
            {"牵头及责任单位.单位": GROUP, "牵头及责任单位.职责": "配合"},
        ],
    )
    admin_import(
        admin,
        "indicatorgroup",
        [
            {
                "工作方案": PLAN,
                "考评方案": "街办、镇、集聚区考评指标",
                "顺序": 1,
                "指标类别": "科技创新指标",
                "分值": 100,
            }
        ],
    )
    from apps.innovation_action.models import IndicatorGroup

    group = IndicatorGroup.objects.get(plan__name=PLAN).name
    admin_import(
        admin,
        "indicator",
        [
            {
                "指标类别": group,
                "序号": number,
                "考核指标": title,
                "分值": points,
                "计分方法": "完成率法（对照目标值，可封顶）",
                "目标值": total,
            }
            for number, title, points, total in (
                (1, "新增高新技术企业数（家）", 40, 60),
                (2, "研发投入（万元）", 30, 5000),
                (3, "技术合同成交额（万元）", 30, 3000),
            )
        ],
    )
    admin_import(
        admin,
        "assessmentperiod",
        [{"工作方案": PLAN, "周期类型": "年度", "开始日期": "2022-01-01", "结束日期": "2022-12-31"}],
    )
    from apps.innovation_action.models import AssessmentPeriod, Indicator, Task

    task = Task.objects.get(plan__name=PLAN)
    roles = sorted((row.unit.name, row.role.name) for row in task.units.all())
    assert ("区科技局", "牵头") in roles and ("区科技局", "责任") in roles and ("区发改委", "责任") in roles
    assert {unit for unit, role in roles if role == "配合"} == set(members)
    assert task.lead_unit.name == "区科技局"
    period = AssessmentPeriod.objects.get(plan__name=PLAN)
    indicators = {i.number: i for i in Indicator.objects.filter(group__plan__name=PLAN)}

    # 6. Each sub-district's own targets, from the yearly wide sheet (a row per sub-district, a column a year).
    targets = {name: (10 + i, 15 + i, 20 + i) for i, name in enumerate(STREETS + TOWNS)}
    for number, scale in ((1, 1), (2, 100), (3, 50)):
        sheet = Workbook()
        rows = sheet.active
        rows.append([f"{PLAN} 第{number}项 分年度目标"])
        rows.append(["序号", "街办、镇、集聚区", "2021年", "2022年", "2023年", "备注"])
        for i, name in enumerate(STREETS + TOWNS, 1):
            rows.append([i, name, *(t * scale for t in targets[name]), ""])
        rows.append(["", "合计", "", "", "", ""])
        buffer = io.BytesIO()
        sheet.save(buffer)
        answer = admin.post(
            url("assesseetarget", "import"), {"indicator": indicators[number].pk, "file": xlsx(buffer.getvalue())}
        )
        assert f"新增 {3 * len(targets)} 条" in answer.content.decode(), strip_tags(answer.content.decode())[-2000:]

    # 7. Users: two sub-district users (each limited to their own), an office reviewer, a leader.
    from apps.innovation_action import roles as role_names

    filers = {name: f"user{i}" for i, name in enumerate(STREETS + TOWNS, 1)}  # one 填报员 per sub-district
    people = {
        **{username: role_names.COUNTY_USER for username in filers.values()},
        "keji": role_names.OFFICE,
        "lingdao": role_names.LEADING_GROUP,
    }
    for username, role in people.items():
        add_user(admin, username, role)
    admin_import(
        admin,
        "userpermission",
        app="lowcode",
        rows=[{"用户": username, "限定单据类型": "County", "限定值": name} for name, username in filers.items()],
    )

    # 8. The office opens the period (考评周期 → 开启考评): one report per sub-district of this plan.
    office = Client()
    assert office.login(username="keji", password=PASSWORD)
    response = office.post(url("assessmentperiod"), {"action": "open_periods", "_selected_action": [period.pk]})
    assert response.status_code == 302 and response["Location"].startswith("/admin/jobs/")  # a background job
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    assert "已生成 6 份" in office.get(response["Location"]).content.decode()
    from apps.innovation_action.models import Score, SelfAssessment

    assert SelfAssessment.objects.filter(period=period).count() == 6

    # 9. Each sub-district fills in its values through the API and submits; the office reviews (初审通过),
    #    the leading group approves (审定通过). Values are a share of the sub-district's own 2022 target.
    share = {"东街办": 0.8, "西街办": 1, "南街办": 0.6, "河镇": 0.9, "山镇": 0.5, "产业集聚区": 1}
    reports = {}
    for name, username in filers.items():
        api = Client()
        assert api.login(username=username, password=PASSWORD)
        listed = ok(api.get("/api/resource/SelfAssessment", {"fields": '["name", "county"]'}))
        assert [row["county"] for row in listed] == [name]  # their own report, nobody else's
        reports[name] = listed[0]["name"]
        doc = ok(api.get(f"/api/resource/SelfAssessment/{reports[name]}"))
        lines = []
        for line in doc["lines"]:
            number = next(n for n, i in indicators.items() if i.name == line["indicator"])
            target = targets[name][1] * (1, 100, 50)[number - 1]
            lines.append({**line, "value": f"{target * share[name]:g}", "evidence": "区统计局年报"})
        ok(
            put_json(
                api, f"/api/resource/SelfAssessment/{reports[name]}", {"lines": lines, "modified": doc["modified"]}
            )
        )
        act(api, reports[name], "提交")
    leader = Client()
    assert leader.login(username="lingdao", password=PASSWORD)
    for name in reports:
        act(office, reports[name], "初审通过")
    for name in reports:
        act(leader, reports[name], "审定通过")

    # 10. Scores against each one's own target (东街办: 12 of its own 15 is 80% of 40 = 32, not 12 ÷ 60),
    #     ranked in its own category with that category's praise and interview counts.
    east = SelfAssessment.objects.get(name=reports["东街办"]).lines.get(indicator=indicators[1])
    assert east.self_score == D("32.00"), east.self_note
    assert "目标值 15（本单位2022年目标）" in east.self_note, east.self_note
    scores = {s.county.name: s for s in Score.objects.filter(period=period)}
    expected = {
        "西街办": (D(100), 1, "表扬"),
        "东街办": (D(80), 2, ""),
        "南街办": (D(60), 3, "约谈"),
        "产业集聚区": (D(100), 1, "表扬"),
        "河镇": (D(90), 2, ""),
        "山镇": (D(50), 3, "约谈"),
    }
    assert {name: (s.total, s.rank, s.outcome) for name, s in scores.items()} == expected
    assert {s.category for s in scores.values()} == {"街办", "镇、集聚区"}

    # 11. The notice (年度考评结果通报) prints with the district's letterhead.
    pdf = office.get(
        "/api/method/frappe.utils.print_format.download_pdf",
        {"doctype": "Assessment Period", "name": period.name, "format": "年度考评结果通报"},
    )
    assert pdf.status_code == 200, pdf.content[:500]
    text = pdf_text(pdf.content)
    assert "某区科技创新工作领导小组" in text and "西街办" in text and "产业集聚区" in text, text
    assert not demo_words_in(text), text
    # Whom it praises follows the categories' own numbers (one each), and a plan without bonus items
    # has no note on a bonus cap.
    flat = text.replace("\n", "")
    assert "对各类别排名第一（含并列）的街办、镇、集聚区予以通报表扬" in flat, text
    assert "加分项上限" not in flat, text
    # Every word is the district's: its action and plan, its office (the site's 主办单位), its sub-districts
    # as County is labelled, its categories, its one indicator group; no word of the demo's notice.
    for words in (
        f"关于2022年度{ACTION}考评结果的通报",
        "各街办、镇、集聚区：",  # 主送: built from the County label (the plan has no unit category)
        f"按照《{PLAN_TITLE}》（某科创字〔2021〕1号）",
        f"{FOOTER}对各街办、镇、集聚区2022年度{ACTION}工作进行了年终综合考评",
        "一、街办、镇、集聚区考评结果",
        "（一）街办。第1名西街办，第2名东街办，第3名南街办。",
        "（二）镇、集聚区。第1名产业集聚区，第2名河镇，第3名山镇。",
        "对各类别排名末位（含并列）的街办、镇、集聚区，由领导小组组长约谈相关责任领导：街办南街办；镇、集聚区山镇。",
        f"推动{ACTION}取得更大成效",
        f"2022年度街办、镇、集聚区{ACTION}考评得分排名表",
        "科技创新指标（100分）",
    ):
        assert words in flat, (words, text)
    for word in ("县（市、区）", "市直", "附表3-1", "科技创新赋能行动", "政策保障", "综合评价", "加分"):
        assert word not in flat, (word, text)
    assert "四、有关要求" in flat, text  # no units' section: the plan assesses none
    #     The shipped formats were printed as shipped: nobody edited them.
    assert {f.name: f.standard_digest for f in PrintFormat.objects.all()} == shipped
    assert all(digest(f) == f.standard_digest for f in PrintFormat.objects.all())

    # 11b. The plan's 印发通知 as shipped: the district's letterhead, its task list titled from its issuer.
    plan_pdf = admin.get(
        "/api/method/frappe.utils.print_format.download_pdf",
        {"doctype": "Action Plan", "name": PLAN, "format": "工作方案印发通知"},
    )
    assert plan_pdf.status_code == 200, plan_pdf.content[:500]
    text = pdf_text(plan_pdf.content)
    assert "某区科技创新工作领导小组" in text and "某科创字〔2021〕1号" in text, text
    assert "2021—2023年某区科技创新工作任务清单" in text.replace("\n", ""), text
    assert not demo_words_in(text), text
    #     Its task list has a column for each role its tasks use, 配合单位 included, and the plan's text
    #     names each role's units: the group 配合 expanded to its members.
    flat = text.replace("\n", "").replace(" ", "")
    assert all(label in flat for label in ("牵头单位", "责任单位", "配合单位")), text
    assert "牵头单位：区科技局；责任单位：区科技局、区发改委；配合单位：" + "、".join(members) in flat, text

    # 12. No word of the demo on what the district's users see.
    #     The office: every admin page linked from its menu, and the district's records' pages.
    pages = crawl_admin(office)
    pages.update({f"Administrator {path}": html for path, html in crawl_admin(admin).items()})
    for model, pk in (
        ("selfassessment", SelfAssessment.objects.get(name=reports["东街办"]).pk),
        ("score", scores["东街办"].pk),
        ("assessmentperiod", period.pk),
        ("actionplan", period.plan_id),
        ("task", task.pk),
    ):
        path = url(model, "change", pk)
        pages[path] = office.get(path).content.decode()
    #     A sub-district's user: what the workbench reads, the API's lists, forms and metadata, the report's print.
    filer = Client()
    assert filer.login(username=filers["东街办"], password=PASSWORD)
    name = reports["东街办"]
    for path, query in (
        ("/api/resource/SelfAssessment", {}),
        (f"/api/resource/SelfAssessment/{name}", {}),
        ("/api/resource/Score", {"fields": '["*"]'}),
        ("/api/resource/Action Plan", {"fields": '["*"]'}),
        ("/api/resource/Assessment Period", {"fields": '["*"]'}),
        ("/api/resource/Task", {"fields": '["*"]'}),
        ("/api/resource/Assessee Target", {"fields": '["*"]'}),
        ("/api/method/frappe.desk.form.load.getdoc", {"doctype": "SelfAssessment", "name": name}),
        ("/api/method/frappe.desk.form.load.getdoctype", {"doctype": "SelfAssessment"}),
        *((f"/api/v2/doctype/{doctype}/meta", {}) for doctype in ("SelfAssessment", "Score", "County", "Task")),
        (
            "/api/method/frappe.model.workflow.get_transitions",
            {"doc": json.dumps({"doctype": "SelfAssessment", "name": name})},
        ),
    ):
        response = filer.get(path, query)
        assert response.status_code == 200, (path, response.status_code)
        pages[f"{filers['东街办']} {path}"] = json.dumps(response.json(), ensure_ascii=False)
    printed = filer.get(
        "/api/method/frappe.utils.print_format.download_pdf",
        {"doctype": "SelfAssessment", "name": name, "format": "自评报告表"},
    )
    assert printed.status_code == 200, printed.content[:300]
    pages["自评报告表"] = pdf_text(printed.content)
    assert f"东街办2022年度{ACTION}自评报告表" in pages["自评报告表"].replace("\n", ""), pages["自评报告表"]
    sheet = office.get(
        "/api/method/frappe.utils.print_format.download_pdf",
        {"doctype": "Score", "name": scores["东街办"].name, "format": "评分明细表"},
    )
    assert sheet.status_code == 200, sheet.content[:300]
    pages["评分明细表"] = pdf_text(sheet.content)
    assert f"东街办2022年度{ACTION}考评评分明细表" in pages["评分明细表"].replace("\n", ""), pages["评分明细表"]
    for printed_text in (pages["自评报告表"], pages["评分明细表"]):
        assert "县（市、区）" not in printed_text and "科技创新赋能行动" not in printed_text, printed_text
    # The doctype's new name reaches the fields that link to it (labelled as the doctype: 县（市、区）).
    meta = json.loads(pages[f"{filers['东街办']} /api/v2/doctype/SelfAssessment/meta"])["data"]
    assert {f["fieldname"]: f["label"] for f in meta["fields"]}["county"] == "街办、镇、集聚区"
    assert "县（市、区）" not in strip_tags(
        pages[url("selfassessment", "change", SelfAssessment.objects.get(name=name).pk)]
    )

    seen = {path: demo_words_in(html) for path, html in pages.items()}
    assert not {path: words for path, words in seen.items() if words}, "demo words on the district's pages"
