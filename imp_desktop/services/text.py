"""Small text rules shared by the services: cleaning names and search keys."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_spaces(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def clean_name(text: str | None) -> str:
    """``  siti   AMINAH `` becomes ``Siti Aminah``; already mixed case is kept."""
    text = clean_spaces(text)
    if text and (text.isupper() or text.islower()):
        text = " ".join(word.capitalize() if not word.isupper() or len(word) > 3 else word
                        for word in text.lower().split())
        text = re.sub(r"(?<=[\-'])(\w)", lambda m: m.group(1).upper(), text)
    return text


def fold(text: str | None) -> str:
    """Lower-case, accents removed: how search keys are compared."""
    normalized = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in normalized if not unicodedata.combining(ch)).lower()


def search_key(*parts: str | None) -> str:
    """The text the search box looks in, one space between the parts."""
    return " ".join(fold(clean_spaces(part)) for part in parts if part)


def clean_phone(text: str | None) -> str | None:
    """Phone numbers keep digits and a leading plus: ``0812-3456 789`` -> ``08123456789``."""
    if not text:
        return None
    text = str(text).strip()
    digits = re.sub(r"[^\d]", "", text)
    if not digits:
        return None
    return ("+" + digits) if text.startswith("+") else digits
