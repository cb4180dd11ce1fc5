"""Keyboard helpers shared by the screens and dialogs."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Tab moves through ``widgets`` in this order (the order they are seen in).

    By default Qt tabs in creation order, which differs from the layout as soon
    as a form is built in another order than it is shown.
    """
    for first, second in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(first, second)


def tab_chain(start: QWidget, limit: int = 200) -> list[QWidget]:
    """The widgets Tab visits from ``start`` (for tests and checks)."""
    seen = [start]
    current = start.nextInFocusChain()
    while current is not start and len(seen) < limit:
        seen.append(current)
        current = current.nextInFocusChain()
    return seen
