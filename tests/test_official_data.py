"""核定数据导入: the office loads official values per county and indicator from an xlsx sheet.

The sheets here are real xlsx files written with openpyxl, read back by the
service in read-only mode; the database is the site's (MariaDB, or SQLite on
the second run). Every refusal is checked for its Chinese message, its row
number, and for having saved nothing.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.innovation_action.models import (
    County,
    Indicator,
    OfficialValue,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.innovation_action.services import official_data
from apps.innovation_action.services.official_data import (
    COLUMNS,
    OfficialImportError,
    import_official_values,
)
from apps.lowcode.exceptions import FileTooLargeError, PermissionError, ValidationError
from apps.lowcode.scoring.rules import Method
from apps.lowcode.xlsx import guard as xlsx_guard
from apps.lowcode.xlsx import reader as xlsx_reader
from tests.test_workflow_api import client, create_assessment, deleted, ok, refused, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PERIOD = "2023-Y"
HEADER = list(COLUMNS)


# ------------------------------------------------------------------ helpers


@pytest.fixture(autouse=True)
def automatic_indicators(db):
    """The ten 科技创新指标 of 附表3-1 scored automatically (configuration; the seed leaves it open), 11-15 by hand."""
    county_scheme = Indicator.objects.filter(group__plan__name="2023", group__scheme="县级")
    county_scheme.filter(number__lte=10).update(scoring_method=Method.RATIO_TO_BEST, value_source="reported")
    county_scheme.filter(number__gt=10).update(scoring_method=Method.MANUAL)


@pytest.fixture
def office(db):
    return User.objects.get(username="office")


def xlsx(rows, header=HEADER, sheet_title="核定数据", notes: list | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    if notes is not None:
        extra = workbook.create_sheet("填写说明")
        for row in notes:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="核定数据.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=official_data.XLSX_CONTENT_TYPE)


def sheet(*rows, **options) -> SimpleUploadedFile:
    return upload(xlsx(rows, **options))


def stored() -> dict:
    """{(county, indicator number): value} of the period's official values."""
    return {
        (v.county.name, v.indicator.number): v.value
        for v in OfficialValue.objects.filter(period__name=PERIOD).select_related("county", "indicator")
    }


def problems_of(call) -> list[str]:
    with pytest.raises(OfficialImportError) as caught:
        call()
    assert caught.value.message.startswith("导入失败，未保存任何数据。")
    assert caught.value.http_status == 417
    return caught.value.problems


# ------------------------------------------------------------------ creating and updating


def test_import_creates_values_with_owner_and_history(office):
    result = import_official_values(
        office,
        PERIOD,
        sheet(
            ["章贡区", 2, "研发支出与地区生产总值之比", 2.35, "市统计局", "2023年统计公报"],
            ["信丰县", 3, None, "41.2%", "市工信局", None],
        ),
    )
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert stored() == {("章贡区", 2): Decimal("2.35"), ("信丰县", 3): Decimal("41.2")}
    value = OfficialValue.objects.get(period__name=PERIOD, county__name="章贡区", indicator__number=2)
    assert (value.source, value.note) == ("市统计局", "2023年统计公报")
    assert value.owner == office and value.modified_by == office
    assert value.name == "2023-Y-章贡区-02"
    history = list(value.history.all())
    assert len(history) == 1 and history[0].history_user == office and history[0].history_type == "+"
    assert history[0].history_change_reason == "导入核定数据"
    assert result.messages == ["第2行：章贡区 第2项 新增核定值 2.35", "第3行：信丰县 第3项 新增核定值 41.2"]


def test_importing_again_updates_changed_values_and_counts_the_rest_unchanged(office):
    import_official_values(
        office,
        PERIOD,
        sheet(["章贡区", 2, None, 2.35, "市统计局", None], ["信丰县", 3, None, 41.2, "市工信局", None]),
    )
    result = import_official_values(
        office,
        PERIOD,
        sheet(["章贡区", 2, None, "2.5", "市统计局", None], ["信丰县", 3, None, 41.2, "市工信局", None]),
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert result.messages == ["第2行：章贡区 第2项 核定值 2.35 → 2.5"]
    value = OfficialValue.objects.get(period__name=PERIOD, county__name="章贡区", indicator__number=2)
    assert value.value == Decimal("2.5")
    assert [h.value for h in value.history.order_by("history_id")] == [Decimal("2.35"), Decimal("2.5")]
    assert OfficialValue.objects.get(county__name="信丰县").history.count() == 1  # unchanged: not saved again


def test_optional_columns_clear_when_empty_and_stay_when_the_column_is_left_out(office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, "市统计局", "公报"]))
    import_official_values(office, PERIOD, sheet(["章贡区", 2, 2.4], header=["县（市、区）", "指标序号", "核定值"]))
    value = OfficialValue.objects.get(county__name="章贡区")
    assert (value.value, value.source, value.note) == (Decimal("2.4"), "市统计局", "公报")
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.4, None, None]))
    value.refresh_from_db()
    assert (value.source, value.note) == ("", "")


