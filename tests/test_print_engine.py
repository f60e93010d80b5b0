"""Printing official documents: the plan's 印发通知 measured against GB/T 9704, numbering, issuing as a job.

The PDFs are read back with poppler (pdftotext, pdftoppm), as a person
checking them would: positions in millimetres, font sizes in points, the red
of the header, every character of the seed's lists.
"""

import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from rq import SimpleWorker

from apps.lowcode.exceptions import ValidationError
from apps.lowcode.print_format import numbering, service
from apps.lowcode.print_format.compose import compose
from apps.lowcode.print_format.fonts import DEBIAN, font_set, has_glyph
from apps.lowcode.print_format.model import (
    LetterHead,
    Notice,
    NumberSeries,
    PrintFont,
    PrintFormat,
    PrintFormatBlock,
    pattern_errors,
)
from apps.lowcode.print_format.service import ProgressReporter
from tests import pdf_tools
from tests.pdf_tools import MM

# 附件1 任务清单 and 附件2 项目清单 exactly as seed 000 prints them (../shared/seeds/000_…, copied).
SEED_LISTS = Path(__file__).resolve().parent / "data" / "seed000_task_and_project_lists.txt"
PLAN_FORMAT = "工作方案印发通知"


@pytest.fixture
def office(db):
    return User.objects.get(username="office")


@pytest.fixture
def plan_pdf(office):
    return service.print_document(office, "Action Plan", "2023", PLAN_FORMAT)


# --- The plan's 印发通知, measured --------------------------------------------------------------


def test_first_page_follows_gb_t_9704(plan_pdf):
    page = pdf_tools.pages(plan_pdf.pdf)[0]
    assert (round(page.width), round(page.height)) == (595, 842)  # A4
    lines = page.lines()
    text = ["".join(w.text for w in line) for line in lines]
    mark, number, title_1, title_2 = lines[:4]
    assert text[:4] == [
        "赣州市科技创新赋能行动领导小组",
        "赣市科赋字〔2023〕1号",
        "关于印发《2023年赣州市科技创新赋能行动",
        "工作方案》的通知",
    ]
    # 发文机关标志: its top 35 mm below the top of the text block (37 mm from the page's top), centred.
    assert mark[0].y0 / MM == pytest.approx(37 + 35, abs=0.5)
    assert (mark[0].x0 + mark[-1].x1) / 2 / MM == pytest.approx(28 + 78, abs=0.5)
    # 发文字号 two blank lines (of 225/22 mm) under it, centred; 16 pt.
    line = 225 / 22
    assert (number[0].y0 - mark[0].y1) / MM == pytest.approx(2 * line + (line - 16 / MM) / 2, abs=1)
    assert number[0].height == pytest.approx(16, abs=0.5)
    assert (number[0].x0 + number[-1].x1) / 2 / MM == pytest.approx(106, abs=0.5)
    # The red rule 4 mm under the 发文字号, and the mark in red above it.
    red = pdf_tools.red_rows(plan_pdf.pdf)
    rule = max(red)
    assert rule / MM == pytest.approx(number[0].y1 / MM + 4, abs=0.8)
    assert any(mark[0].y0 <= y <= mark[0].y1 for y in red)
    # The title: 22 pt, centred, two blank lines under the rule.
    assert title_1[0].height == pytest.approx(22, abs=0.5)
    assert (title_2[0].x0 + title_2[-1].x1) / 2 / MM == pytest.approx(106, abs=0.5)
    assert (title_1[0].y0 - rule) / MM == pytest.approx(2 * line + (line - 22 / MM) / 2, abs=1.2)
    # 主送 flush left at the 28 mm margin; body 16 pt, first line indented two characters.
    addressees = lines[4]
    assert text[4].startswith("各县（市、区）") and addressees[0].x0 / MM == pytest.approx(28, abs=0.2)
    body = next(line for line, t in zip(lines, text) if t.startswith("现将"))
    assert body[0].height == pytest.approx(16, abs=0.5)
    assert body[0].x0 / MM == pytest.approx(28 + 2 * 156 / 28, abs=0.3)
    # Signature right, two characters from the edge; the date two characters to the right of its start.
    signature = next(line for line, t in zip(lines, text) if t == "赣州市科技创新赋能行动领导小组" and line is not mark)
    date_line = next(line for line, t in zip(lines, text) if t == "2023年2月21日")
    assert signature[-1].x1 / MM == pytest.approx(28 + 156 - 2 * 156 / 28, abs=0.3)
    assert (date_line[0].x0 - signature[0].x0) / MM == pytest.approx(2 * 156 / 28, abs=0.3)


