"""TTE in the window: Pengaturan › Dokumen, signing from Laporan, taking a signed PDF back."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tte_support import make_p12


@pytest.fixture(autouse=True)
def _fresh_session():
    from imp_desktop.ui import tte_ui

    tte_ui.forget_credentials()
    yield
    tte_ui.forget_credentials()


def test_settings_sign_from_laporan_take_back_and_show_in_the_activity(
        demo_db, qtbot, tmp_path, monkeypatch):
    from imp_desktop.services import activities, tte
    from imp_desktop.ui import tte_ui
    from imp_desktop.ui.screens.activities.editor import ActivityEditor
    from imp_desktop.ui.screens.reports import screen as laporan
    from imp_desktop.ui.screens.settings import documents_page as pengaturan_dokumen

    p12 = make_p12(tmp_path)
    page = pengaturan_dokumen.DocumentSettingsPage()
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    monkeypatch.setattr(pengaturan_dokumen.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(p12), "")))
    qtbot.mouseClick(page.tte_choose, Qt.MouseButton.LeftButton)
    assert page.tte_enabled.isChecked() and page.tte_file.text() == str(p12)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *a: warned.append(a[2]))
    page.check_certificate(ask=lambda parent, path: "salah")
    assert "kata sandinya salah" in warned[0]
    page.check_certificate(ask=lambda parent, path: "rahasia")
    assert "Sri Wahyuningsih" in page.message.text()
    assert page.save()
    assert tte.get_signing() == tte.SigningSettings(True, str(p12))
    page.grab().save(str(tmp_path / "pengaturan.png"))

    # Laporan asks for the passphrase once, then signs what it makes
    asked = []
    monkeypatch.setattr(tte_ui, "ask_passphrase",
                        lambda parent, path: asked.append(path) or "rahasia")
    screen = laporan.ReportScreen()
    qtbot.addWidget(screen)
    monkeypatch.setattr(laporan, "default_folder", lambda: tmp_path / "out")
    monkeypatch.setattr(laporan.QDesktopServices, "openUrl", staticmethod(lambda url: True))
    failures = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: failures.append(a[2]))
    screen.refresh()
    qtbot.mouseClick(screen.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=60000)
    assert not failures
    signed = screen.last_path
    assert asked == [str(p12)]
    (check,) = tte.check_signatures(signed.read_bytes())
    assert check.valid and check.signer == "Sri Wahyuningsih"

    # Terima PDF bertanda tangan
    messages = []
    monkeypatch.setattr(tte_ui.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(signed), "")))
    monkeypatch.setattr(tte_ui.QMessageBox, "information", lambda *a: messages.append(a[2]))
    qtbot.mouseClick(screen.signed_button, Qt.MouseButton.LeftButton)
    assert messages and "Ditandatangani secara elektronik oleh Sri Wahyuningsih" in messages[0]

    # shown in the record
    editor = ActivityEditor()
    qtbot.addWidget(editor)
    editor.resize(1366, 768)
    editor.show()
    activity_id = screen.activity_box.currentData()
    editor.open_activity(activity_id)
    assert editor.signed.isVisible()
    assert "Ditandatangani secara elektronik oleh Sri Wahyuningsih" in editor.signed.text()
    opened = []
    monkeypatch.setattr(tte_ui.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    editor.signed.linkActivated.emit(str(editor.signed.signed[0].id))
    assert opened and open(opened[0], "rb").read() == signed.read_bytes()
    editor.grab().save(str(tmp_path / "editor.png"))
    other = [a.id for a in activities.list_activities() if a.id != activity_id][0]
    editor.open_activity(other)
    assert not editor.signed.isVisible()


def test_a_refused_file_says_why(demo_db, qtbot, tmp_path, monkeypatch):
    from imp_desktop.services import activities, reporting
    from imp_desktop.ui import tte_ui

    path = tmp_path / "unsigned.pdf"
    path.write_bytes(reporting.attendance_pdf(activities.list_activities()[-1].id))
    warnings = []
    monkeypatch.setattr(tte_ui.QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    assert tte_ui.take_back_signed(None, str(path)) is None
    assert warnings == [f"PDF {path.name} tidak memuat tanda tangan elektronik."]


def test_the_peran_bakti_printouts_are_signed_when_set(demo_db, db_path, ui_settings, qtbot,
                                                       tmp_path, monkeypatch):
    """Lembar penilaian and Rekap from the Peran Bakti screen sign like Laporan does."""
    from PySide6.QtWidgets import QFileDialog

    from imp_desktop.services import tte
    from imp_desktop.ui import tte_ui
    from test_role_screen import open_peran

    p12 = make_p12(tmp_path)
    tte.save_signing(tte.SigningSettings(True, str(p12)))
    asked = []
    monkeypatch.setattr(tte_ui, "ask_passphrase",
                        lambda parent, path: asked.append(path) or "rahasia")
    targets = iter([tmp_path / "lembar.pdf", tmp_path / "rekap.pdf"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(targets)), ""))
    window, screen = open_peran(qtbot, db_path, ui_settings)
    window.screen_actions["print_document"].trigger()
    qtbot.waitUntil((tmp_path / "lembar.pdf").exists, timeout=30000)
    screen.tabs.setCurrentWidget(screen.recap)
    qtbot.waitUntil(lambda: screen.recap.recap is not None, timeout=5000)
    window.screen_actions["print_document"].trigger()
    qtbot.waitUntil((tmp_path / "rekap.pdf").exists, timeout=30000)
    assert asked == [str(p12)]                      # once a session
    for name in ("lembar.pdf", "rekap.pdf"):
        (check,) = tte.check_signatures((tmp_path / name).read_bytes())
        assert check.valid and check.signer == "Sri Wahyuningsih", name
    # the signed sheet taken back is shown on the checklist it was printed from
    checklist = screen.assessment.checklist
    assert checklist.signed.isHidden()
    tte.import_signed(tmp_path / "lembar.pdf")
    checklist.open(checklist.unit_id, checklist.period)
    assert not checklist.signed.isHidden()
    assert "Sri Wahyuningsih" in checklist.signed.text()
