"""Text of a PDF, as pdftotext reads it, for the tests to search."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text, whitespace collapsed to single spaces; with ``layout`` the lines as laid out."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
        text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return text if layout else " ".join(text.split())
