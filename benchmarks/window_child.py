"""Started as a fresh process by bench_window: opens the window the way
``imp-desktop`` does and prints, as JSON, when the current screen was first
painted and the peak memory after visiting every screen."""
from __future__ import annotations

import json
import resource
import sys
import time

# Measure the checkout this script lives in, whatever is installed.
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
STARTED = float(sys.argv[2]) if len(sys.argv) > 2 else time.time()


def peak_rss_mb() -> float:
    """This program's own peak memory. On Linux from VmHWM, which belongs to the
    process image since exec: ``ru_maxrss`` also keeps the peak of the parent
    that forked it (the benchmark runner, hundreds of MB after the other
    benchmarks), which is not this program's memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    db_path, start_screen = sys.argv[1], sys.argv[3]
    from PySide6.QtCore import QEvent, QObject, QTimer

    from imp_desktop.i18n import set_language
    from imp_desktop.ui.app import application, open_first_database, start_integrity_check
    from imp_desktop.ui.main_window import MainWindow
    from imp_desktop.ui.screens import SCREENS
    from imp_desktop.ui.settings import UiSettings

    app = application()
    settings = UiSettings()
    settings.last_screen = start_screen
    set_language(settings.language)
    path = open_first_database(db_path)
    window = MainWindow(path, lambda p: open_first_database(p), settings)
    result = {}

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and "shown" not in result:
                result["shown"] = time.time() - STARTED
                QTimer.singleShot(0, visit_all)
            return False

    def visit_all():
        for row in range(len(SCREENS)):
            window.nav.setCurrentRow(row)
            app.processEvents()
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result), flush=True)
        app.quit()

    watch = PaintWatch()
    window.show()
    start_integrity_check(window)  # as the program does: in the background after show
    target = window.current_screen()
    for widget in [target, *target.findChildren(QObject)]:
        if hasattr(widget, "viewport"):
            widget.viewport().installEventFilter(watch)
    target.installEventFilter(watch)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
