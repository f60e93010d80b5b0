"""What an uploaded workbook may hold, checked before openpyxl parses any of it.

openpyxl builds the whole shared-string table in memory when it opens a
workbook, even in read-only mode: 200 KB of zipped ``<si><t>a</t></si>``
entries inflate to 5 million Python strings (45 s of CPU and ~500 MB per
request). So an upload is inspected first, cheaply and without building
anything:

1. the zip's directory: how many parts, each part's declared size, the total,
   and each part's compression ratio (a zip bomb inflates hundreds of times,
   a real sheet 5-20 times);
2. every XML part, streamed through expat with defusedxml's rules (no DTD, no
   entity declarations, no external references) while counting: shared
   strings, rows, cells, the row and column a sheet declares or uses, the
   length of any single cell text, and elements overall.

The first bound exceeded refuses the upload with a Chinese message
(ValidationError, 417 in the API) — before openpyxl sees it. Reading a part
stops at its declared size (zipfile enforces it and checks the CRC), so a
lying directory cannot make either this scan or openpyxl inflate more.

The limits hold a generous real import (5000 data rows of a few dozen
columns, as the importers allow) many times over.
"""

import io
import re
import zipfile
from pyexpat import ParserCreate

from apps.lowcode.exceptions import ValidationError

# The zip directory.
MAX_PARTS = 1000
MAX_PART_SIZE = 50 * 1024 * 1024  # uncompressed, one part
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024  # uncompressed, all parts
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small parts (an empty sheet, styles) may compress far better: their size bounds them
# The XML inside, for the whole workbook.
MAX_SHARED_STRINGS = 200_000
MAX_CELLS = 300_000
MAX_ROWS = 100_000  # per sheet: rows present, and the highest row number used or declared
MAX_COLUMNS = 1024  # the highest column used or declared (Excel allows 16384)
MAX_CELL_TEXT = 32_767  # characters in one cell, a shared string or a formula: Excel's own limit
MAX_ELEMENTS = 2_000_000

READ_CHUNK = 64 * 1024
CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
SHEET_ROOTS = {"worksheet", "dialogsheet", "macrosheet"}
# Read first, for the sheets' titles: messages name the sheet a person sees, not its part.
WORKBOOK_RELS, WORKBOOK = "xl/_rels/workbook.xml.rels", "xl/workbook.xml"
BROKEN = "无法读取该文件：它不是有效的 .xlsx 工作簿，或已损坏；请用 Excel 打开后重新保存再导入"


class Refused(Exception):
    """Raised inside the expat handlers to stop the scan; turned into a ValidationError."""


def check_upload(data: bytes) -> None:
    """Refuse (ValidationError, in Chinese) a workbook that exceeds any bound; return when it may be parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ValidationError("文件内容不是 .xlsx 格式的 Excel 工作簿（压缩包已损坏）") from None
    with archive:
        members = archive.infolist()
        check_directory(members)
        Scan(archive).run(members)


def check_directory(members: list[zipfile.ZipInfo]) -> None:
    """The zip's own directory, before anything is inflated."""
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ValidationError("文件内容不是 .xlsx 格式的 Excel 工作簿（可能是其他 Office 文件或压缩包改了扩展名）")
    if len(members) > MAX_PARTS:
        raise ValidationError(f"文件内含 {len(members)} 个部件，超过 {MAX_PARTS} 个，不像正常的数据表，已拒绝导入")
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_SIZE:
        raise ValidationError(
            f"文件解压后内容过大（超过 {MAX_UNCOMPRESSED_SIZE // 1048576} MB），不像正常的数据表，已拒绝导入"
        )
    for member in members:
        if member.file_size > MAX_PART_SIZE:
            raise ValidationError(
                f"文件中的“{member.filename}”解压后超过 {MAX_PART_SIZE // 1048576} MB，不像正常的数据表，已拒绝导入"
            )
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise ValidationError(
                f"文件中的“{member.filename}”压缩比异常（解压后是压缩时的 {ratio} 倍），"
                "像是“压缩炸弹”，已拒绝导入；请用 Excel 打开后重新保存再导入"
            )


