# SPDX-License-Identifier: Apache-2.0
"""An opened text index: :class:`TextIndex` checks one output for copied spans.

Each reported :class:`Match` names the source (id, licence, url, title, author, category),
the span in the output and in the source (character offsets, end exclusive), how many
tokens are aligned, and the longest exact run (the longest-common-substring score).

For the ``text`` profile a match's ``tokens`` counts words: the whitespace-separated words of
the output that hold aligned tokens (a URL is one word, though several tokens); for the code
profiles it counts code tokens (words and punctuation).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from clearance.redteam.text.build import IndexSettings, read_settings
from clearance.redteam.text.match import MatchParams, find_spans
from clearance.redteam.text.shard import Shard
from clearance.redteam.text.thresholds import Threshold, default_threshold
from clearance.redteam.text.tokens import kgram_hashes, normalize, tokenize

__all__ = ["EXCERPT_CHARS", "Match", "TextIndex"]

#: Characters of a span quoted in ``excerpt`` (the rest is cut with an ellipsis).
EXCERPT_CHARS = 400


@dataclass(frozen=True, slots=True)
class Match:
    """One span of a model output that reproduces an indexed source."""

    source: str
    tokens: int
    output_start: int
    output_end: int
    source_start: int
    source_end: int
    license: str | None
    excerpt: str
    chars: int
    longest_tokens: int
    longest_chars: int
    coverage: float  # aligned tokens / tokens of the output span
    url: str | None = None
    title: str | None = None
    author: str | None = None
    category: str | None = None
    item_id: str | None = None
    source_excerpt: str = ""
    unit: str = "words"  # what `tokens` counts: words (text profile) or code tokens
    aligned_tokens: int = 0  # equal normalised tokens (a URL or identifier is several)

    def to_dict(self) -> dict[str, Any]:
        """Return the match as a JSON-ready dict (the ``check --json`` form)."""
        return asdict(self)


def _clip(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


class TextIndex:
    """A text index opened for checking (memory-mapped; cheap to open)."""

    def __init__(self, path: str | Path, params: MatchParams | None = None) -> None:
        self.path = Path(path)
        self.settings: IndexSettings
        self.settings, names = read_settings(self.path)
        self.shards = [Shard(self.path / n, self.settings.profile) for n in names]
        self.params = params or MatchParams()

    @property
    def n_sources(self) -> int:
        """Return the number of indexed sources."""
        return sum(s.n_sources for s in self.shards)

    def sources(self) -> list[dict[str, Any]]:
        """Return every indexed source's row (id, licence, url, title, ...)."""
        rows: list[dict[str, Any]] = []
        for shard in self.shards:
            rows.extend(shard.table.to_pylist())
        return rows

    def source_text(self, source_id: str) -> str:
        """Return the full original text of one indexed source (KeyError if unknown)."""
        for shard in self.shards:
            doc = shard.find(source_id)
            if doc is None:
                continue
            first, end = shard.doc_tokens(doc)
            return shard.text_between(doc, first, max(end, first + 1)).original
        raise KeyError(source_id)

    def _params_for(self, threshold: Threshold) -> MatchParams:
        """Return the match parameters with the fingerprint hits every reportable span has.

        Winnowing puts a fingerprint in every window of ``w`` k-grams, so an exact run of
        ``r`` tokens holds at least ``(r - k + 1) // w`` of them. The floor taken is the least
        a span of ``min_tokens`` holds even with one substituted word (split anywhere);
        diagonals with fewer hits cannot become a reportable span and are not verified.
        """
        if threshold.min_tokens is None or self.params.min_hits > 1:
            return self.params
        k, w, m = self.settings.k, self.settings.w, threshold.min_tokens

        def runs(r: int) -> int:
            return max(0, (r - k + 1) // w)

        least = min([runs(m)] + [runs(a) + runs(m - 1 - a) for a in range(m)])
        return replace(self.params, min_hits=max(1, least))

    def check(self, text: str, threshold: Threshold | None = None) -> list[Match]:
        """Return the spans of ``text`` that copy indexed sources, longest first."""
        threshold = threshold or default_threshold()
        profile = self.settings.profile
        normalized = normalize(text, profile)
        toks = tokenize(normalized, profile)
        grams = kgram_hashes(toks.hashes, self.settings.k)
        if grams.shape[0] == 0:
            return []
        out: list[Match] = []
        words = profile == "text"
        for span, si in find_spans(self.shards, text, normalized, toks, grams,
                                   self._params_for(threshold)):
            chars = span.output_end - span.output_start
            count = span.words if words else span.tokens
            if not threshold.reached(count, chars):
                continue
            row = self.shards[si].row(span.doc)
            width = span.out_tok[1] - span.out_tok[0]
            out.append(Match(
                source=row["id"], tokens=count,
                output_start=span.output_start, output_end=span.output_end,
                source_start=span.source_start, source_end=span.source_end,
                license=row["license"],
                excerpt=_clip(text[span.output_start : span.output_end]),
                chars=chars, longest_tokens=span.longest, longest_chars=span.longest_chars,
                coverage=round(span.tokens / width, 4) if width else 0.0,
                url=row["url"], title=row["title"], author=row["author"],
                category=row["category"], item_id=row["item_id"],
                source_excerpt=_clip(span.source_text),
                unit="words" if words else "tokens", aligned_tokens=span.tokens,
            ))
        out.sort(key=lambda m: (-m.tokens, m.output_start, m.source))
        return out
