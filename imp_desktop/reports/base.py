"""What every document shares: font, paper, margins, kop surat, footer, tables,
signature blocks, escaping, metadata and the verification code.

Documents are built in memory and returned as bytes; the caller writes them in
one go. Pages are numbered "Halaman 2 dari 5" by a canvas that keeps every page
until the total is known. The verification code is derived from a SHA-256 of
the document's input data, so the same data always prints the same code and
any change gives another.

Every document gets, without its renderer doing anything but calling
``document_info(data, ...)`` and ``build_pdf``: the verification code in the
footer of each page, a QR code on the first page (``qr_payload``: kind, record,
installation, print date, the full SHA-256 and the code; error correction M)
and the same text in the PDF's metadata, where ``read_payload`` finds it again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from imp_desktop import __version__
from imp_desktop.formatting import format_nip
from imp_desktop.i18n import tr
from imp_desktop.paths import resource
from imp_desktop.reports.model import (
    Letterhead,
    PrintOrigin,
    ReportSettings,
    Signatory,
    SignatureField,
)
from imp_desktop.reports.signature_keeping import (  # noqa: F401  (part of this module's face)
    HEAD_LINES,
    TAIL_LINES,
    SignatureBlock,
    keep_signatures_with_text,
)
from imp_desktop.reports.verification import (  # noqa: F401  (part of this module's face)
    PAYLOAD_PREFIX,
    Payload,
    Stamp,
    code_of,
    content_digest,
    document_kind,
    document_stamp,
    qr_payload,
    read_code,
    read_payload,
    verification_code,
)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

PAPER = {
    "A4": (210 * mm, 297 * mm),
    "F4": (215 * mm, 330 * mm),     # Folio, common in Indonesian offices
    "Letter": (215.9 * mm, 279.4 * mm),
}
# Binding edge on the left (tata naskah dinas: 3 cm left, 2 cm elsewhere).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 30 * mm, 20 * mm, 20 * mm, 22 * mm
SIGNATURE_ROOM = 25 * mm             # wet signature and stamp
GRID = colors.HexColor("#444444")
HEADER_FILL = colors.HexColor("#E6E6E6")

_fonts_registered = False


def register_fonts() -> None:
    """Register the shipped DejaVu Sans once; PDFs embed a subset of it."""
    global _fonts_registered
    if _fonts_registered:
        return
    folder = resource("fonts")
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_ITALIC, str(folder / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD)
    # A table cell holding a plain string is set in the cell style's font,
    # Helvetica unless told otherwise: a font PDF/A cannot have unembedded.
    # So is a list item's number (a paragraph style's bullet font).
    from reportlab.lib.styles import ParagraphStyle as _Style
    from reportlab.platypus.tables import CellStyle

    CellStyle.fontname = FONT
    _Style.defaults["fontName"] = _Style.defaults["bulletFontName"] = FONT
    _fonts_registered = True


def page_size(paper: str, landscape: bool = False) -> tuple[float, float]:
    size = PAPER.get(paper, PAPER["A4"])
    return to_landscape(size) if landscape else size


# ---------------------------------------------------------------- styles

class Styles:
    """The paragraph styles of every document."""

    def __init__(self):
        register_fonts()
        base = dict(fontName=FONT, fontSize=10.5, leading=14.5)
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, spaceAfter=5, **base)
        self.body_left = ParagraphStyle("body_left", alignment=TA_LEFT, spaceAfter=3, **base)
        self.title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=12.5, leading=16,
                                    alignment=TA_CENTER, spaceAfter=2, keepWithNext=1)
        self.subtitle = ParagraphStyle("subtitle", fontName=FONT, fontSize=10.5, leading=14,
                                       alignment=TA_CENTER, spaceAfter=10, keepWithNext=1)
        self.heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=10.5,
                                      leading=14.5, spaceBefore=8, spaceAfter=3,
                                      keepWithNext=1)
        self.subheading = ParagraphStyle("subheading", fontName=FONT_BOLD, fontSize=10.5,
                                         leading=14.5, spaceBefore=3, spaceAfter=2,
                                         leftIndent=6 * mm, keepWithNext=1)
        self.indented = ParagraphStyle("indented", parent=self.body, leftIndent=6 * mm)
        self.bullet = ParagraphStyle("bullet", parent=self.body, leftIndent=11 * mm,
                                     bulletIndent=6 * mm, spaceAfter=2)
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=10.5)
        self.cell_center = ParagraphStyle("cell_center", parent=self.cell, alignment=TA_CENTER)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_tiny = ParagraphStyle("cell_tiny", parent=self.cell, fontSize=7.5,
                                        leading=9.5, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle("cell_head", fontName=FONT_BOLD, fontSize=8.5,
                                        leading=10.5, alignment=TA_CENTER)
        self.cell_bold = ParagraphStyle("cell_bold", fontName=FONT_BOLD, fontSize=8.5,
                                        leading=10.5)
        self.small = ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=11,
                                    spaceAfter=3)
        self.caption = ParagraphStyle("caption", fontName=FONT, fontSize=8.5, leading=10.5,
                                      alignment=TA_CENTER)
        self.sign = ParagraphStyle("sign", fontName=FONT, fontSize=10.5, leading=14,
                                   alignment=TA_CENTER)
        self.sign_name = ParagraphStyle("sign_name", parent=self.sign, fontName=FONT_BOLD)
        self.meta = ParagraphStyle("meta", fontName=FONT, fontSize=10.5, leading=14)


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is None:
        _styles = Styles()
    return _styles


# ---------------------------------------------------------------- text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(text) -> str:
    """User text made safe for a Paragraph: markup characters escaped, control
    characters dropped, line breaks kept."""
    if text is None:
        return ""
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = escape(text, {'"': "&quot;"})
    return text.replace("\n", "<br/>")


LINE_LIMIT = 300      # a name, title or table cell longer than this is cut with "…"


def clip(text, limit: int = LINE_LIMIT) -> str:
    """One-line user text kept to a length that fits a cell or a signature block:
    a table row or a signature cannot be split across pages."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def para(text, style: ParagraphStyle, markup: bool = False) -> Paragraph:
    """A paragraph of user text (escaped) or of our own markup (``markup=True``)."""
    return Paragraph(text if markup else esc(text), style)


