# SPDX-License-Identifier: Apache-2.0
"""Rewrite licence names and rights statements written in other languages into English.

Creative Commons publishes its deeds and legal code in some forty languages, and sites write
"Tous droits réservés", "版權所有" or "Dominio público" rather than the English phrases. The
phrase table (``data/licenses/i18n/phrases.yaml``) maps each localised phrase to the English
term the normaliser's readers already understand (CC elements, "all rights reserved",
"public domain"), so a new language is a data change, not a new rule. CC element words are
rewritten only when the text carries a CC marker, because some of them are ordinary words
elsewhere (Japanese 表示 "display", Chinese 署名 "signature").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = ["localise", "port_code"]

_SEP = r"[\s\-\u2010-\u2015_\u30fb]*"
_VERSION = re.compile(r"(?<![\d.])[1-4]\.[015](?![\d.])")
_CC = re.compile(r"\bcc\b|creative ?commons|\bcc0", re.IGNORECASE)


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = unicodedata.normalize("NFKC", phrase).casefold().split()
        body = _SEP.join(re.escape(w) for w in words)
        latin = phrase[:1].isascii() and phrase[:1].isalpha()
        parts.append(rf"(?<![^\W\d_]){body}" if latin else body)
    return re.compile("|".join(parts))


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]:
    path = resources.files("clearance").joinpath("data/licenses/i18n/phrases.yaml")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        elements = [(en, _pattern(list(words))) for en, words in data["elements"].items()]
        statements = [(en, _pattern(list(words))) for en, words in data["statements"].items()]
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise KnowledgeBaseError(f"invalid licence phrase table: {exc}", path=str(path)) from exc
    return elements, statements


def localise(text: str) -> str:
    """Return ``text`` with localised licence phrases replaced by English terms (or unchanged)."""
    if text.isascii() and "!" not in text and not re.search(r"[a-z]{4}", text, re.IGNORECASE):
        return text
    folded = unicodedata.normalize("NFKC", text).casefold()
    elements, statements = _tables()
    out = folded
    for english, pattern in statements:
        out = pattern.sub(f" {english} ", out)
    marked = bool(_VERSION.search(out) or _CC.search(out))
    if not marked:
        international = next(p for e, p in elements if e == "international")
        creative = next(p for e, p in elements if e == "creative commons")
        marked = bool(international.search(out) or creative.search(out))
    if marked:
        for english, pattern in elements:
            out = pattern.sub(f" {english} ", out)
    return text if out == folded else " ".join(out.split())


@functools.lru_cache(maxsize=1)
def _ports() -> list[tuple[str, re.Pattern[str]]]:
    path = resources.files("clearance").joinpath("data/licenses/i18n/phrases.yaml")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        table = data.get("ports") or {}
        out = []
        for code, names in table.items():
            forms = {unicodedata.normalize("NFKC", n).casefold() for n in names}
            forms |= {" ".join(re.sub(r"[^a-z0-9.+ ]", " ", f).split()) for f in forms}
            alternation = "|".join(re.escape(f).replace(r"\ ", r"\W*")
                                   for f in sorted(forms, key=len, reverse=True) if f)
            out.append((code, re.compile(rf"^\s*(?:{alternation})\b")))
        return out
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise KnowledgeBaseError(f"invalid licence phrase table: {exc}", path=str(path)) from exc


def port_code(tail: str) -> str | None:
    """Return the CC port code a country name at the start of ``tail`` stands for, or None."""
    folded = unicodedata.normalize("NFKC", tail).casefold()
    return next((code for code, pattern in _ports() if pattern.match(folded)), None)
