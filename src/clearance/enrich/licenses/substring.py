# SPDX-License-Identifier: Apache-2.0
"""Find licence names inside a sentence ("The project is licensed under the MIT License").

Aliases are searched longest first on word boundaries, so "GNU General Public License v3.0"
wins over "GNU General Public License". Only names that identify a licence are searched:
states and catch-all terms ("unknown", "custom", "other") are left to the phrase rules, and
one-word names count only when the text speaks of a licence or is a few words long.
"""

from __future__ import annotations

import re

from clearance.enrich.licenses.vocabulary import Vocabulary

__all__ = ["find_names", "searchable_aliases"]

_SKIP_FAMILIES = {"state", "custom"}
_SEARCH_CHARS = 5000
_FEW_WORDS = 6
_Index = tuple[tuple[tuple[str, str, bool], ...], dict[str, str], re.Pattern[str], re.Pattern[str]]
_INDEXES: dict[int, tuple[Vocabulary, _Index]] = {}


def searchable_aliases(vocab: Vocabulary) -> tuple[tuple[str, str, bool], ...]:
    """Return (alias key, id, is one word) for every searchable alias, longest key first."""
    return _index(vocab)[0]


def _index(vocab: Vocabulary) -> _Index:
    cached = _INDEXES.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    rows: list[tuple[str, str, bool]] = []
    for key, lid in vocab.aliases.items():
        entry = vocab.get(lid)
        if entry is None or entry.family in _SKIP_FAMILIES or entry.kind == "state":
            continue
        if entry.id == "LicenseRef-clearance-cc-unspecified" or len(key) < 3:
            continue
        if " " not in key and entry.family.startswith("cc-") and not any(c.isdigit() for c in key) \
                and "cc" not in key:
            continue  # a CC element word alone ("attribution") in a sentence names no licence
        rows.append((key, lid, " " not in key))
    rows.sort(key=lambda row: (-len(row[0]), row[0]))
    owner = {key: lid for key, lid, _ in rows}
    every = "|".join(re.escape(key) for key, _, _ in rows)
    multi = "|".join(re.escape(key) for key, _, one in rows if not one)
    built = (
        tuple(rows),
        owner,
        re.compile(f"(?<= )(?:{every})(?= )"),
        re.compile(f"(?<= )(?:{multi})(?= )"),
    )
    _INDEXES[id(vocab)] = (vocab, built)
    return built


def find_names(key: str, vocab: Vocabulary) -> list[str]:
    """Return the ids of licence names found in ``key`` (an alias key), in text order."""
    _, owner, every, multi = _index(vocab)
    text = f" {key[:_SEARCH_CHARS]} "
    one_word_ok = key.count(" ") < _FEW_WORDS or "licens" in text
    pattern = every if one_word_ok else multi
    return [owner[m.group(0)] for m in pattern.finditer(text)]