def test_targets_are_not_official_data_an_old_templates_target_column_is_refused_or_ignored(office):
    """A county's own target lives in 考评目标 (Assessee Target), one place for it: a sheet that
    still fills in 目标值 says where targets go, and saves nothing; an empty 目标值 column is harmless."""
    old_header = ["县（市、区）", "指标序号", "考核指标", "核定值", "目标值", "数据来源", "备注"]
    problems = problems_of(
        lambda: import_official_values(
            office,
            PERIOD,
            sheet(
                ["章贡区", 2, None, 2.35, 2.5, None, None], ["信丰县", 3, None, None, 40, None, None], header=old_header
            ),
        )
    )
    assert problems == [f"第{row}行：{official_data.TARGET_MOVED}" for row in (2, 3)]
    assert "考评目标" in official_data.TARGET_MOVED
    assert stored() == {}
    result = import_official_values(
        office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, "市统计局", None], header=old_header)
    )
    assert result.created == 1 and stored() == {("章贡区", 2): Decimal("2.35")}


def test_county_aliases_are_accepted(office):
    import_official_values(
        office,
        PERIOD,
        sheet(["蓉江新区", 1, None, 88, None, None], ["  经开区 ", "4", None, "1,234.5", None, None]),
    )
    assert stored() == {("赣州蓉江新区", 1): Decimal("88"), ("赣州经开区", 4): Decimal("1234.5")}


def test_header_aliases_and_half_width_brackets_are_accepted(office):
    result = import_official_values(
        office, PERIOD, sheet(["南康区", 5, "１２.５"], header=["县(市、区)", "序号", "核定值"])
    )
    assert result.created == 1 and stored() == {("南康区", 5): Decimal("12.5")}


def test_a_percentage_formatted_cell_is_read_as_the_percentage_shown(office):
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.append(HEADER)
    sheet_.append(["龙南市", 2, None, 0.0235])
    sheet_["D2"].number_format = "0.00%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_official_values(office, PERIOD, upload(buffer.getvalue()))
    assert stored() == {("龙南市", 2): Decimal("2.35")}


