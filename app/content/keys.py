"""One way to compare what people type: names and email addresses are compared by a key,
made the same way in Python for every database (SQLite's lower() knows only ASCII)."""

from __future__ import annotations

import hashlib
import unicodedata

# The longest key stored (a cohort's name_key column). Folding may lengthen a name: "ß" is
# "ss", and NFKC turns one ligature into up to 18 characters.
KEY_MAX = 120
_DIGEST = 32  # hex digits of SHA-256 that end a shortened key


def text_key(value: str) -> str:
    """A name as compared: Unicode-normalised (NFKC) and case-folded ("Équipe" and
    "ÉQUIPE" alike, "Straße" and "STRASSE" too). Spaces are the forms' business: they
    collapse them before anything is stored. Never longer than KEY_MAX: a longer one keeps
    its beginning and ends with a digest of the whole."""
    key = unicodedata.normalize("NFKC", value).casefold()
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST]
    return f"{key[:KEY_MAX - _DIGEST - 1]}#{digest}"


def email_key(value: str) -> str:
    """An email address as stored and looked up: composed (NFC), lower case, trimmed. Not
    case-folded: a mailbox's local part may tell "ß" from "ss"."""
    return unicodedata.normalize("NFC", value.strip()).lower()
