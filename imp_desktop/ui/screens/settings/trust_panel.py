"""Pengaturan › Dokumen › "Sertifikat akar terpercaya": the root, intermediate
and CRL files (from the district office; BSrE's) that signed PDFs taken back
are checked against (``services/tte_trust.py``). Adding and removing are saved
at once: the list is this installation's own, not part of the page's "Simpan".
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.i18n import tr
from imp_desktop.services import tte_trust
from imp_desktop.ui.list_model import RowListModel
from imp_desktop.ui.operations import op
from imp_desktop.ui.widgets import table_view


class TrustModel(RowListModel):
    """One row per certificate or CRL kept: kind, subject, issuer, validity."""

    COLUMNS = ("kind", "subject", "issuer", "validity")
    HEADER = "tte.trust.col.{}"

    def load(self) -> None:
        self.set_rows(tte_trust.items())

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        item = self.row_at(index)
        if item is None:
            return None
        column = self.column_name(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "kind":
                return tr(f"tte.trust.kind.{item.kind}")
            if column == "subject":
                return item.subject or "–"
            if column == "issuer":
                return item.issuer
            if column == "validity":
                return item.validity(short=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join((item.subject or item.issuer, item.validity(),
                              tr("tte.trust.tip", fingerprint=item.fingerprint)))
        if role == Qt.ItemDataRole.ForegroundRole and column == "validity" and item.expired():
            from PySide6.QtGui import QColor

            return QColor("#b3261e")
        return None


class TrustPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trustRoots")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.model = TrustModel(self)
        self.table = table_view(self.model, columns="contents", word_wrap=False,
                                object_name="trustRootsTable")
        header = self.table.horizontalHeader()
        for column in (1, 2):           # the names take the room the dates leave
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.add_button = QPushButton()
        self.add_button.setObjectName("trustAdd")
        self.add_button.clicked.connect(self.choose_file)
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("trustRemove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel()
        self.message.setObjectName("trustMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.retranslate()
        self._selected()

    def refresh(self) -> None:
        self.model.load()
        self.message.setText("" if self.model.rows else tr("tte.trust.empty"))
        self._selected()

    def _selected(self, *_args) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def selected(self) -> tte_trust.TrustItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("tte.trust.choose_title"), "",
                                              tr("tte.trust.filter"))
        if path:
            self.add_file(path)

    def add_file(self, path: str) -> None:
        result = op(self, lambda: tte_trust.add_file(path)).call()
        if result is None:
            return
        self.model.load()
        self.message.setText(result.message())
        self._selected()

    def remove_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        removed = op(self, lambda: tte_trust.remove(item.fingerprint)).call()
        if removed is None:
            return
        self.model.load()
        self.message.setText(tr("tte.trust.removed", name=removed.subject or tr(
            "tte.trust.crl_of", issuer=removed.issuer)))
        self._selected()

    def retranslate(self) -> None:
        self.setTitle(tr("tte.trust.box"))
        self.note.setText(tr("tte.trust.note"))
        self.add_button.setText(tr("tte.trust.add"))
        self.remove_button.setText(tr("tte.trust.remove"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          len(self.model.COLUMNS) - 1)
