"""The Kegiatan screen driven like a user: list, editor, attendance, photos."""
import datetime as dt

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from imp_desktop.services import activities as service
from imp_desktop.ui.screens.activities.models import ActivityListModel, AttendanceModel
from imp_desktop.ui.screens.activities.invite_dialog import GuestDialog, InviteDialog



@pytest.fixture
def screen(window):
    return window.show_screen("kegiatan")


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kw: seen.append(args[2]))
    return seen


def test_list_model_passes_the_model_tester(qtmodeltester, demo_db):
    model = ActivityListModel()
    model.set_rows(service.list_activities())
    assert model.rowCount() >= 6
    qtmodeltester.check(model)
    assert "dari" in model.data(model.index(0, 4))


def test_attendance_model_passes_the_model_tester(qtmodeltester, demo_db):
    detail = service.get_activity(service.list_activities()[0].id)
    model = AttendanceModel()
    model.set_rows(detail.participants)
    qtmodeltester.check(model)
    pre = model.column("pre")
    assert model.setData(model.index(0, pre), "72,5")
    assert model.participant(0).pre_score == 72.5
    assert not model.setData(model.index(0, pre), "150")
    assert not model.setData(model.index(0, pre), "abc")
    assert not model.setData(model.index(0, model.column("name")), "X")  # a cadre's name
    not_yet_present = sum(1 for n in range(model.rowCount())
                          if model.participant(n).status != "hadir")
    assert model.set_status(None, "hadir") == not_yet_present
    assert model.counts().present == model.rowCount()
    assert model.set_status(None, "hadir") == 0       # nothing left to change
    assert model.set_status([0], None) == 1 and model.participant(0).status is None
    assert model.counts().present == model.rowCount() - 1


def test_list_filters_by_month_desa_type_and_text(qtbot, screen):
    page = screen.list_page
    total = page.model.rowCount()
    assert total == len(service.list_activities()) and total > 0
    page.month_box.setCurrentIndex(1)
    year, month = page.month_box.currentData()
    assert 0 < page.model.rowCount() < total
    assert all(page.model.summary(r).date.month == month for r in range(page.model.rowCount()))
    page.month_box.setCurrentIndex(0)
    page.desa_box.setCurrentIndex(1)
    desa_name = page.desa_box.currentText()
    assert {page.model.summary(r).desa_name for r in range(page.model.rowCount())} == {desa_name}
    page.desa_box.setCurrentIndex(0)
    page.type_box.setCurrentIndex(page.type_box.findText("Pertemuan rutin"))
    assert {page.model.summary(r).type_name for r in range(page.model.rowCount())} == \
        {"Pertemuan rutin"}
    page.type_box.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "tidak ada kegiatan begini")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.empty_label.isVisible()


def _drive_invite(monkeypatch, desa_code, pick_unit):
    """Stands in for the modal loop: fills the real dialog and returns its rows."""
    def get_rows(parent, desa=None, already=None):
        dialog = InviteDialog(parent, desa_code, already)
        pick_unit(dialog)
        rows = dialog.chosen_rows()
        dialog.deleteLater()
        return rows

    monkeypatch.setattr(InviteDialog, "get_rows", get_rows)