def test_empty_value_rows_are_skipped_and_existing_values_are_not_deleted(office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    result = import_official_values(
        office,
        PERIOD,
        sheet(
            ["章贡区", 2, "研发支出与地区生产总值之比", None, None, None],
            ["信丰县", 3, None, 40, None, None],
        ),
    )
    assert (result.created, result.skipped_empty) == (1, 1)
    assert stored() == {("章贡区", 2): Decimal("2.35"), ("信丰县", 3): Decimal("40")}
    assert "核定值为空未导入 1 行" in result.summary


# ------------------------------------------------------------------ refusals: every problem, nothing saved


def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_saved(office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    before = stored()
    problems = problems_of(
        lambda: import_official_values(
            office,
            PERIOD,
            sheet(
                ["章贡区", 2, None, 9.9, None, None],  # 2: fine alone, but saved only if all are
                ["信丰县", 3, None, "abc", None, None],  # 3: not a number
                ["赣州新区", 3, None, 1, None, None],  # 4: no such county
                ["信丰县", 99, None, 1, None, None],  # 5: no such indicator
                ["信丰县", 11, None, 1, None, None],  # 6: scored by hand
                ["信丰县", 4, None, None, "市统计局", None],  # 7: says something, but no value
                ["章贡区", 2, None, 9.8, None, None],  # 8: same county and indicator as row 2
                [None, 5, None, 3, None, None],  # 9: no county
                ["信丰县", "第六项", None, 3, None, None],  # 11: not an indicator number
            ),
        )
    )
    assert problems == [
        "第3行：核定值“abc”不是数字",
        "第4行：县（市、区）“赣州新区”不存在（可填全称或简称）",
        "第5行：指标序号“99”不是县（市、区）考评指标（附表3-1）中的指标",
        "第6行：第11项“科技管理部门能力建设”为评审打分指标，不导入核定值",
        "第7行：缺少核定值（填写了数据来源，但核定值为空）",
        "第8行：章贡区第2项与第2行重复",
        "第9行：缺少县（市、区）",
        "第10行：指标序号“第六项”不是县（市、区）考评指标（附表3-1）中的指标",
    ]
    assert stored() == before


def test_all_problems_appear_in_the_error_message(office):
    with pytest.raises(ValidationError) as caught:
        import_official_values(
            office,
            PERIOD,
            sheet(["信丰县", 3, None, "abc", None, None], ["南昌县", 3, None, 1, None, None]),
        )
    assert caught.value.message == (
        "导入失败，未保存任何数据。共 2 处问题：\n"
        "第2行：核定值“abc”不是数字\n第3行：县（市、区）“南昌县”不存在（可填全称或简称）"
    )


def test_a_header_without_the_required_columns_is_refused(office):
    problems = problems_of(
        lambda: import_official_values(office, PERIOD, sheet(["章贡区", 2.35], header=["县（市、区）", "核定值"]))
    )
    assert problems == ["第1行：表头缺少必需的列：指标序号（须包含 县（市、区）、指标序号、核定值）"]
    problems = problems_of(lambda: import_official_values(office, PERIOD, sheet(["章贡区", 2, 2.35], header=None)))
    assert problems == [
        "工作表“核定数据”的前10行中找不到表头（须包含 县（市、区）、指标序号、核定值 列），请使用下载的导入模板"
    ]
    assert stored() == {}


def test_a_sheet_with_no_values_at_all_is_refused(office):
    problems = problems_of(lambda: import_official_values(office, PERIOD, sheet(["章贡区", 2, None, None])))
    assert problems == ["没有可导入的数据：所有行的核定值都为空"]


def test_a_template_of_another_period_is_refused(office):
    problems = problems_of(
        lambda: import_official_values(
            office,
            PERIOD,
            sheet(
                ["章贡区", 2, None, 2.35],
                notes=[["核定数据导入说明"], ["考评周期", "2023年第一季度"], ["周期编号", "2023-Q1"]],
            ),
        )
    )
    assert problems == [
        "该文件是“2023年第一季度”（2023-Q1）的导入模板，与所选考评周期“2023年度”（2023-Y）不一致；"
        "请选择正确的周期或重新下载模板"
    ]


def test_too_many_rows_are_refused(office, monkeypatch):
    monkeypatch.setattr(official_data, "MAX_DATA_ROWS", 3)
    rows = [[county, 2, None, 1] for county in ("章贡区", "南康区", "信丰县", "宁都县")]
    problems = problems_of(lambda: import_official_values(office, PERIOD, sheet(*rows)))
    assert problems == ["工作表“核定数据”的数据超过 3 行，请分批导入"]
    assert stored() == {}


def test_a_sheet_declaring_rows_far_below_is_refused_without_reading_them_all(office, monkeypatch):
    monkeypatch.setattr(xlsx_guard, "MAX_ROWS", 100)
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["章贡区", 2, None, 1])
    workbook.active["A500"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ValidationError, match="行数过多（超过 100 行）"):
        import_official_values(office, PERIOD, upload(buffer.getvalue()))
    assert stored() == {}


# ------------------------------------------------------------------ hostile files


def test_a_text_file_renamed_xlsx_is_refused(office):
    with pytest.raises(ValidationError) as caught:
        import_official_values(
            office, PERIOD, upload("县（市、区）,指标序号,核定值\n章贡区,2,2.35\n".encode(), "数据.xlsx")
        )
    assert caught.value.message == "文件内容不是 .xlsx 格式的 Excel 工作簿（可能是其他类型的文件改了扩展名）"


def test_a_zip_that_is_not_a_workbook_is_refused(office):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="可能是其他 Office 文件或压缩包改了扩展名"):
        import_official_values(office, PERIOD, upload(buffer.getvalue()))


def test_a_broken_workbook_is_refused(office):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
        archive.writestr("xl/workbook.xml", "garbage")
    with pytest.raises(ValidationError) as caught:
        import_official_values(office, PERIOD, upload(buffer.getvalue()))
    assert caught.value.message.startswith("无法读取该文件：它不是有效的 .xlsx 工作簿")


