"""The Laporan screen, driven like a user."""
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from report_helpers import pdf_text


@pytest.fixture
def screen(demo_db, qtbot, tmp_path, monkeypatch):
    from imp_desktop.ui.screens.reports import screen as laporan

    opened = []
    monkeypatch.setattr(laporan, "default_folder", lambda: tmp_path / "out")
    monkeypatch.setattr(laporan.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    widget = laporan.ReportScreen()
    widget.opened = opened
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.refresh()
    return widget


def _wait_built(qtbot, screen):
    qtbot.waitUntil(lambda: not screen.busy, timeout=30000)


def test_make_activity_report_opens_it(screen, qtbot):
    assert screen.activity_box.count() > 0
    qtbot.mouseClick(screen.make_button, Qt.MouseButton.LeftButton)
    assert screen.busy and not screen.make_button.isEnabled()
    _wait_built(qtbot, screen)
    assert screen.opened and screen.last_path.exists()
    assert "LAPORAN KEGIATAN" in pdf_text(screen.last_path.read_bytes())
    assert str(screen.last_path) in screen.status.text()


def test_each_document_from_the_list(screen, qtbot):
    screen.kinds.setCurrentRow(1)
    screen.blank_attendance.setChecked(True)
    screen.make()
    _wait_built(qtbot, screen)
    assert "kosong" in screen.last_path.name and "DAFTAR HADIR" in pdf_text(
        screen.last_path.read_bytes())
    screen.kinds.setCurrentRow(2)
    screen.cadre_desa_box.setCurrentIndex(1)
    screen.make()
    _wait_built(qtbot, screen)
    assert "Desa" in pdf_text(screen.last_path.read_bytes())
    screen.kinds.setCurrentRow(3)
    screen.make()
    _wait_built(qtbot, screen)
    assert "REKAP ENAM PERAN BAKTI" in pdf_text(screen.last_path.read_bytes())
    screen.kinds.setCurrentRow(4)
    screen.blank_sheet.setChecked(True)
    screen.make()
    _wait_built(qtbot, screen)
    assert "(lembar isian)" in pdf_text(screen.last_path.read_bytes())


def test_failure_is_shown_and_nothing_is_lost(screen, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from imp_desktop.errors import UserError
    from imp_desktop.services import reporting

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *args: warnings.append(args[2])))

    def broken(*args, **kwargs):
        raise UserError("Berkas sedang dibuka.")

    monkeypatch.setattr(reporting, "activity_report", broken)
    screen.make()
    _wait_built(qtbot, screen)
    assert warnings == ["Berkas sedang dibuka."] and screen.status.text() == warnings[0]
    assert screen.make_button.isEnabled()


def test_choose_from_another_screen(screen):
    activity_id = screen.activity_box.itemData(screen.activity_box.count() - 1)
    screen.choose("attendance", activity_id=activity_id, blank=True)
    assert screen.kind() == "attendance" and screen.attendance_box.currentData() == activity_id
    assert screen.blank_attendance.isChecked()


def test_screen_at_laptop_size(screen):
    """At 1366x768 every document kind is listed in full and the buttons are on screen."""
    from imp_desktop.ui.screens.reports.screen import KINDS

    area = screen.rect()
    viewport = screen.kinds.viewport().rect()
    assert screen.kinds.count() == len(KINDS)
    for row in range(screen.kinds.count()):
        assert viewport.contains(screen.kinds.visualItemRect(screen.kinds.item(row)))
    for button in (screen.make_button, screen.save_as_button, screen.open_again_button):
        assert button.isVisible(), button.text()
        corner = button.mapTo(screen, button.rect().bottomRight())
        assert area.contains(corner) and button.width() >= button.sizeHint().width()


def test_ctrl_p_on_kegiatan_prepares_the_report(qtbot, demo_db, db_path, ui_settings):
    from imp_desktop.data.db import open_database
    from imp_desktop.ui.main_window import MainWindow

    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    kegiatan = window.show_screen("kegiatan")
    kegiatan.list_page.table.selectRow(0)
    wanted = kegiatan.list_page.selected_id()
    assert wanted is not None
    kegiatan.print_document()
    laporan = window.show_screen("laporan")
    assert laporan.kind() == "activity" and laporan.activity_box.currentData() == wanted


def test_monthly_documents_and_excel_copies_from_the_list(screen, qtbot, monkeypatch):
    """Every kind also has "Simpan sebagai Excel" beside the PDF; the workbook holds
    the same figures as the database."""
    from openpyxl import load_workbook

    from imp_desktop.services import monthly
    from imp_desktop.ui.screens.reports import screen as laporan

    period = monthly.month_of(__import__("datetime").date.today()).previous().key
    unit = screen.monthly_unit_box.itemData(0) if screen.monthly_unit_box.count() else None
    screen.choose("monthly", unit_id=unit, period=period)
    assert screen.kind() == "monthly" and screen.monthly_month_box.currentData() == period
    target = screen.last_path = None
    chosen = {}

    def save_name(_parent, _title, suggested, _filter):
        chosen["path"] = suggested
        return suggested, _filter

    monkeypatch.setattr(laporan.QFileDialog, "getSaveFileName", staticmethod(save_name))
    assert screen.excel_button.isEnabled()
    qtbot.mouseClick(screen.excel_button, Qt.MouseButton.LeftButton)
    _wait_built(qtbot, screen)
    target = screen.last_path
    assert target.suffix == ".xlsx" and str(target) == chosen["path"]
    sheet = load_workbook(target).worksheets[0]
    assert sheet["A1"].value.startswith("Laporan Bulanan R/I/")
    report = monthly.unit_report(unit, period)
    rows = {row[2].value: row[3].value for row in sheet.iter_rows()
            if isinstance(row[1].value, int)}
    for item in report.lines:
        assert rows[item.line.text()] == item.figure.value
    for kind, title in (("monthly_recap", "REKAPITULASI LAPORAN BULANAN"),
                        ("coverage", "CAKUPAN LAPORAN BULANAN"),
                        ("register", "BUKU REGISTER")):
        screen.choose(kind, period=period)
        screen.make()
        _wait_built(qtbot, screen)
        assert title in pdf_text(screen.last_path.read_bytes()), kind
    for row in range(screen.kinds.count()):     # every kind can be saved as Excel
        screen.kinds.setCurrentRow(row)
        if screen._missing() is None:
            screen.make(fmt="xlsx")
            _wait_built(qtbot, screen)
            assert load_workbook(screen.last_path).worksheets[0]["A1"].value, row
