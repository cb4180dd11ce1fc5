"""One way for errors and slow work: operations, show_error, the log and its hooks."""
from __future__ import annotations

import sys
import zipfile

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from imp_desktop import logs
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.ui import operations
from imp_desktop.ui.tasks import task_runner


@pytest.fixture
def log_folder(tmp_path):
    folder = tmp_path / "logs"
    logs.setup_logging(folder)
    yield folder
    logs.stop_logging()


@pytest.fixture
def shown(monkeypatch):
    """What reached the officer: warnings (their text) and unexpected-error dialogs."""
    seen = {"warnings": [], "unexpected": []}
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text: seen["warnings"].append(text))
    monkeypatch.setattr(operations.UnexpectedErrorDialog, "exec",
                        lambda dialog: seen["unexpected"].append(dialog) or 0)
    return seen


def _broken_service():
    return {}["no such key"]


def test_an_unexpected_error_in_a_service_shows_one_dialog_and_is_logged(
        qtbot, log_folder, shown):
    parent = QWidget()
    qtbot.addWidget(parent)
    button = QWidget(parent)
    done = []
    operations.op(parent, _broken_service).success(done.append).run(busy=button)
    assert not button.isEnabled()
    qtbot.waitUntil(lambda: bool(shown["unexpected"]), timeout=5000)
    assert button.isEnabled() and done == [] and shown["warnings"] == []
    dialog = shown["unexpected"][0]
    assert dialog.title.text() == "<b>Terjadi kesalahan tak terduga</b>"
    dialog.copy_details()
    from PySide6.QtGui import QGuiApplication

    copied = QGuiApplication.clipboard().text()
    assert "_broken_service" in copied and "KeyError" in copied
    written = (log_folder / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    # the worker's own traceback, not only the message
    assert "Unexpected error" in written and "in _broken_service" in written
    assert written.count("Unexpected error") == 1


def test_a_user_error_shows_its_sentence_and_no_traceback(qtbot, log_folder, shown):
    def refuse():
        raise UserError("Kader dengan NIK 3322010101900001 sudah ada.")

    kept = []
    assert not operations.op(None, refuse).failure(kept.append).run_here()
    assert shown["warnings"] == ["Kader dengan NIK 3322010101900001 sudah ada."]
    assert shown["unexpected"] == [] and len(kept) == 1
    written = (log_folder / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "Kader dengan NIK 3322************ sudah ada." in written   # logged, NIK masked
    assert "3322010101900001" not in written and "Traceback" not in written


def test_a_validation_error_lists_its_problems_unless_the_caller_shows_them(qtbot, shown):
    def refuse():
        raise ValidationError("Belum disimpan.", [("name", "Nama wajib diisi."),
                                                  ("nik", "NIK harus 16 angka.")])

    operations.op(None, refuse).run_here()
    assert shown["warnings"] == ["Belum disimpan.\n\n• Nama wajib diisi.\n• NIK harus 16 angka."]
    operations.op(None, refuse).failure(lambda exc: True).run_here()
    assert len(shown["warnings"]) == 1


def test_success_gets_the_result_on_the_main_thread(qtbot, shown):
    results = []
    operations.op(None, lambda: 42).success(results.append).run(writes=True)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    progress = []

    def slow_work(report) -> str:
        report(1, 2)
        return "done"

    operations.op(None, slow_work).success(results.append).run(
        progress=lambda done, total: progress.append((done, total)))
    qtbot.waitUntil(lambda: results[-1] == "done", timeout=5000)
    assert progress == [(1, 2)]
    assert task_runner().wait()


class _Sender(QObject):
    poke = Signal()


@pytest.mark.qt_no_exception_capture
def test_the_excepthook_catches_an_error_raised_in_a_slot(qtbot, log_folder, shown,
                                                          monkeypatch):
    monkeypatch.setattr(sys, "excepthook", operations._excepthook)
    sender = _Sender()

    def broken_slot():
        raise RuntimeError("slot went wrong")

    sender.poke.connect(broken_slot)
    sender.poke.emit()
    assert len(shown["unexpected"]) == 1
    written = (log_folder / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "RuntimeError: slot went wrong" in written and "broken_slot" in written


def test_threads_and_qt_messages_reach_the_log(log_folder):
    import threading

    thread = threading.Thread(target=_broken_service, name="worker-x")
    previous = threading.excepthook
    threading.excepthook = operations._thread_hook
    try:
        thread.start()
        thread.join()
    finally:
        threading.excepthook = previous
    from PySide6.QtCore import QtMsgType

    operations._qt_message(QtMsgType.QtWarningMsg, None, "QFont: something odd")
    written = (log_folder / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "thread worker-x" in written and "KeyError" in written
    assert "WARNING imp_desktop.ui: Qt: QFont: something odd" in written


def test_the_problem_report_holds_log_versions_and_schema_with_people_masked(
        demo_db, tmp_path, log_folder):
    from imp_desktop.data.models import Cadre
    from imp_desktop.services import problem_report

    cadre = Cadre.select().order_by(Cadre.id).first()
    logs.log.error("Saving %s (NIK %s) failed", cadre.name, cadre.nik)
    path = problem_report.write_problem_report(tmp_path / "laporan", "Gagal simpan "
                                               + cadre.name, {"Qt": "6.x"})
    assert path.name == "laporan.zip"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "versions.txt", "schema.txt", "what-happened.txt",
                f"log/{logs.LOG_FILE_NAME}"} <= names
        log_text = archive.read(f"log/{logs.LOG_FILE_NAME}").decode()
        note = archive.read("what-happened.txt").decode()
        versions = archive.read("versions.txt").decode()
        schema = archive.read("schema.txt").decode()
    assert cadre.name not in log_text and cadre.nik not in log_text
    assert "Saving [nama] (NIK " in log_text and cadre.nik[:4] + "*" * 12 in log_text
    assert note == "Gagal simpan [nama]\n"
    assert "IMP Desktop" in versions and "peewee" in versions and "Qt 6.x" in versions
    assert "schema_migrations" in schema and "cadre (" in schema and "  nik " in schema
    assert cadre.name not in schema
