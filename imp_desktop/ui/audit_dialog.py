"""A record's history (who changed which field, when, from what to what).

Any screen can show it: ``AuditTrailDialog.show_for(parent, record_uuid)``,
or embed ``AuditTrailWidget`` in its own record dialog (e.g. as a tab) and
call ``load(record_uuid)``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.i18n import tr
from imp_desktop.ui.list_model import RowListModel
from imp_desktop.ui.widgets import table_view


class AuditTrailModel(RowListModel):
    COLUMNS = ("audit.col.when", "audit.col.officer", "audit.col.action", "audit.col.field",
               "audit.col.old", "audit.col.new")
    ATTRIBUTES = ("when", "officer", "action", "field", "old", "new")

    def load(self, record_uuid: str | None, children: bool = False) -> None:
        from imp_desktop.services.audit import record_history

        self.set_rows(record_history(record_uuid, children=children) if record_uuid else [])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        line = self.row_at(index)
        if line is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return getattr(line, self.ATTRIBUTES[index.column()])
        return None


class AuditTrailWidget(QWidget):
    """The history table alone, to embed in a record's own dialog."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = AuditTrailModel(self)
        self.table = table_view(self.model, select="multi", alternating=False, word_wrap=True)
        # two lines a row, wrapped (the tooltip shows a longer text whole): sizing
        # every row to its text takes seconds for an activity with 300 participants
        self.table.verticalHeader().setDefaultSectionSize(
            2 * self.table.fontMetrics().lineSpacing() + 8)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # the field (a child's line names the child: long) takes the rest of the
        # width; the values get a fixed share and wrap: nothing runs off to the right
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column in (4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 230)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def load(self, record_uuid: str | None, children: bool = False) -> None:
        self.model.load(record_uuid, children)
        self.empty.setText(tr("audit.empty"))
        self.empty.setVisible(self.model.rowCount() == 0)


class AuditTrailDialog(QDialog):
    def __init__(self, record_uuid: str, title: str | None = None,
                 parent: QWidget | None = None, children: bool = False):
        super().__init__(parent)
        self.setWindowTitle(tr("audit.title", record=title) if title else tr("audit.title_plain"))
        self.resize(1300, 600)   # within the 1366x768 screen
        layout = QVBoxLayout(self)
        self.trail = AuditTrailWidget(self)
        self.trail.load(record_uuid, children)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("audit.close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.trail, 1)
        layout.addWidget(buttons)

    @classmethod
    def show_for(cls, parent: QWidget | None, record_uuid: str, title: str | None = None,
                 children: bool = False) -> None:
        """``children``: with the history of the records that belong to it
        (an activity's participants and photos, an assessment's answers)."""
        dialog = cls(record_uuid, title, parent, children)
        dialog.exec()
