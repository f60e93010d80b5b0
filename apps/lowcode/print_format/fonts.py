"""The fonts of official documents, embedded as TrueType.

Each role (仿宋 body, 小标宋 title, 黑体 and 楷体 headings) uses the font an
administrator uploaded for it (Print Font) or else a free Debian font:
AR PL UMing (Song), WenQuanYi Zen Hei (sans, heavy), AR PL UKai (Kai).
reportlab embeds TrueType outlines only: CFF-based OpenType (.otf, Noto/Source
Han) is refused at upload with a clear message.

Body text sits on a character grid like Word's 文档网格: GB/T 9704 wants
28 characters of 3号 (16 pt) per 156 mm line, 0.21 pt less than the glyphs'
own width, so the grid variant of a font advances full-width characters by
156 mm ÷ 28. The glyphs are unchanged; only their spacing is.
"""

import copy
import hashlib
import io
from dataclasses import dataclass
from weakref import WeakKeyDictionary
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFont

MAX_FONT_SIZE = 60 * 1024 * 1024
SAMPLE = "中华人民共和国〔〕"

# role -> (file, index in a .ttc) of the Debian fonts installed by `make run`.
DEBIAN = {
    "仿宋": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "小标宋": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "黑体": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "楷体": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
}
# The widest coverage of the free fonts: characters the role's font lacks are drawn in it.
FALLBACK = DEBIAN["黑体"]


class FontError(Exception):
    """An uploaded font reportlab cannot embed; the message is for the administrator."""


@dataclass(frozen=True)
class FontSet:
    """reportlab font names for one document: each role, the body on its grid, and the fallback."""

    body: str
    body_grid: str
    title: str
    heading: str
    subheading: str
    fallback: str
    # Headings inside body paragraphs (一、 黑体, （一） 楷体) keep to the body's grid.
    heading_grid: str = ""
    subheading_grid: str = ""


def _read(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return handle.read()
    if not getattr(source, "_committed", True):  # a fresh upload: its save still needs the file open
        upload = source.file
        upload.seek(0)
        try:
            return upload.read()
        finally:
            upload.seek(0)
    source.open("rb")
    try:
        return source.read()
    finally:
        source.close()


def _load(data: bytes, index: int = 0, name: str = "") -> TTFont:
    kind = data[:4]
    if kind == b"OTTO":
        raise FontError("这是 CFF 轮廓的 OpenType 字体（.otf），PDF 无法嵌入；请上传 TrueType 字体（.ttf 或 .ttc）")
    if kind not in (b"\x00\x01\x00\x00", b"true", b"ttcf"):
        raise FontError("不是 TrueType 字体文件，请上传 .ttf 或 .ttc 字体")
    try:
        return TTFont(name or f"probe-{hashlib.sha1(data).hexdigest()[:16]}", io.BytesIO(data), subfontIndex=index)
    except (TTFError, Exception) as exc:  # a damaged or hostile file fails anywhere in the parser
        raise FontError(f"字体文件无法读取或不允许嵌入：{exc}") from None


def inspect_font(source) -> str:
    """Check an uploaded font (embeddable TrueType with Chinese glyphs); its family name."""
    data = _read(source)
    if len(data) > MAX_FONT_SIZE:
        raise FontError(f"字体文件超过 {MAX_FONT_SIZE // 1024 // 1024} MB")
    font = _load(data)
    missing = [ch for ch in SAMPLE if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise FontError(f"字体缺少常用汉字（如“{''.join(missing)}”），不能用于公文")
    name = font.face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


# Names registered with reportlab by this process (its registry answers unknown names with a near match).
_registered: set[str] = set()


def _register(key: str, load, grid_pitch: float | None = None) -> str:
    """Register a font with reportlab once per name (content hash or file) and grid, and return its name."""
    name = f"{key}-grid" if grid_pitch else key
    if name in _registered:
        return name
    if grid_pitch:  # the file as read for the plain font (parsing a CJK font takes a third of a second)
        font = _variant(pdfmetrics.getFont(_register(key, load)), name)
    else:
        font = load(name)  # named at construction: reportlab shares faces between fonts of one name
    # reportlab maps fonts to faces by the face's own name: a grid variant needs a name of its own.
    font.face.name += b"-Grid" if grid_pitch else b""
    if grid_pitch:
        full = 1000 * grid_pitch / 16  # widths are per 1000 em; full-width glyphs are 1000
        widths = font.face.charWidths
        for code, width in list(widths.items()):
            if width >= 1000:
                widths[code] = full
    pdfmetrics.registerFont(font)
    _registered.add(name)
    return name


def _variant(font: TTFont, name: str) -> TTFont:
    """Another reportlab font on the same parsed file: its own name, widths and subsets in a PDF."""
    variant = copy.copy(font)
    variant.fontName = name
    variant.face = copy.copy(font.face)
    variant.face.charWidths = dict(font.face.charWidths)
    variant.encoding = TTEncoding()
    variant.state = WeakKeyDictionary()
    return variant


# The body's character pitch at 3号 (16 pt); a hair under 156 mm ÷ 28 so that rounding never pushes
# the 28th character of a full line onto the next.
GRID_PITCH_AT_16 = 156 * mm / 28 - 0.001


def _role_font(role: str, uploads: dict, grid: bool = False) -> str:
    pitch = GRID_PITCH_AT_16 if grid else None
    if role in uploads:
        data = uploads[role]
        return _register(f"upload-{hashlib.sha1(data).hexdigest()[:16]}", lambda name: _load(data, name=name), pitch)
    return _debian(*DEBIAN[role], pitch)


def _debian(path: str, index: int, pitch: float | None = None) -> str:
    return _register(f"{path.rsplit('/', 1)[-1]}-{index}", lambda name: TTFont(name, path, subfontIndex=index), pitch)


def font_set(uploaded=()) -> FontSet:
    """The fonts for a document: the uploaded ones (PrintFont records, read by the caller) first, then Debian's."""
    uploads = {}
    for font in uploaded:
        try:
            uploads[font.role] = _read(font.font_file)
        except OSError:
            continue  # the file went missing from storage: print with the built-in font
    return FontSet(
        body=_role_font("仿宋", uploads),
        body_grid=_role_font("仿宋", uploads, grid=True),
        title=_role_font("小标宋", uploads),
        heading=_role_font("黑体", uploads),
        subheading=_role_font("楷体", uploads),
        heading_grid=_role_font("黑体", uploads, grid=True),
        subheading_grid=_role_font("楷体", uploads, grid=True),
        fallback=_debian(*FALLBACK),
    )


def has_glyph(font_name: str, char: str) -> bool:
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph


def markup(text: str, font_name: str, fallback: str) -> str:
    """Text escaped for a reportlab Paragraph, with characters the font lacks set in the fallback font."""
    # reportlab collapses runs of whitespace, the full-width space (U+3000) included: as two no-break
    # spaces it keeps its width, for the blanks of forms (日期：　　年　　月　　日) and spaced-out items.
    text = text.replace("\u3000", "\u00a0\u00a0")
    face = pdfmetrics.getFont(font_name).face.charToGlyph
    parts, run, run_missing = [], [], False
    for char in text:
        missing = char not in "\n\t " and ord(char) not in face
        if missing != run_missing and run:
            parts.append(_run("".join(run), fallback if run_missing else None))
            run = []
        run_missing = missing
        run.append(char)
    if run:
        parts.append(_run("".join(run), fallback if run_missing else None))
    return "".join(parts).replace("\n", "<br/>")


def _run(text: str, font: str | None) -> str:
    text = escape(text)
    return f'<font face="{font}">{text}</font>' if font else text
