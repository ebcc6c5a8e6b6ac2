# SPDX-License-Identifier: Apache-2.0
"""Natural-language reservations in terms of service, page text and robots.txt comments.

The phrase book is data (``data/signals/natural_language.yaml``: English, German, French,
Spanish, Italian, Dutch, Japanese, Chinese, Korean). Text is split into sentences, each is
normalised (NFKC, lower case, one space) and matched; one finding per sentence and purpose,
with the sentence as excerpt. Every finding is ``contested``: OLG Hamburg (5 U 104/24,
10 Dec 2025) held such a reservation not machine-readable under § 44b(3) UrhG.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.errors import KnowledgeBaseError
from clearance.models import Signal, SignalReport
from clearance.signals.vocab import Purpose
from clearance.yamlio import load_yaml

__all__ = [
    "CONTESTED_NOTE",
    "Phrase",
    "PhraseBook",
    "comment_text",
    "find_reservations",
    "load_phrases",
    "sentences",
]

log = logging.getLogger(__name__)

CONTESTED_NOTE = (
    "contested: OLG Hamburg 5 U 104/24 (10 Dec 2025) held natural-language "
    "reservations not machine-readable under § 44b(3) UrhG"
)
MAX_TEXT_CHARS = 2_000_000
MAX_SENTENCE_CHARS = 2000
MAX_FINDINGS = 500
Language = Literal["en", "de", "fr", "es", "it", "nl", "ja", "zh", "ko"]
_ABBREV = re.compile(
    r"\b(art|arts|no|nr|abs|para|sec|incl|e\.g|i\.e|etc|vs|inc|ltd|co|ca|"
    r"z\.b|u\.a|bzw|ggf|dr|mr|st|str|s|p|ff)\.(?=\s)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")
_LIST_START = re.compile(r"^\s*(?:[-*•·]|\(?\d{1,2}[.)]|\([a-z]\))\s")


class Phrase(BaseModel):
    """One phrase pattern of the book, with where its wording comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    language: Language
    pattern: str
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    confidence: float = Field(gt=0, le=1)
    source: str | None = None
    rationale: str | None = None
    verified: bool
    examples: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_basis(self) -> Phrase:
        if not (self.source or self.rationale):
            raise ValueError(f"phrase {self.id!r} needs a source or a rationale")
        return self


class _Book(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    as_of: str
    terms: dict[str, str]
    phrases: list[Phrase] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class PhraseBook:
    """Compiled phrases: (phrase, compiled pattern) pairs, and the file they came from."""

    phrases: tuple[tuple[Phrase, re.Pattern[str]], ...]
    path: str
    as_of: str


def load_phrases(path: str | Path | None = None) -> PhraseBook:
    """Return the phrase book at ``path`` (default: the shipped one), validated and compiled.

    Raises KnowledgeBaseError naming the file for unreadable YAML, schema errors, unknown
    ``{term}`` placeholders, duplicate ids or patterns that do not compile.
    """
    if path is None:
        return _shipped()
    return _load(Path(path).read_bytes() if Path(path).exists() else None, str(path))


@lru_cache(maxsize=1)
def _shipped() -> PhraseBook:
    ref = resources.files("clearance") / "data" / "signals" / "natural_language.yaml"
    return _load(ref.read_bytes(), str(ref))


def _load(raw: bytes | None, where: str) -> PhraseBook:
    if raw is None:
        raise KnowledgeBaseError("file not found", path=where)
    try:
        book = _Book.model_validate(load_yaml(raw))
    except (yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeBaseError(f"invalid phrase book: {exc}", path=where) from exc
    compiled = []
    seen: set[str] = set()
    for phrase in book.phrases:
        if phrase.id in seen:
            raise KnowledgeBaseError(f"duplicate phrase id {phrase.id!r}", path=where)
        seen.add(phrase.id)
        try:
            text = re.sub(r"\{(\w+)\}", lambda m: _term(book.terms, m.group(1)), phrase.pattern)
            compiled.append((phrase, re.compile(text)))
        except (KeyError, re.error) as exc:
            raise KnowledgeBaseError(f"phrase {phrase.id!r}: {exc}", path=where) from exc
    return PhraseBook(tuple(compiled), where, book.as_of)


def _term(terms: dict[str, str], name: str) -> str:
    if name not in terms:
        raise KeyError(f"unknown term {{{name}}}")
    return terms[name]


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (NFKC, one space), not split after abbreviations."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS])
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = _ABBREV.sub(lambda m: m.group(0)[:-1] + "\x00", text)
    out = []
    for piece in _SPLIT.split(text):
        piece = re.sub(r"[ \t\r\f\v]+", " ", piece.replace("\x00", ".")).strip()
        for start in range(0, len(piece), MAX_SENTENCE_CHARS):
            if piece[start : start + MAX_SENTENCE_CHARS].strip():
                out.append(piece[start : start + MAX_SENTENCE_CHARS])
    return out


def comment_text(robots_txt: str) -> str:
    """Return the comments of a robots.txt (or ai.txt) as prose: wrapped lines joined."""
    lines: list[str] = []
    lead = ""  # the sentence before a list ("Prohibited uses include:") prefixes each item
    for raw in robots_txt[:MAX_TEXT_CHARS].splitlines():
        _, sep, comment = raw.partition("#")
        comment = comment.lstrip("#").strip() if sep else ""
        if not comment or not re.search(r"\w", comment):
            lines.append("")
            lead = ""
            continue
        previous = lines[-1] if lines else ""
        if previous.endswith(":") and not _LIST_START.match(previous):
            lead = (sentences(previous) or [""])[-1]
        if _LIST_START.match(comment) and lead:
            lines.append(f"{lead} {comment}")
        elif (
            previous
            and not _LIST_START.match(comment)
            and not previous.endswith((".", "!", "?", ":", ";", "。"))
        ):
            lines[-1] += " " + comment
        else:
            lines.append(comment)
    return "\n".join(lines)


def find_reservations(
    text: str, *, location: str, observed_at: datetime | None = None, book: PhraseBook | None = None
) -> SignalReport:
    """Return one contested ``reserved`` signal per sentence and purpose a phrase matches."""
    book = book or load_phrases()
    signals: list[Signal] = []
    notes: list[str] = []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"only the first {MAX_TEXT_CHARS} characters read")
    for sentence in sentences(text):
        low = sentence.lower()
        hits: dict[str, list[Phrase]] = {}
        for phrase, pattern in book.phrases:
            if pattern.search(low):
                for purpose in phrase.purposes:
                    hits.setdefault(purpose, []).append(phrase)
        for purpose_name, phrases in hits.items():
            signals.append(
                Signal(
                    standard="natural-language",
                    purpose=purpose_name,
                    verdict="reserved",
                    location=location,
                    excerpt=sentence[:500],
                    scope="host",
                    observed_at=observed_at,
                    confidence=max(p.confidence for p in phrases),
                    contested=True,
                    spec_version=f"phrase book {book.as_of}",
                    notes=(
                        f"phrases: {', '.join(p.id for p in phrases)}",
                        f"language: {phrases[0].language}",
                        CONTESTED_NOTE,
                    ),
                )
            )
        if len(signals) >= MAX_FINDINGS:
            notes.append(f"stopped after {MAX_FINDINGS} findings")
            break
    return SignalReport(
        source=location,
        kind="natural-language",
        signals=tuple(signals),
        problems=1 if len(text) > MAX_TEXT_CHARS else 0,
        notes=tuple(notes),
    )
