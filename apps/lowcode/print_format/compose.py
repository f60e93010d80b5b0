"""From a print format and a document to the text of the printed document (no layout yet).

Every template of the format is filled with the document (``doc``) and what
the apps' ``print_context`` hooks add for its doctype (hooks.py)::

    print_context = {"Action Plan": "apps.innovation_action.doctype.action_plan.print.context"}

A hook returns a dataclass (its annotations tell the save-time check, sandbox.py,
which names and fields templates may use). Templates get plain data only
(safe.py): records as their fields, links as names, lists as tuples.

The result, :class:`Composed`, is plain data: the layout (pdf.py) only
places it, and tests can read it without a PDF.
"""

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.template import Context, Variable, VariableDoesNotExist
from django.utils import timezone

from apps.lowcode.print_format import numbering
from apps.lowcode.print_format.columns import Column, ComposeError, parse_columns
from apps.lowcode.print_format.model import PrintFormat, PrintFormatBlock
from apps.lowcode.print_format.safe import (
    Record,
    dataclass_values,
    document_record,
    plain,
    value_of,
)
from apps.lowcode.print_format.sandbox import context_hooks
from apps.lowcode.print_format.template import cn_date, render, render_each

Progress = Callable[[float, str], None]


@dataclass
class Table:
    columns: list[Column]
    # A row is a list of cell texts; a group title row is a single str spanning all columns.
    rows: list[list[str] | str]
    font_size: float = 12


@dataclass
class Block:
    placement: str
    orientation: str
    title: str
    paragraphs: list[str]
    table: Table | None = None
    paragraphs_after: list[str] = field(default_factory=list)
    label: str = ""  # 附件1, 附件2… for attachments


@dataclass
class Composed:
    official: bool
    issuer_mark: str
    number: str
    title: str
    addressees: str
    blocks: list[Block]
    signature: str
    date: str
    cc: str
    printed_by: str
    print_date: str

    @property
    def attachments(self) -> list[Block]:
        return [b for b in self.blocks if b.placement == PrintFormatBlock.Placement.ATTACHMENT]

    def text(self) -> str:
        """Everything printed, in reading order (what pdftotext should find)."""
        parts = [self.issuer_mark, self.number, self.title, self.addressees]
        for block in self.blocks:
            parts += [block.label, block.title, *block.paragraphs]
            if block.table:
                parts += [c.header for c in block.table.columns]
                for row in block.table.rows:
                    parts += [row] if isinstance(row, str) else row
            parts += block.paragraphs_after
        parts += [self.signature, self.date, self.cc, self.printed_by]
        return "\n".join(p for p in parts if p)


def document_context(doc, **extra) -> dict:
    """What templates see: the document and the app's additions, as plain data (safe.py), nothing else."""
    context = {"doc": document_record(doc), "today": timezone.localdate()}
    for hook in context_hooks().get(type(doc).doctype, ()):
        added = hook(doc)
        context.update(
            dataclass_values(added) if dataclasses.is_dataclass(added) else {str(k): plain(v) for k, v in added.items()}
        )
    context.update({key: plain(value) for key, value in extra.items()})
    return context