def test_create_invite_mark_close_reopen(qtbot, screen, monkeypatch, warnings):
    qtbot.mouseClick(screen.list_page.new_button, Qt.MouseButton.LeftButton)
    editor = screen.editor
    assert screen.editing and editor.title.text() == "Pembinaan pada Kader IMP Bangga Kencana"
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Pembinaan Kader Sub PPKBD")
    editor.desa_box.setCurrentIndex(1)
    desa_code = editor.desa_box.currentData()
    editor.date.setDate(dt.date(2026, 11, 20))
    editor.place.setText("Balai Desa")
    editor.texts["results"].setPlainText("Kader memahami tugas pencatatan.")

    def pick_unit(dialog):
        dialog.level_box.setCurrentIndex(dialog.level_box.findData("sub_ppkbd"))
        dialog.unit_box.setCurrentIndex(1)
        dialog.sub_units.setChecked(True)
        assert "kader aktif cocok" in dialog.preview.text()

    _drive_invite(monkeypatch, desa_code, pick_unit)
    editor.tabs.setCurrentIndex(5)
    qtbot.mouseClick(editor.invite_button, Qt.MouseButton.LeftButton)
    invited = editor.model.rowCount()
    assert invited >= 3
    monkeypatch.setattr(GuestDialog, "get_row",
                        classmethod(lambda cls, parent: service.guest_row("Ibu Sri", "Bidan desa")))
    qtbot.mouseClick(editor.guest_button, Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == invited + 1

    # "semua hadir", then the few who were not: by keyboard
    qtbot.mouseClick(editor.all_present_button, Qt.MouseButton.LeftButton)
    table = editor.table
    table.setFocus()
    table.setCurrentIndex(editor.model.index(1, editor.model.column("name")))
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_I)      # row 2 excused; the cursor moves to row 3
    qtbot.keyClick(table, Qt.Key.Key_S)      # row 3 sick
    assert "Izin <b>1</b>" in editor.counts_label.text()
    assert f"Hadir <b>{invited + 1 - 2}</b>" in editor.counts_label.text()

    editor.scores_box.setChecked(True)
    model = editor.model
    model.setData(model.index(0, model.column("pre")), "50")
    model.setData(model.index(0, model.column("post")), "80")
    assert "+30" in editor.counts_label.text()
    assert editor.dirty
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not warnings and not editor.dirty
    saved_id = editor.activity_id
    qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
    assert not screen.editing

    page = screen.list_page
    assert page.selected_id() == saved_id
    row = page.model.row_of(saved_id)
    assert page.model.data(page.model.index(row, 4)) == f"{invited - 1} dari {invited + 1}"
    page.open_selected()
    assert screen.editing and editor.activity_id == saved_id
    assert editor.title.text() == "Pembinaan Kader Sub PPKBD"
    assert editor.texts["results"].toPlainText() == "Kader memahami tugas pencatatan."
    assert editor.date.date().toPython() == dt.date(2026, 11, 20)
    assert editor.scores_box.isChecked()
    statuses = [r.status for r in editor.model.rows()]
    assert statuses[1:3] == ["izin", "sakit"] and statuses.count("hadir") == invited - 1
    guest = editor.model.rows()[-1]
    assert guest.is_guest and guest.name == "Ibu Sri" and guest.role_text == "Bidan desa"
    assert editor.model.rows()[0].gain == 30


def test_refused_save_keeps_what_was_typed(qtbot, screen, warnings):
    screen.new_activity()
    editor = screen.editor
    editor.title.clear()
    qtbot.keyClicks(editor.title, " ")
    editor.texts["background"].setPlainText("Teks panjang yang tidak boleh hilang.")
    editor.until_done.setChecked(False)
    editor.start.setTime(editor.start.time().fromString("10.00", "HH.mm"))
    editor.end.setTime(editor.end.time().fromString("09.00", "HH.mm"))
    before = len(service.list_activities())
    assert not editor.save()
    assert warnings and "Judul" in warnings[0] and "Jam selesai" in warnings[0]
    assert "Judul kegiatan wajib diisi." in editor.error.text()
    assert editor.texts["background"].toPlainText() == "Teks panjang yang tidak boleh hilang."
    assert screen.editing and len(service.list_activities()) == before


def test_unsaved_changes_are_asked_about(qtbot, screen, monkeypatch):
    page = screen.list_page
    page.open_selected()
    editor = screen.editor
    ident = editor.activity_id
    editor.place.setText("")
    qtbot.keyClicks(editor.place, "Rumah Ketua PPKBD")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    editor.request_close()
    assert screen.editing                     # cancelled: still editing
    editor.request_close()
    assert not screen.editing                 # discarded
    assert service.get_activity(ident).place != "Rumah Ketua PPKBD"


def test_photos_are_copied_and_a_bad_file_is_explained(qtbot, screen, tmp_path, warnings):
    Image.new("RGB", (1200, 900), "orange").save(tmp_path / "rapat_desa.jpg")
    (tmp_path / "rusak.jpg").write_bytes(b"bukan gambar")
    page = screen.list_page
    page.open_selected()
    editor = screen.editor
    before = len(editor.photos.photos())
    editor.tabs.setCurrentIndex(6)
    editor.photos.add_files([str(tmp_path / "rapat_desa.jpg"), str(tmp_path / "rusak.jpg")])
    qtbot.waitUntil(lambda: len(editor.photos.photos()) == before + 1, timeout=10000)
    qtbot.waitUntil(lambda: bool(warnings))
    assert "rusak.jpg" in warnings[0] and "tidak dapat dibaca" in warnings[0]
    assert editor.photos.photos()[-1].caption == "rapat desa"
    editor.photos.caption.setText("")
    qtbot.keyClicks(editor.photos.caption, "Pembukaan oleh Kepala Desa")
    assert editor.save()
    (tmp_path / "rapat_desa.jpg").unlink()     # the original is gone; the copy stays
    detail = service.get_activity(editor.activity_id)
    assert detail.photos[-1].caption == "Pembukaan oleh Kepala Desa"
    assert detail.photos[-1].exists and detail.photos[-1].width == 1200


