"""Laporan › Periksa dokumen, driven like a user."""
from PySide6.QtCore import Qt


def test_check_a_printout_by_code_and_by_file(demo_db, qtbot, tmp_path, monkeypatch):
    from imp_desktop.data.models import Participant
    from imp_desktop.services import activities, reporting
    from imp_desktop.ui.screens.reports import verify_dialog
    from imp_desktop.ui.screens.reports import screen as laporan

    screen = laporan.ReportScreen()
    qtbot.addWidget(screen)
    opened = []
    monkeypatch.setattr(verify_dialog.VerifyDialog, "exec", lambda self: opened.append(self))
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1

    activity_id = activities.list_activities()[-1].id
    path = reporting.write_pdf(reporting.attendance_pdf(activity_id), tmp_path / "hadir.pdf")
    dialog = verify_dialog.VerifyDialog()
    qtbot.addWidget(dialog)
    dialog.resize(760, 520)
    dialog.show()
    monkeypatch.setattr(verify_dialog.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "PDF (*.pdf)")))
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.status == "sah"
    assert "SAH" in dialog.result.toPlainText()

    participant = (Participant.select().where(Participant.activity == activity_id)
                   .order_by(Participant.id).first())
    participant.status = "alpa" if participant.status != "alpa" else "hadir"
    participant.save()
    qtbot.keyClicks(dialog.code, dialog.verdict.code)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.verdict.status == "berubah"
    text = dialog.result.toPlainText()
    assert "BERUBAH" in text and "Kehadiran" in text
    dialog.grab().save(str(tmp_path / "verify.png"))

    dialog.code.setText("tidak ada kode")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict is None and "tidak dikenali" in dialog.result.toPlainText()
    dialog.code.setText("0000-0000-0000")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.status == "tidak_dikenal"


def test_the_dialog_names_a_record_added_to_a_printed_list(demo_db, qtbot, tmp_path):
    from imp_desktop.services import reporting
    from imp_desktop.services.cadres import CadreInput, save_cadre
    from imp_desktop.ui.screens.reports import verify_dialog

    desa = reporting.desa_choices()[0][0]
    path = reporting.write_pdf(reporting.cadre_list_pdf(desa_code=desa), tmp_path / "kader.pdf")
    save_cadre(CadreInput(name="Wulan Sekarsari", desa_code=desa))
    dialog = verify_dialog.VerifyDialog()
    qtbot.addWidget(dialog)
    dialog.resize(760, 520)
    dialog.show()
    qtbot.keyClicks(dialog.code, verify_dialog.verify.verify_file(path).code)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.verdict.status == "berubah"
    text = dialog.result.toPlainText()
    assert "Ditambahkan ke daftar sesudah dicetak: Kader Wulan Sekarsari" in text
    assert "Perubahan sesudah dicetak" not in text     # nothing else changed
    dialog.grab().save(str(tmp_path / "verify-added.png"))
