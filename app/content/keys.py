"""One way to compare what people type: names and email addresses are compared by a key,
made the same way in Python for every database (SQLite's lower() knows only ASCII)."""

from __future__ import annotations

import unicodedata


def text_key(value: str) -> str:
    """A name as compared: Unicode-normalised (NFKC) and case-folded ("Équipe" and
    "ÉQUIPE" alike, "Straße" and "STRASSE" too). Spaces are the forms' business: they
    collapse them before anything is stored."""
    return unicodedata.normalize("NFKC", value).casefold()


def email_key(value: str) -> str:
    """An email address as stored and looked up: composed (NFC), lower case, trimmed. Not
    case-folded: a mailbox's local part may tell "ß" from "ss"."""
    return unicodedata.normalize("NFC", value.strip()).lower()
