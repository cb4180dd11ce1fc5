"""The backup and hand-over page, driven like a user."""
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from imp_desktop.data import backup as store
from imp_desktop.data.models import Cadre
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow
from imp_desktop.ui.tasks import task_runner

SHOTS = os.environ.get("IMP_SCREENSHOTS")


def _window(qtbot, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _page(window):
    settings = window.show_screen("pengaturan")
    from imp_desktop.ui.backup_dialogs import BackupPage

    page = next(p for p in settings.pages if isinstance(p, BackupPage))
    settings.tabs.setCurrentWidget(page)
    return page


def _wait(qtbot):
    qtbot.waitUntil(lambda: not task_runner().busy, timeout=20000)


def test_backup_to_a_folder_and_restore_from_the_list(qtbot, qtmodeltester, demo_db, db_path,
                                                      ui_settings, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append("WARN " + a[2]))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = _window(qtbot, db_path, ui_settings)
    page = _page(window)
    page.backup_button.click()
    _wait(qtbot)
    assert len(list(usb.glob("IMP-Desktop-cadangan-*.zip"))) == 1
    assert shown and "Cadangan dibuat" in shown[-1]

    from imp_desktop.services.backup import auto_backup_if_due

    auto_backup_if_due()
    page.refresh()
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 1
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "safety_page.png"))
    Cadre.update(name="BERUBAH").execute()
    page.table.selectRow(0)
    page.restore_selected_button.click()
    _wait(qtbot)
    assert "Dipulihkan" in shown[-1], shown
    assert Cadre.select().where(Cadre.name == "BERUBAH").count() == 0
    # the safety copy of the state before the restore is listed now
    settings = window.screens["pengaturan"]
    page = next(p for p in settings.pages if p.__class__.__name__ == "BackupPage")
    page.refresh()
    assert page.model.rowCount() == 2
    assert any(p.name.startswith(store.SAFETY_PREFIX) for p in
               store.backups_dir(db_path).iterdir())


def test_keep_count_is_saved(qtbot, db, db_path, ui_settings):
    from imp_desktop.services.backup import keep_count

    window = _window(qtbot, db_path, ui_settings)
    page = _page(window)
    page.keep.setValue(12)
    assert keep_count() == 12


def _two_installations(tmp_path):
    """A laptop file and an office file; returns (laptop path, office path, package)."""
    from imp_desktop.data.db import open_database as open_db
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.package import export_package

    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    open_db(laptop)
    generate_demo(desa=1, cadres=20, seed=4)
    first = tmp_path / "1.imp"
    export_package(first)
    return laptop, office, first


def test_send_and_receive_with_a_conflict_decided_field_by_field(
        qtbot, qtmodeltester, tmp_path, ui_settings, monkeypatch):
    from imp_desktop.data.db import open_database as open_db
    from imp_desktop.services.package import export_package, merge_package
    from imp_desktop.ui import package_dialogs
    from imp_desktop.ui.package_dialogs import ConflictDialog

    laptop, office, first = _two_installations(tmp_path)
    open_db(office)
    merge_package(first)
    target = Cadre.select().order_by(Cadre.id).first()
    target.phone, target.education = "081", "SD"
    target.save()
    open_db(laptop)
    c = Cadre.get(Cadre.uuid == target.uuid)
    c.phone, c.education = "082", "S1"
    c.save()
    second = tmp_path / "2.imp"
    export_package(second, since_last=True)

    open_db(office)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = _window(qtbot, office, ui_settings)
    page = _page(window)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append("WARN " + a[2]))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(second), ""))

    def decide(parent, conflicts, source, sender=""):
        dialog = ConflictDialog(conflicts, source, parent, sender)
        qtbot.addWidget(dialog)
        qtmodeltester.check(dialog.model)
        assert dialog.model.rowCount() == 2
        # the sender's key, known since the first package
        assert "Sidik kunci pengirim" in sender and "sudah dikenal" in sender
        assert dialog.sender_key.text() == sender and not dialog.sender_key.isHidden()
        if SHOTS:
            dialog.grab().save(os.path.join(SHOTS, "safety_conflicts.png"))
        row = [c.field for c in dialog.model.conflicts].index("education")
        dialog.model.setData(dialog.model.index(row, 4), Qt.CheckState.Checked,
                             Qt.ItemDataRole.CheckStateRole)
        return dialog.choice()

    monkeypatch.setattr(package_dialogs.ConflictDialog, "resolve", staticmethod(decide))
    page.package_panel.receive_button.click()
    _wait(qtbot)
    _wait(qtbot)
    assert shown and "Data diterima" in shown[-1], shown
    c = Cadre.get(Cadre.uuid == target.uuid)
    assert (c.phone, c.education) == ("081", "S1")

    # sending from the window: an encrypted package of the office's data
    out = tmp_path / "kirim.imp"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.package_panel.use_passphrase.setChecked(True)
    page.package_panel.passphrase.setText("sandi kantor")
    page.package_panel.since_last.setChecked(True)
    page.package_panel.send_button.click()
    _wait(qtbot)
    assert out.exists() and "Paket data ditulis" in shown[-1]
    from imp_desktop.services.package import is_encrypted

    assert is_encrypted(out)
    page.refresh()
    assert "Kiriman terakhir" in page.package_panel.last.text()
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "safety_page_package.png"))


