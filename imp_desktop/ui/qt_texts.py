"""Qt's own texts (standard buttons, the edit menu of text fields, its file
dialog) in Indonesian, and Qt's locale following the language.

Qt ships no Indonesian translation, so an officer using the Indonesian
interface would otherwise see "Yes", "Cancel", "Paste" or "Look in:". This
translator answers for those texts while the language is ``id`` and stays
silent in English (Qt then uses its built-in English). Where the system has a
native file dialog (Windows) Qt uses it, in the system's language.

The Qt locale follows the language too, so calendars show "Juli" and "Sen"
(or "July" and "Mon" in English). Dates in our own texts never depend on it:
they go through ``imp_desktop.formatting``.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from imp_desktop.i18n import language, on_language_changed

CONTEXTS = {"QPlatformTheme", "QDialogButtonBox", "QMessageBox", "QLineEdit",
            "QWidgetTextControl", "QTextControl", "QAbstractSpinBox", "QFileDialog",
            "QFileSystemModel", "QFileDialogPrivate", "QSidebar"}
INDONESIAN = {
    "OK": "OK", "&OK": "&OK",
    "Save": "Simpan", "&Save": "&Simpan", "Save All": "Simpan semua",
    "Open": "Buka", "&Open": "&Buka",
    "&Yes": "&Ya", "Yes": "Ya", "Yes to &All": "Ya untuk &semua",
    "&No": "&Tidak", "No": "Tidak", "N&o to All": "Tidak untuk se&mua",
    "Abort": "Batalkan", "Retry": "Coba lagi", "Ignore": "Abaikan",
    "Close": "Tutup", "&Close": "&Tutup", "Cancel": "Batal", "&Cancel": "&Batal",
    "Discard": "Buang", "Don't Save": "Jangan simpan", "Close without Saving": "Tutup tanpa menyimpan",
    "Help": "Bantuan", "Apply": "Terapkan", "Reset": "Atur ulang",
    "Restore Defaults": "Kembalikan bawaan",
    "Show Details...": "Tampilkan rincian…", "Hide Details...": "Sembunyikan rincian…",
    "&Undo": "&Batalkan", "&Redo": "&Ulangi", "Cu&t": "Po&tong", "&Copy": "&Salin",
    "&Paste": "&Tempel", "Delete": "Hapus", "Select All": "Pilih semua",
    "Copy &Link Location": "Salin &alamat tautan",
    "&Step Up": "&Naik", "Step &Down": "&Turun",
    # Qt's own file dialog (used where the system has no native one).
    "Look in:": "Cari di:", "&Look in:": "&Cari di:", "File &name:": "&Nama berkas:",
    "File name:": "Nama berkas:", "Files of &type:": "&Jenis berkas:",
    "Files of type:": "Jenis berkas:", "&Choose": "&Pilih", "Directory:": "Folder:",
    "Back": "Kembali", "Forward": "Maju", "Parent Directory": "Folder induk",
    "Create New Folder": "Buat folder baru", "New Folder": "Folder baru",
    "&New Folder": "Folder &baru", "List View": "Tampilan daftar",
    "Detail View": "Tampilan rinci", "Show &hidden files": "Tampilkan berkas &tersembunyi",
    "&Rename": "&Ganti nama", "&Delete": "&Hapus", "Find Directory": "Cari folder",
    "All Files (*)": "Semua berkas (*)", "Save As": "Simpan sebagai",
    "Name": "Nama", "Size": "Ukuran", "Type": "Jenis", "Kind": "Jenis",
    "Date Modified": "Tanggal diubah", "My Computer": "Komputer saya",
    "Computer": "Komputer", "File Folder": "Folder berkas", "Folder": "Folder",
    "Drive": "Drive", "File": "Berkas", "Unknown": "Tidak dikenal",
    "Remove": "Hapus", "Recent Places": "Tempat terakhir",
    "%1 already exists.\nDo you want to replace it?":
        "%1 sudah ada.\nGanti dengan yang baru?",
    "Are you sure you want to delete '%1'?": "Yakin menghapus '%1'?",
}


def qt_locale(lang: str) -> QLocale:
    """Indonesian (Indonesia) or English (United States) for Qt's own widgets."""
    if lang == "id":
        return QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def apply_locale(lang: str) -> None:
    """Make ``lang`` Qt's default locale and give it to the date widgets already shown."""
    locale = qt_locale(lang)
    QLocale.setDefault(locale)
    app = QCoreApplication.instance()
    if app is None or not hasattr(app, "allWidgets"):
        return
    from PySide6.QtWidgets import QAbstractSpinBox, QCalendarWidget

    for widget in app.allWidgets():
        if isinstance(widget, (QAbstractSpinBox, QCalendarWidget)):
            widget.setLocale(locale)


class StandardTexts(QTranslator):
    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802
        # None (a null string) means "not translated here"; an empty string
        # would replace Qt's text with nothing.
        if language() != "id" or context not in CONTEXTS:
            return None
        return INDONESIAN.get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt asks before using a translator
        return False


_installed: StandardTexts | None = None


def install_standard_texts(app: QCoreApplication) -> StandardTexts:
    """Install once; the language switch then reaches Qt's texts too."""
    global _installed
    if _installed is None:
        _installed = StandardTexts(app)
        app.installTranslator(_installed)
        apply_locale(language())
        on_language_changed(lambda lang: language_changed(lang))
    return _installed


def language_changed(lang: str | None = None) -> None:
    """Make Qt re-ask its texts (standard buttons retranslate on LanguageChange)."""
    apply_locale(lang or language())
    if _installed is not None:
        app = QCoreApplication.instance()
        app.removeTranslator(_installed)
        app.installTranslator(_installed)
