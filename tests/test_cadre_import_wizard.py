from PySide6.QtWidgets import QDialog

from imp_desktop.data.models import Cadre
from imp_desktop.ui.screens.cadres.import_wizard import PAGE_MAPPING, PAGE_REPORT, ImportWizard
from tests.test_cadre_import import GOOD_ROWS, messy_workbook


def test_wizard_maps_checks_and_imports_off_the_main_thread(qtbot, demo_db, tmp_path):
    path = messy_workbook(tmp_path / "kader.xlsx", GOOD_ROWS)
    wizard = ImportWizard()
    qtbot.addWidget(wizard)
    wizard.path.setText(str(path))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == PAGE_MAPPING, timeout=5000)
    assert wizard.mapping()[1:4] == ["name", "nik", "sex"]
    assert wizard.preview.item(1, 1).text().strip() == "siti   AMINAH"
    wizard.combos[11].setCurrentIndex(0)          # ignore the phone column
    before = Cadre.select().count()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == PAGE_REPORT, timeout=5000)
    assert wizard.report.ok and Cadre.select().count() == before
    assert wizard.next_button.isEnabled() and "4" in wizard.next_button.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.result() == QDialog.DialogCode.Accepted, timeout=5000)
    assert wizard.imported == 4 and Cadre.select().count() == before + 4
    assert Cadre.get(Cadre.nik == "3322024512900003").phone is None


def test_wizard_with_errors_cannot_import(qtbot, demo_db, tmp_path):
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][2] = "3.32202E+15"
    wizard = ImportWizard()
    qtbot.addWidget(wizard)
    wizard.path.setText(str(messy_workbook(tmp_path / "rusak.xlsx", rows)))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == PAGE_MAPPING, timeout=5000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == PAGE_REPORT, timeout=5000)
    assert not wizard.next_button.isEnabled()
    assert "6 | KESALAHAN | NIK | NIK" in wizard.report_text()


def test_wizard_explains_an_unreadable_file(qtbot, demo_db, tmp_path):
    bad = tmp_path / "kader.pdf"
    bad.write_text("x")
    wizard = ImportWizard()
    qtbot.addWidget(wizard)
    wizard.path.setText(str(bad))
    wizard.next()
    qtbot.waitUntil(lambda: bool(wizard.message.text()), timeout=5000)
    assert "XLSX atau CSV" in wizard.message.text()
    assert wizard.pages.currentIndex() == 0
