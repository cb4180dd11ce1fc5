from PySide6.QtCore import Qt

from imp_desktop.data.models import Cadre
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow


def open_kader(qtbot, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("kader")
    return window, screen.cadres


def test_typing_in_the_search_box_narrows_the_list(qtbot, demo_db, db_path, ui_settings):
    _, panel = open_kader(qtbot, db_path, ui_settings)
    total = panel.model.rowCount()
    assert total == Cadre.select().where(Cadre.active == True).count()  # noqa: E712
    assert panel.count_label.text() == f"{total} kader"
    name = Cadre.select().where(Cadre.active == True).first().name  # noqa: E712
    qtbot.keyClicks(panel.search, name[:5])
    qtbot.waitUntil(lambda: panel.model.rowCount() < total, timeout=2000)
    shown = [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]
    assert shown and all(name[:5].lower() in s.lower() for s in shown)


def test_status_filter_and_sorting_by_header(qtbot, demo_db, db_path, ui_settings):
    _, panel = open_kader(qtbot, db_path, ui_settings)
    panel.status_box.setCurrentIndex(panel.status_box.findData("inactive"))
    left = Cadre.select().where(Cadre.active == False).count()  # noqa: E712
    assert panel.model.rowCount() == left
    assert panel.model.index(0, 9).data() == "Berhenti"
    header = panel.table.horizontalHeader()
    header.setSortIndicator(5, Qt.SortOrder.AscendingOrder)
    values = [panel.model.index(r, 5).data() for r in range(panel.model.rowCount())]
    assert values == sorted(values)


def test_deactivate_with_reason_then_reactivate(qtbot, demo_db, db_path, ui_settings,
                                                monkeypatch):
    from PySide6.QtWidgets import QDialog, QMessageBox

    from imp_desktop.ui.screens.cadres.cadre_dialog import LeaveDialog

    _, panel = open_kader(qtbot, db_path, ui_settings)
    cadre_id = panel.model.id_at(0)
    panel.select_cadre(cadre_id)
    assert panel.leave_button.isEnabled() and panel.leave_button.text() == "Nonaktifkan…"

    def leave(dialog):
        dialog.reason.setCurrentText("Mengundurkan diri")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LeaveDialog, "exec", leave)
    panel.leave_button.click()
    cadre = Cadre.get_by_id(cadre_id)
    assert not cadre.active and cadre.inactive_reason == "Mengundurkan diri"
    assert panel.model.row_of(cadre_id) is None          # gone from the active list
    panel.status_box.setCurrentIndex(panel.status_box.findData("all"))
    assert panel.select_cadre(cadre_id)
    assert panel.leave_button.text() == "Aktifkan kembali"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.leave_button.click()
    assert Cadre.get_by_id(cadre_id).active


def test_export_writes_the_filtered_list(qtbot, demo_db, db_path, ui_settings, tmp_path,
                                         monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from imp_desktop.ui.tasks import task_runner

    _, panel = open_kader(qtbot, db_path, ui_settings)
    panel.status_box.setCurrentIndex(panel.status_box.findData("inactive"))
    target = tmp_path / "berhenti.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.export_button.click()
    qtbot.waitUntil(lambda: panel.export_button.isEnabled(), timeout=5000)
    task_runner().wait()
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) - 1 == panel.model.rowCount()
    assert all(row[20] == "Berhenti" for row in rows[1:])


def test_a_long_result_is_counted_off_the_main_thread(qtbot, demo_db, db_path, ui_settings,
                                                      monkeypatch):
    from imp_desktop.ui.screens.cadres import models as cadre_model

    monkeypatch.setattr(cadre_model, "BATCH", 10)
    _, panel = open_kader(qtbot, db_path, ui_settings)
    total = Cadre.select().where(Cadre.active == True).count()  # noqa: E712
    assert panel.model.rowCount() == 10 < total
    qtbot.waitUntil(lambda: panel.count_label.text() == f"{total} kader", timeout=5000)
    panel.table.scrollToBottom()                   # the view asks for the next ids
    qtbot.waitUntil(lambda: panel.model.rowCount() > 10, timeout=2000)
    qtbot.keyClicks(panel.search, "zzzz")
    qtbot.waitUntil(lambda: panel.count_label.text() == "0 kader", timeout=2000)
