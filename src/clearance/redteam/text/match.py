# SPDX-License-Identifier: Apache-2.0
"""Find the spans of one output that copy indexed sources: candidates, exact verification.

1. Every run of ``k`` tokens of the output is looked up among the index's fingerprints
   (winnowing guarantees that a shared run of ``k + w - 1`` tokens shares one).
2. Hits are grouped per source along diagonals (source position - output position); the
   strongest groups are verified against the source's own text.
3. Verification compares token by token along each diagonal, keeps exact runs of at least
   ``min_run`` tokens, and chains runs separated by at most ``max_gap`` tokens (a substituted,
   inserted or dropped word), so a copy with a word changed every 60 still reads as one span.
   Every run in a reported span is checked again on the normalised token strings, so a hash
   collision can never produce a span that is not in the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from clearance.redteam.text.shard import SegmentText, Shard
from clearance.redteam.text.tokens import PLACEHOLDER, Tokens, char_spans, token_strings

__all__ = ["MatchParams", "Run", "Span", "find_spans"]


@dataclass(frozen=True, slots=True)
class MatchParams:
    """How candidates are verified and chained (thresholds are applied by the caller)."""

    min_run: int = 4  # shortest exact run a chained span may contain
    max_gap: int = 3  # tokens skipped between runs (substitutions, insertions, deletions)
    max_postings: int = 64  # source positions read per fingerprint (boilerplate cap)
    max_candidates: int = 24  # source diagonals verified per output and shard
    min_distinct: int = 10  # different tokens a reported span must hold
    min_hits: int = 1  # fingerprint hits a source diagonal needs before it is verified
    rare: int = 4  # a lone hit is verified only when its k-gram occurs at most this often


@dataclass(frozen=True, slots=True)
class Run:
    """One exact run: output tokens [q, q + n) equal source tokens [s, s + n)."""

    q: int
    s: int
    n: int


@dataclass(frozen=True, slots=True)
class Span:
    """A verified span of an output that copies one source (token and character offsets)."""

    shard: int
    doc: int
    tokens: int  # aligned (equal) tokens
    words: int  # whitespace-separated words of the output holding aligned tokens
    longest: int  # longest exact run, in tokens
    out_tok: tuple[int, int]
    src_tok: tuple[int, int]  # positions within the source (0 = its first token)
    output_start: int
    output_end: int
    source_start: int
    source_end: int
    longest_chars: int
    source_text: str  # the source's text over the span

    def to_dict(self) -> dict[str, Any]:
        """Return the span's fields as a dict."""
        return {f: getattr(self, f) for f in self.__slots__}


