import json

import pytest

from imp_desktop import i18n
from imp_desktop.paths import resource


def test_every_message_has_every_language_and_matching_placeholders():
    seen = set()
    for path in resource("i18n").glob("*.json"):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            assert key not in seen, f"{key} defined twice"
            seen.add(key)
            assert set(texts) == set(i18n.LANGUAGES), key
            assert all(t.strip() for t in texts.values()), key
            expected = i18n.placeholders(texts["id"])
            for lang, text in texts.items():
                assert i18n.placeholders(text) == expected, (key, lang)
    assert len(seen) == len(i18n.catalog())


def test_translation_follows_the_language():
    assert i18n.tr("nav.cadres") == "Kader"
    i18n.set_language("en")
    assert i18n.tr("nav.cadres") == "Cadres"
    assert i18n.tr("nav.cadres", "id") == "Kader"


def test_placeholders_are_filled():
    assert i18n.tr("nik.error.length", count=12) == "NIK harus 16 digit, yang diisi 12 digit."


def test_mismatched_placeholders_are_rejected(tmp_path, monkeypatch):
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "bad.json").write_text(
        json.dumps({"x": {"id": "{a} kader", "en": "{b} cadres"}}), encoding="utf-8")
    monkeypatch.setattr(i18n, "resource", lambda *parts: tmp_path.joinpath(*parts))
    i18n.catalog.cache_clear()
    try:
        with pytest.raises(ValueError, match="placeholders"):
            i18n.catalog()
    finally:
        i18n.catalog.cache_clear()


def test_unknown_key_shows_itself_instead_of_crashing():
    assert i18n.tr("no.such.key") == "no.such.key"


def test_listeners_hear_language_changes():
    heard = []
    i18n.on_language_changed(heard.append)
    try:
        i18n.set_language("en")
        i18n.set_language("en")
        i18n.set_language("id")
    finally:
        i18n.remove_language_listener(heard.append)
    assert heard == ["en", "id"]
