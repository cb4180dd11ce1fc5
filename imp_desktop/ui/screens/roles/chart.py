"""A small chart of a unit's history: roles fulfilled per period, drawn with QPainter.

The background bands show the classification ranges of the current rule; each
point is coloured by the classification the assessment recorded (under its own
rule version), so a rule change shows rather than rewriting the past.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from imp_desktop.i18n import tr
from imp_desktop.services import roles
from imp_desktop.ui.screens.roles.models import CLASS_COLOURS, CLASS_TINTS

MAX_ROLES = len(roles.ROLE_CODES)


def short_period(point: roles.HistoryPoint) -> str:
    """``Nov 2026`` / ``TW IV 2026``: fits under a point."""
    words = point.period_label.split()
    if len(words) == 3:   # "Triwulan IV 2026"
        return f"TW {words[1]}\n{words[2]}"
    if len(words) == 2 and words[0].startswith("Q"):
        return f"{words[0]}\n{words[1]}"
    return f"{words[0][:3]}\n{words[-1]}"


class HistoryChart(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.points: list[roles.HistoryPoint] = []
        self.rule: roles.Rule | None = None
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(600, 190)

    def set_history(self, points: list[roles.HistoryPoint], rule: roles.Rule | None) -> None:
        self.points = list(points)
        self.rule = rule
        self.setToolTip(tr("role.chart.tooltip"))
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        left, right, top = 34 + metrics.horizontalAdvance("Berkembang"), 16, 12
        bottom = 2 * metrics.height() + 10
        plot = QRectF(left, top, max(10, self.width() - left - right),
                      max(10, self.height() - top - bottom))

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * value / MAX_ROLES

        # Classification bands of the current rule.
        if self.rule is not None:
            for code, low, high in self.rule.ranges():
                band = QRectF(plot.left(), y_of(high + 0.5 if high < MAX_ROLES else MAX_ROLES),
                              plot.width(), 0)
                band.setBottom(y_of(max(low - 0.5, 0)))
                painter.fillRect(band, QColor(CLASS_TINTS[code]))
                painter.setPen(QColor(CLASS_COLOURS[code]))
                painter.drawText(QRectF(2, band.top(), left - 30, band.height()),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                                 roles.classification_label(code, "id"))
        # Axis: 0..6 roles.
        painter.setPen(QPen(QColor("#9aa5a0"), 1))
        for value in range(MAX_ROLES + 1):
            y = y_of(value)
            painter.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y))
            painter.drawText(QRectF(plot.left() - 28, y - 8, 20, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(value))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())

        if not self.points:
            painter.setPen(QColor("#5f6b66"))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, tr("role.history.empty"))
            return
        count = len(self.points)
        step = plot.width() / count

        def x_of(i: int) -> float:
            return plot.left() + step * (i + 0.5)

        path = QPainterPath()
        for i, point in enumerate(self.points):
            position = QPointF(x_of(i), y_of(point.roles_fulfilled))
            path.moveTo(position) if i == 0 else path.lineTo(position)
        painter.setPen(QPen(QColor("#44524c"), 2))
        painter.drawPath(path)
        label_every = max(1, int(count / max(1, plot.width() / 70)) + 1) if count * 70 > plot.width() else 1
        for i, point in enumerate(self.points):
            position = QPointF(x_of(i), y_of(point.roles_fulfilled))
            painter.setPen(QPen(QColor("white"), 2))
            painter.setBrush(QColor(CLASS_COLOURS.get(point.classification, "#44524c")))
            painter.drawEllipse(position, 6, 6)
            if i % label_every == 0 or i == count - 1:
                painter.setPen(QColor("#36413c"))
                painter.drawText(QRectF(x_of(i) - 40, plot.bottom() + 4, 80, bottom - 4),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                                 short_period(point))
        painter.end()
