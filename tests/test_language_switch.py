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


def _indonesian_only_texts() -> dict[str, str]:
    """Texts that exist only in Indonesian: seeing one in English mode is a miss."""
    from imp_desktop.i18n import catalog

    english = {texts["en"].replace("&", "") for texts in catalog().values()}
    return {texts["id"].replace("&", ""): key for key, texts in catalog().items()
            if "{" not in texts["id"] and len(texts["id"]) > 3
            and texts["id"].replace("&", "") not in english}


def _visible_texts(root):
    from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QTabWidget,
    )

    for w in root.findChildren(QLabel):
        yield w, w.text()
    for w in root.findChildren(QAbstractButton):
        yield w, w.text()
    for w in root.findChildren(QGroupBox):
        yield w, w.title()
    for w in root.findChildren(QLineEdit):
        yield w, w.placeholderText()
    for w in root.findChildren(QTabWidget):
        for i in range(w.count()):
            yield w, w.tabText(i)
    for w in root.findChildren(QComboBox):
        for i in range(w.count()):
            yield w, w.itemText(i)
    for w in root.findChildren(QAbstractItemView):
        model = w.model()
        if model is None or isinstance(model, QAbstractListModel):
            continue
        for column in range(model.columnCount(QModelIndex())):
            yield w, str(model.headerData(column, Qt.Orientation.Horizontal) or "")


def test_every_screen_is_english_after_the_switch(qtbot, demo_db, db_path, ui_settings):
    """Open every screen (and the activity editor) in Indonesian, switch to English,
    then look at each screen and each of its tabs: no Indonesian-only text is left."""
    from PySide6.QtWidgets import QTabWidget

    from imp_desktop.i18n import set_language
    from imp_desktop.services.activities import list_activities
    from imp_desktop.ui.screens import SCREENS

    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    for entry in SCREENS:
        window.show_screen(entry.key)
    window.screens["kegiatan"].open_activity(list_activities()[0].id)
    set_language("en")
    indonesian = _indonesian_only_texts()
    left = set()
    for entry in SCREENS:
        screen = window.show_screen(entry.key)
        tab_widgets = screen.findChildren(QTabWidget)
        views = [None] + [(tabs, i) for tabs in tab_widgets for i in range(tabs.count())]
        for view in views:
            if view is not None:
                view[0].setCurrentIndex(view[1])
            for widget, text in _visible_texts(screen):
                text = (text or "").replace("&", "").strip()
                if text in indonesian and widget.isVisible():
                    left.add((entry.key, type(widget).__name__, indonesian[text]))
    assert not left, sorted(left)


def test_calendar_and_file_dialog_follow_the_language(qtbot, qapp):
    """Calendar names (Juli / Sen) and Qt's own file dialog texts follow the language."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QDateEdit, QFileDialog, QLabel

    from imp_desktop.i18n import set_language
    from imp_desktop.ui.qt_texts import install_standard_texts

    install_standard_texts(qapp)
    set_language("id")
    edit = QDateEdit()
    qtbot.addWidget(edit)
    assert QLocale().monthName(7) == "Juli" and edit.locale().dayName(1, QLocale.FormatType.ShortFormat) == "Sen"
    dialog = QFileDialog(None, "Buka")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert "&Cari di:" in labels and "&Jenis berkas:" in labels
    set_language("en")
    try:
        assert QLocale().monthName(7) == "July"
        assert edit.locale().dayName(1, QLocale.FormatType.ShortFormat) == "Mon"
    finally:
        set_language("id")
