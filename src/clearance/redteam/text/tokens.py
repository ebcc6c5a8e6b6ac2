# SPDX-License-Identifier: Apache-2.0
"""Normalisation and tokens: the one definition of "the same text" for index, check and probes.

A profile says what survives normalisation:

- ``text`` (default): Unicode NFKC, case folding, and only words count. A token is a run of
  letters and digits; punctuation, quotes, dashes, whitespace and line breaks separate tokens
  and are otherwise ignored, so upper case, re-wrapped lines, typographic quotes and dashes do
  not hide a copy. Ideographs (CJK, kana) are one token each, as those scripts have no spaces.
- ``code``: as ``text`` but ``_`` belongs to words and every ASCII punctuation character is a
  token of its own, so operators and brackets count (closer to a BPE token count).
- ``code-ids``: as ``code`` with every identifier replaced by one placeholder, so renaming
  variables does not hide a copy (keywords, numbers and punctuation stay).

Tokens are hashed with a polynomial hash over the normalised UTF-8 bytes, mixed by SplitMix64,
vectorised in numpy (no Python object per token). :func:`tokenize` also returns each token's
byte span in the normalised text; :func:`char_spans` maps those to character offsets in the
original text for reports.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "PLACEHOLDER",
    "PROFILES",
    "Tokens",
    "char_spans",
    "kgram_hashes",
    "mix64",
    "normalize",
    "token_strings",
    "tokenize",
    "winnow",
]

PROFILES: Final[tuple[str, ...]] = ("text", "code", "code-ids")
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_P: Final = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier of the byte polynomial
_Q: Final = np.uint64(0xC2B2AE3D27D4EB4F)  # odd multiplier of the k-gram polynomial
_M1: Final = np.uint64(0xBF58476D1CE4E5B9)
_M2: Final = np.uint64(0x94D049BB133111EB)
PLACEHOLDER: Final = np.uint64(0x5EED_1DE7_1F1E_5EED)
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-",
})  # fmt: skip
#: Keywords of common languages: kept as themselves by the ``code-ids`` profile.
CODE_KEYWORDS: Final = frozenset("""
abstract and as assert async await auto bool boolean break byte case catch char class const
continue def default del delete do double elif else enum except export extends extern false
final finally float fn for from func function global go goto if impl implements import in
instanceof int interface is lambda let long loop match mod module mut namespace new nil none
nonlocal not null or package pass private protected pub public raise register return self
short signed sizeof static struct super switch synchronized template this throw throws trait
true try type typedef typeof union unsafe unsigned use using var void volatile where while
with yield
""".split())


def _lut(profile: str) -> npt.NDArray[np.uint8]:
    """Return the classes of ASCII bytes: 0 separator, 1 word byte, 4 punctuation token."""
    lut = np.zeros(256, dtype=np.uint8)
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        lut[c] = 1
    lut[0x80:] = 1  # bytes of non-ASCII characters: classified per character in _spans
    if profile != "text":
        lut[ord("_")] = 1
        for c in b"!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~":
            lut[c] = 4
    return lut


@functools.lru_cache(maxsize=1 << 16)
def _char_class(cp: int) -> int:
    """Return 0 (separator), 1 (word) or 2 (a token on its own: ideographs, kana)."""
    ch = chr(cp)
    if not ch.isalnum():
        return 0
    if 0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or cp >= 0x20000:
        return 2
    return 1


_LUTS: Final = {p: _lut(p) for p in PROFILES}


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")


def normalize(text: str, profile: str = "text") -> str:
    """Return ``text`` normalised for matching: NFKC, case-folded (and, for code profiles,
    typographic quotes and dashes as their ASCII forms)."""
    _check_profile(profile)
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    return text.translate(_QUOTES) if profile != "text" else text


@functools.cache
def _powers(n: int) -> tuple[U64, U64]:
    """Return P**i and P**-i (mod 2**64) for i < n."""
    inv = pow(int(_P), -1, 1 << 64)
    pw = np.full(n, _P, dtype=np.uint64)
    pw[0] = 1
    np.cumprod(pw, out=pw)
    ip = np.full(n, np.uint64(inv), dtype=np.uint64)
    ip[0] = 1
    np.cumprod(ip, out=ip)
    return pw, ip


def _pow_tables(n: int) -> tuple[U64, U64]:
    size = 1 << max(16, (n + 1 - 1).bit_length())
    return _powers(size)


def mix64(x: U64) -> U64:
    """Return SplitMix64's finaliser applied to every element (a bijection on uint64)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * _M1
        x = x ^ (x >> np.uint64(27))
        x = x * _M2
        return x ^ (x >> np.uint64(31))


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one normalised text: hashes and byte spans ``[start, end)``."""

    hashes: U64
    starts: I64
    ends: I64

    def __len__(self) -> int:
        return int(self.hashes.shape[0])


def _classify_non_ascii(buf: npt.NDArray[np.uint8], cls: npt.NDArray[np.uint8]) -> None:
    """Set the class of the bytes of every non-ASCII character (3 = a token on its own)."""
    lead = np.flatnonzero(buf >= 0xC0)
    if lead.shape[0] == 0:
        return
    n = buf.shape[0]
    b0 = buf[lead].astype(np.int64)
    width = np.where(b0 >= 0xF0, 4, np.where(b0 >= 0xE0, 3, 2))
    cp = np.where(width == 2, b0 & 0x1F, np.where(width == 3, b0 & 0x0F, b0 & 0x07))
    for j in range(1, 4):
        nxt = buf[np.minimum(lead + j, n - 1)].astype(np.int64) & 0x3F
        cp = np.where(width > j, (cp << 6) | nxt, cp)
    codes, inverse = np.unique(cp, return_inverse=True)
    kinds = np.array([_char_class(int(c)) for c in codes], dtype=np.uint8)[inverse]
    kinds = np.where(kinds == 2, 3, kinds).astype(np.uint8)
    for j in range(4):
        at = lead + j
        ok = (width > j) & (at < n)
        cls[at[ok]] = kinds[ok]
    # the last byte of a solo character ends its token: mark it 5
    last = np.minimum(lead + width - 1, n - 1)
    solo = kinds == 3
    cls[last[solo]] = np.where(width[solo] == 1, 3, 5)


def _spans(buf: npt.NDArray[np.uint8], profile: str) -> tuple[I64, I64]:
    cls = _LUTS[profile][buf]
    if buf.shape[0] and int(buf.max()) >= 0x80:
        _classify_non_ascii(buf, cls)
    n = buf.shape[0]
    # a break before byte i: after a separator, after a solo token's last byte, or before a
    # solo token's first byte (ASCII punctuation in code, an ideograph's lead byte)
    punct = cls == 4
    if punct.any():  # a run of one punctuation character ("----", "====") is one token
        same = np.zeros(n, dtype=bool)
        same[1:] = punct[1:] & (buf[1:] == buf[:-1])
        cls = np.where(same, np.uint8(6), cls)
        punct &= ~same
    word = cls != 0
    solo_start = punct
    nxt_same = np.zeros(n, dtype=bool)
    nxt_same[:-1] = cls[1:] == 6
    solo_end = (punct & ~nxt_same) | (cls == 6) & ~nxt_same | (cls == 5)
    if (cls == 3).any() or (cls == 5).any():
        solo_start |= ((cls == 3) | (cls == 5)) & (buf >= 0xC0)
    brk = np.empty(n, dtype=bool)
    brk[0] = True
    np.logical_or(~word[:-1], solo_end[:-1], out=brk[1:])
    brk |= solo_start
    start = word & brk
    stop = np.empty(n + 1, dtype=bool)
    stop[0] = False
    stop[1:n] = word[:-1] & (~word[1:] | start[1:])
    stop[n] = bool(word[-1])
    return np.flatnonzero(start), np.flatnonzero(stop)


def tokenize(normalized: str | bytes, profile: str = "text") -> Tokens:
    """Return the tokens of an already normalised text (see :func:`normalize`)."""
    _check_profile(profile)
    data = normalized.encode("utf-8") if isinstance(normalized, str) else normalized
    if not data:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(np.zeros(0, dtype=np.uint64), empty, empty)
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends = _spans(buf, profile)
    pw, ip = _pow_tables(buf.shape[0] + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(buf.shape[0] + 1, dtype=np.uint64)
        prefix[0] = 0
        np.cumsum(buf.astype(np.uint64) * pw[: buf.shape[0]], out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * ip[starts]
        hashes = mix64(raw + (ends - starts).astype(np.uint64))
    if profile == "code-ids" and hashes.shape[0]:
        hashes = _hide_identifiers(buf, starts, hashes)
    return Tokens(hashes, starts.astype(np.int64), ends.astype(np.int64))


@functools.cache
def _keyword_hashes() -> U64:
    return np.unique(np.concatenate([tokenize(k, "code").hashes for k in CODE_KEYWORDS]))


def _hide_identifiers(buf: npt.NDArray[np.uint8], starts: I64, hashes: U64) -> U64:
    first = buf[starts]
    letter = (first >= ord("a")) & (first <= ord("z")) | (first == ord("_")) | (first >= 0x80)
    ident = letter & ~np.isin(hashes, _keyword_hashes())
    return np.where(ident, PLACEHOLDER, hashes)


def kgram_hashes(hashes: U64, k: int) -> U64:
    """Return the hash of every run of ``k`` consecutive tokens (``len - k + 1`` values)."""
    n = hashes.shape[0] - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = hashes[:n].copy()
        for t in range(1, k):
            acc *= _Q
            acc += hashes[t : t + n]
        return mix64(acc)


def _sliding(values: U64, w: int, op: np.ufunc) -> U64:
    """Return op over every window of ``w`` values (van Herk / Gil-Werman, O(n))."""
    n = values.shape[0]
    pad = (-n) % w
    fill = np.iinfo(np.uint64).max if op is np.minimum else 0
    padded = np.concatenate([values, np.full(pad, fill, dtype=np.uint64)]).reshape(-1, w)
    fwd = op.accumulate(padded, axis=1).ravel()
    bwd = op.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    return op(bwd[: n - w + 1], fwd[w - 1 : n])  # type: ignore[no-any-return]


def winnow(grams: U64, w: int) -> I64:
    """Return the positions winnowing keeps: the minimum of every window of ``w`` hashes.

    Any run of at least ``w`` k-grams shared with another text shares one kept position.
    """
    n = grams.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= w:
        return np.array([int(np.argmin(grams))], dtype=np.int64)
    mins = _sliding(grams, w, np.minimum)
    # a position is kept when it equals the largest minimum among the windows that hold it
    padded = np.concatenate([np.zeros(w - 1, dtype=np.uint64), mins,
                             np.zeros(w - 1, dtype=np.uint64)])
    best = _sliding(padded, w, np.maximum)
    return np.flatnonzero(grams == best).astype(np.int64)


def token_strings(normalized: bytes, tokens: Tokens, lo: int, hi: int) -> list[bytes]:
    """Return the normalised bytes of tokens ``lo..hi`` (for exact, hash-free comparison)."""
    return [normalized[s:e] for s, e in zip(tokens.starts[lo:hi].tolist(),
                                            tokens.ends[lo:hi].tolist(), strict=True)]


@functools.lru_cache(maxsize=1 << 16)
def _width(cp: int) -> int:
    """Return how many characters one character becomes when normalised on its own."""
    return len(normalize(chr(cp)))


def char_spans(original: str, normalized: str, starts: I64, ends: I64) -> tuple[I64, I64]:
    """Return character offsets in ``original`` of byte spans in ``normalized``.

    Exact when normalisation kept every character's length (ASCII text, most Latin text);
    otherwise each character's normalised width maps offsets, which can be off by a few
    characters around combining sequences (the spans stay within the right words).
    """
    nbytes = np.frombuffer(normalized.encode("utf-8"), dtype=np.uint8)
    # character index of every byte offset of the normalised text
    is_start = (nbytes & 0xC0) != 0x80
    char_at = np.concatenate([[0], np.cumsum(is_start)]).astype(np.int64)
    cs, ce = char_at[starts], char_at[ends]
    if original.isascii():
        return cs, ce
    cps = np.frombuffer(original.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    widths = np.ones(cps.shape[0], dtype=np.int64)
    wide = np.flatnonzero(cps >= 0x80)
    if wide.shape[0]:
        codes, inverse = np.unique(cps[wide], return_inverse=True)
        widths[wide] = np.array([_width(int(c)) for c in codes], dtype=np.int64)[inverse]
    # first normalised character of each original character
    first = np.concatenate([[0], np.cumsum(widths)])
    n = len(original)
    o_start = np.clip(np.searchsorted(first, cs, side="right") - 1, 0, n)
    o_end = np.clip(np.searchsorted(first, ce, side="left"), 0, n)
    return o_start, np.maximum(o_end, o_start)
