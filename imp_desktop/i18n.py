"""One translation mechanism for services, reports and the window.

Messages live in ``imp_desktop/resources/i18n/*.json``; each file maps a key to its text in
every language: ``{"nav.cadres": {"id": "Kader", "en": "Cadres"}}``. Feature
areas keep their own file so they can grow independently; keys are unique
across files. Placeholders use ``str.format`` names (``{count}``) and must be
the same in every language (checked by the tests, rejected at load time).
"""
from __future__ import annotations

import json
import string
from functools import lru_cache

from imp_desktop.paths import resource

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

_current = DEFAULT_LANGUAGE
_listeners: list = []


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All messages from every catalogue file, validated."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(resource("i18n").glob("*.json")):
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle)
        for key, texts in entries.items():
            if key in messages:
                raise ValueError(f"message {key!r} is defined twice ({path.name})")
            missing = set(LANGUAGES) - set(texts)
            if missing:
                raise ValueError(f"message {key!r} lacks {sorted(missing)} ({path.name})")
            expected = placeholders(texts[DEFAULT_LANGUAGE])
            for lang, text in texts.items():
                if placeholders(text) != expected:
                    raise ValueError(f"message {key!r} in {lang!r} has other placeholders")
            messages[key] = texts
    return messages


def language() -> str:
    return _current


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    changed = lang != _current
    _current = lang
    if changed:
        for listener in list(_listeners):
            listener(lang)


def on_language_changed(callback) -> None:
    """Call ``callback(lang)`` after every language change (used by the window)."""
    _listeners.append(callback)


def remove_language_listener(callback) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def tr(key: str, lang: str | None = None, /, **values) -> str:
    """The text of ``key`` in the current (or given) language, filled with ``values``.

    An unknown key returns the key itself so a missing message is visible but
    never crashes a screen or a report.
    """
    texts = catalog().get(key)
    if texts is None:
        return key
    text = texts.get(lang or _current) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