def with_sheet_xml(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced: openpyxl opens it, and fails only when reading rows."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["章贡区", 2, None, 1]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">',
        # "Billion laughs": entities that expand a few bytes into gigabytes; expat refuses them.
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololololol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>',
    ],
    ids=["truncated", "billion-laughs"],
)
def test_a_sheet_that_breaks_while_being_read_is_refused(office, sheet_xml):
    with pytest.raises(ValidationError) as caught:
        import_official_values(office, PERIOD, upload(with_sheet_xml(sheet_xml)))
    assert caught.value.message.startswith("无法读取该文件：")
    assert stored() == {}


def test_old_xls_and_other_extensions_are_refused(office):
    with pytest.raises(ValidationError, match="不支持旧版 .xls 文件"):
        import_official_values(office, PERIOD, upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "数据.xls"))
    with pytest.raises(ValidationError, match="旧版 .xls 格式或设置了打开密码"):
        import_official_values(office, PERIOD, upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))
    with pytest.raises(ValidationError, match="只能导入 .xlsx 格式的 Excel 文件，“数据.csv”不是"):
        import_official_values(office, PERIOD, upload(b"a,b\n", "数据.csv"))


def test_a_file_over_the_size_limit_is_refused(office):
    content = xlsx([["章贡区", 2, None, 1]])
    content += b"\0" * (xlsx_reader.MAX_FILE_SIZE + 1 - len(content))
    with pytest.raises(FileTooLargeError) as caught:
        import_official_values(office, PERIOD, upload(content))
    assert caught.value.http_status == 413
    assert caught.value.message == "文件过大：5.0 MB，导入文件不能超过 5 MB"
    assert stored() == {}


def test_a_zip_bomb_is_refused_before_it_is_inflated(office, monkeypatch):
    monkeypatch.setattr(xlsx_guard, "MAX_UNCOMPRESSED_SIZE", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 * 1024 * 1024))
    assert len(buffer.getvalue()) < 20 * 1024  # small on disk
    with pytest.raises(ValidationError, match="文件解压后内容过大"):
        import_official_values(office, PERIOD, upload(buffer.getvalue()))


def test_no_file_and_unknown_period_are_refused(office):
    with pytest.raises(ValidationError, match="请选择要导入的 Excel 文件"):
        import_official_values(office, PERIOD, None)
    with pytest.raises(ValidationError, match="找不到考评周期“2030-Y”"):
        import_official_values(office, "2030-Y", sheet(["章贡区", 2, None, 1]))


def test_only_users_who_may_create_official_values_can_import(db):
    with pytest.raises(PermissionError):
        import_official_values(User.objects.get(username="zhanggong"), PERIOD, sheet(["章贡区", 2, None, 1]))
    with pytest.raises(PermissionError):
        import_official_values(User.objects.get(username="leader"), PERIOD, sheet(["章贡区", 2, None, 1]))
    result = import_official_values(User.objects.get(username="admin"), PERIOD, sheet(["章贡区", 2, None, 1]))
    assert result.created == 1


# ------------------------------------------------------------------ onto the self-assessments


def line_values(name) -> dict:
    return {
        line.indicator.number: line.official_value
        for line in SelfAssessmentLine.objects.filter(assessment__name=name).select_related("indicator")
        if line.indicator.number <= 4
    }


def test_draft_lines_get_the_official_values_and_an_approved_assessment_keeps_its_own(office):
    draft = create_assessment("zhanggong", "章贡区")["name"]
    approved = create_assessment("xinfeng", "信丰县")["name"]
    # Put 信丰县's assessment straight into the final state with the ORM (as if approved through
    # the workflow): the test is about the import leaving final documents alone, not the approval.
    SelfAssessment.objects.filter(name=approved).update(workflow_state="已审定", docstatus=1)

    result = import_official_values(
        office,
        PERIOD,
        sheet(
            ["章贡区", 2, None, 2.35, None, None],
            ["章贡区", 3, None, 40, None, None],
            ["信丰县", 2, None, 1.9, None, None],
        ),
    )
    assert line_values(draft) == {1: None, 2: Decimal("2.35"), 3: Decimal("40"), 4: None}
    assert line_values(approved) == {1: None, 2: None, 3: None, 4: None}
    assert (result.assessments_updated, result.lines_updated, result.final_skipped) == (1, 2, [approved])
    assert "1 份已审定的自评报告保持原核定值，未更新" in result.summary
    # The county's own figure is kept beside the official one, and both come out of the API.
    doc = ok(client("zhanggong").get(f"/api/resource/SelfAssessment/{draft}"))
    line = next(line for line in doc["lines"] if line["indicator"] == "2023-C-02")
    assert line["official_value"] == 2.35 and line["value"] == ""