def test_missing_stored_photo_shows_a_message(qtbot, screen):
    page = screen.list_page
    detail = service.get_activity(page.selected_id())
    from imp_desktop.services.photos import photo_path

    photo_path(detail.photos[0].file_name).unlink()
    page.open_selected()
    editor = screen.editor
    editor.tabs.setCurrentIndex(6)
    assert "hilang" in editor.photos.problem.text()
    assert editor.photos.list.count() == len(detail.photos)


def test_duplicate_from_the_list(qtbot, screen, monkeypatch):
    from imp_desktop.ui.screens.activities.editor import DuplicateDialog

    page = screen.list_page
    source = service.get_activity(page.selected_id())
    monkeypatch.setattr(DuplicateDialog, "get_date",
                        classmethod(lambda cls, parent, default: default))
    page.duplicate_selected()
    copy = service.get_activity(page.selected_id())
    assert copy.id != source.id and copy.date == service.next_month(source.date)
    assert len(copy.participants) == len(source.participants)
    assert copy.counts.unmarked == len(source.participants)


def test_delete_from_the_list_asks_first(qtbot, screen, monkeypatch):
    page = screen.list_page
    ident = page.selected_id()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    page.delete_selected()
    assert service.get_activity(ident)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_selected()
    assert page.model.row_of(ident) is None


def test_editor_speaks_english_too(qtbot, screen):
    from imp_desktop.i18n import set_language

    screen.list_page.open_selected()
    set_language("en")
    assert screen.editor.save_button.text() == "Save"
    assert screen.editor.tabs.tabText(0) == "Details"
    assert "Invited" in screen.editor.counts_label.text()


def test_print_menu_saves_first_then_writes_and_opens_the_pdf(qtbot, screen, tmp_path,
                                                              monkeypatch, warnings):
    """The editor's print entries call the reports code with the saved activity."""
    from imp_desktop.services import reporting
    from imp_desktop.ui.screens.activities import editor as activity_editor
    from imp_desktop.ui.tasks import task_runner

    calls = []
    monkeypatch.setattr(reporting, "attendance_pdf",
                        lambda ident, blank=False, lang=None: calls.append(
                            ("attendance", ident, blank,
                             service.get_activity(ident).place)) or b"%PDF-1.4 daftar")
    monkeypatch.setattr(reporting, "activity_report_pdf",
                        lambda ident, lang=None: calls.append(("report", ident)) or b"%PDF-1.4 lap")
    opened = []
    real = activity_editor.make_activity_pdf

    def make(parent, ident, kind, choose_path=None, open_file=None):
        real(parent, ident, kind, choose_path=lambda suggested: str(tmp_path / f"{kind}.pdf"),
             open_file=opened.append)

    monkeypatch.setattr(activity_editor, "make_activity_pdf", make)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Save)
    screen.list_page.open_selected()
    editor = screen.editor
    editor.place.setText("Aula Kantor Desa")
    editor._mark_dirty()
    for action in editor.print_menu.actions():
        action.trigger()
        task_runner().wait()
        qtbot.waitUntil(lambda: len(opened) == len(calls))
    ident = editor.activity_id
    assert calls == [("attendance", ident, True, "Aula Kantor Desa"),
                     ("attendance", ident, False, "Aula Kantor Desa"), ("report", ident)]
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.4 lap"
    assert opened[0].endswith("attendance_blank.pdf") and not warnings


def test_standard_actions_reach_the_screen(qtbot, window, screen, monkeypatch):
    window.run_screen_action("new_record")
    assert screen.editing and screen.editor.activity_id is None
    screen.editor.desa_box.setCurrentIndex(1)
    before = len(service.list_activities())
    window.run_screen_action("save_record")
    assert len(service.list_activities()) == before + 1
    window.run_screen_action("find")
    assert not screen.editing and screen.list_page.search.hasFocus()