def test_audit_dialog_shows_a_records_history(qtbot, qtmodeltester, db):
    from imp_desktop.services.cadres import CadreInput, save_cadre
    from imp_desktop.services.settings import OfficerProfile, save_officer
    from imp_desktop.ui.audit_dialog import AuditTrailDialog

    save_officer(OfficerProfile(name="Sutarti", kecamatan_code="33.22.02"))
    cadre_id = save_cadre(CadreInput(name="Siti Aminah", phone="081234567890"))
    save_cadre(CadreInput(name="Siti Aminah Rahayu", phone="081234567899"), cadre_id)
    dialog = AuditTrailDialog(Cadre.get_by_id(cadre_id).uuid, "Siti Aminah Rahayu")
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.trail.model
    qtmodeltester.check(model)
    rows = [[model.index(r, c).data() for c in range(6)] for r in range(model.rowCount())]
    assert ["Sutarti", "Diubah", "Nama", "Siti Aminah", "Siti Aminah Rahayu"] in \
        [row[1:] for row in rows]
    assert not any(row[3] == "search text" for row in rows)
    assert not dialog.trail.empty.isVisible()
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "safety_audit.png"))


def test_the_cadre_dialog_opens_the_history(qtbot, demo_db, monkeypatch):
    from imp_desktop.ui import audit_dialog
    from imp_desktop.ui.screens.cadres.cadre_dialog import CadreDialog

    cadre = Cadre.select().order_by(Cadre.id).first()
    opened = []
    monkeypatch.setattr(audit_dialog.AuditTrailDialog, "show_for",
                        classmethod(lambda cls, parent, uuid, title=None:
                                    opened.append((uuid, title))))
    dialog = CadreDialog(None, cadre.id)
    qtbot.addWidget(dialog)
    dialog.history_button.click()
    assert opened == [(cadre.uuid, cadre.name)]
    assert not hasattr(CadreDialog(None), "history_button")   # nothing to show yet


