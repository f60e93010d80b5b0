"""Lay a composed document out as PDF after GB/T 9704-2012 (党政机关公文格式).

The numbers come from the standard: A4, 天头 37 mm, 订口 28 mm, a text block of
156 × 225 mm holding 22 lines of 28 characters of 3号 (16 pt) text; the
发文机关标志 35 mm below the top of the block, the 发文字号 two lines below it,
a red rule 4 mm under that, the title (2号, 22 pt) two lines under the rule;
page numbers "— N —" in 4号 7 mm below the block, right on odd pages and left
on even ones; attachments on new pages with "附件N" top left; the 版记
(抄送, 印发) between rules at the foot of the last page.
"""

import io
import re
from collections.abc import Callable
from functools import lru_cache
from itertools import takewhile

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import (
    Table as PdfTable,
)
from reportlab.platypus.tables import CellStyle

from apps.lowcode.print_format.compose import Block, Composed, Table
from apps.lowcode.print_format.fonts import FontSet, font_set, markup
from apps.lowcode.print_format.linebreak import Paragraph  # Chinese 避头尾, lines broken once per width
from apps.lowcode.print_format.long_table import LongRows
from apps.lowcode.print_format.model import PrintFont
from apps.lowcode.website import site

# GB/T 9704-2012, in points.
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
BLOCK_WIDTH = 156 * mm
BLOCK_HEIGHT = 225 * mm
LINE = BLOCK_HEIGHT / 22  # 22 lines a page
BODY_SIZE = 16  # 3号
TITLE_SIZE = 22  # 2号
FOOTER_SIZE = 14  # 4号: page numbers, 版记
PITCH = BLOCK_WIDTH / 28  # 28 characters a line
MARK_TOP = 35 * mm  # 发文机关标志 below the top of the block
MARK_MAX_SIZE = 42
RULE_GAP = 4 * mm  # red rule below the 发文字号
PAGE_NUMBER_GAP = 7 * mm
RED = colors.Color(0.9, 0, 0)

HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")
ALIGN = {"左": TA_LEFT, "中": TA_CENTER, "右": TA_RIGHT}
CELL_PADDING = 3  # left and right, in points
CELL_LEADING = 1.3  # a cell's line height, times its font size
CELL_ALIGN = {"左": "LEFT", "中": "CENTER", "右": "RIGHT"}
FILLER_LEADING = CellStyle("filler").leading  # reportlab's default, of the empty cells under a spanned title

Progress = Callable[[float, str], None]


class Styles:
    """Paragraph styles of one document, built on its fonts."""

    def __init__(self, fonts: FontSet):
        self.fonts = fonts
        self.body = ParagraphStyle(
            "body",
            fontName=fonts.body_grid,
            fontSize=BODY_SIZE,
            leading=LINE,
            firstLineIndent=2 * PITCH,
            alignment=TA_JUSTIFY,
            wordWrap="CJK",
        )
        self.flush = ParagraphStyle("flush", parent=self.body, firstLineIndent=0)
        self.heading = ParagraphStyle("heading", parent=self.body, keepWithNext=1)  # never last on a page
        self.title = ParagraphStyle(
            "title", fontName=fonts.title, fontSize=TITLE_SIZE, leading=LINE, alignment=TA_CENTER, wordWrap="CJK"
        )
        self.label = ParagraphStyle(
            "label", fontName=fonts.heading, fontSize=BODY_SIZE, leading=LINE, alignment=TA_LEFT
        )
        self.footer = ParagraphStyle(
            "footer",
            fontName=fonts.body,
            fontSize=FOOTER_SIZE,
            leading=LINE * 0.8,
            wordWrap="CJK",
            leftIndent=FOOTER_SIZE,
            rightIndent=FOOTER_SIZE,
            firstLineIndent=0,
        )

    def text(self, text: str, font: str | None = None) -> str:
        return markup(text, font or self.fonts.body_grid, self.fonts.fallback)

    def paragraph(self, text: str) -> Paragraph:
        """A body paragraph; a leading 一、 heading in 黑体, a （一） heading in 楷体, up to its first 。"""
        for pattern, font in ((HEADING_1, self.fonts.heading_grid), (HEADING_2, self.fonts.subheading_grid)):
            if pattern.match(text):
                head, stop, rest = text.partition("。")
                head += stop
                html = f'<font face="{font}">{self.text(head, font)}</font>{self.text(rest)}'
                return Paragraph(html, self.body if rest else self.heading)
        return Paragraph(self.text(text), self.body)

    def cell(self, text: str, size: float, align: str, width: float, header: bool = False) -> Paragraph | str | list:
        """A table cell ``width`` wide inside its padding: a header cell (and a group title) centred in 黑体.

        Text that stands on one line in the cell's font is handed to the table as it is: the table draws
        it where a one-line Paragraph of the same leading would stand (centred in the row, aligned as the
        column says), without the Paragraph's markup parsing and line breaking — most cells of a long
        table. Anything else (wrapping, spaces, characters the font lacks) is a Paragraph.
        """
        font = self.fonts.heading if header else self.fonts.body
        if not text:
            return []  # nothing to draw, no height: as an empty Paragraph, without making one
        if one_line(text, font, size, width):
            return text
        return Paragraph(self.text(text, font), cell_style(font, size, TA_CENTER if header else ALIGN[align]))


