"""Switching the language in Pengaturan → Umum changes what is on screen, at once,
and loses nothing that was typed."""
from imp_desktop.i18n import language
from imp_desktop.ui.app import open_database
from imp_desktop.ui.main_window import MainWindow


def test_switching_language_retranslates_screens_and_keeps_typed_text(qtbot, demo_db, db_path,
                                                                      ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    home = window.show_screen("beranda")
    assert home.cadre_card.title.text() == "Kader aktif"
    kader = window.show_screen("kader")
    kader.cadres.search.setText("siti")
    settings = window.show_screen("pengaturan")
    page = settings.pages[0]
    assert settings.tabs.tabText(0) == "Umum"
    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))

    assert language() == "en" and ui_settings.language == "en"
    assert settings.tabs.tabText(0) == "General"
    assert settings.heading.text() == "Settings"
    assert window.nav.item(1).text() == "Cadres"
    assert window.action_menu.title() == "&Actions"
    assert home.cadre_card.title.text() == "Active cadres"
    assert any("due by" in w.text() for w in home.reminder_widgets if hasattr(w, "text"))
    assert kader.cadres.search.text() == "siti"      # nothing typed is lost
    assert page.language_combo.currentData() == "en"

    page.language_combo.setCurrentIndex(page.language_combo.findData("id"))
    assert window.nav.item(1).text() == "Kader" and home.cadre_card.title.text() == "Kader aktif"
    assert ui_settings.language == "id"


def test_standard_shortcuts_reach_the_current_screen(qtbot, demo_db, db_path, ui_settings):
    from PySide6.QtCore import Qt

    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_screen("beranda")
    assert not window.screen_actions["find"].isEnabled()
    kader = window.show_screen("kader")
    assert window.screen_actions["find"].isEnabled()
    assert window.screen_actions["new_record"].isEnabled()
    kader.cadres.table.setFocus()
    qtbot.keyClick(kader.cadres.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert kader.cadres.search.hasFocus()


def test_qt_standard_buttons_follow_the_language(qtbot, qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from imp_desktop.i18n import set_language
    from imp_desktop.ui.qt_texts import install_standard_texts

    install_standard_texts(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    box.show()
    texts = lambda: sorted(b.text() for b in box.buttons())  # noqa: E731
    assert texts() == ["&Ya", "Batal"]
    set_language("en")
    qtbot.waitUntil(lambda: texts() == ["&Yes", "Cancel"], timeout=2000)
    set_language("id")
    qtbot.waitUntil(lambda: texts() == ["&Ya", "Batal"], timeout=2000)
