"""Small widgets the Peran Bakti panels share: a read-only table and the
classification badge."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableView

from imp_desktop.ui.screens.roles.models import CLASS_COLOURS, CLASS_TINTS
from imp_desktop.ui.widgets import table_view


def table(model, stretch_column: int | None = 0) -> QTableView:
    """The screen's tables: columns sized to their contents, compact rows."""
    view = table_view(model, columns="contents", stretch_column=stretch_column,
                      row_height=24, word_wrap=False)
    view.setStyleSheet("QTableView::item { padding: 2px 4px; }")
    return view


class ClassBadge(QLabel):
    """The classification as a coloured label."""

    def show_class(self, classification: str | None, text: str) -> None:
        colour = CLASS_COLOURS.get(classification, "#5f6b66")
        tint = CLASS_TINTS.get(classification, "#eef1ef")
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ background: {tint}; color: {colour}; font-weight: 600;"
                           f" font-size: 12pt; border: 1px solid {colour}; border-radius: 4px;"
                           " padding: 3px 10px; }")


