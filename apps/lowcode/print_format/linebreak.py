"""Chinese line breaking (避头尾) on top of reportlab's CJK wrapping.

reportlab breaks CJK text between any two characters and keeps Japanese
closing marks off the start of a line, but knows neither Chinese full-width
punctuation (，；：？！”》…) nor the rule that an opening mark (“（《〔) must not
end a line. Importing this module teaches it both: the closing marks join
reportlab's own list (it hangs such a mark in the margin), and an opening
mark left at the end of a line moves down to start the next one.
"""

from reportlab.lib import textsplit
from reportlab.platypus import paragraph

CANNOT_START = "，；：？！”’》〉）】〕、。…—"
CANNOT_END = "“‘《〈（【〔"

textsplit.ALL_CANNOT_START = paragraph.ALL_CANNOT_START = "".join(
    sorted(set(textsplit.ALL_CANNOT_START) | set(CANNOT_START))
)

_reportlab_split = textsplit.dumbSplit


def split_keeping_openers(word, widths, max_widths):
    """reportlab's dumbSplit, one line at a time, never ending a line on an opening mark."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    lines, start = [], 0
    while start < len(word):
        rest = _reportlab_split(word[start:], widths[start:], max_widths[len(lines) :] or max_widths[-1:])
        if len(rest) <= 1:
            lines += rest
            break
        extra, text = rest[0]
        end = start + word[start:].find(text) + len(text)
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