@lru_cache(maxsize=8192)  # a long table repeats its short cells (ranks, results, scores)
def one_line(text: str, font: str, size: float, width: float) -> bool:
    """Whether ``text`` is drawn as one line of ``font`` by a Paragraph ``width`` wide, markup-free."""
    if not text or any(char.isspace() for char in text):
        return False  # a Paragraph collapses and breaks at spaces (the full-width one included)
    glyphs = pdfmetrics.getFont(font).face.charToGlyph
    if any(ord(char) not in glyphs for char in text):
        return False  # drawn in the fallback font
    return pdfmetrics.stringWidth(text, font, size) <= width - 0.01


@lru_cache(maxsize=64)
def cell_style(font: str, size: float, alignment: int) -> ParagraphStyle:
    """One style per font, size and alignment, shared by the cells of a table (hundreds of them)."""
    return ParagraphStyle(
        "cell", fontName=font, fontSize=size, leading=size * CELL_LEADING, wordWrap="CJK", alignment=alignment
    )


def ascent(font: str, size: float) -> float:
    return pdfmetrics.getFont(font).face.ascent / 1000 * size


def descent(font: str, size: float) -> float:
    return -pdfmetrics.getFont(font).face.descent / 1000 * size


class RedHeader(Flowable):
    """版头: 发文机关标志, 发文字号 and the red rule, at their places below the top of the text block."""

    def __init__(self, mark: str, number: str, styles: Styles):
        super().__init__()
        self.mark, self.number, self.fonts = mark, number, styles.fonts
        self.mark_size = min(MARK_MAX_SIZE, BLOCK_WIDTH / max(len(mark), 1) * 0.98)
        mark_bottom = MARK_TOP + ascent(self.fonts.title, self.mark_size) + descent(self.fonts.title, self.mark_size)
        # 发文字号 on the third line under the mark (two blank lines between), centred in its line.
        number_top = mark_bottom + 2 * LINE + (LINE - BODY_SIZE) / 2
        self.number_baseline = number_top + ascent(self.fonts.body, BODY_SIZE)
        self.rule_y = self.number_baseline + descent(self.fonts.body, BODY_SIZE) + RULE_GAP
        self.height = self.rule_y + 1

    def wrap(self, available_width, available_height):
        return BLOCK_WIDTH, self.height

    def draw(self):
        canvas, top = self.canv, self.height
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.setFont(self.fonts.title, self.mark_size)
        canvas.drawCentredString(BLOCK_WIDTH / 2, top - MARK_TOP - ascent(self.fonts.title, self.mark_size), self.mark)
        canvas.setFillColor(colors.black)
        canvas.setFont(self.fonts.body, BODY_SIZE)
        canvas.drawCentredString(BLOCK_WIDTH / 2, top - self.number_baseline, self.number)
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1)
        canvas.line(0, top - self.rule_y, BLOCK_WIDTH, top - self.rule_y)
        canvas.restoreState()


