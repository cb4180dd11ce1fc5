"""The user guide: one text, shipped inside the package, with its pictures."""
import re
from pathlib import Path

from PySide6.QtCore import Qt

from imp_desktop.paths import resource
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")


def test_the_guide_shown_by_the_program_has_all_its_pictures():
    guide = resource("help", "panduan.md").read_text(encoding="utf-8")
    images = IMAGE.findall(guide)
    assert len(images) >= 4
    for name in images:
        assert resource("help", name).is_file(), name


def test_f1_opens_the_guide_and_search_finds_words(qtbot, demo_db, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    window.guide_action.trigger()
    guide = window.guide_window
    assert guide.isVisible()
    assert "Pengaturan awal" in guide.text()
    guide.search.setText("New SIGA")
    assert guide.find_next()
    assert guide.browser.textCursor().selectedText() == "New SIGA"
    document = guide.browser.document()
    assert document.resource(document.ResourceType.ImageResource.value,
                             guide.browser.source().resolved("img/beranda.png")) is not None
