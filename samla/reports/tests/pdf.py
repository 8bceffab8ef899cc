"""Text of a PDF, as pdftotext reads it, for the tests to search: the site's one check of every
PDF (tagged, nothing cut off) runs first."""

from samla.web.tests.pdf import pdf_text

__all__ = ["pdf_text"]