def test_an_assessment_under_review_is_rescored_on_the_official_value(office):
    name = submitted("章贡区")
    result = import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    assert result.scores.startswith("已重新计算 1 份自评报告的得分")
    line = SelfAssessmentLine.objects.get(assessment__name=name, indicator__number=2)
    assert line.official_value == Decimal("2.35")
    assert "核定值 2.35" in line.reviewed_note and line.reviewed_score is not None


def test_editing_an_official_value_through_the_api_updates_the_draft_lines(office):
    draft = create_assessment("zhanggong", "章贡区")["name"]
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    response = client("office").put("/api/resource/Official Value/2023-Y-章贡区-02", {"value": 2.6}, format="json")
    assert ok(response)["value"] == 2.6
    assert line_values(draft)[2] == Decimal("2.6")


def test_deleting_an_official_value_through_the_api_clears_it_from_the_draft_lines(office):
    draft = create_assessment("zhanggong", "章贡区")["name"]
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    assert line_values(draft)[2] == Decimal("2.35")
    deleted(client("office").delete("/api/resource/Official Value/2023-Y-章贡区-02"))
    assert line_values(draft)[2] is None  # the after_delete event synced the lines at once


def test_a_self_assessment_created_after_the_import_shows_the_official_values(office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    draft = create_assessment("zhanggong", "章贡区")["name"]
    assert line_values(draft)[2] == Decimal("2.35")


def test_sync_lines_clears_a_value_that_was_deleted(office):
    draft = create_assessment("zhanggong", "章贡区")["name"]
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, None, None]))
    OfficialValue.objects.filter(county__name="章贡区").delete()
    synced = official_data.sync_lines(PERIOD, user=office)
    assert (synced.assessments_updated, synced.lines_updated) == (1, 1)
    assert line_values(draft)[2] is None


# ------------------------------------------------------------------ the template


def test_the_template_lists_every_county_and_automatic_indicator_with_existing_values(office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, "市统计局", "公报"]))
    workbook = load_workbook(io.BytesIO(official_data.template(PERIOD)))
    assert workbook.sheetnames == ["核定数据", "填写说明"]
    data = workbook["核定数据"]
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 1 + County.objects.count() * 10
    assert {row[1] for row in rows[1:]} == set(range(1, 11))  # 11-15 are scored by hand
    zhanggong = next(row for row in rows if row[0] == "章贡区" and row[1] == 2)
    assert zhanggong == ("章贡区", 2, "研发支出与地区生产总值之比", 2.35, "市统计局", "公报")
    # Formatted for people: bold header, frozen, widths, drop-downs and number checks.
    assert data["A1"].font.bold and data.freeze_panes == "A2"
    assert data.column_dimensions["C"].width == 56
    kinds = {str(v.sqref): v.type for v in data.data_validations.dataValidation}
    assert kinds["A2:A401"] == "list" and kinds["D2:D401"] == "decimal"
    notes = workbook["填写说明"]
    assert (notes["A3"].value, notes["B3"].value) == ("周期编号", PERIOD)
    assert "核定值留空的行不导入，也不会删除系统中已有的核定值" in notes["B8"].value
    assert "目标值不在此导入" in notes["B10"].value


def test_the_template_round_trips(office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, "市统计局", None]))
    workbook = load_workbook(io.BytesIO(official_data.template(PERIOD)))
    data = workbook["核定数据"]
    for row in data.iter_rows(min_row=2):
        county, number = row[0].value, row[1].value
        if (county, number) == ("章贡区", 2):
            row[3].value = 2.4
        elif (county, number) == ("赣州蓉江新区", 7):
            row[3].value, row[4].value = 5.5, "市科技局"
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_official_values(office, PERIOD, upload(buffer.getvalue(), "核定数据导入模板-2023-Y.xlsx"))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert result.skipped_empty == County.objects.count() * 10 - 2
    assert stored() == {("章贡区", 2): Decimal("2.4"), ("赣州蓉江新区", 7): Decimal("5.5")}
    again = load_workbook(io.BytesIO(official_data.template(PERIOD)))["核定数据"]
    filled = {(r[0], r[1]): (r[3], r[4]) for r in again.iter_rows(min_row=2, values_only=True) if r[3] is not None}
    assert filled == {("章贡区", 2): (2.4, "市统计局"), ("赣州蓉江新区", 7): (5.5, "市科技局")}


