"""A long table laid out one page at a time.

reportlab's ``Table`` splits a long table by measuring every remaining row again
at each page break and rebuilding its span maps over all of them: a table of
3,000 rows spread over 100 pages measured ~150,000 rows and spent most of its
time in bookkeeping quadratic in the row count. :class:`LongRows` measures each
row once (through reportlab's own ``Table``, a chunk of rows at a time, so the
heights are reportlab's), and at a page break hands the frame a ``Table`` of
only the rows that fit, with the header row, exactly where reportlab's own split
would have broken (the same rule: the rows whose heights, header included, add
up to no more than the space left). The pages are the same; the work is linear.
"""

from collections.abc import Callable

from reportlab.platypus import Flowable
from reportlab.platypus import Table as PdfTable

# Rows measured together: small enough that reportlab's per-table bookkeeping stays cheap.
CHUNK = 64

MakeTable = Callable[[range, bool], PdfTable]


def row_heights(make: MakeTable, count: int, width: float) -> tuple[float, list[float]]:
    """The header row's height and every row's, as reportlab's Table computes them."""
    header, heights = 0.0, []
    for start in range(0, count, CHUNK):
        table = make(range(start, min(start + CHUNK, count)), True)
        table.wrap(width, 0x7FFFFFFF)
        header = table._rowHeights[0]
        heights += table._rowHeights[1:]
    if not count:
        table = make(range(0), True)
        table.wrap(width, 0x7FFFFFFF)
        header = table._rowHeights[0]
    return header, heights


class LongRows(Flowable):
    """Rows ``start`` to ``stop`` of a table whose header row repeats on every page it takes."""

    def __init__(self, make: MakeTable, width: float, header: float, heights: list[float], start: int, stop: int):
        super().__init__()
        self.make, self.table_width, self.header = make, width, header
        self.heights, self.start, self.stop = heights, start, stop
        self.hAlign = "CENTER"  # as reportlab's Table

    @classmethod
    def of(cls, make: MakeTable, count: int, width: float) -> "LongRows":
        header, heights = row_heights(make, count, width)
        return cls(make, width, header, heights, 0, count)

    def wrap(self, available_width, available_height):
        self.width = self.table_width
        self.height = self.header + sum(self.heights[self.start : self.stop])
        return self.width, self.height

    def fitting(self, available_height: float) -> int:
        """How many rows fit under the header: reportlab's ``_getFirstPossibleSplitRowPosition``."""
        height, count = self.header, 0
        if height > available_height:
            return 0
        for row_height in self.heights[self.start : self.stop]:
            if height + row_height > available_height:
                break
            height += row_height
            count += 1
        return count

    def split(self, available_width, available_height):
        count = self.fitting(available_height)
        if count == 0:
            return []  # not even one row under the header: the next page
        if count == self.stop - self.start:
            return [self]
        middle = self.start + count
        rest = LongRows(self.make, self.table_width, self.header, self.heights, middle, self.stop)
        return [self.make(range(self.start, middle), True), rest]

    def draw(self):
        table = self.make(range(self.start, self.stop), True)
        table.wrapOn(self.canv, self.table_width, 0x7FFFFFFF)
        table.drawOn(self.canv, 0, 0)
