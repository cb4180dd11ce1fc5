"""The kop surat as it will be printed, drawn from ``reports.base.kop_lines``.

The PDF and this preview take the same list of lines (text with its case, size
and weight), in the same font (the DejaVu Sans the PDF embeds), scaled from the
printed width to the widget's width, so what the officer sees in the setup is
what the Kepala Desa gets.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from imp_desktop.paths import resource
from imp_desktop.services.reporting import kop_lines

PRINTED_WIDTH_PT = 160 / 25.4 * 72      # A4 less the 3 cm and 2 cm margins
_family: str | None = None


def _font_family() -> str:
    """DejaVu Sans from the program's own fonts (registered once)."""
    global _family
    if _family is None:
        _family = "DejaVu Sans"
        for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
            ident = QFontDatabase.addApplicationFont(str(resource("fonts") / name))
            families = QFontDatabase.applicationFontFamilies(ident) if ident >= 0 else []
            if families:
                _family = families[0]
    return _family


class KopPreview(QWidget):
    """White paper with the kop lines centred and the double rule under them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._lines: list = []
        self._rule = True
        self._empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(90)

    def set_kop(self, lines: list[str], address: str = "", rule: bool = True,
                empty_text: str = "") -> None:
        self._lines = kop_lines(lines, address)
        self._rule = rule
        self._empty_text = empty_text
        self.setFixedHeight(self._wanted_height())
        self.update()

    def printed_lines(self) -> list:
        return list(self._lines)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(480, self._wanted_height())

    def _scale(self) -> float:
        return max(0.4, (self.width() - 16) / PRINTED_WIDTH_PT)

    def _font(self, line, scale: float, width: float) -> QFont:
        font = QFont(_font_family())
        font.setBold(line.bold)
        font.setPointSizeF(line.size * scale * 0.75)   # points drawn at 96 dpi: px = pt/0.75
        font.setPixelSize(max(1, round(line.size * scale)))
        natural = QFontMetricsF(font).horizontalAdvance(line.text)
        if natural > width - 2:      # shrunk to one line, as the PDF does
            font.setPixelSize(max(1, round(line.size * scale * (width - 2) / natural)))
        return font

    def _wanted_height(self) -> int:
        if not self._lines:
            return 60
        scale = self._scale()
        height = sum(line.size * 1.25 * scale for line in self._lines)
        return int(height + 16 + (8 if self._rule else 0) + 8)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        wanted = self._wanted_height()
        if wanted != self.height():
            self.setFixedHeight(wanted)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(QPen(Qt.GlobalColor.lightGray))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.setPen(QPen(Qt.GlobalColor.black))
        width = self.width() - 16
        if not self._lines:
            painter.setPen(QPen(Qt.GlobalColor.gray))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        scale = self._scale()
        y = 8.0
        for line in self._lines:
            height = line.size * 1.25 * scale
            painter.setFont(self._font(line, scale, width))
            painter.drawText(QRectF(8, y, width, height), Qt.AlignmentFlag.AlignCenter, line.text)
            y += height
        if self._rule:
            y += 3
            painter.setPen(QPen(Qt.GlobalColor.black, max(1.0, 1.8 * scale)))
            painter.drawLine(8, int(y), 8 + int(width), int(y))
            painter.setPen(QPen(Qt.GlobalColor.black, max(0.5, 0.5 * scale)))
            painter.drawLine(8, int(y + 2.4 * scale + 1), 8 + int(width), int(y + 2.4 * scale + 1))
        painter.end()