# ------------------------------------------------------------------ the API


def test_api_import_returns_the_counts(office):
    response = client("office").post(
        "/api/method/innovation_action.api.import_official_values",
        {
            "period": PERIOD,
            "file": upload(xlsx([["章贡区", 2, None, 2.35], ["蓉江新区", 3, None, 30]])),
        },
        format="multipart",
    )
    message = ok(response)
    assert (message["created"], message["updated"], message["unchanged"]) == (2, 0, 0)
    assert message["summary"].startswith("新增 2 条，更新 0 条，未变化 0 条")
    assert stored() == {("章贡区", 2): Decimal("2.35"), ("赣州蓉江新区", 3): Decimal("30")}


def test_api_bad_rows_answer_417_with_the_row_numbers(office):
    response = client("office").post(
        "/api/method/innovation_action.api.import_official_values",
        {
            "period": PERIOD,
            "file": upload(xlsx([["章贡区", 2, None, 2.35], ["章贡区", 2, None, "两点四"]])),
        },
        format="multipart",
    )
    message = refused(response, 417, "ValidationError")
    assert "第3行：核定值“两点四”不是数字" in message
    assert stored() == {}


def test_api_refuses_a_county_user_with_403():
    response = client("zhanggong").post(
        "/api/method/innovation_action.api.import_official_values",
        {
            "period": PERIOD,
            "file": upload(xlsx([["章贡区", 2, None, 99]])),
        },
        format="multipart",
    )
    assert "没有导入核定数据的权限" in refused(response, 403, "PermissionError")
    response = client("zhanggong").get("/api/method/innovation_action.api.official_values_template", {"period": PERIOD})
    refused(response, 403, "PermissionError")
    assert stored() == {}


def test_api_file_too_large_answers_413(office):
    content = b"PK\x03\x04" + b"\0" * xlsx_reader.MAX_FILE_SIZE
    response = client("office").post(
        "/api/method/innovation_action.api.import_official_values",
        {"period": PERIOD, "file": upload(content)},
        format="multipart",
    )
    assert "导入文件不能超过 5 MB" in refused(response, 413, "FileTooLargeError")


def test_api_import_without_a_multipart_file_is_refused(office):
    response = client("office").post(
        "/api/method/innovation_action.api.import_official_values",
        {"period": PERIOD, "file": "data.xlsx"},
        format="json",
    )
    assert refused(response, 417, "ValidationError") == "请以 multipart/form-data 上传 .xlsx 文件（字段 file）"


def test_api_template_is_an_xlsx_download(office):
    response = client("office").get("/api/method/innovation_action.api.official_values_template", {"period": PERIOD})
    assert response.status_code == 200
    assert response["Content-Type"] == official_data.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%E6%A0%B8" in response["Content-Disposition"]  # 核定数据导入模板-2023-Y.xlsx
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["核定数据", "填写说明"]
    workbook.close()