def test_closing_the_window_with_unsaved_edits_asks(qtbot, window, screen, monkeypatch):
    screen.list_page.open_selected()
    screen.editor.place.setText("")
    qtbot.keyClicks(screen.editor.place, "Tempat baru")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible() and screen.editing


def test_activity_types_page(qtbot, db, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from imp_desktop.ui.screens.activities.types_page import ActivityTypesPage

    page = ActivityTypesPage()
    qtbot.addWidget(page)
    assert page.list.count() == 7
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Kunjungan rumah", True))
    page.add()
    assert page.list.currentItem().text() == "Kunjungan rumah"
    page.move(-1)
    assert page.list.currentRow() == 6
    page.toggle_hidden()
    assert "disembunyikan" in page.list.currentItem().text()
    assert "Kunjungan rumah" not in [t.name for t in service.activity_types()]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete()
    assert page.list.count() == 7


def test_print_menu_makes_the_real_documents(qtbot, screen, tmp_path, monkeypatch, warnings):
    """End to end with the reports code: blank and filled Daftar Hadir, Laporan Kegiatan."""
    from pypdf import PdfReader

    from imp_desktop.ui.screens.activities import editor as activity_editor
    from imp_desktop.ui.tasks import task_runner

    opened = []
    real = activity_editor.make_activity_pdf
    monkeypatch.setattr(activity_editor, "make_activity_pdf",
                        lambda parent, ident, kind, **_: real(
                            parent, ident, kind,
                            choose_path=lambda suggested: str(tmp_path / f"{kind}.pdf"),
                            open_file=opened.append))
    screen.list_page.open_selected()
    editor = screen.editor
    detail = service.get_activity(editor.activity_id)
    for action in editor.print_menu.actions():
        action.trigger()
        task_runner().wait()
        qtbot.waitUntil(lambda: len(opened) == editor.print_menu.actions().index(action) + 1,
                        timeout=20000)
    assert not warnings
    texts = {kind: " ".join(page.extract_text() for page in PdfReader(tmp_path / f"{kind}.pdf").pages)
             for kind in ("attendance_blank", "attendance", "report")}
    first = detail.participants[0].name
    for text in texts.values():
        assert first in text
    assert "Hadir" in texts["attendance"]
    assert detail.title.upper() in " ".join(texts["report"].split()).upper()


def test_draft_then_susun_ulang_keeps_what_the_officer_typed(qtbot, screen, monkeypatch,
                                                              warnings):
    qtbot.mouseClick(screen.list_page.new_button, Qt.MouseButton.LeftButton)
    editor = screen.editor
    assert editor.texts["background"].toPlainText().startswith("Institusi Masyarakat Pedesaan")
    assert editor.texts["closing"].toPlainText().startswith("Demikian laporan")
    assert not editor.dirty                         # a draft is not the officer's change
    editor.desa_box.setCurrentIndex(1)
    desa_code = editor.desa_box.currentData()
    mine = "Latar belakang yang saya tulis sendiri."
    editor.texts["background"].setPlainText(mine)
    editor.agenda_roles["pertemuan"].setChecked(True)

    def pick_unit(dialog):
        dialog.level_box.setCurrentIndex(dialog.level_box.findData("sub_ppkbd"))
        dialog.unit_box.setCurrentIndex(1)

    _drive_invite(monkeypatch, desa_code, pick_unit)
    qtbot.mouseClick(editor.invite_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.all_present_button, Qt.MouseButton.LeftButton)
    invited = editor.model.rowCount()
    qtbot.mouseClick(editor.redraft_button, Qt.MouseButton.LeftButton)
    assert editor.texts["background"].toPlainText() == mine
    assert editor.texts["participants_note"].toPlainText().startswith(
        f"Kegiatan ini dihadiri oleh {invited} dari {invited} undangan")
    assert "1. Peran Pertemuan" in editor.texts["agenda"].toPlainText()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not warnings
    saved = service.get_activity(editor.activity_id)
    assert saved.background == mine and saved.agenda_roles == ["pertemuan"]
    assert saved.drafted["agenda"] == saved.agenda
