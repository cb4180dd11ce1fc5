"""Beranda: the officer's day at a glance. Figures come from services.home.

Every count is a button: it opens the screen that lists those records with the
matching filter (``screen.apply_filter(filters)`` when that screen has it).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.formatting import (
    format_date,
    format_month,
    format_number,
    format_percent,
    format_short_date,
)
from imp_desktop.i18n import tr
from imp_desktop.services import home
from imp_desktop.ui.screens.base import Screen

TITLE_CHARS = 44   # longer activity titles are shortened (full title in the tooltip)
STYLE = """
#homeCard { background: white; border: 1px solid #d5dbd7; border-radius: 6px; }
#cardTitle { color: #44524b; font-weight: 600; }
#cardFigure { font-size: 20pt; font-weight: 600; color: #1f7a4d; }
#cardNote { color: #5b6660; }
#countButton { text-align: left; border: none; border-radius: 4px; padding: 0; }
#countButton:hover { background: #e8f2ec; }
#countButton:focus { background: #d7eadf; outline: none; }
#reminderDate { color: #44524b; font-weight: 600; }
#reminderUrgent { color: #b3261e; font-weight: 600; }
#greeting { color: #44524b; }
"""


class CountButton(QPushButton):
    """A flat row "label ........ number" that opens the matching list."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("countButton")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFlat(True)
        self.label = QLabel()
        self.figure = QLabel()
        self.figure.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for child in (self.label, self.figure):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.figure)
        self.link: home.Link | None = None

    def set_count(self, count: home.Count) -> None:
        self.label.setText(count.label)
        self.figure.setText(format_number(count.value))
        self.link = count.link
        self.setAccessibleName(f"{count.label}: {count.value}")
        self.setToolTip(tr("home.open_list", label=count.label))

    def sizeHint(self):
        hint = self.layout().sizeHint()
        return hint.expandedTo(super().sizeHint().boundedTo(hint))


class Card(QFrame):
    """A white box: title, a big figure, a note, then rows of count buttons."""

    link_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("homeCard")
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.figure = QLabel()
        self.figure.setObjectName("cardFigure")
        self.note = QLabel()
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.figure)
        layout.addWidget(self.note)
        layout.addLayout(self.rows)
        layout.addStretch(1)
        self.buttons: list[CountButton] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_counts(self, counts: list[home.Count]) -> None:
        while len(self.buttons) < len(counts):
            button = CountButton(self)
            button.clicked.connect(lambda _=False, b=button: self.link_clicked.emit(b.link))
            self.rows.addWidget(button)
            self.buttons.append(button)
        for button, count in zip(self.buttons, counts):
            button.set_count(count)
            button.show()
        for button in self.buttons[len(counts):]:
            button.hide()


