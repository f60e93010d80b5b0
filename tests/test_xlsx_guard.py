"""Hostile workbooks are refused before openpyxl parses them (apps/lowcode/xlsx/guard.py), at every door.

The files are built with zipfile directly, as an attacker would: a few
hundred KB that would cost openpyxl tens of seconds and hundreds of MB
(issue 14: 5 million shared strings in 211 KB). Each test asserts the
refusal, its Chinese message, and that openpyxl's ``load_workbook`` was never
called: the bounds tripped before any parsing.
"""

import io
import random
import string
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.innovation_action.models import OfficialValue, Project
from apps.innovation_action.services import official_data
from apps.lowcode.data_import import import_workbook
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.xlsx import guard, reader

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
ONE_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- building hostile files


def worksheet(rows: str = ONE_ROW, dimension: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'.encode()


def shared_strings(body: bytes | str, count: int | None = None) -> bytes:
    body = body.encode() if isinstance(body, str) else body
    attrs = f' count="{count}" uniqueCount="{count}"' if count is not None else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{attrs}>'.encode() + body + b"</sst>"


def xlsx(
    sheet: bytes | None = None,
    strings: bytes | None = None,
    title: str = "核定数据",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal workbook, zipped with zipfile the way any writer could."""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet if sheet is not None else worksheet())
        archive.writestr(
            "xl/sharedStrings.xml", strings if strings is not None else shared_strings("<si><t>章贡区</t></si>")
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def random_text(length: int, seed: int = 14) -> str:
    """Text that compresses like real text does (not hundreds of times), so the size bounds let it through."""
    return "".join(random.Random(seed).choices(string.ascii_letters + string.digits, k=length))


def upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


@pytest.fixture(scope="module")
def five_million_strings() -> bytes:
    """Issue 14's file: ~200 KB whose sharedStrings holds 5 million ``<si><t>a</t></si>`` (85 MB inflated)."""
    return xlsx(strings=shared_strings(b"<si><t>a</t></si>" * 5_000_000))


@pytest.fixture
def parsed(monkeypatch):
    """The workbooks openpyxl was asked to load: a refusal must leave this empty."""
    calls = []
    real = reader.load_workbook

    def recording(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(reader, "load_workbook", recording)
    return calls


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        reader.open_workbook(upload(data))
    assert caught.value.http_status == 417
    return caught.value.message


# ---------------------------------------------------------------- what a real file does


def test_a_plain_workbook_passes_the_guard_and_is_parsed(parsed):
    workbook = reader.open_workbook(upload(xlsx()))
    try:
        assert [reader.cell_text(row[0]) for _, row in reader.iter_rows(workbook.worksheets[0])] == ["章贡区"]
    finally:
        workbook.close()
    assert len(parsed) == 1


def test_a_full_openpyxl_workbook_passes(parsed):
    """5000 rows of 12 columns, as the importers allow: well within every bound."""
    book = Workbook()
    for number in range(5000):
        book.active.append(
            [
                f"项目{number}",
                number,
                number * 1.5,
                "章贡区",
                "是",
                None,
                "2024-03-01",
                random_text(30, number),
                number % 7,
                "科技创新平台",
                "某某公司",
                1200,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    reader.open_workbook(upload(buffer.getvalue())).close()
    assert len(parsed) == 1


# ---------------------------------------------------------------- the zip


def test_five_million_shared_strings_in_200_kb_are_refused_before_parsing(five_million_strings, parsed):
    assert len(five_million_strings) < 300 * 1024
    message = refusal(five_million_strings)
    assert message == "文件中的“xl/sharedStrings.xml”解压后超过 50 MB，不像正常的数据表，已拒绝导入"
    assert parsed == []


def test_a_part_inflating_hundreds_of_times_is_refused(parsed):
    strings = shared_strings(b"<si><t>a</t></si>" * 250_000)  # 4 MB from ~12 KB: under the size bounds
    data = xlsx(strings=strings)
    assert len(data) < 20 * 1024
    assert "“xl/sharedStrings.xml”压缩比异常（解压后是压缩时的" in refusal(data)
    assert "压缩炸弹" in refusal(data)
    assert parsed == []


def test_the_total_inflated_size_is_bounded(parsed, monkeypatch):
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED_SIZE", 2 * 1024 * 1024)
    data = xlsx(extra={f"xl/media/image{i}.bin": random_text(600_000, i).encode() for i in range(4)})
    assert refusal(data) == "文件解压后内容过大（超过 2 MB），不像正常的数据表，已拒绝导入"
    assert parsed == []


def test_a_zip_of_thousands_of_parts_is_refused(parsed):
    data = xlsx(extra={f"xl/media/{i}.bin": b"x" for i in range(guard.MAX_PARTS)})
    assert (
        refusal(data)
        == f"文件内含 {guard.MAX_PARTS + 6} 个部件，超过 {guard.MAX_PARTS} 个，不像正常的数据表，已拒绝导入"
    )
    assert parsed == []


# ---------------------------------------------------------------- inside the XML


def test_too_many_shared_strings_are_refused_by_count(parsed):
    """Distinct strings compress like real ones: the ratio lets them through, their count does not."""
    words = random_text(6 * (guard.MAX_SHARED_STRINGS + 1))
    body = "".join(f"<si><t>{words[i : i + 6]}</t></si>" for i in range(0, len(words), 6))
    data = xlsx(strings=shared_strings(body))
    assert refusal(data) == (
        f"文件中的不同文本超过 {guard.MAX_SHARED_STRINGS} 条，不像正常的数据表，已拒绝导入；请只保留需要导入的数据"
    )
    assert parsed == []


def test_a_declared_dimension_of_a_whole_sheet_is_refused(parsed):
    data = xlsx(sheet=worksheet(dimension="A1:XFD1048576"))
    assert refusal(data) == (
        f"工作表“核定数据”行数过多（超过 {guard.MAX_ROWS} 行），请只保留需要导入的数据（声明的范围到 XFD1048576）"
    )
    assert parsed == []


def test_a_row_far_below_the_data_is_refused(parsed):
    data = xlsx(sheet=worksheet(ONE_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'))
    assert refusal(data) == f"工作表“核定数据”行数过多（超过 {guard.MAX_ROWS} 行），请只保留需要导入的数据"
    assert parsed == []


def test_many_rows_are_refused(parsed):
    data = xlsx(sheet=worksheet("<row/>" * (guard.MAX_ROWS + 1)))
    assert refusal(data) == f"工作表“核定数据”行数过多（超过 {guard.MAX_ROWS} 行），请只保留需要导入的数据"
    assert parsed == []


def test_a_cell_far_to_the_right_is_refused(parsed):
    data = xlsx(sheet=worksheet('<row r="1"><c r="XFD1"><v>1</v></c></row>'))
    assert refusal(data) == (
        f"工作表“核定数据”列数过多（超过 {guard.MAX_COLUMNS} 列，用到了单元格 XFD1），请只保留需要导入的数据"
    )
    assert parsed == []


def test_many_cells_are_refused(parsed, monkeypatch):
    monkeypatch.setattr(guard, "MAX_CELLS", 1000)
    rows = "".join(
        f'<row r="{r}">' + "".join(f"<c><v>{r * c}</v></c>" for c in range(1, 11)) + "</row>" for r in range(1, 102)
    )
    assert (
        refusal(xlsx(sheet=worksheet(rows))) == "文件中的单元格超过 1000 个，请只保留需要导入的数据，或分成几个文件导入"
    )
    assert parsed == []


@pytest.mark.parametrize("where", ["inline", "shared"])
def test_a_huge_single_cell_is_refused(parsed, where):
    text = random_text(guard.MAX_CELL_TEXT + 1)
    if where == "inline":
        data = xlsx(sheet=worksheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>'))
        place = "工作表“核定数据”"
    else:
        data = xlsx(strings=shared_strings(f"<si><t>{text}</t></si>"))
        place = "文件中"
    assert refusal(data) == (
        f"{place}有一个单元格的文字超过 {guard.MAX_CELL_TEXT} 个字符（Excel 的上限），不像正常的数据表，已拒绝导入"
    )
    assert parsed == []


def test_a_dtd_is_refused_as_defusedxml_would(parsed):
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://example.invalid/evil.dtd">'
        + worksheet().split(b"?>", 1)[1]
    )
    assert refusal(xlsx(sheet=sheet)).startswith("无法读取该文件：其中含有 Excel 不会写入的 XML 声明（DTD 或实体）")
    assert parsed == []


def test_blank_padding_does_not_hide_a_part_from_the_scan(parsed, monkeypatch):
    monkeypatch.setattr(guard, "MAX_SHARED_STRINGS", 10)
    # Blanks may precede the root (not an XML declaration): openpyxl would read these strings.
    strings = b" " * (200 * 1024) + shared_strings(b"<si><t>a</t></si>" * 11).split(b"?>", 1)[1]
    assert "不同文本超过 10 条" in refusal(xlsx(strings=strings))
    assert parsed == []


def test_broken_xml_is_refused_before_parsing(parsed):
    assert refusal(xlsx(sheet=b"<worksheet><sheetData><row>")) == guard.BROKEN
    assert parsed == []


# ---------------------------------------------------------------- every door


def test_the_data_import_refuses_it(five_million_strings, parsed):
    with pytest.raises(ValidationError, match="解压后超过 50 MB"):
        import_workbook(User.objects.get(username="office"), "Project", upload(five_million_strings))
    assert parsed == []


def test_the_official_values_import_refuses_it(five_million_strings, parsed):
    with pytest.raises(ValidationError, match="解压后超过 50 MB"):
        official_data.import_official_values(
            User.objects.get(username="office"), "2023-Y", upload(five_million_strings)
        )
    assert parsed == [] and not OfficialValue.objects.exists()


def test_the_api_answers_417(api, five_million_strings, parsed):
    client = api.as_user("office")
    response = client.post(
        "/api/method/frappe.core.doctype.data_import.data_import.import_file",
        {"doctype": "Project", "file": upload(five_million_strings), "dry_run": "0"},
        format="multipart",
    )
    assert response.status_code == 417 and response.json()["exc_type"] == "ValidationError"
    assert "解压后超过 50 MB" in response.json()["message"]
    response = client.post(
        "/api/method/innovation_action.api.import_official_values",
        {"period": "2023-Y", "file": upload(five_million_strings)},
        format="multipart",
    )
    assert response.status_code == 417 and "解压后超过 50 MB" in response.json()["message"]
    assert parsed == []


def test_the_admin_pages_show_it_as_a_form_error(login, five_million_strings, parsed):
    client = login("office")
    before = Project.objects.count()
    response = client.post(
        reverse("admin:innovation_action_project_excel_import"),
        {"file": upload(five_million_strings), "action": "dry_run"},
    )
    assert response.status_code == 200 and "解压后超过 50 MB" in response.content.decode()
    assert not response.context["token"]  # nothing kept for a later import
    period = official_data.resolve_period("2023-Y")
    response = client.post(
        reverse("admin:innovation_action_officialvalue_import"),
        {"period": period.pk, "file": upload(five_million_strings)},
    )
    assert response.status_code == 200 and "解压后超过 50 MB" in response.content.decode()
    assert parsed == [] and Project.objects.count() == before and not OfficialValue.objects.exists()


def test_no_code_opens_a_workbook_around_the_guarded_reader():
    """openpyxl's load_workbook is called in one place: reader.open_workbook, behind the guard."""
    apps = Path(__file__).resolve().parent.parent / "apps"
    callers = sorted(
        str(path.relative_to(apps))
        for path in apps.rglob("*.py")
        if "load_workbook" in path.read_text(encoding="utf-8")
    )
    assert callers == ["lowcode/xlsx/reader.py"]
