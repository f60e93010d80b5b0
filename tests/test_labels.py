"""Every word a user reads is configurable: a doctype's label, field labels, choice labels and child-table
field labels, set as Property Setters, show everywhere (admin menu, titles, breadcrumbs, lists, filters,
messages, API meta, prints, imports), while the stored values stay as they were."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from apps.innovation_action.models import County, IndicatorGroup, Scheme, Unit
from apps.lowcode.doctype.customization import PropertySetter
from apps.lowcode.doctype.meta import get_meta
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


def relabel(**values) -> PropertySetter:
    setter = PropertySetter(**values)
    setter.full_clean()
    setter.save()
    return setter


def url(model, action="changelist", *args, app="innovation_action"):
    return reverse(f"admin:{app}_{model}_{action}", args=args)


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_a_doctype_label_shows_in_the_menu_titles_breadcrumbs_lists_and_messages(login):
    relabel(doc_type="County", label="街办（镇）")
    admin = login("admin")
    index = admin.get("/admin/").content.decode()
    assert "街办（镇）" in index and "县（市、区）" not in index

    listing = admin.get(url("county")).content.decode()
    assert "街办（镇）" in title_of(listing) and "县（市、区）" not in title_of(listing)

    county = County.objects.get(name="章贡区")
    change = admin.get(url("county", "change", county.pk))
    html = change.content.decode()
    assert "街办（镇）" in title_of(html)
    breadcrumbs = html[html.index("breadcrumb") : html.index("breadcrumb") + 1500]
    assert "街办（镇）" in breadcrumbs and "县（市、区）" not in breadcrumbs

    add_page = admin.get(url("county", "add"))
    data = {**form_data(add_page), "name": "沙河街道", "category": "一类", "order": "99"}
    response = admin.post(url("county", "add"), data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("街办（镇）" in m and "沙河街道" in m for m in messages), messages

    # Links to the doctype from another doctype's form and messages say the new label as well.
    assert get_meta("SelfAssessment").fields["county"].options_label == "街办（镇）"
    with pytest.raises(County.DoesNotExist, match="没有名为“不存在”的街办（镇）"):
        County.resolve("不存在")


def test_a_doctype_label_shows_in_the_api_meta(api):
    relabel(doc_type="County", label="街办（镇）")
    client = api.as_user("office")
    bundle = client.get("/api/method/frappe.desk.form.load.getdoctype", {"doctype": "County"}).json()
    assert bundle["docs"][0]["label"] == "街办（镇）"
    meta = client.get("/api/v2/doctype/County/meta").json()["data"]
    assert meta["label"] == "街办（镇）"


def test_a_field_label_shows_in_every_form_list_filter_and_the_api(login, api):
    # (A county's category moved to the plan's assessees with issue 16: a unit's kind is relabelled instead.)
    relabel(doc_type="Unit", field_name="kind", label="单位性质")
    office = login("admin")
    listing = office.get(url("unit")).content.decode()
    assert "单位性质" in listing and "单位类型" not in listing  # column header and filter title
    unit = Unit.objects.get(name="市科技局")
    change = office.get(url("unit", "change", unit.pk)).content.decode()
    assert "单位性质" in change and "单位类型" not in change
    assert str(Unit._meta.get_field("kind").verbose_name) == "单位性质"

    meta = api.as_user("office").get("/api/v2/doctype/Unit/meta").json()["data"]
    assert {f["fieldname"]: f["label"] for f in meta["fields"]}["kind"] == "单位性质"


def test_choice_labels_change_what_is_shown_and_never_what_is_stored(login, api):
    relabel(
        doc_type="Indicator Group", field_name="scheme", choice_labels="县级=街办、镇考评指标\n市直＝区直部门考评指标"
    )
    group = IndicatorGroup.objects.filter(scheme=Scheme.COUNTY).first()
    assert group.get_scheme_display() == "街办、镇考评指标"
    assert IndicatorGroup.objects.filter(scheme="县级").count() > 0  # the stored value is unchanged

    admin = login("admin")
    listing = admin.get(url("indicatorgroup")).content.decode()
    assert "街办、镇考评指标" in listing and "区直部门考评指标" in listing  # the list's column and its filter
    assert "县（市、区）考评指标（附表3-1）" not in listing
    change = admin.get(url("indicatorgroup", "change", group.pk)).content.decode()
    assert '<option value="县级" selected>街办、镇考评指标</option>' in change

    meta = api.as_user("office").get("/api/v2/doctype/Indicator Group/meta").json()["data"]
    scheme = next(f for f in meta["fields"] if f["fieldname"] == "scheme")
    assert scheme["options"] == "县级\n市直"  # values, as Frappe's Select options
    assert scheme["option_labels"] == {"县级": "街办、镇考评指标", "市直": "区直部门考评指标"}


def test_choice_labels_are_checked_against_the_fields_choices():
    with pytest.raises(ValidationError, match="不是该字段的选项"):
        relabel(doc_type="Indicator Group", field_name="scheme", choice_labels="区级=区级指标")
    with pytest.raises(ValidationError, match="存储值=显示文字"):
        relabel(doc_type="Indicator Group", field_name="scheme", choice_labels="县级")
    with pytest.raises(ValidationError, match="不是下拉选项字段"):
        relabel(doc_type="Indicator Group", field_name="name", choice_labels="a=b")
    with pytest.raises(ValidationError, match="只能修改单据类型的名称"):
        relabel(doc_type="County", label="街办", hidden=True)
    with pytest.raises(ValidationError, match="请填写“标签”"):
        relabel(doc_type="County")


def test_child_table_labels_show_in_the_parent_form_and_the_api(login, api):
    relabel(doc_type="Progress Report Line", label="工作进展")
    relabel(doc_type="Progress Report Line", field_name="status", label="进度", choice_labels="推进中=正在推进")
    with pytest.raises(ValidationError, match="子表字段只能修改"):
        relabel(doc_type="Progress Report Line", field_name="evidence", hidden=True)

    from apps.innovation_action.models import ProgressReport
    from tests.test_progress_reports import create_report

    report = ProgressReport.objects.get(name=create_report()["name"])
    page = login("admin").get(url("progressreport", "change", report.pk)).content.decode()
    assert "工作进展" in page and "进度" in page and "<p>正在推进</p>" in page and "任务进展" not in page

    docs = (
        api.as_user("office")
        .get("/api/method/frappe.desk.form.load.getdoctype", {"doctype": "Progress Report"})
        .json()["docs"]
    )
    table = next(f for f in docs[0]["fields"] if f["fieldtype"] == "Table")
    assert table["label"] == "工作进展" and docs[1]["label"] == "工作进展"
    status = next(f for f in docs[1]["fields"] if f["fieldname"] == "status")
    assert status["label"] == "进度" and status["option_labels"]["推进中"] == "正在推进"


def test_the_import_template_follows_doctype_and_choice_labels():
    from django.contrib.auth.models import User

    from apps.lowcode.data_import import template

    admin_user = User.objects.get(username="admin")

    relabel(doc_type="Progress Report Line", label="工作进展")
    relabel(doc_type="Progress Report Line", field_name="status", label="进度", choice_labels="推进中=正在推进")
    workbook = load_workbook(io.BytesIO(template(admin_user, "Progress Report")))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert "工作进展.进度" in header, header
    formulas = {v.formula1 for v in workbook.worksheets[0].data_validations.dataValidation}
    assert any("正在推进" in (f or "") for f in formulas), formulas


def test_the_print_page_names_the_relabelled_doctype(login):
    relabel(doc_type="Action Plan", label="实施方案")
    page = login("office").get(reverse("print-page", args=["Action Plan", "2023"])).content.decode()
    assert "实施方案" in page and "工作方案" not in page.split("<body", 1)[1].split("打印格式", 1)[0]


def test_a_relabel_never_turns_into_a_migration():
    from django.core.management import call_command

    relabel(doc_type="County", label="街办（镇）")
    relabel(doc_type="Indicator Group", field_name="scheme", label="片区", choice_labels="县级=甲类")
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_messages_name_fields_and_choices_as_relabelled():
    from tests.test_workflow_api import client, refused

    relabel(doc_type="SelfAssessment", field_name="unit", label="区直部门")
    relabel(doc_type="SelfAssessment", field_name="scheme", choice_labels="市直=区直部门考评指标")
    response = client("office").post(
        "/api/resource/SelfAssessment", {"period": "2023-Y", "unit": "市科技局", "scheme": "县级"}, format="json"
    )
    assert "区直部门应使用“区直部门考评指标”" in refused(response, 417, "ValidationError")


def test_an_administrator_renames_a_doctype_in_the_admin(login):
    admin = login("admin")
    add = url("propertysetter", "add", app="lowcode")
    data = {"doc_type": "County", "field_name": "", "label": "街办（镇）", "choice_labels": "", "description": ""}
    response = admin.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    setter = PropertySetter.objects.get(doc_type="County", field_name="")
    listing = admin.get(url("propertysetter", app="lowcode")).content.decode()
    assert "（单据类型本身的名称）" in listing
    assert "街办（镇）" in admin.get(url("county")).content.decode()
    # A field's form offers the choices to relabel, values first.
    page = admin.get(add, {"doc_type": "Indicator Group"}).content.decode()
    assert "县级=县（市、区）考评指标（附表3-1）" in page
    setter.delete()
    assert "街办（镇）" not in admin.get(url("county")).content.decode()


def test_a_choice_renamed_once_is_renamed_wherever_the_same_choices_are_offered():
    from apps.innovation_action.models import Score, SelfAssessment

    relabel(doc_type="Indicator Group", field_name="scheme", choice_labels="县级=街办、镇考评指标")
    for model in (IndicatorGroup, SelfAssessment, Score):
        assert dict(model._meta.get_field("scheme").flatchoices)["县级"] == "街办、镇考评指标"
    # A field's own label wins over the shared one.
    relabel(doc_type="Score", field_name="scheme", choice_labels="县级=街办、镇得分")
    assert dict(Score._meta.get_field("scheme").flatchoices)["县级"] == "街办、镇得分"
    assert dict(SelfAssessment._meta.get_field("scheme").flatchoices)["县级"] == "街办、镇考评指标"
    assert get_meta("SelfAssessment").fields["scheme"].option_labels[0] == ("县级", "街办、镇考评指标")


def test_fields_linking_to_a_relabelled_doctype_follow_it_unless_relabelled_themselves():
    from apps.innovation_action.models import Score, SelfAssessment

    relabel(doc_type="County", label="街办、镇")
    assert str(SelfAssessment._meta.get_field("county").verbose_name) == "街办、镇"
    assert str(Score._meta.get_field("county").verbose_name) == "街办、镇"
    assert get_meta("SelfAssessment").fields["county"].label == "街办、镇"
    relabel(doc_type="Score", field_name="county", label="考评对象")
    assert str(Score._meta.get_field("county").verbose_name) == "考评对象"
    # A link labelled otherwise than its doctype keeps its own words.
    assert str(Unit._meta.get_field("county").verbose_name) == "所属县（市、区）"


def test_messages_about_an_assessee_name_it_as_the_doctype_is_relabelled():
    from tests.test_workflow_api import client, refused

    relabel(doc_type="County", label="街办、镇、集聚区")
    response = client("office").post(
        "/api/resource/Assessee Target", {"indicator": "2023-C-03", "year": 2023, "target": 15}, format="json"
    )
    assert "街办、镇、集聚区和市直单位须填写且只填写其中一个" in refused(response, 417, "ValidationError")