def test_body_pages_hold_22_lines_of_28_characters(plan_pdf):
    pages = pdf_tools.pages(plan_pdf.pdf)
    plan_text_pages = [p for p in pages[1:] if not any(w.text.startswith("附件1") for w in p.words)][:8]
    full_lines = 0
    for page in plan_text_pages:
        body = [line for line in page.lines() if line[0].height == pytest.approx(16, abs=0.5)]
        assert len(body) <= 22
        for line in body:
            assert line[0].x0 / MM >= 28 - 0.2 and line[-1].x1 / MM <= 28 + 156 + 5.7  # a hanging mark at most
            chars = "".join(w.text for w in line)
            if len(chars) == 28 and all(ord(c) > 0x2000 for c in chars):
                full_lines += 1
        # 225 mm / 22 lines, measured glyph bottom to glyph bottom (heading fonts sit a little differently).
        spacing = [round((b[0].y1 - a[0].y1) / MM, 1) for a, b in zip(body, body[1:])]
        assert Counter(spacing).most_common(1)[0][0] in (10.2, 10.3) and all(9.5 < s < 11 for s in spacing)
    assert full_lines > 20  # all-Chinese lines are exactly 28 characters long


def test_page_numbers_alternate_sides_7_mm_below_the_text_block(plan_pdf):
    for page in pdf_tools.pages(plan_pdf.pdf)[:4]:
        [footer] = [line for line in page.lines() if line[0].y0 / MM > 262]
        assert "".join(w.text for w in footer) == f"—{page.number}—"
        assert footer[0].height == pytest.approx(14, abs=0.5)  # 4号
        assert footer[0].y0 / MM == pytest.approx(37 + 225 + 7, abs=0.5)
        if page.number % 2:
            assert footer[-1].x1 / MM == pytest.approx(184 - 14 / MM, abs=0.5)  # right, one character in
        else:
            assert footer[0].x0 / MM == pytest.approx(28 + 14 / MM, abs=0.5)


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(plan_pdf):
    text = pdf_tools.text(plan_pdf.pdf, layout=True)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert not [line for line in lines if line[0] in "，。、；：？！）》”〕"]
    assert not [line for line in lines if line[-1] in "（《“〔"]


def test_attachments_start_new_pages_with_their_label_and_note(plan_pdf):
    pages = pdf_tools.pages(plan_pdf.pdf)
    starts = {}
    for page in pages:
        first = "".join(w.text for w in page.lines()[0])
        if first in ("附件1", "附件2"):
            starts[first] = page
            label = page.lines()[0][0]
            assert label.x0 / MM == pytest.approx(28 if first == "附件1" else (297 - 225) / 2, abs=0.5)
    assert set(starts) == {"附件1", "附件2"}
    assert starts["附件2"].width > starts["附件2"].height  # the project list is printed landscape
    plain = re.sub(r"\s", "", pdf_tools.text(plan_pdf.pdf))
    assert "附件：1.2023年赣州市科技创新赋能行动任务清单2.2023年赣州市科技创新赋能行动项目清单" in plain


