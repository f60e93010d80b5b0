"""Print templates see the document as data: they cannot print a password hash or walk into another county's figures.

A template that reaches past the document's fields (a link's record, a reverse relation, a
private attribute, a tag that loads or includes) is refused when saved — the admin form, the
API and the configuration import all save through the model's clean — and a format that got
into the database around that check is refused when printed, not rendered.
"""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    Scheme,
    SelfAssessment,
)
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.print_format import service
from apps.lowcode.print_format.compose import document_context
from apps.lowcode.print_format.loader import PrintFormatDataError, load_format
from apps.lowcode.print_format.model import PrintFormat, PrintFormatBlock
from apps.lowcode.print_format.template import render
from tests.admin_forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PLAN_FORMAT = "工作方案印发通知"
PASSWORD = "{{ doc.owner.password }}"
OTHER_COUNTIES = "{% for s in period.self_assessments.all %}{{ s.county }}{{ s.self_total }}{% endfor %}"


@pytest.fixture
def office():
    return User.objects.get(username="office")


@pytest.fixture
def two_counties():
    """章贡区 and 信丰县 have each filed a self-assessment of the first quarter."""
    period = AssessmentPeriod.objects.get(name="2023-Q1")
    return {
        county: SelfAssessment.objects.create(
            period=period, county=County.objects.get(name=county), scheme=Scheme.COUNTY, summary=f"{county}自评总体情况"
        )
        for county in ("章贡区", "信丰县")
    }


def refusal(obj) -> str:
    with pytest.raises(DjangoValidationError) as info:
        obj.full_clean()
    return "；".join(info.value.messages)


# --- refused when saved -------------------------------------------------------------------------


def test_a_template_printing_the_owners_password_is_refused_on_save():
    print_format = PrintFormat.objects.get(name=PLAN_FORMAT)
    print_format.title = f"{{{{ doc.title }}}}{PASSWORD}"
    message = refusal(print_format)
    assert "模板用到了“doc.owner.password”：“doc.owner”是一个值（链接只印名称），不能再取“password”" in message


@pytest.mark.parametrize(
    "text, reached",
    [
        ("{{ doc.plan.owner.password }}", "doc.plan.owner"),  # through a link: a name, nothing further
        ("{{ period.self_assessments.all }}", "period.self_assessments.all"),  # a reverse relation
        ("{{ doc.lines.objects }}", "doc.lines.objects"),  # a child table is rows, not a manager
        ("{{ secret }}", "secret"),  # a name nobody gives it
    ],
)
def test_a_block_reaching_past_the_document_is_refused_naming_what_it_reached_for(text, reached):
    print_format = PrintFormat.objects.get(name="自评报告表")
    block = PrintFormatBlock(print_format=print_format, idx=9, text=text)
    message = refusal(block)
    assert f"“{reached}" in message and "模板用到了" in message


@pytest.mark.parametrize(
    "text, tag",
    [
        ('{% include "admin/base.html" %}', "include"),
        ("{% debug %}", "debug"),
        ('{% url "admin:index" %}', "url"),
        ("{% csrf_token %}", "csrf_token"),
    ],
)
def test_tags_that_reach_outside_the_data_are_refused(text, tag):
    print_format = PrintFormat.objects.get(name=PLAN_FORMAT)
    print_format.addressees = text
    assert f"打印模板不能使用 {{% {tag} %}} 标签" in refusal(print_format)


def test_private_attributes_are_refused_as_the_template_language_does():
    print_format = PrintFormat.objects.get(name=PLAN_FORMAT)
    print_format.title = "{{ doc.__class__ }}"
    assert "模板有误" in refusal(print_format)


def test_table_rows_and_columns_are_checked_against_the_rows_they_list():
    print_format = PrintFormat.objects.get(name="自评报告表")
    block = PrintFormatBlock(
        print_format=print_format,
        idx=9,
        table_rows="doc.period.self_assessments",
        table_columns="县 | {{ row.county }} | 20",
    )
    assert "表格数据“doc.period.self_assessments”不存在" in refusal(block)
    block = PrintFormatBlock(
        print_format=print_format,
        idx=9,
        table_rows="doc.lines",
        table_columns="指标 | {{ row.indicator.owner }} | 20\n分 | {{ row.self_score }} | 20",
    )
    assert "“指标”：模板用到了“row.indicator.owner”" in refusal(block)
    block.table_columns = "指标 | {{ row.indicator }} | 20\n分 | {{ row.self_score|num }} | 20"
    block.full_clean()  # the document's own child rows and their fields: fine


