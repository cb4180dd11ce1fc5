"""Reading generated PDFs back for the report tests."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    """Whitespace squeezed so sentences wrapped over lines compare whole."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(data: bytes) -> str:
    return flat(" ".join(pdf_pages(data)))


def metadata(data: bytes) -> dict:
    return dict(PdfReader(io.BytesIO(data)).metadata or {})


HOSTILE = [
    'Tom & Jerry <b>bold</b> "quoted" \'single\' </para>',
    "W" * 500,
    "Ахмед Иванов عبد الله Nguyễn Thị Minh Khai Ψυχή",
    "a<b",
    "&amp; &#x41; &lt;",
]
