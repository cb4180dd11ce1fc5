"""Pengaturan → Dokumen: kop surat, paper, village heads."""
import pytest
from PySide6.QtCore import Qt

from imp_desktop.services import settings as settings_service

DUREN = "33.22.02.2001"


@pytest.fixture
def page(demo_db, qtbot):
    from imp_desktop.ui.screens.settings.documents_page import DocumentSettingsPage

    widget = DocumentSettingsPage()
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    widget.refresh()
    return widget


def test_village_head_model_passes_the_tester(page, qtmodeltester):
    qtmodeltester.check(page.heads)
    assert page.heads.rowCount() >= 1


def test_typing_a_letterhead_and_heads_then_saving(page, qtbot, tmp_path):
    from PIL import Image

    qtbot.keyClicks(page.kop_lines[0], "Pemerintah Kabupaten Semarang")
    qtbot.keyClicks(page.kop_lines[1], "Dinas P2KB")
    qtbot.keyClicks(page.kop_address, "Jl. Diponegoro 1 & 2")
    logo = tmp_path / "logo.png"
    Image.new("RGB", (800, 800), "green").save(logo)
    page._show_logo(settings_service.read_logo(logo))
    page.paper.setCurrentIndex(page.paper.findData("F4"))
    row = [name for name, _ in page.heads.rows].index("Duren")
    page.heads.setData(page.heads.index(row, 2), "  Bambang   Santoso ")
    page.heads.setData(page.heads.index(row, 3), "19700101 199003 1 005")
    assert page.heads.data(page.heads.index(row, 3)) == "19700101 199003 1 005"
    assert page.save()
    kop = settings_service.get_letterhead()
    assert kop.lines == ["Pemerintah Kabupaten Semarang", "Dinas P2KB"] and kop.logo
    assert kop.address == "Jl. Diponegoro 1 & 2"
    assert settings_service.get_paper_size() == "F4"
    head = settings_service.get_village_head(DUREN)
    assert head.name == "Bambang Santoso" and head.nip == "197001011990031005"
    assert head.title == "Kepala Desa"
    page.refresh()
    assert page.kop_lines[1].text() == "Dinas P2KB" and page.logo_remove.isEnabled()


def test_the_kop_preview_follows_what_is_typed(page, qtbot):
    """Pengaturan › Dokumen shows the kop as it prints, as the setup does."""
    for line in page.kop_lines:
        line.clear()
    qtbot.keyClicks(page.kop_lines[0], "pemerintah kabupaten semarang")
    qtbot.keyClicks(page.kop_lines[1], "dinas pengendalian penduduk dan KB")
    qtbot.keyClicks(page.kop_address, "Jl. Diponegoro 1, Ungaran")
    printed = [line.text for line in page.kop_preview.printed_lines()]
    assert printed[:2] == ["PEMERINTAH KABUPATEN SEMARANG", "DINAS PENGENDALIAN PENDUDUK DAN KB"]
    assert printed[-1] == "Jl. Diponegoro 1, Ungaran" and page.kop_preview.isVisible()
    page.kop_enabled.setChecked(False)
    assert not page.kop_preview.isVisible()


def test_switching_the_kop_off_keeps_its_lines(page, qtbot):
    qtbot.keyClicks(page.kop_lines[0], "Kop")
    page.kop_enabled.setChecked(False)
    assert not page.kop_lines[0].isEnabled()
    assert page.save()
    assert settings_service.get_letterhead().lines == ["Kop"]
    from imp_desktop.services import reporting

    assert reporting.report_settings().letterhead is None


def test_bad_logo_is_refused_and_nothing_changes(page, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from imp_desktop.ui.screens.settings import documents_page as module

    bad = tmp_path / "logo.png"
    bad.write_text("not an image")
    warnings = []
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bad), "")))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda *args: warnings.append(args[2])))
    page.choose_logo()
    assert warnings and "bukan gambar" in warnings[0] and page.logo is None


def test_page_in_the_settings_screen(demo_db, qtbot):
    from imp_desktop.ui.screens.settings.screen import SettingsScreen

    screen = SettingsScreen()
    qtbot.addWidget(screen)
    titles = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert "Dokumen" in titles
