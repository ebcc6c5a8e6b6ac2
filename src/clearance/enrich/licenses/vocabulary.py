# SPDX-License-Identifier: Apache-2.0
"""Load the licence vocabulary (``data/licenses/*.yaml``) and index it for the normaliser.

One loader for the whole set: every file is validated against :class:`LicenseEntry`; a bad
file raises :class:`~clearance.errors.KnowledgeBaseError` naming it. Alias, URL and Creative
Commons indexes are built once and cached; collisions between entries are errors too.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from clearance.enrich.licenses.schema import LicenseEntry
from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_yaml

__all__ = [
    "Vocabulary",
    "alias_key",
    "default_vocabulary",
    "load_vocabulary",
    "restrictiveness",
]

log = logging.getLogger(__name__)

_NON_KEY = re.compile(r"[^a-z0-9.+]+")
_LONE_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_TRIM_WORDS = ("the ",)
_TRIM_TAILS = (" license agreement", " license", " agreement", " public license")


def alias_key(text: str) -> str:
    """Return the lookup key of a licence name: case-folded words, digits, '.', '+' only."""
    s = unicodedata.normalize("NFKC", text).casefold().replace("licence", "license")
    s = _LONE_DOT.sub(" ", _NON_KEY.sub(" ", s))
    return " ".join(s.split())


_VERSION_WORD = re.compile(r"\b(?:v|ver|version) ?(?=\d)")
_DOT_ZERO = re.compile(r"\b(\d+)\.0\b")


def _trimmed(key: str) -> str:
    """Return ``key`` without a leading 'the', a trailing 'license'/'agreement', and with
    version spellings folded ("v. 1.2", "v1.2", "version 1.2" -> "1.2"; "2.0" -> "2")."""
    key = " ".join(_DOT_ZERO.sub(r"\1", _VERSION_WORD.sub("", key)).split())
    for head in _TRIM_WORDS:
        if key.startswith(head):
            key = key[len(head) :]
    for tail in _TRIM_TAILS:
        if key.endswith(tail) and len(key) > len(tail):
            key = key[: -len(tail)]
    return key


def restrictiveness(entry: LicenseEntry) -> int:
    """Return 0 (no conditions) .. 100 (no permission known); the conflict rules use it."""
    if entry.restrictiveness is not None:
        return entry.restrictiveness
    t = entry.terms
    if (
        t.ai_training in ("not_allowed", "unknown")
        or t.commercial_use == "unknown"
        or t.derivatives in ("not_allowed", "unknown")
    ):
        return 100
    score = 0
    if t.attribution or t.notice_required:
        score += 5
    if t.share_alike:
        score += 15
    if t.use_restrictions:
        score += 15
    if t.ai_training == "conditional" or t.conditions:
        score += 5
    if t.commercial_use == "conditional":
        score += 10
    if t.derivatives == "private_only":
        score += 20
    if t.non_commercial or t.commercial_use == "not_allowed":
        score += 40
    if t.research_only:
        score += 10
    if t.redistribution == "not_allowed":
        score += 5
    return min(score, 99)


@dataclass(frozen=True)
class Vocabulary:
    """The loaded entries and the indexes the normaliser looks things up in."""

    entries: Mapping[str, LicenseEntry]
    aliases: Mapping[str, str] = field(repr=False)
    urls: Mapping[str, str] = field(repr=False)
    cc: Mapping[tuple[str, str | None], str] = field(repr=False)
    ports: Mapping[str, str] = field(repr=False)
    folded_ids: Mapping[str, str] = field(repr=False)
    trimmed: Mapping[str, str] = field(repr=False, default_factory=dict)

    def __iter__(self) -> Iterator[LicenseEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def canonical_id(self, token: str) -> str | None:
        """Return the canonical spelling of an id (any case; CC port ids kept), or None."""
        return self.folded_ids.get(token.casefold())

    def get(self, license_id: str) -> LicenseEntry | None:
        """Return the entry of a canonical id, a CC port id (its base licence), or None."""
        canon = self.canonical_id(license_id)
        if canon is None:
            return None
        return self.entries.get(self.ports.get(canon, canon))

    def lookup_alias(self, text: str) -> str | None:
        """Return the id whose alias (or id) has the same key as ``text``, or None."""
        key = alias_key(text)
        hit = self.aliases.get(key)
        if hit is None:
            short = _trimmed(key)
            hit = self.aliases.get(short) or self.trimmed.get(short)
        return hit

    def score(self, license_id: str) -> int:
        """Return the restrictiveness of an id; ids outside the vocabulary score 100."""
        entry = self.get(license_id)
        return 100 if entry is None else restrictiveness(entry)


def _read_entry(path: Path) -> LicenseEntry:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read licence entry: {exc}", path=path) from exc
    if not isinstance(raw, dict):
        raise KnowledgeBaseError("a licence entry must be a YAML mapping", path=path)
    try:
        entry = LicenseEntry.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeBaseError(f"invalid licence entry: {exc}", path=path) from exc
    if path.stem != entry.id:
        raise KnowledgeBaseError(f"file must be named {entry.id}.yaml", path=path)
    return entry


def _claim(index: dict[str, str], key: str, lid: str, what: str, path: Path) -> None:
    if not key:
        return
    owner = index.setdefault(key, lid)
    if owner != lid:
        message = f"{what} {key!r} of {lid} is already claimed by {owner}"
        raise KnowledgeBaseError(message, path=path)


def load_vocabulary(directory: str | Path | None = None) -> Vocabulary:
    """Return the vocabulary read from ``directory`` (default: the shipped data/licenses)."""
    if directory is None:
        base = Path(str(resources.files("clearance") / "data" / "licenses"))
    else:
        base = Path(directory)
    files = sorted(base.glob("*.yaml"))
    if not files:
        raise KnowledgeBaseError("no licence entries found", path=base)
    entries: dict[str, LicenseEntry] = {}
    aliases: dict[str, str] = {}
    urls: dict[str, str] = {}
    cc: dict[tuple[str, str | None], str] = {}
    ports: dict[str, str] = {}
    folded: dict[str, str] = {}
    trimmed: dict[str, str] = {}
    for path in files:
        entry = _read_entry(path)
        lid = entry.id
        entries[lid] = entry
        _claim(folded, lid.casefold(), lid, "id", path)
        for port_id in entry.ports.values():
            _claim(folded, port_id.casefold(), port_id, "port id", path)
            ports[port_id] = lid
            _claim(aliases, alias_key(port_id), port_id, "alias", path)
        names = [lid, entry.name, *(a.removeprefix("hf:") for a in entry.aliases)]
        if entry.scancode_key:
            names += [entry.scancode_key, f"LicenseRef-scancode-{entry.scancode_key}"]
        for name in names:
            key = alias_key(name)
            _claim(aliases, key, lid, "alias", path)
            short = _trimmed(key)
            if short != key and len(short) > 1:
                trimmed.setdefault(short, lid)
        for url in entry.urls:
            _claim(urls, url, lid, "url", path)
        if entry.cc_code is not None:
            if (entry.cc_code, entry.version) in cc:
                raise KnowledgeBaseError(f"duplicate CC code/version {entry.cc_code}", path=path)
            cc[(entry.cc_code, entry.version)] = lid
    log.debug("loaded %d licence entries from %s", len(entries), base)
    return Vocabulary(entries, aliases, urls, cc, ports, folded, trimmed)


@functools.lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """Return the shipped vocabulary, loaded once per process."""
    return load_vocabulary()