def _runs(out_h: npt.NDArray[np.uint64], src_h: npt.NDArray[np.uint64], lo: int, diag: int,
          min_run: int) -> list[Run]:
    """Return exact runs along one diagonal (source position = output position + diag)."""
    q0 = max(0, lo - diag)
    q1 = min(out_h.shape[0], lo + src_h.shape[0] - diag)
    if q1 - q0 < min_run:
        return []
    eq = out_h[q0:q1] == src_h[q0 + diag - lo : q1 + diag - lo]
    edges = np.diff(np.concatenate([[0], eq.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    keep = stops - starts >= min_run
    return [Run(int(a) + q0, int(a) + q0 + diag, int(b - a))
            for a, b in zip(starts[keep], stops[keep], strict=True)]


def _chain(runs: list[Run], max_gap: int, min_run: int) -> list[list[Run]]:
    """Return chains of runs, each following the previous within ``max_gap`` tokens."""
    chains: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.q, -r.n)):
        if chains:
            last = chains[-1][-1]
            end_q, end_s = last.q + last.n, last.s + last.n
            if run.q + run.n <= end_q:
                continue  # inside the chain already
            if run.q < end_q:  # overlapping: keep only the part after the chain
                cut = end_q - run.q
                run = Run(run.q + cut, run.s + cut, run.n - cut)
                if run.n < min_run:
                    continue
            if run.q - end_q <= max_gap and 0 <= run.s - end_s <= max_gap:
                chains[-1].append(run)
                continue
        chains.append([run])
    return chains


def _exact(out_norm: bytes, out_toks: Tokens, seg: SegmentText, seg_norm: bytes,
           run: Run) -> bool:
    """Return True when the run's tokens are equal as strings (identifiers hidden by the
    ``code-ids`` profile compare equal whatever their names)."""
    a = token_strings(out_norm, out_toks, run.q, run.q + run.n)
    lo = run.s - seg.first_token
    b = token_strings(seg_norm, seg.tokens, lo, lo + run.n)
    hidden = out_toks.hashes[run.q : run.q + run.n] == PLACEHOLDER
    return all(x == y or h for x, y, h in zip(a, b, hidden.tolist(), strict=True))


def _informative(toks: Tokens, chain: list[Run], min_distinct: int) -> bool:
    """Return True when a chain holds at least ``min_distinct`` different tokens (a ruler of
    dashes or a run of placeholders is not evidence of copying)."""
    seen = np.unique(np.concatenate([toks.hashes[r.q : r.q + r.n] for r in chain]))
    return int((seen != PLACEHOLDER).sum()) >= min_distinct


def _candidates(q: npt.NDArray[np.int64], pos: npt.NDArray[np.int64], docs: npt.NDArray[np.int64],
                postings: npt.NDArray[np.int64],
                params: MatchParams) -> list[tuple[int, list[int]]]:
    """Return (doc, diagonals) groups, the best supported first.

    A group of one hit whose k-gram is common in the index (a frequent phrase) is chance, not
    a copy, and is dropped: a copied span of any length holds a rarer fingerprint or several.
    """
    diag = pos - q
    order = np.lexsort((diag, docs))
    docs, diag, postings = docs[order], diag[order], postings[order]
    new = np.ones(docs.shape[0], dtype=bool)
    new[1:] = (docs[1:] != docs[:-1]) | (np.diff(diag) > params.max_gap)
    group = np.cumsum(new) - 1
    sizes = np.bincount(group)
    rarest = np.full(sizes.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(rarest, group, postings)
    ok = (sizes >= max(2, params.min_hits)) | ((sizes >= params.min_hits)
                                              & (rarest <= params.rare))
    ranked = np.argsort(-sizes, kind="stable")
    best = ranked[ok[ranked]][: params.max_candidates]
    out = []
    for g in best.tolist():
        members = np.flatnonzero(group == g)
        out.append((int(docs[members[0]]), sorted(set(diag[members].tolist()))))
    return out


def word_ids(normalized: bytes, toks: Tokens) -> npt.NDArray[np.int64]:
    """Return, per token, the index of the whitespace-separated word it belongs to."""
    buf = np.frombuffer(normalized, dtype=np.uint8)
    space = (buf == 32) | (buf == 10) | (buf == 9) | (buf == 13) | (buf == 12) | (buf == 11)
    return np.cumsum(space)[toks.starts] if len(toks) else np.zeros(0, dtype=np.int64)


def find_spans(shards: list[Shard], text: str, normalized: str, toks: Tokens,
               grams: npt.NDArray[np.uint64], params: MatchParams) -> list[tuple[Span, int]]:
    """Return the verified chained spans of one output in every shard, with their shard."""
    out_norm = normalized.encode("utf-8")
    words = word_ids(out_norm, toks)
    found: list[tuple[Span, int]] = []
    n_out = len(toks)
    for si, shard in enumerate(shards):
        q, pos, postings = shard.lookup(grams, params.max_postings)
        if q.shape[0] == 0:
            continue
        docs = shard.doc_of(pos)
        seen: set[tuple[int, int, int]] = set()
        for doc, diags in _candidates(q, pos, docs, postings, params):
            first, end = shard.doc_tokens(doc)
            lo = max(first, min(diags) - params.max_gap)
            hi = min(end, max(diags) + n_out + params.max_gap)
            seg = shard.text_between(doc, lo, hi)
            src_h = seg.tokens.hashes
            base = seg.first_token
            runs: list[Run] = []
            near = {d + e for d in diags for e in range(-params.max_gap, params.max_gap + 1)}
            for d in sorted(near):
                runs.extend(_runs(toks.hashes, src_h, base, d, params.min_run))
            seg_norm = seg.normalized.encode("utf-8")
            for chain in _chain(runs, params.max_gap, params.min_run):
                chain = [r for r in chain if _exact(out_norm, toks, seg, seg_norm, r)]
                if not chain or not _informative(toks, chain, params.min_distinct):
                    continue
                key = (doc, chain[0].q, chain[-1].q + chain[-1].n)
                if key in seen:
                    continue
                seen.add(key)
                found.append((_span(si, doc, first, chain, text, normalized, toks, seg, words),
                              si))
    return found


def _span(si: int, doc: int, first: int, chain: list[Run], text: str, normalized: str,
          toks: Tokens, seg: SegmentText, words: npt.NDArray[np.int64]) -> Span:
    qa, qb = chain[0].q, chain[-1].q + chain[-1].n
    sa, sb = chain[0].s, chain[-1].s + chain[-1].n
    longest = max(chain, key=lambda r: r.n)
    ends = [qb - 1, longest.q + longest.n - 1]
    oc0, oc1 = char_spans(text, normalized, toks.starts[[qa, longest.q]], toks.ends[ends])
    rel = np.array([sa - seg.first_token, sb - 1 - seg.first_token])
    sc0, sc1 = char_spans(seg.original, seg.normalized, seg.tokens.starts[rel[:1]],
                          seg.tokens.ends[rel[1:]])
    s0, s1 = int(sc0[0]), int(sc1[0])
    return Span(
        shard=si, doc=doc, tokens=sum(r.n for r in chain),
        words=len(np.unique(np.concatenate([words[r.q : r.q + r.n] for r in chain]))),
        longest=longest.n,
        out_tok=(qa, qb), src_tok=(sa - first, sb - first),
        output_start=int(oc0[0]), output_end=int(oc1[0]),
        source_start=seg.char_start + s0, source_end=seg.char_start + s1,
        longest_chars=int(oc1[1] - oc0[1]), source_text=seg.original[s0:s1],
    )
