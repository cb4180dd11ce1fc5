"""Keyboard use: Tab follows what is seen, and every count on Beranda is reachable."""
from PySide6.QtWidgets import QPushButton

from imp_desktop.ui.app import open_database
from imp_desktop.ui.keyboard import tab_chain
from imp_desktop.ui.main_window import MainWindow


def test_cadre_dialog_tabs_in_reading_order(qtbot, demo_db):
    from imp_desktop.ui.screens.cadres.cadre_dialog import CadreDialog

    dialog = CadreDialog()
    qtbot.addWidget(dialog)
    chain = tab_chain(dialog.name)
    wanted = [dialog.name, dialog.nik, dialog.sex, dialog.birth_place, dialog.phone,
              dialog.desa, dialog.hamlet, dialog.rt, dialog.rw, dialog.address, dialog.unit,
              dialog.position, dialog.sk_number]
    positions = [chain.index(w) for w in wanted]
    assert positions == sorted(positions)
    assert dialog.nik.toolTip() and dialog.sk_number.toolTip()


def test_home_counts_are_all_reachable_by_tab(qtbot, demo_db, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    home = window.show_screen("beranda")
    chain = tab_chain(window.nav)
    buttons = [b for card in (home.cadre_card, home.unit_card, home.class_card,
                              home.incomplete_card)
               for b in card.buttons if b.isVisible()]
    assert buttons and all(b in chain for b in buttons)
    order = [chain.index(b) for b in buttons]
    assert order == sorted(order)        # left to right, top to bottom
    assert all(isinstance(b, QPushButton) and b.focusPolicy() for b in buttons)


def test_wizard_tabs_through_profile_fields(qtbot, db):
    from imp_desktop.ui.first_run import FirstRunWizard

    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.profile_page
    chain = tab_chain(page.name)
    order = [chain.index(w) for w in (page.name, page.nip, page.title_box, page.place)]
    assert order == sorted(order)


def test_every_screen_fits_1366x768_at_125_percent(qtbot, demo_db, db_path, ui_settings):
    """At 125% a 1366x768 laptop leaves about 1093x545 logical pixels for the window
    (taskbar and title bar taken off): no screen may need more."""
    from imp_desktop.services.activities import list_activities
    from imp_desktop.ui.screens import SCREENS

    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    needed = {}
    def need():
        qtbot.wait(10)     # let the layouts settle
        return window.minimumSizeHint().expandedTo(window.minimumSize())

    for entry in SCREENS:
        window.show_screen(entry.key)
        needed[entry.key] = need()
    activities = window.show_screen("kegiatan")
    # The activity with the longest attendance summary (scores kept, many invited).
    from imp_desktop.services.activities import get_activity

    scored = [a for a in list_activities() if get_activity(a.id).scores_enabled]
    activities.open_activity(max(scored, key=lambda a: a.invited).id)
    for index in range(activities.editor.tabs.count()):
        activities.editor.tabs.setCurrentIndex(index)
        needed[f"activity editor, tab {index}"] = need()
    too_big = {key: size.toTuple() for key, size in needed.items()
               if size.width() > 1093 or size.height() > 545}
    assert not too_big
