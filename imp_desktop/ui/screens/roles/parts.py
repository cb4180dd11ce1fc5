"""Small widgets the Peran Bakti panels share: a read-only table, a combo
filled from pairs, the classification badge."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QTableView

from imp_desktop.ui.screens.roles.models import CLASS_COLOURS, CLASS_TINTS
from imp_desktop.ui.widgets import table_view


def table(model, stretch_column: int | None = 0) -> QTableView:
    """The screen's tables: columns sized to their contents, compact rows."""
    view = table_view(model, columns="contents", stretch_column=stretch_column,
                      row_height=24, word_wrap=False)
    view.setStyleSheet("QTableView::item { padding: 2px 4px; }")
    return view


def fill_combo(box: QComboBox, items: list[tuple[str, object]], keep=None) -> None:
    box.blockSignals(True)
    box.clear()
    for label, data in items:
        box.addItem(label, data)
    index = box.findData(keep) if keep is not None else -1
    box.setCurrentIndex(index if index >= 0 else (0 if items else -1))
    box.blockSignals(False)


class ClassBadge(QLabel):
    """The classification as a coloured label."""

    def show_class(self, classification: str | None, text: str) -> None:
        colour = CLASS_COLOURS.get(classification, "#5f6b66")
        tint = CLASS_TINTS.get(classification, "#eef1ef")
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ background: {tint}; color: {colour}; font-weight: 600;"
                           f" font-size: 12pt; border: 1px solid {colour}; border-radius: 4px;"
                           " padding: 3px 10px; }")


