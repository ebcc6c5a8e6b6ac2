# SPDX-License-Identifier: Apache-2.0
"""Acceptance: recall and false positives on real documents the project did not write.

Spans of >= 60 words from the Python documentation are embedded in unrelated licence text,
verbatim, upper-cased, re-wrapped, with typographic quotes and dashes, and with one word
substituted every 60; each must be found and attributed to its source >= 99% of the time.
Spans under 30 words and unrelated text must give no match at all at the default threshold.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from clearance.redteam.text.index import Match, TextIndex
from tests.redteam.conftest import LICENSES

#: Licence texts that share nothing with the Python docs (BSD does: the docs quote it).
UNRELATED = ("Apache-2.0", "GPL-3", "GFDL-1.3", "MPL-2.0", "Artistic", "LGPL-2.1", "CC0-1.0")
_WORD = re.compile(r"\S+")
_ALPHA = re.compile(r"^[A-Za-z]+$")


def _unrelated_words() -> list[str]:
    words: list[str] = []
    for name in UNRELATED:
        words.extend((LICENSES / name).read_text(encoding="utf-8").split())
    return words


def _upper(text: str, rng: random.Random) -> str:
    return text.upper()


def _rewrap(text: str, rng: random.Random) -> str:
    return re.sub(r"\s+", lambda m: rng.choice([" ", "\n", "\n\n   ", "\t", "  \n"]), text)


def _typographic(text: str, rng: random.Random) -> str:
    quotes = iter(["\u201c", "\u201d"] * len(text))
    text = re.sub('"', lambda m: next(quotes), text)
    text = text.replace("'", "\u2019").replace("--", "\u2013").replace("-", "\u2014")
    return text.replace("...", "\u2026")


def _substitute(text: str, rng: random.Random, every: int = 60) -> str:
    """Replace one alphabetic word in every run of ``every`` words with an unrelated word."""
    spans = list(_WORD.finditer(text))
    out, at = [], 0
    for block in range(0, len(spans), every):
        group = spans[block + every // 2 : block + every]
        target = next((m for m in group if _ALPHA.match(m.group())), None)
        if target is None:
            continue
        out.append(text[at : target.start()])
        out.append(rng.choice(["zebra", "quantum", "harbour", "violet", "meadow"]))
        at = target.end()
    out.append(text[at:])
    return "".join(out)


def _all(text: str, rng: random.Random) -> str:
    return _typographic(_rewrap(_substitute(text.upper(), rng), rng), rng)


VARIANTS: dict[str, Callable[[str, random.Random], str]] = {
    "verbatim": lambda t, r: t,
    "upper": _upper,
    "rewrapped": _rewrap,
    "typographic": _typographic,
    "substituted": _substitute,
    "all": _all,
}


def _pick_span(index: TextIndex, rng: random.Random, words: tuple[int, int],
               min_words: int = 0) -> tuple[str, str]:
    sources = [s for s in index.sources() if s["tokens"] > 400]
    while True:
        src = rng.choice(sources)
        text = index.source_text(src["id"])
        spans = list(_WORD.finditer(text))
        n = rng.randint(*words)
        if len(spans) <= n + 1:
            continue
        i = rng.randrange(0, len(spans) - n)
        piece = text[spans[i].start() : spans[i + n - 1].end()]
        words_ = sum(1 for w in piece.split() if re.search(r"[^\W_]", w))
        if words_ >= min_words:
            return src["id"], piece


def _embed(rng: random.Random, filler: list[str], piece: str) -> tuple[str, int, int]:
    a = rng.randrange(0, len(filler) - 400)
    before = " ".join(filler[a : a + rng.randint(40, 200)])
    b = rng.randrange(0, len(filler) - 400)
    after = " ".join(filler[b : b + rng.randint(40, 200)])
    text = f"{before}\n\n{piece}\n\n{after}"
    start = len(before) + 2
    return text, start, start + len(piece)


def _inside(m: Match, start: int, end: int) -> bool:
    overlap = min(end, m.output_end) - max(start, m.output_start)
    return overlap >= 0.9 * (m.output_end - m.output_start)


@pytest.mark.slow
def test_recall_of_long_spans_on_real_documents(docs_index: TextIndex) -> None:
    rng = random.Random(13)
    filler = _unrelated_words()
    trials = misses = 0
    failed: list[str] = []
    for name, variant in VARIANTS.items():
        for _ in range(70):
            source, piece = _pick_span(docs_index, rng, (60, 140), min_words=62)
            changed = variant(piece, rng)
            text, start, end = _embed(rng, filler, changed)
            matches = docs_index.check(text)
            # attributed to its source, and the span lies in the inserted piece (it may take in
            # a neighbouring word that happens to continue the source)
            hit = any(m.source == source and m.tokens >= 50 and _inside(m, start, end)
                      for m in matches)
            trials += 1
            if not hit:
                misses += 1
                failed.append(f"{name}: {source}: {changed[:80]!r}")
    assert trials == 420
    assert (trials - misses) / trials >= 0.99, failed


def test_found_spans_are_real_and_located(docs_index: TextIndex) -> None:
    rng = random.Random(7)
    filler = _unrelated_words()
    for _ in range(20):
        source, piece = _pick_span(docs_index, rng, (70, 90), min_words=70)
        text, start, end = _embed(rng, filler, piece)
        best = next(m for m in docs_index.check(text) if m.source == source)
        # verbatim: the span runs from the piece's first word to its last
        alnum = [m.span() for m in re.finditer(r"[^\W_]+", piece)]
        assert best.output_start == start + alnum[0][0]
        assert best.output_end == start + alnum[-1][1]
        src_text = docs_index.source_text(source)
        assert src_text[best.source_start : best.source_end] == text[best.output_start :
                                                                      best.output_end]
        assert best.coverage == 1.0 and best.longest_tokens == best.aligned_tokens


def test_short_spans_and_unrelated_text_are_not_flagged(docs_index: TextIndex) -> None:
    rng = random.Random(29)
    filler = _unrelated_words()
    flagged = []
    for i in range(300):
        source, piece = _pick_span(docs_index, rng, (8, 29))
        variant = list(VARIANTS.values())[i % len(VARIANTS)]
        text, _, _ = _embed(rng, filler, variant(piece, rng))
        if docs_index.check(text):
            flagged.append(piece)
    for name in UNRELATED:
        if docs_index.check((LICENSES / name).read_text(encoding="utf-8")):
            flagged.append(name)
    # shuffled words of the corpus itself: same vocabulary, no copied run
    words = docs_index.source_text("library/functions.rst.txt").split()
    for _ in range(20):
        rng.shuffle(words)
        if docs_index.check(" ".join(words[:800])):
            flagged.append("shuffled")
    assert flagged == []


def test_a_quoted_licence_is_found_in_the_document_that_quotes_it(docs_index: TextIndex) -> None:
    matches = docs_index.check((LICENSES / "BSD").read_text(encoding="utf-8"))
    assert matches and matches[0].source == "license.rst.txt"
    assert matches[0].tokens >= 150