def test_the_shipped_formats_stay_within_what_they_print():
    for print_format in PrintFormat.objects.all():
        print_format.full_clean()
        for block in print_format.blocks.all():
            block.full_clean()


def test_the_api_and_the_admin_form_refuse_it_too(api, login):
    client = api.as_user("admin")
    answer = client.put(f"/api/resource/Print Format/{PLAN_FORMAT}", {"title": PASSWORD}, format="json")
    assert answer.status_code == 417, answer.content
    assert "doc.owner.password" in answer.json()["exception"]
    assert PrintFormat.objects.get(name=PLAN_FORMAT).title == "{{ doc.notice_title }}"

    admin = login("admin")
    from django.urls import reverse

    url = reverse("admin:lowcode_printformat_change", args=[PrintFormat.objects.get(name=PLAN_FORMAT).pk])
    page = admin.post(url, {**form_data(admin.get(url)), "title": PASSWORD})
    assert page.status_code == 200 and "doc.owner.password" in page.content.decode()
    assert PrintFormat.objects.get(name=PLAN_FORMAT).title == "{{ doc.notice_title }}"


def test_the_configuration_imports_refuse_it():
    # The shipped formats' loader (print_formats/*.yaml)…
    data = {"name": "密码通知", "doc_type": "Action Plan", "layout": "表单", "title": PASSWORD, "blocks": []}
    with pytest.raises(PrintFormatDataError, match="doc.owner.password"):
        load_format("config.yaml", data)
    # …and a configuration exported from another site (load_config), a block's template included.
    from apps.lowcode.fixtures.document import ConfigError, parse
    from apps.lowcode.fixtures.export import export_text
    from apps.lowcode.fixtures.load import load_config

    config = parse(export_text().encode("utf-8"))
    notice = next(f for f in config["doctypes"]["Print Format"] if f["name"] == PLAN_FORMAT)
    notice["blocks"][0]["text"] = "{{ doc.notice_body }}" + OTHER_COUNTIES
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert any("period" in problem and "没有" in problem for problem in refused.value.problems), refused.value.problems
    assert PrintFormat.objects.get(name=PLAN_FORMAT).blocks.get(idx=1).text == "{{ doc.notice_body }}"


# --- not rendered when it got in around the check ---------------------------------------------------


def test_a_format_written_around_the_check_is_not_printed(office, plan):
    leaked = PrintFormat.objects.create(
        name="泄密格式", doc_type="Action Plan", layout="表单", title=f"方案{PASSWORD}"
    )  # objects.create: no clean
    with pytest.raises(ValidationError, match="doc.owner.password"):
        service.print_document(office, "Action Plan", "2023", leaked.name)


def test_other_counties_figures_cannot_be_printed_from_a_countys_document(two_counties):
    zhanggong = User.objects.get(username="zhanggong")
    form = PrintFormat.objects.create(
        name="越权表", doc_type="SelfAssessment", layout="表单", title="{{ doc.assessee }}"
    )
    PrintFormatBlock.objects.create(print_format=form, idx=1, text=OTHER_COUNTIES)
    with pytest.raises(ValidationError, match="period.self_assessments.all"):
        service.print_document(zhanggong, "SelfAssessment", two_counties["章贡区"].name, form.name)


def test_what_a_template_sees_is_data(plan, two_counties):
    """Even rendered directly, the document and what the app adds are plain data: nothing to walk."""
    admin = User.objects.get(username="admin")
    plan.owner = admin
    context = document_context(plan)
    assert context["doc"]["owner"] == "admin"  # a link is the linked record's name
    assert render(f"[{PASSWORD}]", context) == "[]"
    assert render("{{ doc.title }}", context) == "2023年赣州市科技创新赋能行动工作方案"
    first = plan.projects.select_related("county").first()
    assert render("{{ projects.0.county }}|{{ projects.0.county.owner }}", context) == f"{first.county.name}|"
    assessment = two_counties["章贡区"]
    context = document_context(assessment)
    assert render("{{ doc.assessee }}{{ period.title }}", context) == "章贡区2023年第一季度"
    walked = render(OTHER_COUNTIES + "{{ doc.period.self_assessments }}{{ doc.county.objects }}", context)
    assert walked == ""
    assert "信丰县" not in render("{{ doc }}{{ doc.lines }}{{ period }}", context)
    assert admin.password not in render("{{ doc.owner }}{{ doc.modified_by }}", document_context(plan))
