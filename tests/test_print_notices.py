"""Notices: one 成文日期 everywhere, the number's year from the document, the 版记 with the last text,
the ranking notice reachable from the ranking page, and only fitting formats offered, previewed and issued."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from apps.innovation_action.models import AssessmentPeriod
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.print_format import numbering, service
from apps.lowcode.print_format.compose import compose
from apps.lowcode.print_format.model import Notice, PrintFormat
from tests import pdf_tools

pytestmark = pytest.mark.django_db

PLAN_FORMAT = "工作方案印发通知"
QUARTER_NOTICE, YEAR_NOTICE = "季度排名通报", "年度考评结果通报"


@pytest.fixture
def office():
    return User.objects.get(username="office")


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [squeezed(pdf_tools.text(pdf, first=n, last=n)) for n in range(1, len(pdf_tools.pages(pdf)) + 1)]


# --- one 成文日期 ---------------------------------------------------------------------------------


def test_the_register_records_the_date_the_notice_prints(api, office, settings, django_capture_on_commit_callbacks):
    settings.REDIS_URL = None  # the PDF job runs inline
    client = api.as_user("office")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/method/frappe.utils.print_format.issue_notice",
            {"doctype": "Action Plan", "name": "2023", "format": PLAN_FORMAT},
            format="json",
        )
    assert answer.status_code == 200, answer.content
    issued = answer.json()["message"]
    assert (issued["number"], issued["issue_date"]) == ("赣市科赋字〔2023〕1号", "2023-02-21")  # the API
    notice = Notice.objects.get(name=issued["name"])
    assert notice.issue_date == date(2023, 2, 21)  # the register
    assert notice.status == "已生成", notice.error
    pages = page_texts(notice.pdf.read())
    assert "赣州市科技创新赋能行动领导小组2023年2月21日" in pages[0]  # the PDF: signature and date
    assert "2023年2月21日印发" in pages[-1]  # …and its 版记
    register = client.get(f"/api/resource/Notice/{notice.name}").json()["data"]
    assert register["issue_date"] == "2023-02-21"


def test_a_typed_date_other_than_the_documents_own_is_refused(office):
    with pytest.raises(ValidationError) as refused:
        service.issue(office, "Action Plan", "2023", PLAN_FORMAT, date(2026, 11, 28))
    assert refused.value.message == (
        "该单据自带成文日期2023年2月21日，与填写的2026年11月28日不一致；公文只有一个成文日期，如需更改请先修改单据"
    )
    assert not Notice.objects.exists()


def test_the_print_page_offers_the_documents_own_date(login):
    page = login("office").get(reverse("print-page", args=["Action Plan", "2023"])).content.decode()
    assert 'name="issue_date" value="2023-02-21" readonly' in page


# --- the number's year ----------------------------------------------------------------------------


def test_a_preview_of_a_2023_periods_notice_is_numbered_in_2023(office):
    period = AssessmentPeriod.objects.get(name="2023-Q1")
    composed = compose(PrintFormat.objects.get(name=QUARTER_NOTICE), period)
    assert composed.number == "赣市科赋字〔2023〕\u3000\u3000号"
    printed = service.print_document(office, "Assessment Period", "2023-Q1", QUARTER_NOTICE)
    assert "赣市科赋字〔2023〕" in squeezed(pdf_tools.text(printed.pdf, last=1))
    fmt = PrintFormat.objects.get(name=QUARTER_NOTICE)
    assert numbering.document_year(fmt, period, date(2026, 11, 28)) == 2023


# --- the last page ---------------------------------------------------------------------------------


def test_the_plan_notices_last_page_holds_table_rows_and_the_imprint(office):
    printed = service.print_document(office, "Action Plan", "2023", PLAN_FORMAT)
    pages = page_texts(printed.pdf)
    last = pages[-1]
    assert "赣州市科技创新赋能行动领导小组办公室2023年2月21日印发" in last
    # The project list's last two rows (28 and 29) end the table on the same page as the 版记.
    assert "定南县政府副县长，廖为星" in last and "生物科创谷共享研发中试中心建设项目（二期）" in last
    assert "（此页无正文）" not in last
    # No page holds only the 版记 or a single row of a table.
    for number, page in enumerate(pages, 1):
        assert len(page) > 60, f"page {number} is nearly empty: {page}"
    landscape = [p for p in pdf_tools.pages(printed.pdf) if p.width > p.height]
    assert landscape[-1].number == len(pages)  # the 版记 follows the landscape list, no portrait page after it


def test_the_imprint_never_stands_alone_on_a_page(office, plan):
    """Whatever the length of the text, the 版记 (and the signature) move on with the last paragraph."""
    from apps.lowcode.print_format.model import LetterHead, PrintFormatBlock

    fmt = PrintFormat.objects.create(
        name="长通知",
        doc_type="Action Plan",
        layout="公文",
        title="{{ doc.title }}",
        letter_head=LetterHead.objects.get(name="领导小组"),
        printed_by="赣州市科技创新赋能行动领导小组办公室",
        cc="市科技局",
    )
    for lines in range(24, 40):
        PrintFormatBlock.objects.filter(print_format=fmt).delete()
        PrintFormatBlock.objects.create(print_format=fmt, idx=1, text="\n".join(["正文一段。" * 5] * lines))
        printed = service.print_document(office, "Action Plan", "2023", fmt.name)
        pages = page_texts(printed.pdf)
        assert "印发" in pages[-1] and "正文一段" in pages[-1], (lines, pages[-1])


# --- the ranking notice from the ranking page ------------------------------------------------------


def test_the_ranking_page_links_to_the_periods_notice(login):
    client = login("office")
    page = client.get("/admin/rankings/", {"period": "2023-Q1"}).content.decode()
    print_page = reverse("print-page", args=["Assessment Period", "2023-Q1"])
    assert f'id="print-notice" href="{print_page}"' in page
    notice_page = client.get(print_page)
    assert notice_page.status_code == 200
    html = notice_page.content.decode()
    assert f'data-format="{QUARTER_NOTICE}"' in html and f'data-format="{YEAR_NOTICE}"' not in html


def test_a_month_has_no_notice_to_print_from_the_ranking_page(login):
    page = login("office").get("/admin/rankings/", {"period": "2023-M01"}).content.decode()
    assert 'id="print-notice"' not in page


# --- fitting formats only --------------------------------------------------------------------------


def test_formats_that_do_not_fit_are_neither_offered_previewed_nor_issued(api, office):
    quarter, year = AssessmentPeriod.objects.get(name="2023-Q1"), AssessmentPeriod.objects.get(name="2023-Y")
    assert [f.name for f in service.fitting_formats(quarter)] == [QUARTER_NOTICE]
    assert [f.name for f in service.fitting_formats(year)] == [YEAR_NOTICE]
    assert service.fitting_formats(AssessmentPeriod.objects.get(name="2023-M01")) == []

    client = api.as_user("office")
    listed = client.get(
        "/api/method/frappe.utils.print_format.get_print_formats", {"doctype": "Assessment Period", "name": "2023-Q1"}
    ).json()["message"]
    assert [f["name"] for f in listed] == [QUARTER_NOTICE]
    preview = client.get(
        "/api/method/frappe.utils.print_format.download_pdf",
        {"doctype": "Assessment Period", "name": "2023-Q1", "format": YEAR_NOTICE},
    )
    assert preview.status_code == 417
    assert "“年度考评结果通报”用于年度考评周期，2023年第一季度请使用“季度排名通报”" in preview.json()["exception"]
    with pytest.raises(ValidationError, match="用于年度考评周期"):
        service.issue(office, "Assessment Period", "2023-Q1", YEAR_NOTICE)
    assert not Notice.objects.exists()
    # With no format named, the first that fits is used.
    printed = service.print_document(office, "Assessment Period", "2023-Q1")
    assert "考评排名情况的通报" in squeezed(pdf_tools.text(printed.pdf, last=1))


def test_a_tables_last_rows_continue_it_in_line(office, plan):
    """The last rows are kept together as a flowable of their own; on the same page they continue the table."""
    from apps.lowcode.print_format.model import PrintFormatBlock

    fmt = PrintFormat.objects.create(name="目标表", doc_type="Action Plan", layout="表单", title="{{ doc.title }}目标")
    PrintFormatBlock.objects.create(
        print_format=fmt,
        idx=1,
        table_rows="doc.targets",
        table_columns="序号 | {{ row.idx }} | 15 | 中\n指标 | {{ row.indicator }} | 100",
    )
    printed = service.print_document(office, "Action Plan", "2023", fmt.name)
    [page] = pdf_tools.pages(printed.pdf)
    count = plan.targets.count()
    centres = {w.text: (w.x0 + w.x1) / 2 for w in page.words if w.text in (str(count - 2), str(count - 1), str(count))}
    assert len(centres) == 3 and max(centres.values()) - min(centres.values()) < 1, centres
    assert [w.text for w in page.words].count("序号") == 1  # no second header row before the last rows


def test_a_page_holding_only_the_imprint_says_it_has_no_text():
    """GB/T 9704: when no text fits with the 版记, its page is marked "（此页无正文）" top left."""
    import io

    from reportlab.platypus import BaseDocTemplate, PageBreak, Paragraph

    from apps.lowcode.print_format.fonts import font_set
    from apps.lowcode.print_format.pdf import (
        Imprint,
        Styles,
        keep_with_last,
        page_templates,
    )

    styles = Styles(font_set())
    story = keep_with_last(
        [Paragraph(styles.text("正文。"), styles.body), PageBreak()],
        Imprint("市科技局", "赣州市科技创新赋能行动领导小组办公室", "2023年2月21日", styles),
    )
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, initialFontName=styles.fonts.body)
    document.addPageTemplates(page_templates(styles.fonts))
    document.build(story)
    first, second = pdf_tools.pages(buffer.getvalue())
    assert "（此页无正文）" not in "".join(w.text for w in first.words)
    top = second.lines()[0]
    assert "".join(w.text for w in top) == "（此页无正文）" and abs(top[0].x0 / pdf_tools.MM - 28) < 0.5
    assert "".join(w.text for w in second.lines()[-2]).endswith("2023年2月21日印发")  # at the foot, above "— 2 —"
