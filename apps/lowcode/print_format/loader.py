"""Shipped print formats (print_formats/*.yaml) into the database.

A format is created when missing and brought up to date when nobody changed
it since it was last loaded; a format an administrator edited is left as it
is (its digest no longer matches what was shipped), as Frappe keeps custom
print formats apart from standard ones. The shipped letterheads are created
when missing and then belong to the site's administrators (they make them
their jurisdiction's); a plan's fixtures may set them (``load_letter_heads``).
"""

import hashlib
import json
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.lowcode.print_format.model import LetterHead, PrintFormat, PrintFormatBlock

FORMAT_FIELDS = (
    "doc_type",
    "layout",
    "title",
    "addressees",
    "signature",
    "date_field",
    "number_field",
    "cc",
    "printed_by",
)
BLOCK_FIELDS = (
    "placement",
    "orientation",
    "title",
    "text",
    "table_rows",
    "table_group_by",
    "table_group_title",
    "table_columns",
    "table_font_size",
    "text_after",
)
LETTER_HEAD_FIELDS = ("issuer_mark", "mark_suffix", "number_pattern", "signature", "printed_by")


class PrintFormatDataError(Exception):
    pass


def digest(print_format: PrintFormat) -> str:
    """What the format says, as a hash: equal digests mean nobody edited it."""
    data = {f: str(getattr(print_format, f)) for f in FORMAT_FIELDS}
    data["letter_head"] = print_format.letter_head_id and print_format.letter_head.name
    data["blocks"] = [{f: str(getattr(b, f)) for f in BLOCK_FIELDS} for b in print_format.blocks.order_by("idx")]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PrintFormatDataError(f"{path.name}：YAML 格式错误：{exc}") from None
    if not isinstance(data, dict):
        raise PrintFormatDataError(f"{path.name}：应为一个打印格式或 letter_heads 列表")
    return data


@transaction.atomic
def load_print_formats(folder) -> list[PrintFormat]:
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml"))
    documents = [(path, _read(path)) for path in files]
    for _path, data in documents:
        load_letter_heads(data.get("letter_heads", ()), keep_existing=True)
    loaded = []
    for path, data in documents:
        if "letter_heads" not in data:
            loaded.append(load_format(path.name, data))
    return loaded


def load_letter_heads(rows, keep_existing: bool = False) -> None:
    """Letterheads by name: created, or (unless ``keep_existing``) updated to the rows' values."""
    for row in rows:
        values = {f: row.get(f, "") for f in LETTER_HEAD_FIELDS}
        if keep_existing:
            LetterHead.objects.get_or_create(name=row["name"], defaults=values)
        else:
            LetterHead.objects.update_or_create(name=row["name"], defaults=values)


def load_format(source: str, data: dict) -> PrintFormat:
    name = data.get("name")
    if not name:
        raise PrintFormatDataError(f"{source}：缺少 name")
    current = PrintFormat.objects.filter(name=name).first()
    if current is not None and current.standard_digest and digest(current) != current.standard_digest:
        return current  # edited by an administrator: theirs now
    print_format = current or PrintFormat(name=name)
    for field in FORMAT_FIELDS:
        if field in data:
            setattr(print_format, field, data[field])
    letter_head = data.get("letter_head")
    print_format.letter_head = LetterHead.objects.get(name=letter_head) if letter_head else None
    print_format.save()
    print_format.blocks.all().delete()
    for idx, row in enumerate(data.get("blocks", ()), 1):
        unknown = set(row) - set(BLOCK_FIELDS)
        if unknown:
            raise PrintFormatDataError(f"{source}：第{idx}个内容块有未知字段 {'、'.join(sorted(unknown))}")
        block = PrintFormatBlock(print_format=print_format, idx=idx, **row)
        _check(block, f"{source} 第{idx}个内容块")
        block.save()
    _check(print_format, source)
    PrintFormat.objects.filter(pk=print_format.pk).update(standard_digest=digest(print_format))
    return print_format


def _check(obj, where: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise PrintFormatDataError(f"{where}：{'；'.join(exc.messages)}") from None
