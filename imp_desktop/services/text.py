"""Small text rules shared by the services: cleaning names and search keys."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Invisible control characters (NUL, escape…): refused in typed and imported text.
# Tab, line feed and carriage return are whitespace and are tidied instead.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_problems(values: dict, labels: str = "import.field.") -> list[tuple[str, str]]:
    """(field, message) for every text value holding a control character.

    The message names the field by its label ``<labels><field>`` (e.g.
    ``activity.field.title``); a list of texts (lines of a letterhead) is
    looked into too.
    """
    from imp_desktop.i18n import catalog, tr

    problems = []
    for key, value in values.items():
        texts = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(text, str) and CONTROL_CHARACTERS.search(text) for text in texts):
            label_key = f"{labels}{'desa' if key == 'desa_code' else key}"
            label = tr(label_key) if label_key in catalog() else key
            problems.append((key, tr("text.error.control", field=label)))
    return problems


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


def decode_text_file(raw: bytes) -> str | None:
    """The text of a CSV/SQL file as spreadsheets and editors save it: UTF-8 (with
    or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252.
    None for a file that is not text (NUL bytes: binary, or UTF-16 without BOM)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return None if "\x00" in text else text
