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


def page_lines(data: bytes) -> list[list[tuple[float, str]]]:
    """Per page, the text pieces with their height on the page (points from the bottom)."""
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        pieces: list[tuple[float, str]] = []

        def visit(text, cm, tm, font_dict, font_size, pieces=pieces):
            if text.strip():
                pieces.append((tm[5] * cm[3] + cm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(pieces)
    return pages


FOOTER_TOP = 60      # points: the footer (code, page x of y) lies below this


def signature_layout_faults(data: bytes, marker: str) -> list[str]:
    """What naskah dinas forbids about the page of the signatures (``marker`` is a
    line of the signature block): a page of signatures only, and a page before it
    left with room at the bottom."""
    pages = page_lines(data)
    faults = []
    for number, pieces in enumerate(pages):
        marks = [y for y, text in pieces if marker in text]
        if not marks:
            continue
        top_of_signatures = max(marks)
        above = sorted({round(y) for y, text in pieces if y > top_of_signatures + 1})
        if not above:
            faults.append(f"page {number + 1} holds only the signatures")
        if number > 0:
            # Room left on the page before is fine only when what was carried over
            # is the least that may go with the signatures (a heading and two lines).
            lowest = min((y for y, _ in pages[number - 1] if y > FOOTER_TOP), default=None)
            if lowest is not None and lowest > 150 and len(above) > 4:
                faults.append(f"page {number} ends {lowest:.0f} pt above the bottom "
                              f"while {len(above)} lines went to the next page")
    return faults