def test_long_tables_repeat_their_header_row_on_every_page(plan_pdf):
    pages = pdf_tools.pages(plan_pdf.pdf)
    task_pages = [p for p in pages if p.height > p.width and any(w.text == "具体任务及要求" for w in p.words)]
    project_pages = [p for p in pages if p.width > p.height]
    assert len(task_pages) >= 5 and len(project_pages) >= 5
    for page in task_pages:
        header = [w for w in page.words if w.text == "具体任务及要求"]
        assert len(header) == 1 and header[0].y0 < page.lines()[3][0].y1 + 1  # at the top of the page's table
    for page in project_pages:
        assert any(w.text.startswith("建设内容或建设规模") for w in page.words)


def test_project_sections_are_headed_with_totals_computed_from_the_data(plan_pdf):
    plain = re.sub(r"\s", "", pdf_tools.text(plan_pdf.pdf))
    assert "一、新开工（项目11个、总投资16.46亿元、年度计划投资8.2亿元）" in plain
    assert "二、续建（项目18个、总投资273.73亿元、年度计划投资28.51亿元）" in plain


def test_every_character_of_the_seed_lists_is_printed_with_a_real_glyph(plan_pdf):
    printed = set(pdf_tools.text(plan_pdf.pdf))
    seed = {c for c in SEED_LISTS.read_text(encoding="utf-8") if not c.isspace()}
    # The seed writes 万元 amounts with trailing spaces and months as 2023年1月: all of it is in the PDF.
    missing = sorted(seed - printed)
    assert not missing, "".join(missing)
    fonts = font_set()
    assert all(has_glyph(fonts.body, c) or has_glyph(fonts.fallback, c) for c in seed)


def test_every_font_in_the_file_is_embedded(plan_pdf, tmp_path):
    import subprocess

    path = tmp_path / "plan.pdf"
    path.write_bytes(plan_pdf.pdf)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(" yes yes yes " in row and "TrueType" in row for row in rows), listing


def test_composed_text_is_the_data(plan, office):
    composed = compose(PrintFormat.objects.get(name=PLAN_FORMAT), plan)
    assert composed.number == "赣市科赋字〔2023〕　　号" or composed.number.startswith("赣市科赋字〔")
    [tasks, projects] = composed.attachments
    task_rows = [row for row in tasks.table.rows if not isinstance(row, str)]
    assert len(task_rows) == 29 and task_rows[0][:3] == ["1", plan.tasks.get(number=1).content, "市科技局"]
    assert task_rows[0][4].splitlines() == [
        "市科技局 赋能办 廖家乐",
        "市政府金融办 综合科 曾俊",
        "市工信局 科技科 顾宏诚",
    ]
    project_rows = [row for row in projects.table.rows if not isinstance(row, str)]
    assert project_rows[1][6:8] == ["2023年1月", "2025年12月"] and project_rows[1][9:11] == ["63100", "19000"]
    assert [c.header for c in projects.table.columns][10] == "2023年投资计划"


# --- Formats as data ----------------------------------------------------------------------------


def test_a_broken_template_or_column_is_refused_in_chinese(db):
    print_format = PrintFormat(name="坏格式", doc_type="Project", layout="表单", title="{% if %}")
    with pytest.raises(Exception) as info:
        print_format.full_clean()
    assert "模板有误" in str(info.value)
    block = PrintFormatBlock(
        print_format=PrintFormat.objects.get(name=PLAN_FORMAT),
        table_rows="projects",
        table_columns="序号 | {{ row.number }}\n名称 | {{ row.project_name }} | 宽",
    )
    with pytest.raises(Exception) as info:
        block.full_clean()
    assert "表格列第1行" in str(info.value)


def test_unknown_doctype_format_or_document_is_a_clear_404(db, api):
    api.as_user("office")
    url = "/api/method/frappe.utils.print_format.download_pdf"
    answer = api.get(url, {"doctype": "Action Plan", "name": "2023", "format": "没有这个格式"})
    assert answer.status_code == 404 and "打印格式“没有这个格式”不存在" in answer.json()["exception"]
    assert api.get(url, {"doctype": "Action Plan", "name": "1999"}).status_code == 404
    assert api.get(url, {"doctype": "Nope", "name": "1"}).status_code == 404
    assert api.get(url, {"doctype": "Action Plan"}).status_code == 417


