"""Screenshots of the real screens for the user guide
(imp_desktop/resources/help/panduan.md, the one copy, shown by Bantuan).

Builds a demo database in a temporary folder, renders each screen of the main
window at 1366x740 offscreen, and writes the pictures to
imp_desktop/resources/help/img/ beside the guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/guide_screenshots.py
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HELP = ROOT / "imp_desktop" / "resources" / "help"
SIZE = (1366, 740)
# Screens pictured in the guide (a screen still being built is left out).
SCREENS = ("beranda", "kader", "kegiatan", "peran", "bulanan", "laporan", "pengaturan")


def save(widget, name: str) -> None:
    from PIL import Image

    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()
    path = HELP / "img" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    # A 256-colour palette keeps a screenshot near 100 KB without visible loss.
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            path, optimize=True)
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def main() -> int:
    from PySide6.QtCore import QSettings

    from imp_desktop.data.db import open_database
    from imp_desktop.i18n import set_language
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.ui.app import application
    from imp_desktop.ui.app import open_database as open_for_window
    from imp_desktop.ui.main_window import MainWindow
    from imp_desktop.ui.settings import UiSettings

    app = application()
    set_language("id")
    folder = Path(tempfile.mkdtemp(prefix="imp-guide-"))
    try:
        db_path = folder / "demo.sqlite"
        open_database(db_path)
        generate_demo(desa=4, cadres=600, seed=1)
        # A few records still to complete, as in real life, so Beranda shows its reminders.
        from imp_desktop.services.cadres import CadreInput, save_cadre

        for name in ("Siti Maryam", "Sri Lestari"):
            save_cadre(CadreInput(name=name, desa_code="33.22.02.2001"))
        settings = UiSettings(QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
        window = MainWindow(str(db_path), open_for_window, settings)
        window.resize(*SIZE)
        window.show()
        for key in SCREENS:
            window.show_screen(key)
            save(window, f"{key}.png")
        # Kabupaten counts off the main thread: wait for it, then show the cadres by level.
        from imp_desktop.ui.tasks import task_runner

        district = window.show_screen("kabupaten")
        task_runner().wait()
        app.processEvents()
        district.tabs.setCurrentIndex(1)
        save(window, "kabupaten.png")
        # An activity open in the editor, on its attendance list.
        from imp_desktop.services.activities import list_activities

        activities = window.show_screen("kegiatan")
        activities.open_activity(list_activities()[0].id)
        editor = activities.editor
        if hasattr(editor, "tabs"):
            editor.tabs.setCurrentIndex(editor.tabs.count() - 2)
        save(window, "kegiatan-editor.png")
        activities.show_list()

        # The first-run setup, on an empty database.
        empty = folder / "kosong.sqlite"
        window.switch_database(str(empty))
        wizard = window.first_run_wizard
        save(wizard, "pengaturan-awal-1.png")
        wizard.next()
        wizard.profile_page.name.setText("Sri Wahyuningsih, S.Sos.")
        wizard.profile_page.nip.setText("198609262015052001")
        wizard.profile_page.title_box.setCurrentText("Penyuluh KB Ahli Muda")
        wizard.profile_page.place.setText("Tengaran")
        save(wizard, "pengaturan-awal-2.png")
        wizard.next()
        area = wizard.area_page
        area.picker.set_kecamatan("33.22.02")
        for name, code in (("Duren", "2001"), ("Sugihan", "2002"), ("Sruwen", "")):
            area.new_name.setText(name)
            area.new_code.setText(code)
            area.add_typed_desa()
        save(wizard, "pengaturan-awal-3.png")
        wizard.next()
        save(wizard, "pengaturan-awal-4.png")
        wizard.reject()
        window.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"pictures written to {(HELP / 'img').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