class HomeScreen(Screen):
    title_key = "nav.home"

    def __init__(self, parent: QWidget | None = None):
        # Long on purpose: builds the widgets top to bottom in the order they appear;
        # split into pieces, the layout would be harder to follow, not easier.
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self.summary: home.HomeSummary | None = None
        self.heading = QLabel()
        self.heading.setObjectName("screenHeading")
        self.greeting = QLabel()
        self.greeting.setObjectName("greeting")
        self.greeting.setWordWrap(True)
        self.today = QLabel()
        self.today.setObjectName("greeting")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.today)

        # Empty database: say what to do first.
        self.empty_box = QFrame()
        self.empty_box.setObjectName("homeCard")
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.setup_button = QPushButton()
        self.setup_button.clicked.connect(self._open_setup)
        self.demo_button = QPushButton()
        self.demo_button.clicked.connect(self._open_demo)
        self.first_cadre_button = QPushButton()     # after the setup: the next step
        self.first_cadre_button.setObjectName("firstCadre")
        self.first_cadre_button.clicked.connect(self._add_first_cadre)
        empty_layout = QVBoxLayout(self.empty_box)
        empty_layout.addWidget(self.empty_text)
        empty_buttons = QHBoxLayout()
        empty_buttons.addWidget(self.setup_button)
        empty_buttons.addWidget(self.first_cadre_button)
        empty_buttons.addWidget(self.demo_button)
        empty_buttons.addStretch(1)
        empty_layout.addLayout(empty_buttons)

        self.cadre_card = Card()
        self.unit_card = Card()
        self.activity_card = Card()
        self.class_card = Card()
        self.incomplete_card = Card()
        cards = QHBoxLayout()   # a hidden card (feature absent) takes no room
        cards.setSpacing(10)
        for card in (self.cadre_card, self.unit_card, self.class_card, self.activity_card):
            cards.addWidget(card, 1)
            card.link_clicked.connect(self.open_link)
        self.incomplete_card.link_clicked.connect(self.open_link)

        self.reminder_card = QFrame()
        self.reminder_card.setObjectName("homeCard")
        self.reminder_title = QLabel()
        self.reminder_title.setObjectName("cardTitle")
        self.reminder_rows = QGridLayout()
        self.reminder_rows.setHorizontalSpacing(12)
        self.reminder_rows.setColumnStretch(1, 1)
        reminder_layout = QVBoxLayout(self.reminder_card)
        reminder_layout.setContentsMargins(12, 10, 12, 10)
        reminder_layout.addWidget(self.reminder_title)
        reminder_layout.addLayout(self.reminder_rows)
        reminder_layout.addStretch(1)
        self.reminder_widgets: list[QWidget] = []

        self.latest_card = QFrame()
        self.latest_card.setObjectName("homeCard")
        self.latest_title = QLabel()
        self.latest_title.setObjectName("cardTitle")
        self.latest_rows = QGridLayout()
        self.latest_rows.setColumnStretch(1, 1)
        latest_layout = QVBoxLayout(self.latest_card)
        latest_layout.setContentsMargins(12, 10, 12, 10)
        latest_layout.addWidget(self.latest_title)
        latest_layout.addLayout(self.latest_rows)
        latest_layout.addStretch(1)
        self.latest_widgets: list[QWidget] = []

        lower = QHBoxLayout()
        lower.setSpacing(10)
        lower.addWidget(self.reminder_card, 3)
        side = QVBoxLayout()
        side.addWidget(self.incomplete_card)
        side.addWidget(self.latest_card, 1)
        lower.addLayout(side, 2)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        body.addWidget(self.greeting)
        body.addWidget(self.empty_box)
        body.addLayout(cards)
        body.addLayout(lower)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.retranslate()

    # --- data ------------------------------------------------------------------
    def refresh(self) -> None:
        self.summary = home.home_summary()
        self._show()

    def retranslate(self) -> None:
        self.heading.setText(tr(self.title_key))
        self.setup_button.setText(tr("home.empty.setup"))
        self.first_cadre_button.setText(tr("home.empty.first_cadre"))
        self.demo_button.setText(tr("home.empty.demo"))
        self.reminder_title.setText(tr("home.reminders"))
        self.latest_title.setText(tr("home.latest"))
        if self.summary is not None:
            # Labels inside the summary were made in the old language: make them again.
            self.refresh()

    def _show(self) -> None:
        s = self.summary
        self.today.setText(format_date(s.today, weekday=True))
        who = s.officer_name or tr("home.no_profile")
        self.greeting.setText(tr("home.greeting", name=who) + (f" · {s.area}" if s.area else ""))
        self.empty_box.setVisible(s.is_empty)
        # Once the setup is done the first step is no longer the setup but the cadres.
        self.empty_text.setText(tr("home.empty.after_setup" if s.setup_done else "home.empty"))
        self.setup_button.setVisible(not s.setup_done)
        self.first_cadre_button.setVisible(s.setup_done)

        active = next(c.value for c in s.cadre_status if c.key == "cadres.active")
        self.cadre_card.title.setText(tr("home.card.cadres"))
        self.cadre_card.figure.setText(format_number(active))
        self.cadre_card.note.setText(tr("home.card.cadres.note"))
        self.cadre_card.set_counts(s.cadres + [c for c in s.cadre_status
                                               if c.key == "cadres.inactive"])

        self.unit_card.title.setText(tr("home.card.units"))
        self.unit_card.figure.setText(format_number(sum(c.value for c in s.units)))
        self.unit_card.note.setText(tr("home.card.units.note"))
        self.unit_card.set_counts(s.units)

        self.class_card.setVisible(s.classification is not None)
        if s.classification is not None:
            self.class_card.title.setText(tr("home.card.classification"))
            self.class_card.figure.setText(format_number(sum(c.value for c in s.classification)))
            self.class_card.note.setText(tr("home.card.classification.note"))
            self.class_card.set_counts(s.classification)

        self.activity_card.setVisible(s.activities_this_month is not None)
        if s.activities_this_month is not None:
            self.activity_card.title.setText(tr("home.card.activities"))
            self.activity_card.figure.setText(format_number(s.activities_this_month))
            rate = (tr("home.attendance", rate=format_percent(s.attendance_rate, 1))
                    if s.attendance_rate is not None else tr("home.attendance.none"))
            self.activity_card.note.setText(rate)
            self.activity_card.set_counts([home.Count(
                "activities.month", tr("home.activities.list",
                                       month=format_month(s.today.year, s.today.month)),
                s.activities_this_month,
                home.Link("kegiatan", {"year": s.today.year, "month": s.today.month}))])

        self.incomplete_card.title.setText(tr("home.card.incomplete"))
        self.incomplete_card.figure.hide()
        self.incomplete_card.note.setText(tr("home.card.incomplete.note"))
        self.incomplete_card.set_counts(s.incomplete)
        self._show_reminders(s.reminders)
        self._show_latest(s.latest_activities)

    def _clear(self, widgets: list[QWidget]) -> None:
        for widget in widgets:
            widget.hide()          # gone now, not only when the event loop deletes it
            widget.deleteLater()
        widgets.clear()

    def _show_reminders(self, reminders: list[home.Reminder]) -> None:
        self._clear(self.reminder_widgets)
        for row, reminder in enumerate(reminders):
            when = QLabel(format_short_date(reminder.due) if reminder.due else "•")
            when.setObjectName("reminderUrgent" if reminder.urgent else "reminderDate")
            when.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            text = QLabel(reminder.text)
            text.setWordWrap(True)
            text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self.reminder_rows.addWidget(when, row, 0, Qt.AlignmentFlag.AlignTop)
            self.reminder_rows.addWidget(text, row, 1, Qt.AlignmentFlag.AlignTop)
            self.reminder_widgets += [when, text]
            if reminder.link is not None:
                button = QPushButton(tr("home.reminder.open"))
                button.setToolTip(tr("home.open_list", label=reminder.text))
                button.clicked.connect(lambda _=False, link=reminder.link: self.open_link(link))
                self.reminder_rows.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
                self.reminder_widgets.append(button)

    def _show_latest(self, latest: list[home.ActivityLine] | None) -> None:
        self._clear(self.latest_widgets)
        self.latest_card.setVisible(latest is not None)
        if latest is None:
            return
        if not latest:
            label = QLabel(tr("home.latest.none"))
            self.latest_rows.addWidget(label, 0, 0, 1, 3)
            self.latest_widgets.append(label)
        for row, line in enumerate(latest):
            date = QLabel(format_short_date(line.date))
            title = QPushButton(line.title if len(line.title) <= TITLE_CHARS
                                else line.title[:TITLE_CHARS - 1].rstrip() + "…")
            title.setObjectName("countButton")
            title.setFlat(True)
            title.setToolTip(f"{line.title}\n{line.place}".strip())
            title.clicked.connect(lambda _=False, i=line.id: self.open_link(
                home.Link("kegiatan", {"activity_id": i})))
            count = QLabel(tr("home.latest.attendees", count=format_number(line.attendees)))
            self.latest_rows.addWidget(date, row, 0)
            self.latest_rows.addWidget(title, row, 1)
            self.latest_rows.addWidget(count, row, 2)
            self.latest_widgets += [date, title, count]

    # --- links -------------------------------------------------------------------
    def open_link(self, link: home.Link | None) -> None:
        """Go to the screen that lists these records, filtered to exactly them."""
        if link is None:
            return
        window = self.window()
        if not hasattr(window, "show_screen"):
            return
        screen = window.show_screen(link.screen)
        if hasattr(screen, "apply_filter"):
            screen.apply_filter(dict(link.filters))
        else:
            self.notify(tr("home.filter_unavailable"))

    def _open_setup(self) -> None:
        window = self.window()
        if hasattr(window, "open_first_run"):
            window.open_first_run()

    def _add_first_cadre(self) -> None:
        window = self.window()
        if hasattr(window, "show_screen"):
            window.show_screen("kader").new_record()

    def _open_demo(self) -> None:
        window = self.window()
        if hasattr(window, "open_demo_database"):
            window.open_demo_database()
