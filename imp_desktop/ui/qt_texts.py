"""Qt's own texts (standard buttons, the edit menu of text fields) in Indonesian.

Qt ships no Indonesian translation, so an officer using the Indonesian
interface would otherwise see "Yes", "Cancel" and "Paste". This translator
answers for those few texts while the language is ``id`` and stays silent in
English (Qt then uses its built-in English).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from imp_desktop.i18n import language, on_language_changed

CONTEXTS = {"QPlatformTheme", "QDialogButtonBox", "QMessageBox", "QLineEdit",
            "QWidgetTextControl", "QTextControl", "QAbstractSpinBox", "QFileDialog"}
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
}


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
        on_language_changed(lambda _lang: language_changed())
    return _installed


def language_changed() -> None:
    """Make Qt re-ask its texts (standard buttons retranslate on LanguageChange)."""
    if _installed is not None:
        app = QCoreApplication.instance()
        app.removeTranslator(_installed)
        app.installTranslator(_installed)