def test_download_pdf_as_frappe_has_it(db, api):
    api.as_user("zhanggong")
    answer = api.get(
        "/api/method/frappe.utils.print_format.download_pdf",
        {"doctype": "Action Plan", "name": "2023", "format": PLAN_FORMAT},
    )
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-") and "attachment" in answer["Content-Disposition"]
    assert "赣市科赋字〔2023〕1号" in pdf_tools.text(answer.content, last=1)


def test_an_uploaded_font_replaces_the_built_in_one(db, plan, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kai = Path(DEBIAN["楷体"][0]).read_bytes()
    PrintFont.objects.create(role="仿宋", font_file=SimpleUploadedFile("fangsong.ttc", kai))
    printed = service.print_document(office, "Action Plan", "2023", PLAN_FORMAT)
    path = tmp_path / "out.pdf"
    path.write_bytes(printed.pdf)
    import subprocess

    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "UKai" in fonts and "UMing" not in fonts  # the body now in the uploaded face


@pytest.mark.parametrize(
    "content, message",
    [
        (b"OTTO" + b"\0" * 200, "CFF 轮廓的 OpenType"),
        (b"<html>not a font</html>", "不是 TrueType 字体"),
        (b"\x00\x01\x00\x00" + b"\xff" * 64, "无法读取"),
    ],
)
def test_fonts_reportlab_cannot_embed_are_refused(db, content, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    font = PrintFont(role="小标宋", font_file=SimpleUploadedFile("x.ttf", content))
    with pytest.raises(Exception) as info:
        font.full_clean()
    assert message in str(info.value)


# --- 发文字号 ------------------------------------------------------------------------------------


def test_numbers_follow_the_plans_own_and_a_rollback_gives_its_number_back(db):
    pattern = LetterHead.objects.get(name="领导小组").number_pattern
    assert NumberSeries.objects.get(prefix="赣市科赋字〔2023〕").current == 1  # the plan is 1号
    with transaction.atomic():
        assert numbering.take_next(pattern, 2023) == "赣市科赋字〔2023〕2号"
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert numbering.take_next(pattern, 2023) == "赣市科赋字〔2023〕3号"
            raise RuntimeError("the issue failed")
    with transaction.atomic():
        assert numbering.take_next(pattern, 2023) == "赣市科赋字〔2023〕3号"  # not skipped
        assert numbering.take_next(pattern, 2024) == "赣市科赋字〔2024〕1号"  # a new year starts at 1
    assert pattern_errors("赣市科赋字〔{year}〕号") == ["发文字号格式须包含 {number}"]


@pytest.fixture
def project_notice_format(db):
    """A small official format over a Project, to issue many notices."""
    print_format = PrintFormat.objects.create(
        name="项目督办通知",
        doc_type="Project",
        layout="公文",
        letter_head=LetterHead.objects.get(name="领导小组办公室"),
        title="关于加快推进{{ doc.project_name }}的通知",
        addressees="{{ doc.county }}科技创新赋能行动领导小组",
        cc="市科技局",
        printed_by="",
    )
    PrintFormatBlock.objects.create(print_format=print_format, idx=1, text="请加快推进{{ doc.project_name }}。")
    return print_format


@pytest.mark.redis
def test_issuing_numbers_the_notice_and_a_job_makes_the_pdf(
    api, redis_queue, project_notice_format, django_capture_on_commit_callbacks
):
    api.as_user("office")
    url = "/api/method/frappe.utils.print_format.issue_notice"
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            url,
            {"doctype": "Project", "name": "2023-P01", "format": "项目督办通知", "issue_date": "2023-03-01"},
            format="json",
        )
    assert answer.status_code == 200, answer.content
    notice = answer.json()["message"]
    assert notice["number"] == "赣市科赋办字〔2023〕1号" and notice["status"] == "排队中"
    assert notice["title"] == "关于加快推进低空飞行监管平台建设项目的通知"
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    record = Notice.objects.get(name=notice["name"])
    assert (record.status, record.progress, record.pages) == ("已生成", 100, 1), record.error
    assert record.progress_note == "已生成，共 1 页"
    download = api.get("/api/method/frappe.utils.print_format.download_notice", {"name": record.name})
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    text = pdf_tools.text(download.content)
    assert "赣市科赋办字〔2023〕1号" in text and "抄送：市科技局" in text and "2023年3月1日印发" in text
    # The same document cannot be issued twice; voided, it gets a new number (the old one stays used).
    again = api.post(url, {"doctype": "Project", "name": "2023-P01", "format": "项目督办通知"}, format="json")
    assert again.status_code == 417 and "该文件已印发（赣市科赋办字〔2023〕1号）" in again.json()["exception"]
    service.void(User.objects.get(username="office"), record)
    with django_capture_on_commit_callbacks(execute=True):
        reissued = api.post(
            url,
            {"doctype": "Project", "name": "2023-P01", "format": "项目督办通知", "issue_date": "2023-03-02"},
            format="json",
        ).json()["message"]
    assert reissued["number"] == "赣市科赋办字〔2023〕2号"


def test_only_the_office_issues_and_forms_are_not_issued(api, project_notice_format):
    api.as_user("zhanggong")
    answer = api.post(
        "/api/method/frappe.utils.print_format.issue_notice",
        {"doctype": "Project", "name": "2023-P01", "format": "项目督办通知"},
        format="json",
    )
    assert answer.status_code == 403 and "只有领导小组办公室或系统管理员可以印发公文" in answer.json()["exception"]
    project_notice_format.layout = "表单"
    project_notice_format.save()
    with pytest.raises(ValidationError, match="表单格式，只能打印"):
        service.issue(User.objects.get(username="office"), "Project", "2023-P01", "项目督办通知")


def test_a_format_that_fails_in_the_job_records_why(
    db, office, project_notice_format, django_capture_on_commit_callbacks, settings
):
    settings.REDIS_URL = None  # inline job
    PrintFormatBlock.objects.create(
        print_format=project_notice_format, idx=2, table_rows="doc.no_such_rows", table_columns="名称 | {{ row }} | 20"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = service.issue(office, "Project", "2023-P02", "项目督办通知")
    notice.refresh_from_db()
    assert notice.status == "生成失败" and "表格数据“doc.no_such_rows”不存在" in notice.error


def test_progress_is_reported_in_order_within_its_share():
    seen = []

    class Spy(ProgressReporter):
        def __call__(self, fraction, note):
            before = self.last
            super().__call__(fraction, note)
            if self.last != before:
                seen.append(self.last)

    spy = Spy(notice_pk=0, start=40, end=98)
    from unittest import mock

    with mock.patch.object(Notice.objects, "filter") as update:
        for step in range(101):
            spy(step / 100, f"正在排版（{step}/100）")
    assert seen == sorted(seen) and seen[0] == 40 and seen[-1] == 98 and len(seen) < 40
    assert update.call_count == len(seen)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_reuses_or_skips_a_number():
    from apps.innovation_action.services.demo_accounts import create_demo_accounts
    from apps.innovation_action.services.plan_loader import load_plan
    from tests.conftest import PLAN_FOLDER

    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    pattern = LetterHead.objects.get(name="领导小组").number_pattern
    barrier = threading.Barrier(8)
    numbers, errors = [], []

    def take(fail: bool):
        try:
            barrier.wait()
            with transaction.atomic():
                number = numbering.take_next(pattern, 2023)
                if fail:
                    raise RuntimeError("rolled back")
                numbers.append(number)
        except RuntimeError:
            pass
        except Exception as exc:  # pragma: no cover - shown in the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i % 4 == 3,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(int(re.search(r"〕(\d+)号", n)[1]) for n in numbers) == list(range(2, 8))