def test_receiving_a_package_signed_by_a_new_key_asks_for_deliberate_trust(
        qtbot, tmp_path, ui_settings, monkeypatch):
    from imp_desktop.data.db import open_database as open_db
    from imp_desktop.data.models import Setting
    from imp_desktop.services import signing
    from imp_desktop.services.package import export_package, merge_package
    from imp_desktop.ui import package_dialogs
    from imp_desktop.ui.package_dialogs import KeyChangedDialog

    laptop, office, first = _two_installations(tmp_path)
    old_fingerprint = signing.own_fingerprint()
    open_db(office)
    merge_package(first)
    cadres = Cadre.select().count()
    open_db(laptop)       # reinstalled: the same installation, a new key
    Setting.delete().where(Setting.key == signing.OWN_KEY).execute()
    changed = Cadre.select().order_by(Cadre.id).first()
    changed.phone = "0899"
    changed.save()
    second = tmp_path / "2.imp"
    export_package(second, since_last=True)
    new_fingerprint = signing.own_fingerprint()

    open_db(office)
    window = _window(qtbot, office, ui_settings)
    page = _page(window)
    panel = page.package_panel
    # the office's own fingerprint, for the laptops that receive its packages
    assert signing.own_fingerprint() in panel.own_key.text()
    if SHOTS:
        window.grab().save(os.path.join(SHOTS, "safety_page_package_key.png"))
    shown, asked, questions = [], [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append("WARN " + a[2]))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(second), ""))

    def ask(parent, error):
        dialog = KeyChangedDialog(error, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        assert (dialog.known.text(), dialog.new.text()) == (old_fingerprint, new_fingerprint)
        assert not dialog.accept_button.isEnabled() and dialog.cancel_button.isDefault()
        dialog.confirm.setChecked(True)
        assert dialog.accept_button.isEnabled()
        if SHOTS:
            dialog.grab().save(os.path.join(SHOTS, "safety_key_changed.png"))
        asked.append(error)
        return len(asked) > 1          # cancelled the first time, trusted the second

    def question(parent, title, text, *rest):
        questions.append(text)
        if SHOTS:
            box = QMessageBox(QMessageBox.Icon.Question, title, text,
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                              parent)
            qtbot.addWidget(box)
            box.show()
            box.grab().save(os.path.join(SHOTS, "safety_receive_preview.png"))
            box.close()
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(package_dialogs.KeyChangedDialog, "ask", staticmethod(ask))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    panel.receive_button.click()
    _wait(qtbot)
    assert len(asked) == 1 and not questions and not shown      # cancelled: nothing else
    assert signing.pinned_key(_installation(second)).fingerprint == old_fingerprint
    assert Cadre.select().where(Cadre.phone == "0899").count() == 0
    panel.receive_button.click()
    _wait(qtbot)
    _wait(qtbot)
    assert len(asked) == 2 and len(questions) == 1
    assert new_fingerprint in questions[0] and "diterima dengan sengaja" in questions[0]
    assert shown and "Data diterima" in shown[-1], shown
    assert Cadre.select().count() == cadres
    assert Cadre.select().where(Cadre.phone == "0899").count() == 1
    assert signing.pinned_key(_installation(second)).fingerprint == new_fingerprint


def _installation(package_path) -> str:
    import json
    import zipfile

    with zipfile.ZipFile(package_path) as zf:
        return json.loads(zf.read("manifest.json"))["installation"]


def test_the_first_package_that_deactivates_lists_it_and_needs_a_deliberate_yes(
        qtbot, tmp_path, ui_settings, monkeypatch):
    from imp_desktop.data.db import open_database as open_db
    from imp_desktop.services.cadres import set_active
    from imp_desktop.services.package import export_package, merge_package
    from imp_desktop.ui import package_dialogs
    from imp_desktop.ui.package_dialogs import RemovalsDialog

    laptop, office, first = _two_installations(tmp_path)
    second_laptop = tmp_path / "laptop2.sqlite"
    open_db(second_laptop)
    merge_package(first)
    leaving = Cadre.select().where(Cadre.active == True).order_by(Cadre.id).first()  # noqa: E712
    set_active(leaving.id, False, "Pindah domisili")
    package = tmp_path / "dari-laptop-2.imp"
    export_package(package)

    open_db(office)
    merge_package(first)          # the office knows the first laptop, not the second
    window = _window(qtbot, office, ui_settings)
    page = _page(window)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append("WARN " + a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(package), ""))
    answers = []

    def confirm(parent, plan):
        dialog = RemovalsDialog(plan, parent)
        qtbot.addWidget(dialog)
        dialog.resize(720, 460)
        assert leaving.name in dialog.listing.toPlainText()
        assert "dinonaktifkan" in dialog.listing.toPlainText()
        assert not dialog.ok.isEnabled()
        dialog.allow.setChecked(True)
        assert dialog.ok.isEnabled()
        if SHOTS:
            dialog.grab().save(os.path.join(SHOTS, "safety_first_package_removals.png"))
        return answers.pop(0)

    monkeypatch.setattr(package_dialogs.RemovalsDialog, "confirm", staticmethod(confirm))
    answers.append(False)        # "Batal": nothing merged
    page.package_panel.receive_button.click()
    _wait(qtbot)
    assert Cadre.get(Cadre.uuid == leaving.uuid).active and not shown
    answers.append(True)
    page.package_panel.receive_button.click()
    _wait(qtbot)
    _wait(qtbot)
    assert shown and "Data diterima" in shown[-1], shown
    assert not Cadre.get(Cadre.uuid == leaving.uuid).active
