"""Chinese line breaking (避头尾) on top of reportlab's CJK wrapping.

reportlab breaks CJK text between any two characters and keeps Japanese
closing marks off the start of a line, but knows neither Chinese full-width
punctuation (，；：？！”》…) nor the rule that an opening mark (“（《〔) must not
end a line. Importing this module teaches it both: the closing marks join
reportlab's own list (it hangs such a mark in the margin), and an opening
mark left at the end of a line moves down to start the next one.

It also makes the wrapping of long text linear: reportlab measures a word
character by character through ``stringWidth`` (a font lookup per character)
and each line is cut from a window a little longer than the line, not from the
whole rest of the paragraph (a ranking paragraph of 100 names is 50 lines).
"""

from reportlab.lib import textsplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph

CANNOT_START = "，；：？！”’》〉）】〕、。…—"
CANNOT_END = "“‘《〈（【〔"

textsplit.ALL_CANNOT_START = paragraph.ALL_CANNOT_START = "".join(
    sorted(set(textsplit.ALL_CANNOT_START) | set(CANNOT_START))
)

_reportlab_split = textsplit.dumbSplit
_reportlab_widths = textsplit.getCharWidths


def char_widths(word, font_name, font_size):
    """Each character's width, as ``stringWidth`` gives it, from the TrueType font's width table."""
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont):
        return _reportlab_widths(word, font_name, font_size)
    get, default = font.face.charWidths.get, font.face.defaultWidth
    scale = 0.001 * font_size  # the same arithmetic as reportlab's instanceStringWidthTTF
    return [scale * get(ord(char), default) for char in word]


def first_line_window(widths, start: int, max_width: float) -> int:
    """Where to cut the text handed to dumbSplit for the line starting at ``start``.

    dumbSplit decides a line at the first character that overflows it; a few characters past that
    one are enough for it to see the same line (and to hang a closing mark) as in the whole text.
    """
    used = 0.0
    for index in range(start, len(widths)):
        used += widths[index]
        if used > max_width + textsplit._FUZZ:
            return min(index + 4, len(widths))
    return len(widths)


def split_keeping_openers(word, widths, max_widths):
    """reportlab's dumbSplit, one line at a time, never ending a line on an opening mark."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    lines, start = [], 0
    while start < len(word):
        line_widths = max_widths[len(lines) :] or max_widths[-1:]
        stop = first_line_window(widths, start, line_widths[0])
        rest = _reportlab_split(word[start:stop], widths[start:stop], line_widths)
        if len(rest) <= 1 and stop == len(word):
            lines += rest
            break
        extra, text = rest[0]
        end = start + word[start:stop].find(text) + len(text)
        if len(text) > 1 and text[-1] in CANNOT_END:
            end -= 1
            extra += widths[end]
            text = text[:-1]
        # reportlab hangs one closing mark in the margin; "）；" needs both.
        while end < len(word) and word[end] in CANNOT_START and end - start < 2 * len(text):
            extra -= widths[end]
            text += word[end]
            end += 1
        lines.append([extra, text])
        start = end
        while start < len(word) and word[start].isspace():
            start += 1
    return lines


textsplit.dumbSplit = split_keeping_openers
textsplit.getCharWidths = char_widths


class Paragraph(paragraph.Paragraph):
    """A Paragraph that breaks its lines once per width.

    A paragraph that moves on to the next page is wrapped again there at the same width (first at
    the foot of the page it did not fit, then at the top of the next one): for the remainder of a
    long paragraph with a heading in another font (reportlab's per-character path), that doubled
    the work of the longest paragraphs of a notice.
    """

    def breakLinesCJK(self, maxWidths):
        key = tuple(maxWidths) if isinstance(maxWidths, (list, tuple)) else (maxWidths,)
        cached = self.__dict__.get("_lines_by_width")
        if cached is not None and cached[0] == key and not self.bulletText:
            self.height = 0  # as reportlab's own does before breaking
            return cached[1]
        lines = super().breakLinesCJK(maxWidths)
        self._lines_by_width = (key, lines)
        return lines
