"""Bantuan: the illustrated user guide, ``imp_desktop/resources/help/panduan.md``
(its one copy), with the screenshots next to it in ``img/``.
"""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from imp_desktop.i18n import language, tr
from imp_desktop.paths import resource

GUIDE_FILE = ("help", "panduan.md")
IMAGE_WIDTH = 820   # screenshots are 1366 px wide: shown smaller, still readable


def guide_path():
    return resource(*GUIDE_FILE)


class GuideWindow(QDialog):
    """A non-modal window: the officer can read and use the program side by side."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(False)
        self.resize(900, 640)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide_path().parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(guide_path())),
                               QTextDocument.ResourceType.MarkdownResource)
        self.fit_images(IMAGE_WIDTH)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.find_button = QPushButton()
        self.find_button.clicked.connect(self.find_next)
        self.top_button = QPushButton()
        self.top_button.clicked.connect(self.go_to_top)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.find_button)
        search_row.addWidget(self.top_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        self.language_note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.language_note)
        layout.addLayout(search_row)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.setTabOrder(self.search, self.find_button)
        self.setTabOrder(self.find_button, self.top_button)
        self.setTabOrder(self.top_button, self.browser)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("help.title"))
        self.search.setPlaceholderText(tr("help.search"))
        self.find_button.setText(tr("help.find_next"))
        self.top_button.setText(tr("help.top"))
        self.close_button.setText(tr("help.close"))
        # The guide is written in Indonesian, the officers' language.
        self.language_note.setText(tr("help.language_note"))
        self.language_note.setVisible(language() != "id")

    def fit_images(self, width: int) -> None:
        """Show every picture at most ``width`` pixels wide (height follows)."""
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                image = fragment.charFormat().toImageFormat()
                if fragment.isValid() and image.isValid():
                    size = document.resource(QTextDocument.ResourceType.ImageResource.value,
                                             QUrl(image.name()))
                    natural = size.width() if hasattr(size, "width") else width
                    image.setWidth(min(width, natural or width))
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(),
                                       QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
                iterator += 1
            block = block.next()

    def go_to_top(self) -> None:
        self.browser.scrollToAnchor("")
        self.browser.verticalScrollBar().setValue(0)

    def find_next(self) -> bool:
        """Find the typed words, wrapping round to the start once."""
        text = self.search.text().strip()
        if not text:
            return False
        if self.browser.find(text):
            return True
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(text)

    def text(self) -> str:
        return self.browser.toPlainText()
