# SPDX-License-Identifier: Apache-2.0
"""Match full or partial licence texts against short reference passages by word bigrams.

Each vocabulary entry may carry a few distinctive passages (normalised facts from the
licence text). A text is tokenised the same way and scored against every passage by
containment: shared bigrams over the size of the smaller of passage and text (a full text
contains the passage; a snippet is contained in it). The best passage
wins; ties go to the longer passage (BSD-3-Clause over BSD-2-Clause, whose passage it
contains). The score is reported, never hidden.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MIN_SCORE", "PassageIndex", "TextMatch", "bigrams"]

#: Containment below this is not a match.
MIN_SCORE = 0.6
#: A passage must share at least this many bigrams with the text.
MIN_SHARED = 8
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def bigrams(text: str) -> frozenset[tuple[str, str]]:
    """Return the set of consecutive word pairs of ``text`` after normalisation."""
    s = unicodedata.normalize("NFKC", text).casefold().replace("licence", "license")
    words = _WORD.findall(s)
    return frozenset(zip(words, words[1:], strict=False))


@dataclass(frozen=True, slots=True)
class TextMatch:
    """The best passage for a text: which licence, the containment score, bigrams shared."""

    license_id: str
    score: float
    shared: int
    passage_size: int


class PassageIndex:
    """An inverted index from bigram to the passages that contain it."""

    def __init__(self, passages: Iterable[tuple[str, str]]) -> None:
        self._ids: list[str] = []
        self._sizes: list[int] = []
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        for license_id, text in passages:
            grams = bigrams(text)
            if len(grams) < MIN_SHARED:
                continue
            number = len(self._ids)
            self._ids.append(license_id)
            self._sizes.append(len(grams))
            for gram in grams:
                self._postings[gram].append(number)

    def __len__(self) -> int:
        return len(self._ids)

    def _counts(self, grams: frozenset[tuple[str, str]]) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for gram in grams:
            for number in self._postings.get(gram, ()):
                counts[number] += 1
        return counts

    def most_shared(self, text: str) -> int:
        """Return the most word pairs any one passage shares with ``text`` (0 when none)."""
        return max(self._counts(bigrams(text)).values(), default=0)

    def best(self, text: str) -> TextMatch | None:
        """Return the best-scoring passage match for ``text``, or None below the thresholds."""
        grams = bigrams(text)
        counts = self._counts(grams)
        best: TextMatch | None = None
        for number, shared in counts.items():
            if shared < MIN_SHARED:
                continue
            score = shared / min(self._sizes[number], len(grams))
            if score < MIN_SCORE:
                continue
            candidate = TextMatch(self._ids[number], round(score, 3), shared, self._sizes[number])
            if best is None or (candidate.score, candidate.shared) > (best.score, best.shared):
                best = candidate
        return best
