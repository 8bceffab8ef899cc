"""The one check of every PDF Samla prints (``samla/pdf.py``), for the tests of each kind: tagged
(PDF/UA, so a screen reader reads its headings and tables), and nothing cut off at the page's
edge, as the columns of a table too wide for its page were. Returns the text to search."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# Far beyond any page: pdftotext reads the text drawn there too, not only what the page shows.
_BEYOND_THE_PAGE = ["-x", "0", "-y", "0", "-W", "100000", "-H", "100000"]


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text once it passed ``check_pdf``: whitespace collapsed to single spaces, or
    with ``layout`` the lines as laid out."""
    __tracebackhide__ = True
    text = check_pdf(pdf)
    return text if layout else " ".join(text.split())


def check_pdf(pdf: bytes) -> str:
    """Assert that the PDF is tagged (``pdfinfo``: "Tagged: yes") and that no text runs off its
    page, as the columns of a table too wide for it do: a word drawn beyond the page's edge is
    named with its page. Returns the text of the pages as ``pdftotext -layout`` lays it out."""
    __tracebackhide__ = True
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        info = _run("pdfinfo", str(path))
        words = _run("pdftotext", "-bbox", *_BEYOND_THE_PAGE, str(path), "-")
        layout = _run("pdftotext", "-layout", str(path), "-")
    if not re.search(r"^Tagged:\s+yes$", info, re.MULTILINE):
        raise AssertionError(f"The PDF is not tagged (PDF/UA):\n{info}")
    off = _words_off_the_page(words)
    if off:
        shown = ", ".join(f"{word!r} on page {page}" for page, word in off[:10])
        raise AssertionError(f"{len(off)} word(s) run off the page, cut off: {shown}")
    return layout


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>'
)


def _words_off_the_page(bbox: str) -> list[tuple[int, str]]:
    """The words of ``pdftotext -bbox`` output (page by page) that lie beyond their page."""
    off = []
    for number, page in enumerate(bbox.split("</page>")[:-1], start=1):
        size = _PAGE.search(page)
        assert size is not None, page[:200]
        width, height = float(size[1]), float(size[2])
        for x_min, y_min, x_max, y_max, word in _WORD.findall(page):
            left, top, right, bottom = (float(x_min), float(y_min), float(x_max), float(y_max))
            # Half a point of slack for rounding at the edge.
            if min(left, top) < -0.5 or right > width + 0.5 or bottom > height + 0.5:
                off.append((number, word))
    return off