def paragraphs(text: str) -> list[str]:
    """One paragraph per line; blank lines and the template's own indentation dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def resolve_rows(path: str, context: dict) -> list:
    try:
        rows = Variable(path).resolve(Context(context))
    except VariableDoesNotExist:
        raise ComposeError(f"表格数据“{path}”不存在") from None
    if not isinstance(rows, tuple):
        raise ComposeError(f"表格数据“{path}”不是一组记录")
    return list(rows)


def group_record(key, rows: list, index: int) -> Record:
    """A group of table rows for its title template: ``group.key``, ``group.rows``, ``group.index``."""
    return Record({"key": key, "rows": tuple(rows), "index": index}, text="" if key is None else str(key))


def compose_table(block: PrintFormatBlock, context: dict, progress: Callable[[int, int], None]) -> Table:
    columns = parse_columns(block.table_columns)
    if not columns:
        raise ComposeError(f"内容块“{block.title or block.idx}”有表格数据但没有表格列")
    # A column whose header renders to nothing is left out, as an empty block is: a format can list more
    # columns than a document has ({{ columns.3.heading }} for a scheme of three groups prints three).
    headers = [Column(render(c.header, context).strip(), c.template, c.width_mm, c.align) for c in columns]
    kept = [(c, h) for c, h in zip(columns, headers) if h.header]
    if not kept:
        raise ComposeError(f"内容块“{block.title or block.idx}”的表格列表头都为空")
    columns, headers = [c for c, _ in kept], [h for _, h in kept]
    records = resolve_rows(block.table_rows, context)
    if block.table_group_by:
        groups = [
            group_record(key, list(items), index)
            for index, (key, items) in enumerate(
                itertools.groupby(records, key=lambda r: value_of(r, block.table_group_by)), 1
            )
        ]
    else:
        groups = [group_record(None, records, 1)]
    rows: list[list[str] | str] = []
    templates = [c.template for c in columns]
    done = 0
    for group in groups:
        if block.table_group_by:
            rows.append(render(block.table_group_title, {**context, "group": group}).strip() or str(group))
        for number, record in enumerate(group["rows"], 1):
            row_context = {**context, "row": record, "row_number": number, "group": group}
            rows.append([cell.strip() for cell in render_each(templates, row_context)])
            done += 1
            progress(done, len(records))
    return Table(headers, rows, float(block.table_font_size or 12))


def compose(
    print_format: PrintFormat, doc, number: str = "", issue_date: date | None = None, progress: Progress | None = None
) -> Composed:
    """Fill the format's templates for ``doc``; ``number`` is the 发文字号 (a blank draft number if empty).

    ``issue_date`` is the notice's 成文日期; a preview has none and shows the document's own date
    (``date_field``), else today's. The draft number's year is the document's, as the issued one's.
    """
    from apps.lowcode.print_format.validation import reach_problems

    problems = reach_problems(print_format)
    if problems:  # saved before the rule, or written around the admin: not printed
        raise ComposeError("模板读取了打印范围之外的内容：" + "；".join(problems))
    progress = progress or (lambda fraction, note: None)
    letter_head = print_format.letter_head
    official = print_format.is_official and letter_head is not None
    if official and not number:
        number = numbering.draft_number(
            letter_head.number_pattern, numbering.document_year(print_format, doc, issue_date)
        )
    issue_date = issue_date or numbering.document_date(print_format, doc) or timezone.localdate()
    context = document_context(doc, notice={"number": number, "issue_date": issue_date})
    blocks_to_fill = list(print_format.blocks.order_by("idx", "pk"))
    blocks, attachment_count = [], 0
    for position, block in enumerate(blocks_to_fill):
        share = 1 / max(len(blocks_to_fill), 1)

        def table_progress(done, count, position=position, block=block, share=share):
            progress(
                (position + done / max(count, 1)) * share, f"正在整理“{block.title or '正文'}”第 {done}/{count} 行"
            )

        filled = Block(
            placement=block.placement,
            orientation=block.orientation,
            title=render(block.title, context).strip(),
            paragraphs=paragraphs(render(block.text, context)),
            table=compose_table(block, context, table_progress) if block.table_rows else None,
            paragraphs_after=paragraphs(render(block.text_after, context)),
        )
        # A block that renders to nothing (its templates say {% if … %} and the table has no rows) is left
        # out, so a format can hold optional parts: an attachment only some documents have.
        if filled.title or filled.paragraphs or filled.paragraphs_after or (filled.table and filled.table.rows):
            if block.placement == PrintFormatBlock.Placement.ATTACHMENT:
                attachment_count += 1
                filled.label = f"附件{attachment_count}"
            blocks.append(filled)
        progress((position + 1) * share, f"已整理 {position + 1}/{len(blocks_to_fill)} 个内容块")
    date_text = cn_date(issue_date) if official else ""  # a form (表单) is not dated
    return Composed(
        official=official,
        issuer_mark=(letter_head.issuer_mark + letter_head.mark_suffix) if official else "",
        number=number if official else "",
        title=render(print_format.title, context).strip(),
        addressees=render(print_format.addressees, context).strip(),
        blocks=blocks,
        signature=render(print_format.signature or (letter_head.signature if letter_head else ""), context).strip(),
        date=date_text,
        cc=render(print_format.cc, context).strip(),
        printed_by=render(print_format.printed_by or (letter_head.printed_by if letter_head else ""), context).strip(),
        print_date=cn_date(issue_date),
    )