_LIST_MARKER = re.compile(r"^\s*(\d{1,2}[.)]|[a-z][.)]|[-•*–])\s+")


def split_paragraphs(text: str | None) -> list[str]:
    """Blank lines separate paragraphs; single line breaks inside a paragraph are
    the typist's wrapping (the seed report has them everywhere) and become spaces.
    A line that starts with a list marker ("1.", "a)", "-") starts a new item."""
    if not text or not text.strip():
        return []
    blocks: list[list[str]] = []
    fresh = True
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            fresh = True
            continue
        if fresh or _LIST_MARKER.match(line):
            blocks.append([])
        blocks[-1].append(line.strip())
        fresh = False
    return [" ".join(" ".join(block).split()) for block in blocks]


def list_item(text: str) -> tuple[str | None, str]:
    """("1.", "rest") for a list item; (None, text) otherwise."""
    match = _LIST_MARKER.match(text)
    if not match:
        return None, text
    marker = match.group(1)
    return ("•" if marker in "-•*–" else marker), text[match.end():]


def text_block(text: str | None, style: ParagraphStyle) -> list[Flowable]:
    """Paragraphs of user text; list items keep their numbers as hanging bullets."""
    result: list[Flowable] = []
    for block in split_paragraphs(text):
        marker, rest = list_item(block)
        if marker is None:
            result.append(para(block, style))
        else:
            item = ParagraphStyle(f"{style.name}_item", parent=style,
                                  leftIndent=style.leftIndent + 6 * mm,
                                  bulletIndent=style.leftIndent, spaceAfter=2)
            result.append(Paragraph(esc(rest), item, bulletText=marker))
    return result


def has_text(*values) -> bool:
    return any(value and str(value).strip() for value in values)


# ---------------------------------------------------------------- verification

# ---------------------------------------------------------------- building blocks

