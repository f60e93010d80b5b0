"""The print engine's fast paths lay out exactly what reportlab's own slow paths do (issue 19).

A long table is laid out a page at a time (long_table.LongRows) and its one-line cells are drawn
as text; CJK lines are cut from a short window. Each is checked against the path it replaced:
reportlab's Table of all rows with a Paragraph in every cell, and the line breaker run on the
whole rest of the paragraph. Same words at the same places, page by page (pdftotext -bbox).
"""

import random

import pytest

from apps.lowcode.print_format import linebreak, pdf
from apps.lowcode.print_format.columns import Column
from apps.lowcode.print_format.compose import Block, Composed, Table
from tests import pdf_tools

pytestmark = pytest.mark.django_db


def ranking_notice(rows: int) -> Composed:
    """A ranking notice's shape: long ranking paragraphs with （一） headings, a grouped table whose
    cells are short, long (wrapping), empty, spaced, with markup characters or rare characters."""
    names = [f"第{n // 40 + 1}类第{n:03d}县" for n in range(rows)]
    paragraphs = ["一、县（市、区）考评排名情况"] + [
        f"（{'一二三四五'[c]}）第{c + 1}类。暂列" + "，".join(f"第{i + 1}名{n}" for i, n in enumerate(names[c::5]))
        for c in range(5)
    ]
    table_rows: list[list[str] | str] = []
    for n, name in enumerate(names):
        if n % 40 == 0:
            table_rows.append(f"第{n // 40 + 1}类县（市、区）")
        name += {7: "（赣州高新技术产业开发区管理委员会）", 11: "㐂", 13: " 乙", 17: "　甲", 19: "A&B<x>"}.get(
            n % 23, ""
        )
        table_rows.append([str(n % 40 + 1), name, f"{50 + n % 9}.{n % 100:02d}", "" if n % 5 == 0 else "18.5", "—"])
    columns = [
        Column("排名", "", 19, "中"),
        Column("县（市、区）", "", 39, "左"),
        Column("科技创新（60分）", "", 17, "右"),
        Column("目标任务", "", 17, "中"),
        Column("结果", "", 17, "中"),
    ]
    blocks = [
        Block("接排", "纵向", "", paragraphs),
        Block("附件", "纵向", "考评得分排名表", ["单位：分"], Table(columns, table_rows, 9), ["注：并列者名次相同。"]),
    ]
    return Composed(
        True, "某某领导小组文件", "某字〔2023〕1号", "关于考评排名情况的通报", "各县（市、区）",
        blocks, "某某领导小组", "2023年4月1日", "各有关单位", "某某办公室", "2023年4月1日",
    )  # fmt: skip


def boxes(document: bytes) -> list[list[tuple]]:
    """Each page's words with their boxes (to 0.01 pt), in a fixed order."""
    return [
        sorted((round(w.y0, 2), round(w.x0, 2), round(w.x1, 2), round(w.y1, 2), w.text) for w in page.words)
        for page in pdf_tools.pages(document)
    ]


def test_long_tables_and_text_cells_lay_out_as_reportlabs_own_table_of_paragraphs(monkeypatch):
    composed = ranking_notice(300)
    fast, pages = pdf.render_pdf(composed)

    # reportlab's own way: one Table of all the rows, split by reportlab, a Paragraph in every cell.
    def whole_table(make, count, width):
        return make(range(count), True)

    def paragraph_cell(self, text, size, align, width, header=False):
        font = self.fonts.heading if header else self.fonts.body
        style = pdf.cell_style(font, size, pdf.TA_CENTER if header else pdf.ALIGN[align])
        return pdf.Paragraph(self.text(text, font), style)

    monkeypatch.setattr(pdf.LongRows, "of", staticmethod(whole_table))
    monkeypatch.setattr(pdf.Styles, "cell", paragraph_cell)
    slow, slow_pages = pdf.render_pdf(composed)

    assert pages == slow_pages > 10
    assert boxes(fast) == boxes(slow)
    words = {word.text for page in pdf_tools.pages(fast) for word in page.words}
    assert {"第1类第011县㐂", "第1类第019县A&B<x>", "技术产业开发区管理委员"} <= words  # fallback font, markup, wrapped


def reference_split(word, widths, max_widths):
    """The line breaker before the window: dumbSplit on the whole rest of the text for every line."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    lines, start = [], 0
    while start < len(word):
        rest = linebreak._reportlab_split(word[start:], widths[start:], max_widths[len(lines) :] or max_widths[-1:])
        if len(rest) <= 1:
            lines += rest
            break
        extra, text = rest[0]
        end = start + word[start:].find(text) + len(text)
        if len(text) > 1 and text[-1] in linebreak.CANNOT_END:
            end -= 1
            extra += widths[end]
            text = text[:-1]
        while end < len(word) and word[end] in linebreak.CANNOT_START and end - start < 2 * len(text):
            extra -= widths[end]
            text += word[end]
            end += 1
        lines.append([extra, text])
        start = end
        while start < len(word) and word[start].isspace():
            start += 1
    return lines


def test_lines_cut_from_a_window_are_the_lines_of_the_whole_text():
    alphabet = "中华人民共和国赣州市科技局" * 3 + "，。；：、）”》〕“（《〔 ab1—…"
    chance = random.Random(19)
    for _ in range(2000):
        word = "".join(chance.choice(alphabet) for _ in range(chance.randint(1, 120)))
        widths = [16.0 if ord(c) >= 0x3000 else chance.choice([4.0, 8.0, 0.0]) for c in word]
        max_widths = [chance.choice([16.0, 40.0, 100.5, 442.2]), chance.choice([30.0, 100.5, 442.2])]
        assert linebreak.split_keeping_openers(word, widths, max_widths) == reference_split(word, widths, max_widths)