class Signature(Flowable):
    """发文机关署名 right, two characters from the edge; 成文日期 below it, starting two characters further right."""

    def __init__(self, signature: str, date: str, styles: Styles):
        super().__init__()
        self.signature, self.date, self.font = signature, date, styles.fonts.body_grid

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, 3 * LINE  # a blank line, the signature, the date

    def draw(self):
        width = pdfmetrics.stringWidth
        signature_width = width(self.signature, self.font, BODY_SIZE)
        date_width = width(self.date, self.font, BODY_SIZE)
        signature_left = self.width - 2 * PITCH - signature_width
        date_left = signature_left + 2 * PITCH
        if date_left + date_width > self.width - 2 * PITCH:  # a long date: keep it two characters from the edge
            date_left = self.width - 2 * PITCH - date_width
        canvas = self.canv
        canvas.setFont(self.font, BODY_SIZE)
        baseline = LINE - ascent(self.font, BODY_SIZE) - (LINE - BODY_SIZE) / 2
        canvas.drawString(signature_left, LINE + baseline, self.signature)
        canvas.drawString(date_left, baseline, self.date)


class Imprint(Flowable):
    """版记 at the foot of the last page: 抄送, then 印发机关 and 印发日期, between rules.

    It is as tall as it needs (so that it can be kept with the last text) and is drawn at the foot of the
    frame it lands in. Alone on a page, that page says so: "（此页无正文）" top left (GB/T 9704).
    """

    NO_TEXT = "（此页无正文）"

    def __init__(self, cc: str, printed_by: str, print_date: str, styles: Styles):
        super().__init__()
        self.styles = styles
        self.cc = Paragraph(styles.text(f"抄送：{cc}", styles.fonts.body), styles.footer) if cc else None
        self.printed_by, self.print_date = printed_by, f"{print_date}印发"
        self.drop, self.alone = 0.0, False

    def _rows(self, width):
        rows = []
        if self.cc is not None:
            _, height = self.cc.wrap(width, 10000)
            rows.append(("cc", max(height + LINE * 0.3, LINE)))
        rows.append(("printed", LINE))
        return rows

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = sum(h for _, h in self._rows(available_width))
        frame = getattr(self, "_frame", None)
        placing = available_height < 0x1000000  # not the size query of a KeepTogether
        # How far below its place it is drawn: down to the foot of the frame.
        self.drop = max(available_height - self.height, 0) if placing else 0.0
        self.alone = bool(placing and frame is not None and getattr(frame, "_atTop", False))
        return available_width, self.height

    def draw(self):
        canvas, body = self.canv, self.styles.fonts.body
        if self.alone:  # the page above the 版记 holds no text
            canvas.setFont(self.styles.fonts.body_grid, BODY_SIZE)
            top = self.height  # the box sits at the top of the frame; the 版记 itself is drawn ``drop`` lower
            canvas.drawString(0, top - LINE + (LINE - BODY_SIZE) / 2 + descent(body, BODY_SIZE), self.NO_TEXT)
        canvas.saveState()
        canvas.translate(0, -self.drop)
        y = 0.0
        rows = self._rows(self.width)
        canvas.setLineWidth(0.35 * mm)
        canvas.line(0, y, self.width, y)
        for position, (kind, height) in enumerate(reversed(rows)):
            if kind == "printed":
                baseline = y + (height - FOOTER_SIZE) / 2 + descent(body, FOOTER_SIZE)
                canvas.setFont(body, FOOTER_SIZE)
                canvas.drawString(FOOTER_SIZE, baseline, self.printed_by)
                canvas.drawRightString(self.width - FOOTER_SIZE, baseline, self.print_date)
            else:
                _, paragraph_height = self.cc.wrap(self.width, 10000)
                self.cc.drawOn(canvas, 0, y + (height - paragraph_height) / 2)
            y += height
            last = position == len(rows) - 1
            canvas.setLineWidth(0.35 * mm if last else 0.25 * mm)
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