# Naskah dinas kop surat: the government line, the institution (largest) and
# the address (small, as typed). A kop line that reads like an address (street,
# telephone, e-mail, post code) is printed as one, wherever it was typed.
KOP_GOVERNMENT_SIZE = 12.0
KOP_INSTITUTION_SIZE = 14.0
KOP_ADDRESS_SIZE = 9.0
_ADDRESS_LINE = re.compile(
    r"^\s*(jl\b|jln\b|jalan\b|alamat\b)|\btelp\b|\btelepon\b|\bfaks|\bfax\b|"
    r"\bkode\s*pos\b|e-?mail|@|\bwww\.|\blaman\b|\bhttps?:", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class KopLine:
    """One line of the kop as printed: text (case applied), size in points, bold."""

    text: str
    size: float
    bold: bool


def is_address_line(text: str) -> bool:
    return bool(_ADDRESS_LINE.search(text or ""))


def kop_lines(lines: list[str], address: str = "") -> list[KopLine]:
    """The kop's lines as printed; the setup preview draws the same list."""
    typed = [" ".join(line.split()) for line in lines if line and line.strip()][:4]
    titles = [line for line in typed if not is_address_line(line)]
    result: list[KopLine] = []
    for line in typed:
        line = clip(line, 150)
        if not is_address_line(line):
            largest = line == titles[-1]
            result.append(KopLine(line.upper(), KOP_INSTITUTION_SIZE if largest
                                  else KOP_GOVERNMENT_SIZE, True))
        else:
            result.append(KopLine(line, KOP_ADDRESS_SIZE, False))
    if address and address.strip():
        result.append(KopLine(clip(" ".join(address.split())), KOP_ADDRESS_SIZE, False))
    return result


def letterhead_flowables(letterhead: Letterhead | None, width: float) -> list[Flowable]:
    """The kop surat: logo on the left, centred lines, a thick and a thin rule."""
    if letterhead is None or letterhead.is_empty:
        return []
    register_fonts()
    logo = _logo(letterhead.logo)
    side = 24 * mm if logo is not None else 0
    text_width = width - 2 * side
    texts: list[Flowable] = []
    for line in kop_lines(letterhead.lines, letterhead.address):
        style = ParagraphStyle(
            f"kop_{line.size}_{line.bold}", fontName=FONT_BOLD if line.bold else FONT,
            fontSize=line.size, leading=line.size * 1.25, alignment=TA_CENTER)
        texts.append(para(line.text, _fitted(line.text, style, text_width)))
    if logo is not None:
        table = Table([[logo, texts, ""]], colWidths=[side, text_width, side])
    else:
        table = Table([[texts]], colWidths=[width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    result: list[Flowable] = [table]
    if letterhead.rule:
        result.append(DoubleRule(width))
    result.append(Spacer(1, 5 * mm))
    return result


def _fitted(text: str, style: ParagraphStyle, width: float) -> ParagraphStyle:
    """The style made smaller (down to 8 pt) so a kop line stays on one line."""
    natural = pdfmetrics.stringWidth(text, style.fontName, style.fontSize)
    if natural <= width - 2:
        return style
    size = max(8.0, style.fontSize * (width - 2) / natural)
    return ParagraphStyle(f"{style.name}_fit", parent=style, fontSize=size,
                          leading=max(size * 1.25, 10))


def _logo(data: bytes | None) -> Image | None:
    if not data:
        return None
    try:
        from reportlab.lib.utils import ImageReader

        reader = ImageReader(io.BytesIO(data))
        w, h = reader.getSize()
    except Exception:   # a damaged logo leaves the kop without it, never breaks it
        return None
    box = 22 * mm
    scale = min(box / w, box / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)


class DoubleRule(Flowable):
    """The kop surat's rule: a thick line above a thin one."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height = width, 3.2

    def draw(self):
        self.canv.setLineWidth(1.8)
        self.canv.line(0, 2.6, self.width, 2.6)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 0.2, self.width, 0.2)


def title_block(title: str, subtitle_lines: list[str] = ()) -> list[Flowable]:
    s = styles()
    result: list[Flowable] = [para(clip(title, 2 * LINE_LIMIT).upper(), s.title)]
    subtitle = "<br/>".join(esc(clip(line)) for line in subtitle_lines if line)
    if subtitle:
        result.append(para(subtitle, s.subtitle, markup=True))
    else:
        result.append(Spacer(1, 6))
    return result


def info_table(rows: list[tuple[str, str]], width: float) -> Table:
    """``Label : value`` lines under a title (kegiatan, hari/tanggal, tempat)."""
    s = styles()
    label_width = 38 * mm
    data = [[para(label, s.meta), para(":", s.meta), para(clip(value), s.meta)]
            for label, value in rows if value]
    table = Table(data, colWidths=[label_width, 4 * mm, width - label_width - 4 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def grid_table(header: list[str], rows: list[list], widths: list[float], *,
               header_rows: int = 1, extra_style: list | None = None,
               header_data: list[list] | None = None) -> Table:
    """A ruled table whose header repeats on every page. Cells that are plain
    strings become escaped Paragraphs so long text wraps inside its column."""
    s = styles()
    head = header_data or [[para(text, s.cell_head) for text in header]]
    body = [[para(clip(cell, 2 * LINE_LIMIT), s.cell) if isinstance(cell, str) else cell
             for cell in row] for row in rows]
    table = Table(head + body, colWidths=widths, repeatRows=header_rows, splitInRow=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("VALIGN", (0, header_rows), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    table.setStyle(TableStyle(commands + (extra_style or [])))
    return table


def signature_blocks(left: Signatory | None, right: Signatory | None, width: float, *,
                     left_heading: list[str] = (), right_heading: list[str] = (),
                     lang: str = "id", room: float = SIGNATURE_ROOM,
                     space: float = 8 * mm) -> Flowable:
    """Two signature blocks side by side that never split across pages.

    ``*_heading`` are the lines above the title ("Mengetahui," or the place and
    date). A missing signatory leaves its half empty; the name line stays blank
    (for writing by hand) when no name is known.
    """
    s = styles()

    def column(sig: Signatory | None, heading: list[str]) -> list[list]:
        if sig is None:
            return [[""], [""], [""], [""], [""]]
        head = "<br/>".join(esc(clip(line, 120)) for line in heading if line)
        name = f"<u>{esc(clip(sig.name, 120))}</u>" if sig.name.strip() else "(" + "." * 45 + ")"
        nip = tr("report.nip", lang, nip=clip(format_nip(sig.nip), 60)) if sig.nip else ""
        return [[para(head, s.sign, markup=True)], [para(clip(sig.title, 120), s.sign)],
                [SignatureSpot(sig, lang)],
                [para(name, s.sign_name, markup=True)], [para(nip, s.sign)]]

    left_col, right_col = column(left, list(left_heading)), column(right, list(right_heading))
    data = [l + r for l, r in zip(left_col, right_col)]
    half = width / 2
    table = Table(data, colWidths=[half, half],
                  rowHeights=[None, None, room, None, None])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return SignatureBlock([Spacer(1, space), table])



FIELD_WIDTH = 62 * mm        # a signature field: the signing room above the name


class SignatureSpot(Flowable):
    """The signing room of a signature block. Drawing it notes where it landed
    (page, and the box of the room right above the name) so ``build_pdf`` can put
    an empty PDF signature field there, labelled with the signer's role."""

    def __init__(self, signatory: Signatory, lang: str):
        super().__init__()
        self.signatory, self.lang = signatory, lang
        self.width, self.height = 0, SIGNATURE_ROOM - 2

    def wrap(self, available_width, available_height):
        self.width = available_width
        return self.width, self.height

    def draw(self):
        spots = getattr(self.canv, "signature_spots", None)
        if spots is None:
            return
        x, y = self.canv.absolutePosition(0, 0)
        role = " ".join(clip(self.signatory.title, 120).split()) or tr("report.tte.signer", self.lang)
        width = min(FIELD_WIDTH, self.width - 8)
        left = x + (self.width - width) / 2
        spots.append(SignatureField(
            name="", role=role, page=self.canv.getPageNumber(),
            box=(left, y + 1, left + width, y + self.height),
            signer=self.signatory.name.strip(), officer=self.signatory.officer))


def _field_names(fields: list[SignatureField]) -> None:
    """Each field named after its role ("Kepala Desa Duren"); a repeated role
    gets a number. PDF field names may not hold a full stop."""
    used: set[str] = set()
    for spot in fields:
        base = re.sub(r"[.\s]+", " ", spot.role).strip() or "TTE"
        name, number = base, 2
        while name in used:
            name, number = f"{base} {number}", number + 1
        used.add(name)
        spot.name = name


_srgb_profile: bytes | None = None


def srgb_profile() -> bytes:
    """An sRGB ICC profile (made by Pillow's LittleCMS), for the output intent."""
    global _srgb_profile
    if _srgb_profile is None:
        from PIL import ImageCms

        _srgb_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _srgb_profile


def _archive_metadata(writer, info: DocumentInfo, settings: ReportSettings,
                      keywords: str) -> None:
    """What PDF/A-2b asks beyond embedded fonts: XMP metadata (pyHanko writes it
    and keeps the Info dictionary equal to it) with the PDF/A identification, and
    an sRGB output intent."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata import model as xmp

    meta = writer.document_meta
    meta.title = info.title
    meta.author = settings.author or "IMP Desktop"
    meta.subject = info.subject
    meta.keywords = [keywords]
    meta.creator = f"IMP Desktop {__version__}"
    meta.created = "now"
    pdfaid = xmp.NS["pdfaid"]
    meta.xmp_extra = [xmp.XmpStructure.of(
        (xmp.ExpandedName(pdfaid, "part"), xmp.XmpValue("2")),
        (xmp.ExpandedName(pdfaid, "conformance"), xmp.XmpValue("B")))]
    profile = generic.StreamObject({generic.pdf_name("/N"): generic.NumberObject(3)},
                                   stream_data=srgb_profile())
    profile.compress()
    intent = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/OutputIntent"),
        generic.pdf_name("/S"): generic.pdf_name("/GTS_PDFA1"),
        generic.pdf_name("/OutputConditionIdentifier"): generic.TextStringObject("sRGB"),
        generic.pdf_name("/Info"): generic.TextStringObject("sRGB IEC61966-2.1"),
        generic.pdf_name("/DestOutputProfile"): writer.add_object(profile)})
    writer.root[generic.pdf_name("/OutputIntents")] = generic.ArrayObject(
        [writer.add_object(intent)])
    writer.update_root()


def finish_pdf(pdf: bytes, fields: list[SignatureField], info: DocumentInfo | None = None,
               settings: ReportSettings | None = None, keywords: str = "") -> bytes:
    """One pyHanko update of what ReportLab wrote: the PDF/A-2b metadata and output
    intent (with ``info``), and an empty signature field over each signature block
    (an officer with a TTE certificate signs them later in the usual signing apps)."""
    if not fields and info is None:
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if info is not None:
        _archive_metadata(writer, info, settings or ReportSettings(), keywords)
    for spot in fields:
        append_signature_field(writer, SigFieldSpec(
            sig_field_name=spot.name, on_page=spot.page - 1,
            box=tuple(int(round(v)) for v in spot.box),
            readable_field_name=(f"{spot.role}: {spot.signer}" if spot.signer else spot.role)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def officer_signature(officer: Signatory | None, place_name: str, date: dt.date | None,
                      width: float, lang: str) -> Flowable | None:
    """The officer alone on the right (lists and recaps)."""
    if officer is None:
        return None
    from imp_desktop.formatting import format_place_date

    heading = [format_place_date(place_name, date or dt.date.today(), lang=lang)]
    return signature_blocks(None, officer, width, right_heading=heading, lang=lang)


# ---------------------------------------------------------------- document

@dataclasses.dataclass
class DocumentInfo:
    title: str               # PDF metadata title
    subject: str
    code: str                # verification code printed in the footer
    landscape: bool = False
    kind: str = ""           # with the digest: a QR code on the first page
    digest: str = ""

    @property
    def stamp(self) -> Stamp | None:
        return Stamp(self.kind, self.digest, self.code) if self.kind and self.digest else None


def document_info(data, title: str, subject: str, landscape: bool = False) -> DocumentInfo:
    """The metadata of a document of ``data``: its code, and what its QR code holds."""
    stamp = document_stamp(data)
    return DocumentInfo(title=title, subject=subject, code=stamp.code, landscape=landscape,
                        kind=stamp.kind, digest=stamp.digest)


QR_SIZE = 18 * mm             # 49 modules of 0.37 mm: read by a phone from an A4 page
QR_BOTTOM = MARGIN_BOTTOM - 6 * mm     # just above the footer rule
QR_BAND = QR_BOTTOM + QR_SIZE + 2 * mm - MARGIN_BOTTOM   # kept free on the first page


def draw_qr(canvas, payload: str, x: float, y: float, size: float = QR_SIZE) -> None:
    """The QR code (ReportLab's own widget, error correction M) with its lower
    left corner at (x, y); the white quiet zone around it is the caller's."""
    widget = QrCodeWidget(payload, barLevel="M", barBorder=0)
    x1, y1, x2, y2 = widget.getBounds()
    # The modules drawn as plain rectangles: renderPDF would start by selecting
    # Helvetica, a font PDF/A cannot have unembedded.
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / (x2 - x1), size / (y2 - y1))
    canvas.translate(-x1, -y1)
    canvas.setFillColor(colors.black)
    shapes = [widget.draw()]
    while shapes:      # in drawing order: the background first
        shape = shapes.pop(0)
        if hasattr(shape, "getContents"):
            shapes[:0] = shape.getContents()
        elif hasattr(shape, "width") and getattr(shape, "fillColor", None) is not None:
            canvas.setFillColor(shape.fillColor)
            canvas.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
    canvas.restoreState()


def _numbered_canvas(info: DocumentInfo, lang: str, payload: str | None,
                     printed_on: dt.date | None, spots: list[SignatureField]):
    """A canvas that holds every page until the last so it can print "page x of y"."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT   # no Helvetica
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []
            self.signature_spots = spots

        def showPage(self):
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            width, _ = self._pagesize
            y = MARGIN_BOTTOM - 11 * mm
            self.saveState()
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(MARGIN_LEFT, y + 9, width - MARGIN_RIGHT, y + 9)
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#333333"))
            self.drawString(MARGIN_LEFT, y, tr("report.footer.code", lang, code=info.code))
            self.drawRightString(width - MARGIN_RIGHT, y, tr(
                "report.footer.page", lang, page=self._pageNumber, total=total))
            if payload and self._pageNumber == 1:
                self._draw_qr_band()
            self.restoreState()

        def _draw_qr_band(self) -> None:
            """The QR code above the footer code, and how to use it beside it."""
            from imp_desktop.formatting import format_date

            y = QR_BOTTOM
            draw_qr(self, payload, MARGIN_LEFT, y)
            lines = [tr("report.qr.line1", lang), tr("report.qr.line2", lang),
                     tr("report.qr.code", lang, code=info.code)]
            if printed_on:
                lines.append(tr("report.qr.printed", lang,
                                date=format_date(printed_on, lang=lang)))
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#333333"))
            text_x, top = MARGIN_LEFT + QR_SIZE + 4 * mm, y + QR_SIZE - 7
            for index, line in enumerate(lines):
                self.drawString(text_x, top - index * 9.5, line)

    return NumberedCanvas


class _Document(BaseDocTemplate):
    """One frame a page; the first page's ends higher when it carries the QR code."""

    def __init__(self, buffer, band: float, **kwargs):
        super().__init__(buffer, **kwargs)
        full = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        first = Frame(self.leftMargin, self.bottomMargin + band, self.width,
                      self.height - band, id="first")
        self.addPageTemplates([PageTemplate(id="first", frames=[first],
                                            autoNextPageTemplate="later"),
                               PageTemplate(id="later", frames=[full])])


def content_width(settings: ReportSettings, landscape: bool = False) -> float:
    return page_size(settings.paper_size, landscape)[0] - MARGIN_LEFT - MARGIN_RIGHT


def _producer() -> str:
    """pyHanko writes the XMP Producer as itself (and adds itself to the Info
    entry unless it is there): the two must be equal for PDF/A."""
    from pyhanko.pdf_utils.metadata.model import VENDOR

    return VENDOR


def build_pdf(story: list[Flowable], settings: ReportSettings, info: DocumentInfo) -> bytes:
    """Lay out ``story`` on the configured paper and return the PDF bytes.

    With ``info.kind``/``info.digest`` (see ``document_info``) the first page
    carries the QR code, and the metadata its text."""
    register_fonts()
    buffer = io.BytesIO()
    stamp = info.stamp
    payload = qr_payload(stamp, settings.origin) if stamp else None
    keywords = tr("report.footer.code", settings.lang, code=info.code)
    if payload:
        keywords += f"; {payload}"
    printed_on = settings.origin.printed_on if settings.origin else None
    doc = _Document(
        buffer, QR_BAND if payload else 0,
        pagesize=page_size(settings.paper_size, info.landscape),
        leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=info.title, author=settings.author or "IMP Desktop",
        subject=info.subject, creator=f"IMP Desktop {__version__}", keywords=keywords,
        lang=settings.lang, initialFontName=FONT, producer=_producer())
    spots: list[SignatureField] = []
    story = keep_signatures_with_text(list(story))
    doc.build(story or [Spacer(1, 1)],
              canvasmaker=_numbered_canvas(info, settings.lang, payload, printed_on, spots))
    _field_names(spots)
    settings.signature_fields = spots
    return finish_pdf(buffer.getvalue(), spots, info, settings, keywords)
