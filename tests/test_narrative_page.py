"""Pengaturan → Templat laporan: editing an activity type's narrative template."""
from PySide6.QtCore import Qt

from imp_desktop.services import activities, drafting


def test_template_page_saves_refuses_and_resets(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    settings = window.show_screen("pengaturan")
    page = next(p for p in settings.pages if type(p).__name__ == "NarrativeTemplatePage")
    settings.tabs.setCurrentWidget(page)
    type_id = activities.activity_types()[0].id
    page.type_box.setCurrentIndex(page.type_box.findData(type_id))
    assert page.texts["closing"].toPlainText() == drafting.DEFAULT_TEMPLATE["closing"]
    page.texts["closing"].setPlainText("Rapat di {tempat} selesai.")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert drafting.get_template(type_id)["closing"] == "Rapat di {tempat} selesai."
    assert page.type_box.currentText().endswith(" *")
    page.texts["aims"].setPlainText("Untuk {tujuan}.")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "tujuan" in page.error.text()
    assert page.texts["aims"].toPlainText() == "Untuk {tujuan}."        # kept on screen
    assert drafting.get_template(type_id)["aims"] == drafting.DEFAULT_TEMPLATE["aims"]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert drafting.get_template(type_id) == drafting.DEFAULT_TEMPLATE
    assert page.texts["closing"].toPlainText() == drafting.DEFAULT_TEMPLATE["closing"]