def test_api_documents_the_upload_and_the_download(db):
    paths = ok_schema()["paths"]
    body = paths["/api/method/innovation_action.api.import_official_values"]["post"]["requestBody"]
    assert body["content"]["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    download = paths["/api/method/innovation_action.api.official_values_template"]["get"]["responses"]["200"]
    assert list(download["content"]) == [official_data.XLSX_CONTENT_TYPE]


def ok_schema() -> dict:
    response = client("office").get("/api/schema/")
    assert response.status_code == 200
    return response.json()


# ------------------------------------------------------------------ the admin


def test_admin_list_offers_the_import_to_the_office_only(login, office):
    import_official_values(office, PERIOD, sheet(["章贡区", 2, None, 2.35, "市统计局", None]))
    url = reverse("admin:innovation_action_officialvalue_changelist")
    page = login("office").get(url).content.decode()
    assert "导入核定数据" in page and "市统计局" in page and ">2.35<" in page
    leader_page = login("leader").get(url).content.decode()
    assert "市统计局" in leader_page and "导入核定数据" not in leader_page
    assert login("leader").get(reverse("admin:innovation_action_officialvalue_import")).status_code == 403


def test_admin_import_page_shows_problems_and_keeps_the_period(login):
    client_ = login("office")
    period = official_data.resolve_period("2023-Q2")
    url = reverse("admin:innovation_action_officialvalue_import")
    page = client_.get(url, {"period": period.pk}).content.decode()
    assert f'<option value="{period.pk}" selected>' in page and f"?period={period.pk}" in page
    response = client_.post(url, {"period": period.pk, "file": upload(xlsx([["章贡区", 2, None, "abc"]]))})
    page = response.content.decode()
    assert "导入失败，未保存任何数据" in page and "第2行：核定值“abc”不是数字" in page
    assert f'<option value="{period.pk}" selected>' in page
    assert not OfficialValue.objects.exists()


def test_admin_import_page_previews_then_confirms(login):
    """The page both imports share: 预览 saves nothing and shows what would be; 确认导入 imports the kept file."""
    client_ = login("office")
    period = official_data.resolve_period(PERIOD)
    url = reverse("admin:innovation_action_officialvalue_import")
    preview = client_.post(
        url, {"period": period.pk, "file": upload(xlsx([["章贡区", 2, None, 2.35]])), "action": "preview"}
    )
    page = preview.content.decode()
    assert 'id="import-preview"' in page and "确认导入后将：新增 1 条" in page
    assert "章贡区 第2项 新增核定值 2.35" in page
    assert not OfficialValue.objects.exists()
    confirmed = client_.post(url, {"period": period.pk, "token": preview.context["token"], "action": "import"})
    assert 'id="import-result"' in confirmed.content.decode()
    assert OfficialValue.objects.get(county__name="章贡区", period=period).value == Decimal("2.35")


def test_admin_template_download(login):
    period = official_data.resolve_period(PERIOD)
    response = login("office").get(reverse("admin:innovation_action_officialvalue_template"), {"period": period.pk})
    assert response.status_code == 200 and response["Content-Type"] == official_data.XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content))["填写说明"]["B3"].value == PERIOD


# ------------------------------------------------------------------ words


def test_the_template_and_its_messages_name_counties_and_the_scheme_as_the_administrator_labelled_them(office):
    """A district relabels County (街镇) and the scheme's choice: the template's heading, notes, drop-down
    and the import's messages say so; a sheet headed with the new label imports; no 县（市、区） or 附表3-1."""
    from apps.lowcode.doctype.customization import PropertySetter

    for values in (
        {"doc_type": "County", "label": "街镇"},
        {"doc_type": "Indicator Group", "field_name": "scheme", "choice_labels": "县级=街镇考评指标"},
    ):
        setter = PropertySetter(**values)
        setter.full_clean()
        setter.save()
    workbook = load_workbook(io.BytesIO(official_data.template(PERIOD)))
    data, notes = workbook["核定数据"], workbook["填写说明"]
    assert data["A1"].value == "街镇" and data["A1"].comment.text.startswith("街镇全称或简称")
    notes_text = "\n".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value is not None)
    assert "每行填写一个街镇一项指标的核定值" in notes_text and "指标序号为街镇考评指标中的序号" in notes_text
    validation = next(v for v in data.data_validations.dataValidation if v.errorTitle != "指标序号")
    assert validation.errorTitle == "街镇" and validation.error.startswith("不在街镇列表中")
    every_text = "\n".join(
        [notes_text, *(str(c.value) for c in data[1]), *(str(c.comment.text) for c in data[1] if c.comment)]
    )
    assert "县（市、区）" not in every_text and "附表3-1" not in every_text, every_text

    header = ["街镇", "指标序号", "核定值"]
    assert import_official_values(office, PERIOD, sheet(["章贡区", 2, 2.35], header=header)).created == 1
    problems = problems_of(
        lambda: import_official_values(office, PERIOD, sheet(["某街道", 2, 1], ["章贡区", 99, 1], header=header))
    )
    assert problems == ["第2行：街镇“某街道”不存在（可填全称或简称）", "第3行：指标序号“99”不是街镇考评指标中的指标"]
    problems = problems_of(
        lambda: import_official_values(office, PERIOD, sheet(["章贡区", 2], header=header[:1] + ["核定值"]))
    )
    assert problems == ["第1行：表头缺少必需的列：指标序号（须包含 街镇、指标序号、核定值）"]