class TableTail(Flowable):
    """The last rows of a table, kept together (and with what must follow them on the same page).

    It continues the table seamlessly when it follows it on the page; at the top of a page it
    repeats the header row, as the table itself does when it breaks.
    """

    def __init__(self, with_header: PdfTable, without_header: PdfTable | None):
        super().__init__()
        self.with_header, self.without_header = with_header, without_header
        self.table = with_header
        self.hAlign = with_header.hAlign  # placed as the table above it is (centred)

    def wrap(self, available_width, available_height):
        frame = getattr(self, "_frame", None)
        placing = available_height < 0x1000000
        continues = (
            placing and self.without_header is not None and frame is not None and not getattr(frame, "_atTop", True)
        )
        self.table = self.without_header if continues else self.with_header
        return self.table.wrapOn(self.canv, available_width, available_height)

    def draw(self):
        self.table.drawOn(self.canv, 0, 0)


class Progressing(BaseDocTemplate):
    """Reports how much of the story is laid out, for the job's progress bar."""

    def __init__(self, *args, report: Callable[[int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.placed = 0

    def afterFlowable(self, flowable):
        self.placed += 1
        self.report(self.placed)


def page_number(canvas, font: str, width: float, bottom: float):
    """ "— N —" 7 mm below the text block: right on odd pages, left on even ones, one character in."""
    text = f"— {canvas.getPageNumber()} —"
    baseline = bottom - PAGE_NUMBER_GAP - ascent(font, FOOTER_SIZE)
    canvas.saveState()
    canvas.setFont(font, FOOTER_SIZE)
    if canvas.getPageNumber() % 2:
        canvas.drawRightString(width - FOOTER_SIZE, baseline, text)
    else:
        canvas.drawString(FOOTER_SIZE, baseline, text)
    canvas.restoreState()


def page_templates(fonts: FontSet) -> list[PageTemplate]:
    width, height = A4
    bottom = height - TOP_MARGIN - BLOCK_HEIGHT
    # A hair taller than the block so that 22 lines of LINE fit despite rounding.
    portrait = Frame(LEFT_MARGIN, bottom - 0.5, BLOCK_WIDTH, BLOCK_HEIGHT + 0.5, 0, 0, 0, 0, id="block")
    wide_width, wide_height = landscape(A4)
    # Turned a quarter: the 订口 side becomes the top, the block keeps its 156 × 225 mm.
    wide_left, wide_bottom = (wide_width - BLOCK_HEIGHT) / 2, wide_height - LEFT_MARGIN - BLOCK_WIDTH
    wide = Frame(wide_left, wide_bottom, BLOCK_HEIGHT, BLOCK_WIDTH, 0, 0, 0, 0, id="wide-block")

    return [
        PageTemplate(
            "纵向", [portrait], pagesize=A4, onPage=lambda c, d: _number(c, fonts, LEFT_MARGIN, BLOCK_WIDTH, bottom)
        ),
        PageTemplate(
            "横向",
            [wide],
            pagesize=landscape(A4),
            onPage=lambda c, d: _number(c, fonts, wide_left, BLOCK_HEIGHT, wide_bottom),
        ),
    ]


def _number(canvas, fonts: FontSet, left: float, width: float, bottom: float):
    canvas.saveState()
    canvas.translate(left, 0)
    page_number(canvas, fonts.body, width, bottom)
    canvas.restoreState()


TAIL_ROWS = 2  # a table never ends with a single row alone on a page


def column_alignments(columns) -> list[tuple]:
    """ALIGN commands for the columns, one per run of columns aligned alike (fewer commands, faster tables)."""
    commands, first = [], 0
    for index, column in enumerate(columns):
        if index + 1 == len(columns) or columns[index + 1].align != column.align:
            commands.append(("ALIGN", (first, 0), (index, -1), CELL_ALIGN[column.align]))
            first = index + 1
    return commands


def table_flowables(table: Table, styles: Styles, available_width: float) -> list[Flowable]:
    """The table, its header row repeated on every page, and its last rows kept together.

    Rows break between pages, never inside. The last rows (:data:`TAIL_ROWS`, a group title
    counting as one) are a flowable of their own, kept together, so that the table's end never
    leaves a lone row on a page; the 版记 can then join them (:func:`keep_with_last`). The rows
    before them are laid out a page at a time (:class:`~.long_table.LongRows`).
    """
    widths = [c.width_mm * mm for c in table.columns]
    scale = min(1.0, available_width / sum(widths))
    widths = [w * scale for w in widths]
    inner = [w - 2 * CELL_PADDING for w in widths]
    size = table.font_size
    header = [styles.cell(c.header, size, "中", width, header=True) for c, width in zip(table.columns, inner)]
    rows = []
    for row in table.rows:
        if isinstance(row, str):  # a group title across the whole row
            title = styles.cell(row, size, "左", sum(widths) - 2 * CELL_PADDING, header=True)
            rows.append([title] + [""] * (len(table.columns) - 1))
        else:
            rows.append([styles.cell(text, size, c.align, width) for text, c, width in zip(row, table.columns, inner)])
    spans = {index for index, row in enumerate(table.rows) if isinstance(row, str)}
    split = max(len(rows) - TAIL_ROWS, 0)
    # Cells given as text (Styles.cell) are drawn by the table in these fonts and alignments.
    body_style = [
        ("FONTNAME", (0, 0), (-1, -1), styles.fonts.body),  # the empty cells of a spanned row too
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * CELL_LEADING),
        *column_alignments(table.columns),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]

    def headed(row: int) -> list:  # the header row and group titles: 黑体, centred
        return [("FONTNAME", (0, row), (-1, row), styles.fonts.heading), ("ALIGN", (0, row), (-1, row), "CENTER")]

    def pdf_table(part: range, with_header: bool) -> PdfTable:
        data = ([header] if with_header else []) + [rows[i] for i in part]
        offset = 1 if with_header else 0
        style = body_style + (headed(0) if with_header else [])
        for position, index in enumerate(part):
            if index in spans:
                row = position + offset
                # The spanned cells keep the table's default leading: they count in the row's height.
                style += [("SPAN", (0, row), (-1, row)), *headed(row), ("LEADING", (1, row), (-1, row), FILLER_LEADING)]
        return PdfTable(data, colWidths=widths, repeatRows=1 if with_header else 0, style=TableStyle(style))

    tail_rows = range(split, len(rows))
    tail = TableTail(pdf_table(tail_rows, True), pdf_table(tail_rows, False) if split else None)
    head = [LongRows.of(pdf_table, split, sum(widths))] if split else []
    return head + [KeepTogether([tail])]


def keep_with_last(story: list[Flowable], flowable: Flowable) -> list[Flowable]:
    """``flowable`` (the 版记) on the page of the story's last text: they move to a new page together.

    The last text is the last paragraph or the end of the last table, with what follows it
    (the signature and 成文日期, spacing), so that neither stands alone on a page.
    """
    kept: list[Flowable] = []
    while story and isinstance(story[-1], (Spacer, Signature)):
        kept.insert(0, story.pop())
    if not story or isinstance(story[-1], (PageBreak, NextPageTemplate)):
        return story + kept + [flowable]
    last = story.pop()
    kept = (list(last._content) if isinstance(last, KeepTogether) else [last]) + kept
    return story + [KeepTogether(kept + [flowable])]


def block_flowables(block: Block, styles: Styles, first_on_page: bool) -> list[Flowable]:
    width = BLOCK_HEIGHT if block.orientation == "横向" else BLOCK_WIDTH
    story: list[Flowable] = []
    if block.label:
        story.append(Paragraph(styles.text(block.label, styles.fonts.heading), styles.label))
        story.append(Spacer(0, LINE))
    if block.title:
        if not first_on_page and not block.label:
            story.append(Spacer(0, LINE))
        story.append(Paragraph(styles.text(block.title, styles.fonts.title), styles.title))
        story.append(Spacer(0, LINE if block.placement != "接排" else LINE * 0.5))
    if block.table is not None:
        # Text above a table is its caption (单位：万元): flush left, not a paragraph.
        story += [Paragraph(styles.text(p), styles.flush) for p in block.paragraphs]
        story += table_flowables(block.table, styles, width)
    else:
        story += [styles.paragraph(p) for p in block.paragraphs]
    if block.paragraphs_after:
        story.append(Spacer(0, LINE * 0.3))
        story += [styles.paragraph(p) for p in block.paragraphs_after]
    return story


def attachment_note(attachments: list[Block], styles: Styles) -> list[Flowable]:
    """附件说明: "附件：1.XXX", further names aligned under the first, one blank line above."""
    if not attachments:
        return []
    story: list[Flowable] = [Spacer(0, LINE)]
    lead = "附件："
    lead_width = pdfmetrics.stringWidth(lead, styles.fonts.body_grid, BODY_SIZE)
    for number, block in enumerate(attachments, 1):
        prefix = f"{number}." if len(attachments) > 1 else ""  # a single attachment is not numbered
        prefix_width = pdfmetrics.stringWidth(prefix, styles.fonts.body_grid, BODY_SIZE)
        indent = 2 * PITCH + lead_width + prefix_width
        style = ParagraphStyle(
            f"note{number}",
            parent=styles.body,
            leftIndent=indent,
            firstLineIndent=-(prefix_width + (lead_width if number == 1 else 0)),
        )
        text = (lead if number == 1 else "") + prefix + (block.title or block.label)
        story.append(Paragraph(styles.text(text), style))
    return story


def first_orientation(composed: Composed) -> str:
    """A form (no red header) whose first block is a landscape 接排 one starts on a landscape page, title and all."""
    first = composed.blocks[0] if composed.blocks else None
    if not composed.official and first is not None and first.placement == "接排" and first.orientation == "横向":
        return "横向"
    return "纵向"


def story_of(composed: Composed, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    if composed.official:
        story.append(RedHeader(composed.issuer_mark, composed.number, styles))
        story.append(Spacer(0, 2 * LINE))
    if composed.title:
        story.append(Paragraph(styles.text(composed.title, styles.fonts.title), styles.title))
        story.append(Spacer(0, LINE))
    if composed.addressees:
        story.append(
            Paragraph(
                styles.text(composed.addressees + ("" if composed.addressees.endswith("：") else "：")), styles.flush
            )
        )
    main = [b for b in composed.blocks if b.placement != "附件"]
    # The signature closes the first part; when the main text continues on new pages
    # (the plan a notice issues), the 附件说明 goes after that text instead.
    first_part = list(takewhile(lambda b: b.placement == "接排", main))
    later_part = main[len(first_part) :]
    orientation = first_orientation(composed)
    for block in first_part:
        story += block_flowables(block, styles, first_on_page=False)
    signature = [Signature(composed.signature, composed.date, styles)] if composed.signature or composed.date else []
    if not later_part:
        story += attachment_note(composed.attachments, styles)
    story += signature
    for position, block in enumerate(later_part + composed.attachments):
        new_page = block.placement != "接排" or (position == 0 and not first_part and not composed.title)
        if block.placement != "接排":
            if block.orientation != orientation:
                story.append(NextPageTemplate(block.orientation))
                orientation = block.orientation
            story.append(PageBreak())
        story += block_flowables(block, styles, first_on_page=new_page)
        if later_part and block is later_part[-1]:
            story += attachment_note(composed.attachments, styles)
    if composed.official and (composed.cc or composed.printed_by):
        # On the last page, with the last text (a landscape attachment's last page too): GB/T 9704
        # leaves the 版记 a page of its own only when no text fits, and marks that page.
        story = keep_with_last(story, Imprint(composed.cc, composed.printed_by, composed.print_date, styles))
    return story


def render_pdf(composed: Composed, progress: Progress | None = None) -> tuple[bytes, int]:
    """The PDF of a composed document and its page count."""
    styles = Styles(font_set(PrintFont.objects.exclude(font_file="")))
    story = story_of(composed, styles)
    total = len(story)
    progress = progress or (lambda fraction, note: None)
    buffer = io.BytesIO()
    document = Progressing(
        buffer,
        pagesize=A4,
        title=composed.title.replace("\n", ""),
        author=composed.signature,
        subject=composed.number,
        creator=f"{site.site_name()}管理系统",
        lang="zh-CN",
        initialFontName=styles.fonts.body,  # no stray Helvetica: every font in the file is embedded
        report=lambda placed: progress(placed / max(total, 1), f"正在排版（{placed}/{total}）"),
    )
    templates = page_templates(styles.fonts)
    if first_orientation(composed) == "横向":  # the first template is the first page's
        templates.reverse()
    document.addPageTemplates(templates)
    document.build(story)
    return buffer.getvalue(), document.page
