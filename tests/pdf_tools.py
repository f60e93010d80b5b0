"""Reading PDFs the way a checker does: poppler's pdftotext and pdftoppm (Debian's poppler-utils)."""

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

MM = 72 / 25.4  # points per millimetre


@dataclass
class Word:
    page: int
    text: str
    x0: float  # points from the left edge
    y0: float  # points from the top edge (top of the glyph box)
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    def lines(self) -> list[list[Word]]:
        """Words grouped by baseline, top to bottom."""
        rows: dict[int, list[Word]] = {}
        for word in self.words:
            rows.setdefault(round(word.y1), []).append(word)
        return [sorted(rows[key], key=lambda w: w.x0) for key in sorted(rows)]


def _run(*args: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        return subprocess.run([*args, str(path), "-"], check=True, capture_output=True).stdout


def text(pdf: bytes, layout: bool = False, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return _run(*args, data=pdf).decode("utf-8")


def pages(pdf: bytes) -> list[Page]:
    """Every word with its box, per page (pdftotext -bbox)."""
    html = _run("pdftotext", "-enc", "UTF-8", "-bbox", data=pdf).decode("utf-8")
    html = re.sub(r"<!DOCTYPE[^>]*>", "", html)
    root = ElementTree.fromstring(html)
    result = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        words = [
            Word(
                number,
                w.text or "",
                float(w.get("xMin")),
                float(w.get("yMin")),
                float(w.get("xMax")),
                float(w.get("yMax")),
            )
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        result.append(Page(number, float(page.get("width")), float(page.get("height")), words))
    return result


def red_rows(pdf: bytes, page: int = 1, dpi: int = 72) -> list[int]:
    """The pixel rows (1 px = 1 pt at 72 dpi, from the top) of a page that hold clearly red pixels."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path), str(Path(folder) / "page")],
            check=True,
        )
        [image] = Path(folder).glob("page*.ppm")
        data = image.read_bytes()
    # Binary PPM: "P6\n<width> <height>\n255\n" then RGB triples.
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    width, height = int(header[1]), int(header[2])
    pixels = data[header.end() :]
    rows = []
    for y in range(height):
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        if any(row[i] > 180 and row[i + 1] < 90 and row[i + 2] < 90 for i in range(0, len(row), 3)):
            rows.append(y)
    return rows
