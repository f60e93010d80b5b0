"""A table's columns as an administrator writes them: ``表头 | 模板 | 宽度 | 对齐`` per line.

Read by the renderer (compose.py) and by the checks on save (validation.py) alike.
"""

import re
from dataclasses import dataclass

ALIGNMENTS = {"": "左", "左": "左", "中": "中", "居中": "中", "右": "右"}


class ComposeError(Exception):
    """A format that cannot print this document; the message says where, in Chinese."""


@dataclass
class Column:
    header: str
    template: str
    width_mm: float
    align: str = "左"


def parse_columns(spec: str) -> list[Column]:
    """``表头 | 模板 | 宽度 | 对齐`` per line; errors name the line, in Chinese."""
    columns = []
    for number, line in enumerate(spec.splitlines(), 1):
        if not line.strip():
            continue
        # A template may itself contain "|" (a filter): header first, width and alignment last.
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            raise ComposeError(f"表格列第{number}行应为“表头 | 内容模板 | 宽度（毫米） | 对齐”，现为：{line.strip()}")
        align = ""
        if parts[-1] in ALIGNMENTS and len(parts) >= 4 and _is_number(parts[-2]):
            align = parts.pop()
        width = parts.pop()
        if not _is_number(width) or not 3 <= float(width) <= 400:
            raise ComposeError(f"表格列第{number}行的宽度应为 3～400 之间的毫米数，现为“{width}”")
        header, template = parts[0], "|".join(parts[1:]).strip()
        columns.append(Column(header, template, float(width), ALIGNMENTS[align]))
    return columns


def _is_number(text: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)?", text or "") is not None