class Scan:
    """Streams XML parts through expat, counting what openpyxl would build; raises at the first bound exceeded."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.elements = self.strings = self.cells = 0
        self.text = 0  # characters of the element being read
        self.part = ""
        self.root = ""
        self.rows = 0  # rows of the sheet being read
        self.targets: dict[str, str] = {}  # relationship id -> part path (xl/_rels/workbook.xml.rels)
        self.titles: dict[str, str] = {}  # part path -> sheet title (xl/workbook.xml)

    # ------------------------------------------------------------ parts

    def run(self, members: list[zipfile.ZipInfo]) -> None:
        order = {WORKBOOK_RELS: 0, WORKBOOK: 1}
        for member in sorted(members, key=lambda m: order.get(m.filename, 2)):
            if member.is_dir():
                continue
            try:
                self.scan(member)
            except Refused as exc:
                raise ValidationError(str(exc)) from None
            except ValidationError:
                raise
            except Exception:  # noqa: BLE001 - bad XML, a wrong CRC, an unsupported or encrypted entry
                raise ValidationError(BROKEN) from None

    def scan(self, member: zipfile.ZipInfo) -> None:
        self.part, self.root, self.rows, self.text = member.filename, "", 0, 0
        with self.archive.open(member) as stream:
            chunk = stream.read(READ_CHUNK)
            if not looks_like_xml(chunk):
                return  # an image or other binary part: openpyxl does not parse it as XML; its size is bounded
            parser = self.parser()
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(READ_CHUNK)
            parser.Parse(b"", True)

    def parser(self):
        parser = ParserCreate(namespace_separator=" ")
        # defusedxml's rules, at their strictest: a workbook never needs a DTD.
        parser.StartDoctypeDeclHandler = self.forbidden
        parser.EntityDeclHandler = self.forbidden
        parser.UnparsedEntityDeclHandler = self.forbidden
        parser.ExternalEntityRefHandler = self.forbidden
        parser.SetParamEntityParsing(0)  # XML_PARAM_ENTITY_PARSING_NEVER
        parser.StartElementHandler = self.start
        parser.CharacterDataHandler = self.characters
        parser.buffer_text = True
        return parser

    def forbidden(self, *args):
        raise Refused(
            "无法读取该文件：其中含有 Excel 不会写入的 XML 声明（DTD 或实体），已拒绝导入；"
            "请用 Excel 打开后重新保存再导入"
        )

    # ------------------------------------------------------------ elements

    def start(self, name: str, attrs: dict) -> None:
        self.text = 0
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise Refused(f"文件内容过多（超过 {MAX_ELEMENTS} 个 XML 元素），不像正常的数据表，已拒绝导入")
        local = name.rpartition(" ")[2]
        if not self.root:
            self.root = local
        if self.root in SHEET_ROOTS:
            self.sheet_element(local, attrs)
        elif local == "si" and self.root == "sst":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise Refused(
                    f"文件中的不同文本超过 {MAX_SHARED_STRINGS} 条，不像正常的数据表，已拒绝导入；"
                    "请只保留需要导入的数据"
                )
        elif self.part == WORKBOOK_RELS and local == "Relationship" and attrs.get("Id") and attrs.get("Target"):
            target = attrs["Target"]
            self.targets[attrs["Id"]] = target[1:] if target.startswith("/") else f"xl/{target}"
        elif self.part == WORKBOOK and local == "sheet" and attrs.get("name"):
            rel = next((v for k, v in attrs.items() if k.rpartition(" ")[2] == "id"), None)
            if rel in self.targets:
                self.titles[self.targets[rel]] = attrs["name"]

    def sheet_element(self, local: str, attrs: dict) -> None:
        if local == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise Refused(f"文件中的单元格超过 {MAX_CELLS} 个，请只保留需要导入的数据，或分成几个文件导入")
            reference = attrs.get("r", "")
            if len(reference) > 6 or reference[2:3].isalpha():  # AD5000 and shorter are within bounds
                self.check_reference(reference)
        elif local == "row":
            self.rows += 1
            number = attrs.get("r", "")
            if self.rows > MAX_ROWS or (number.isdigit() and int(number) > MAX_ROWS):
                raise Refused(self.too_many_rows())
        elif local == "dimension" and "ref" in attrs:
            self.check_reference(attrs["ref"].rpartition(":")[2], declared=True)

    def check_reference(self, reference: str, declared: bool = False) -> None:
        """A cell reference (B7, XFD1048576) within MAX_ROWS and MAX_COLUMNS."""
        match = CELL_REFERENCE.match(reference)
        if match is None:
            return  # openpyxl decides what to make of it; the counts still bound it
        column = 0
        for letter in match[1].upper():
            column = column * 26 + ord(letter) - 64
        row = int(match[2])
        what = f"声明的范围到 {reference.upper()}" if declared else f"用到了单元格 {reference.upper()}"
        if row > MAX_ROWS:
            raise Refused(f"{self.too_many_rows()}（{what}）")
        if column > MAX_COLUMNS:
            raise Refused(f"{self.sheet_name()}列数过多（超过 {MAX_COLUMNS} 列，{what}），请只保留需要导入的数据")

    def characters(self, data: str) -> None:
        """Cell text, shared strings and formulas become Python strings: one is at most Excel's limit.
        Other parts (properties, custom XML) are bounded by their size."""
        self.text += len(data)
        if self.text > MAX_CELL_TEXT and (self.root in SHEET_ROOTS or self.root == "sst"):
            where = self.sheet_name() if self.root in SHEET_ROOTS else "文件中"
            raise Refused(
                f"{where}有一个单元格的文字超过 {MAX_CELL_TEXT} 个字符（Excel 的上限），不像正常的数据表，已拒绝导入"
            )

    # ------------------------------------------------------------ messages

    def sheet_name(self) -> str:
        title = self.titles.get(self.part)
        return f"工作表“{title}”" if title else f"工作表（{self.part}）"

    def too_many_rows(self) -> str:
        return f"{self.sheet_name()}行数过多（超过 {MAX_ROWS} 行），请只保留需要导入的数据"


def looks_like_xml(chunk: bytes) -> bool:
    """Whether a part may be XML, the parts openpyxl parses: all but those whose first character is not ``<``.

    A chunk of blanks only counts as XML (blanks may precede the root), so
    padding cannot hide a part from the scan.
    """
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark
    first = chunk.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    return first in (b"", b"<")
