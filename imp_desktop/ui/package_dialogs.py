"""Kirim data / Terima data in the window, and the conflict dialog.

"Kirim data" writes a hand-over package (optionally only the changes since the
last one to that office, optionally locked with a passphrase), signed with this
laptop's key, whose fingerprint the panel shows. "Terima data" reads and checks
a package and plans the merge off the main thread, shows the sender's key
fingerprint and the conflicts for a decision field by field, then applies it in
one transaction. A package whose key differs from the one known for its laptop
opens ``KeyChangedDialog``: the new key is accepted only deliberately.
"""
from __future__ import annotations


from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from imp_desktop import APP_NAME
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.ui.operations import op, show_error, work_folder
from imp_desktop.ui.widgets import ok_cancel, table_view

PACKAGE_FILTER = "IMP Desktop (*.imp *.zip);;*"


class ConflictModel(QAbstractTableModel):
    """One row per conflicting field; the last column is checked to take the
    package's value ("pakai isi paket")."""

    COLUMNS = ("conflict.col.record", "conflict.col.field", "conflict.col.mine",
               "conflict.col.theirs", "conflict.col.take_theirs")

    def __init__(self, conflicts, parent=None):
        super().__init__(parent)
        self.conflicts = list(conflicts)
        self.take_theirs = [False] * len(self.conflicts)

    def set_all(self, theirs: bool) -> None:
        self.take_theirs = [theirs] * len(self.conflicts)
        if self.conflicts:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self.conflicts) - 1, 4))

    def resolutions(self) -> dict:
        return {c.key: ("theirs" if take else "mine")
                for c, take in zip(self.conflicts, self.take_theirs)}

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.conflicts)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.COLUMNS[section])
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 4:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.conflicts):
            return None
        from imp_desktop.services.audit import field_label

        conflict = self.conflicts[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            from imp_desktop.services.package import DELETED

            name = (tr("package.conflict.record") if conflict.field == DELETED
                    else field_label(conflict.field))
            values = (conflict.label or conflict.record_uuid, name,
                      _show(conflict.mine), _show(conflict.theirs), None)
            return values[column]
        if role == Qt.ItemDataRole.CheckStateRole and column == 4:
            return (Qt.CheckState.Checked if self.take_theirs[index.row()]
                    else Qt.CheckState.Unchecked)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if index.isValid() and index.column() == 4 and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            self.take_theirs[index.row()] = bool(checked)
            self.dataChanged.emit(index, index, [role])
            return True
        return False


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


class ConflictDialog(QDialog):
    """Decide each conflicting field; "keep theirs / keep mine" sets them all."""

    def __init__(self, conflicts, source: str, parent: QWidget | None = None, sender: str = ""):
        super().__init__(parent)
        self.setWindowTitle(tr("conflict.title"))
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("conflict.intro", count=len(conflicts), source=source or "?"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.sender_key = QLabel(sender)     # the sender's key fingerprint and what it means
        self.sender_key.setWordWrap(True)
        self.sender_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sender_key.setVisible(bool(sender))
        layout.addWidget(self.sender_key)
        row = QHBoxLayout()
        self.mine = QRadioButton(tr("conflict.all_mine"))
        self.theirs = QRadioButton(tr("conflict.all_theirs"))
        self.mine.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.mine)
        group.addButton(self.theirs)
        row.addWidget(self.mine)
        row.addWidget(self.theirs)
        row.addStretch(1)
        layout.addLayout(row)
        self.model = ConflictModel(conflicts, self)
        # the last column is ticked in place: editable, and not alternating as before
        self.table = table_view(self.model, select="multi", editable=True, alternating=False,
                                columns="stretch")
        self.table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.mine.toggled.connect(lambda on: on and self.model.set_all(False))
        self.theirs.toggled.connect(lambda on: on and self.model.set_all(True))
        buttons = ok_cancel(self.accept, self.reject, tr("conflict.apply"), tr("conflict.cancel"))
        layout.addWidget(buttons)

    def choice(self) -> tuple[str, dict]:
        return ("theirs" if self.theirs.isChecked() else "mine"), self.model.resolutions()

    @classmethod
    def resolve(cls, parent, conflicts, source: str, sender: str = "") -> tuple[str, dict] | None:
        """(policy, resolutions), or None when the user cancels the merge."""
        dialog = cls(conflicts, source, parent, sender)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()


class RemovalsDialog(QDialog):
    """The first package from an installation would delete or deactivate records:
    the list, and a deliberate "allow" before anything is merged."""

    SHOWN = 200

    def __init__(self, plan, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        removals = plan.removals
        intro = QLabel(tr("package.confirm_removals", officer=plan.package.officer_name or "?",
                          count=len(removals)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        sender = QLabel(plan.package.key_note())
        sender.setWordWrap(True)
        sender.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(sender)
        lines = [tr("package.removal.line", record=label or record_uuid,
                    what=tr(f"package.removal.{what}"))
                 for _, record_uuid, label, what in removals[:self.SHOWN]]
        if len(removals) > self.SHOWN:
            lines.append(tr("package.removal.more", count=len(removals) - self.SHOWN))
        self.listing = QPlainTextEdit("\n".join(lines))
        self.listing.setReadOnly(True)
        layout.addWidget(self.listing, 1)
        self.allow = QCheckBox(tr("package.removal.allow"))
        layout.addWidget(self.allow)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("conflict.apply"))
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("conflict.cancel"))
        self.allow.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def confirm(cls, parent, plan) -> bool:
        """True when the officer allowed the deletions and deactivations."""
        dialog = cls(plan, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.allow.isChecked()


class KeyChangedDialog(QDialog):
    """A package signed by another key than the one known for its laptop.

    Both fingerprints side by side, what to do (phone the sender), and
    "Terima kunci baru" enabled only once the officer confirms the comparison.
    """

    def __init__(self, error, parent: QWidget | None = None):
        super().__init__(parent)
        officer = error.officer or "?"
        self.setWindowTitle(tr("package.key_changed.title"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("package.key_changed.intro", officer=officer))
        intro.setWordWrap(True)
        font = intro.font()
        font.setBold(True)
        intro.setFont(font)
        layout.addWidget(intro)
        grid = QGridLayout()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.3)
        self.known = QLabel(error.pinned)
        self.new = QLabel(error.fingerprint)
        for row, (key, value) in enumerate((("package.key_changed.known", self.known),
                                            ("package.key_changed.new", self.new))):
            value.setFont(mono)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(QLabel(tr(key)), row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        what = QLabel(tr("package.key_changed.what", officer=officer))
        what.setWordWrap(True)
        layout.addWidget(what)
        self.confirm = QCheckBox(tr("package.key_changed.confirm", officer=officer))
        layout.addWidget(self.confirm)
        buttons = QDialogButtonBox()
        self.cancel_button = buttons.addButton(tr("package.key_changed.cancel"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.accept_button = buttons.addButton(tr("package.key_changed.accept"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setEnabled(False)
        self.accept_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.confirm.toggled.connect(self.accept_button.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent, error) -> bool:
        """True when the officer accepts the new key deliberately."""
        dialog = cls(error, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted


class PackagePanel(QGroupBox):
    """The Kirim data / Terima data part of the backup settings page."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.office = QLineEdit()
        self.office_label = QLabel()
        self.office_label.setBuddy(self.office)
        form.addRow(self.office_label, self.office)
        self.since_last = QCheckBox()
        form.addRow("", self.since_last)
        self.use_passphrase = QCheckBox()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setEnabled(False)
        self.use_passphrase.toggled.connect(self.passphrase.setEnabled)
        pass_row = QHBoxLayout()
        pass_row.addWidget(self.use_passphrase)
        pass_row.addWidget(self.passphrase, 1)
        form.addRow("", pass_row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.send_button = QPushButton(clicked=self.send)
        self.receive_button = QPushButton(clicked=self.receive)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.receive_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.last = QLabel()
        self.last.setWordWrap(True)
        layout.addWidget(self.last)
        self.own_key = QLabel()      # this laptop's key fingerprint, read out by phone
        self.own_key.setTextFormat(Qt.TextFormat.RichText)
        self.own_key.setWordWrap(True)
        self.own_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.own_key)
        self.retranslate()

    def refresh(self) -> None:
        from imp_desktop.services.package import default_office, handover_summary
        from imp_desktop.services.signing import own_fingerprint

        if not self.office.text().strip():
            self.office.setText(default_office())
        self.last.setText(handover_summary(self.office.text().strip()))
        self.own_key.setText(tr("package.key.own_fingerprint",
                                fingerprint=f"<b>{own_fingerprint()}</b>"))   # hex digits only

    def retranslate(self) -> None:
        self.setTitle(tr("package.box"))
        self.office_label.setText(tr("package.office"))
        self.since_last.setText(tr("package.since_last"))
        self.use_passphrase.setText(tr("package.use_passphrase"))
        self.passphrase.setPlaceholderText(tr("package.passphrase_hint"))
        self.send_button.setText(tr("package.button.send"))
        self.receive_button.setText(tr("package.button.receive"))

    # --- Kirim data ---------------------------------------------------------
    def send(self) -> None:
        from imp_desktop.errors import UserError
        from imp_desktop.services.package import (
            check_passphrase,
            export_package,
            package_file_name,
        )

        passphrase = None
        if self.use_passphrase.isChecked():
            passphrase = self.passphrase.text()
            try:
                weak = check_passphrase(passphrase)
            except UserError as exc:
                show_error(self, exc)
                return
            if weak and QMessageBox.question(
                    self, APP_NAME, f"{weak} {tr('package.passphrase_use_anyway')}") \
                    != QMessageBox.StandardButton.Yes:
                return
        path, _ = QFileDialog.getSaveFileName(
            self, tr("package.button.send"), str(work_folder() / package_file_name()),
            PACKAGE_FILTER)
        if not path:
            return
        office, since_last = self.office.text().strip() or None, self.since_last.isChecked()
        op(self, lambda progress: export_package(path, since_last=since_last, office=office,
                                                 passphrase=passphrase, progress=progress)
           ).success(self._sent).run(writes=True, progress=tr("package.sending"))

    def _sent(self, summary) -> None:
        self.refresh()
        QMessageBox.information(self, APP_NAME, tr(
            "package.exported", path=str(summary.path), records=summary.records,
            deleted=summary.deleted, photos=summary.photos))

    # --- Terima data --------------------------------------------------------
    def receive(self) -> None:
        from imp_desktop.services.package import is_encrypted

        path, _ = QFileDialog.getOpenFileName(self, tr("package.button.receive"),
                                              str(work_folder()), PACKAGE_FILTER)
        if not path:
            return
        passphrase = None
        try:
            if is_encrypted(path):
                passphrase, ok = QInputDialog.getText(
                    self, APP_NAME, tr("package.ask_passphrase"), QLineEdit.EchoMode.Password)
                if not ok:
                    return
        except OSError as exc:
            show_error(self, UserError(tr("package.error.read", path=path,
                                          detail=exc.strerror or exc)))
            return
        self._check(path, passphrase, trust_new_key=False)

    def _check(self, path: str, passphrase: str | None, trust_new_key: bool) -> None:
        from imp_desktop.services.package import plan_merge, read_package

        def key_changed(exc) -> bool:
            from imp_desktop.services.package import KeyChangedError

            if not isinstance(exc, KeyChangedError) or trust_new_key:
                return False
            if KeyChangedDialog.ask(self, exc):
                self._check(path, passphrase, trust_new_key=True)
            return True

        op(self, lambda progress: plan_merge(read_package(
            path, passphrase, trust_new_key=trust_new_key), progress)).success(
            self._planned).failure(key_changed).run(progress=tr("package.checking"))

    def _planned(self, plan) -> None:
        from imp_desktop.services.package import apply_merge

        policy, resolutions = "mine", {}
        sender = plan.package.key_note()
        allow = plan.needs_confirmation
        if allow and not RemovalsDialog.confirm(self, plan):
            return
        note = plan.note()
        if note:
            sender = note + "\n\n" + sender
        if plan.conflicts:
            choice = ConflictDialog.resolve(self, plan.conflicts, plan.package.officer_name,
                                            sender)
            if choice is None:
                return
            policy, resolutions = choice
        else:
            answer = QMessageBox.question(self, APP_NAME, tr(
                "package.confirm_merge", source=plan.package.officer_name or "?",
                added=plan.added, updated=plan.updated, deleted=len(plan.deletions))
                + "\n\n" + sender)
            if answer != QMessageBox.StandardButton.Yes:
                return
        op(self, lambda progress: apply_merge(plan, policy, resolutions, progress,
                                              allow_deletions=allow)).success(
            self._merged).run(writes=True, progress=tr("package.merging"))

    def _merged(self, result) -> None:
        self.refresh()
        window = self.window()
        for screen in getattr(window, "screens", {}).values():
            try:
                screen.refresh()
            except UserError:   # a screen that cannot refresh now shows its old rows
                pass
        QMessageBox.information(self, APP_NAME, tr(
            "package.merged", added=result.added, updated=result.updated,
            deleted=result.deleted, unchanged=result.unchanged,
            conflicts=len(result.conflicts), policy=tr("package.policy.chosen"))
            + (" " + result.note if result.note else ""))
