# SPDX-License-Identifier: Apache-2.0
"""Find licence names inside a sentence ("The project is licensed under the MIT License").

Aliases are searched longest first on word boundaries, so "GNU General Public License v3.0"
wins over "GNU General Public License". Only names that identify a licence are searched:
states and catch-all terms ("unknown", "custom", "other") are left to the phrase rules, and
one-word names count only when the text speaks of a licence or is a few words long.
"""

from __future__ import annotations

from clearance.enrich.licenses.vocabulary import Vocabulary

__all__ = ["find_names", "searchable_aliases"]

_SKIP_FAMILIES = {"state", "custom"}
_SEARCH_CHARS = 5000
_FEW_WORDS = 6
_INDEXES: dict[int, tuple[Vocabulary, tuple[tuple[str, str, bool], ...]]] = {}


def searchable_aliases(vocab: Vocabulary) -> tuple[tuple[str, str, bool], ...]:
    """Return (alias key, id, is one word) for every searchable alias, longest key first."""
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
        rows.append((key, lid, " " not in key))
    rows.sort(key=lambda row: (-len(row[0]), row[0]))
    table = tuple(rows)
    _INDEXES[id(vocab)] = (vocab, table)
    return table


def find_names(key: str, vocab: Vocabulary) -> list[str]:
    """Return the ids of licence names found in ``key`` (an alias key), in text order."""
    text = f" {key[:_SEARCH_CHARS]} "
    few_words = key.count(" ") < _FEW_WORDS
    speaks_of_licence = "licens" in text
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str]] = []
    for alias, lid, one_word in searchable_aliases(vocab):
        if one_word and not (few_words or speaks_of_licence):
            continue
        needle = f" {alias} "
        start = text.find(needle)
        while start >= 0:
            begin, end = start + 1, start + len(needle) - 1
            if not any(begin < t_end and t_start < end for t_start, t_end in taken):
                taken.append((begin, end))
                hits.append((start, lid))
                break
            start = text.find(needle, start + 1)
    hits.sort()
    return [lid for _, lid in hits]
